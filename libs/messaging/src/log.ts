export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Where messaging reports what it does. The observability library may pass its own; the default writes JSON lines to stderr. */
export type MessagingLog = (level: LogLevel, message: string, fields?: Record<string, unknown>) => void;

const rank: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export function jsonStderrLog(minimum: LogLevel = 'warn'): MessagingLog {
  return (level, message, fields = {}) => {
    if (rank[level] < rank[minimum]) return;
    process.stderr.write(`${JSON.stringify({ level, time: new Date().toISOString(), logger: 'gantry-messaging', message, ...fields })}\n`);
  };
}

export function errorFields(error: unknown): Record<string, unknown> {
  if (error instanceof Error) return { error: error.message, errorName: error.name };
  return { error: String(error) };
}
