import pino, { type Logger } from 'pino';

/**
 * Creates the process logger: JSON lines by default, pretty output when stdout is a TTY.
 * Secrets never reach it: callers log ids, never header values, keys or file data.
 */
export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  const pretty = process.stdout.isTTY && process.env.LOG_FORMAT !== 'json';
  return pino({
    level,
    base: { service: 'docpush' },
    redact: { paths: ['*.authorization', '*.secret', '*.apiKey', '*.signingSecret'], censor: '[redacted]' },
    transport: pretty ? { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l' } } : undefined,
  });
}

export type { Logger };
