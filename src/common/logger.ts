import pino, { stdSerializers, type Logger } from 'pino';
import { DriverException } from '@mikro-orm/core';
import { redactUrlsInText } from './redact-url';

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
export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info', format: 'json' | null = null): Logger {
  const pretty = process.stdout.isTTY && format !== 'json';
  return pino({
    level,
    base: { service: 'docpush' },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: { err: serializeError },
    transport: pretty ? { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l' } } : undefined,
  });
}

/**
 * Serialises an error for the log. A MikroORM driver error's message starts with the SQL and
 * its parameters, which can hold user data, sealed secrets and key hashes, so only the
 * database's own message and codes are kept. Any other error keeps its message and stack with
 * each http(s) URL in them redacted, since a listener URL can carry credentials, and its own
 * fields except a node-postgres client.
 */
export function serializeError(error: unknown): unknown {
  if (error instanceof DriverException) {
    const databaseMessage = error.message.split(' - ').pop();
    return { type: error.name, message: databaseMessage, code: error.code, sqlState: error.sqlState };
  }
  if (!(error instanceof Error)) return error;

  const serialized = stdSerializers.err(error);
  // pg-pool 3 attaches the failed connection's client to the errors of idle connections. Its
  // enumerable fields add kilobytes of socket state and the backend's cancel key to each line.
  delete serialized.client;
  serialized.message = redactUrlsInText(serialized.message);
  if (serialized.stack) serialized.stack = redactUrlsInText(serialized.stack);
  return serialized;
}

export type { Logger };
