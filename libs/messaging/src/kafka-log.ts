import { logLevel, type LogEntry, type logCreator } from 'kafkajs';
import type { LogLevel, MessagingLog } from './log';

const levels: Partial<Record<logLevel, LogLevel>> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

// We limit the idempotent producer's retries on purpose (a send that fails is sent again by a fresh producer),
// so kafkajs's warning about it is noise.
const expected = ['Limiting retries for the idempotent producer'];

/**
 * Routes kafkajs logs to the messaging log. While a broker is down kafkajs repeats the same line many times a
 * second, so a line seen in the last `quietMs` is counted and reported with the next one instead of written.
 */
export function kafkaLogCreator(log: MessagingLog, quietMs = 5_000): logCreator {
  const lastWritten = new Map<string, { at: number; suppressed: number }>();
  return () =>
    ({ namespace, level, log: entry }: LogEntry) => {
      const { message, timestamp: _timestamp, logger: _logger, stack: _stack, ...fields } = entry as LogEntry['log'] & Record<string, unknown>;
      if (expected.some((prefix) => message.startsWith(prefix))) return;
      const line = `[kafkajs ${namespace}] ${message}`;
      const now = Date.now();
      const seen = lastWritten.get(line);
      if (seen && now - seen.at < quietMs) {
        seen.suppressed += 1;
        return;
      }
      if (lastWritten.size > 1_000) lastWritten.clear();
      lastWritten.set(line, { at: now, suppressed: 0 });
      log(levels[level] ?? 'info', line, { ...fields, ...(seen?.suppressed ? { repeatedSinceLastLine: seen.suppressed } : {}) });
    };
}
