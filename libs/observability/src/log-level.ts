/** Most severe first. `info` is Nest's `log`; `trace` is Nest's `verbose`. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const ALIASES: Record<string, LogLevel> = { log: 'info', verbose: 'trace' };

export function parseLogLevel(value: string | undefined, fallback: LogLevel = 'info'): LogLevel {
  const name = value?.trim().toLowerCase() ?? '';
  if ((LOG_LEVELS as readonly string[]).includes(name)) return name as LogLevel;
  return ALIASES[name] ?? fallback;
}

/** Whether a message at `level` is written when the threshold is `threshold`. */
export const isEnabled = (level: LogLevel, threshold: LogLevel): boolean =>
  LOG_LEVELS.indexOf(level) <= LOG_LEVELS.indexOf(threshold);
