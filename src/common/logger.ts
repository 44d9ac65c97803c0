import pino, { type Logger } from 'pino';

/**
 * Fields censored wherever a log call puts them, at the top level or one object down (such as
 * `headers.authorization`). This is a safety net: log calls still pass ids, never secrets.
 */
const REDACTED_FIELDS = ['authorization', 'secret', 'apiKey', 'signingSecret', 'connectionParams'];
const REDACTED_PATHS = REDACTED_FIELDS.flatMap((field) => [field, `*.${field}`]);

/**
 * Creates the process logger: JSON lines by default, pretty output when stdout is a TTY.
 * Secrets never reach it: callers log ids, never header values, keys or file data.
 */
export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  const pretty = process.stdout.isTTY && process.env.LOG_FORMAT !== 'json';
  return pino({
    level,
    base: { service: 'docpush' },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    transport: pretty ? { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l' } } : undefined,
  });
}

export type { Logger };
