import type { LoggerService, LogLevel as NestLogLevel } from '@nestjs/common';
import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import { isEnabled, parseLogLevel, type LogLevel } from './log-level';

export interface JsonLoggerOptions {
  /** default: LOG_LEVEL, else `info` */
  level?: LogLevel;
  /** where lines go; default stdout */
  write?: (line: string) => void;
}

const NEST_LEVELS: Record<NestLogLevel, LogLevel> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

/** Fields every line owns; a logged object cannot overwrite them. */
const RESERVED = new Set(['time', 'level', 'service', 'context', 'msg', 'trace_id', 'span_id', 'err']);

/**
 * Structured logs: one JSON object per line on stdout, with the active trace and span ids so a line can be found
 * from a trace. Errors carry their name and message; stacks only when debug is on. Works as Nest's logger.
 */
export class JsonLogger implements LoggerService {
  private threshold: LogLevel;
  private enabled?: ReadonlySet<LogLevel>;
  private readonly write: (line: string) => void;

  constructor(
    readonly service: string,
    options: JsonLoggerOptions = {},
  ) {
    this.threshold = options.level ?? parseLogLevel(process.env.LOG_LEVEL);
    this.write = options.write ?? ((line) => void process.stdout.write(line));
  }

  log(message: unknown, ...params: unknown[]): void {
    this.emit('info', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.emit('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.emit('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.emit('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.emit('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.emit('fatal', message, params);
  }

  /** Nest calls this with `logger: [...]` options; an explicit list wins over LOG_LEVEL. */
  setLogLevels(levels: NestLogLevel[]): void {
    this.enabled = new Set(levels.map((level) => NEST_LEVELS[level]));
  }

  isLevelEnabled(level: LogLevel): boolean {
    return this.enabled ? this.enabled.has(level) : isEnabled(level, this.threshold);
  }

  private emit(level: LogLevel, message: unknown, params: unknown[]): void {
    if (!this.isLevelEnabled(level)) return;
    // Nest passes (message, context) or, for errors, (message, stack, context): the context comes last.
    const rest = [...params];
    const logContext = rest.length > 0 && typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    const stack = level === 'error' || level === 'fatal' ? rest.find((p): p is string => typeof p === 'string') : undefined;
    const error = [message, ...rest].find((p): p is Error => p instanceof Error);

    const line: Record<string, unknown> = {
      time: new Date().toISOString(),
      level,
      service: this.service,
      ...(logContext ? { context: logContext } : {}),
      msg: message instanceof Error ? message.message : typeof message === 'string' ? message : undefined,
    };
    if (message !== null && typeof message === 'object' && !(message instanceof Error)) {
      for (const [key, value] of Object.entries(message)) if (!RESERVED.has(key) || key === 'msg') line[key] = value;
    }
    const span = trace.getSpan(context.active())?.spanContext();
    if (span && isSpanContextValid(span)) {
      line.trace_id = span.traceId;
      line.span_id = span.spanId;
    }
    const withStack = this.isLevelEnabled('debug');
    if (error) {
      line.err = { name: error.name, message: error.message, ...(withStack && error.stack ? { stack: error.stack } : {}) };
    } else if (stack && withStack) {
      line.err = { stack };
    }
    this.write(`${safeStringify(line)}\n`);
  }
}

/** JSON.stringify that survives cycles and bigints: a log line must never throw. */
function safeStringify(value: unknown): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return v.toString();
    if (v !== null && typeof v === 'object') {
      if (seen.has(v)) return '[circular]';
      seen.add(v);
    }
    return v;
  });
}
