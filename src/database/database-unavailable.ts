import { ConnectionException } from '@mikro-orm/core';

/** Message for an API request that failed because the database could not serve it. */
export const DATABASE_UNAVAILABLE_MESSAGE =
  'The database is unavailable, so docpush could not complete this request. Retry it once /readyz reports ready again; ' +
  'a write whose commit was under way when the connection failed may already be stored.';

/**
 * Message for an API request that got no database connection in time. The pool cannot tell a
 * database that does not respond from a pool whose connections all stayed busy, so it names both.
 */
export const NO_DATABASE_CONNECTION_MESSAGE =
  'docpush got no database connection within DOCPUSH_DB_ACQUIRE_TIMEOUT: the database did not respond, or all DOCPUSH_DB_POOL_SIZE ' +
  'connections of this process stayed busy. Retry the request later. If /readyz reports ready and this repeats under load, ' +
  'raise DOCPUSH_DB_POOL_SIZE or DOCPUSH_DB_ACQUIRE_TIMEOUT.';

/** Returns the message for an API request that failed because `error` made the database unavailable to it. */
export function databaseUnavailableMessage(error: unknown): string {
  return isConnectionTimeout(error) ? NO_DATABASE_CONNECTION_MESSAGE : DATABASE_UNAVAILABLE_MESSAGE;
}

/** SQLSTATEs that end a session or reject a new one: admin or crash shutdown, a server still starting, too many connections. */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);

/** Socket errors of a connection that node-postgres could not open or lost. */
const NETWORK_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

/**
 * Messages of node-postgres 8 and pg-pool 3 for a lost connection, which carry no code. knex 3
 * prefixes the message of a failed query with the query's SQL and " - ".
 */
const LOST_CONNECTION_MESSAGE = /(^| - )Connection terminated/;

/**
 * Messages, without a code, of a connection that did not open or was not free in time:
 * node-postgres 8's "timeout expired" when connectionTimeoutMillis runs out, pg-pool 3's two, and
 * knex 3's KnexTimeoutError when the pool's create or acquire time-out runs out. MikroORM wraps
 * the last in a DriverException that keeps the message. The SQL prefix of knex may precede them.
 */
const CONNECTION_TIMEOUT_MESSAGE =
  /(^| - )(timeout expired$|timeout exceeded when trying to connect|Connection terminated due to connection timeout|Knex: Timeout acquiring a connection)/;

interface DatabaseErrorFields {
  code?: unknown;
  severity?: unknown;
  message?: unknown;
}

/**
 * Tells whether `error` means that the database cannot serve this process now (unreachable,
 * rejecting sessions, or ending this one), as opposed to a statement that failed on its own.
 * PostgreSQL reports every error that ends the session with severity FATAL or PANIC, such as
 * "database is not currently accepting connections" (SQLSTATE 55000). A database that stops
 * responding without closing its sockets shows as a connect or acquire time-out of the pool
 * (DOCPUSH_DB_CONNECT_TIMEOUT and DOCPUSH_DB_ACQUIRE_TIMEOUT).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof ConnectionException) return true;
  if (typeof error !== 'object' || error === null) return false;

  const { code, severity, message } = error as DatabaseErrorFields;
  if (severity === 'FATAL' || severity === 'PANIC') return true;
  if (typeof code === 'string' && (code.startsWith('08') || UNAVAILABLE_SQLSTATES.has(code) || NETWORK_ERROR_CODES.has(code))) return true;
  return isConnectionTimeout(error) || (typeof message === 'string' && LOST_CONNECTION_MESSAGE.test(message));
}

/**
 * Tells whether `error` means that no database connection opened, or none of the pool's became
 * free, within its time-out (DOCPUSH_DB_CONNECT_TIMEOUT, DOCPUSH_DB_ACQUIRE_TIMEOUT). A pool that
 * stays full for that long raises it too, which is as unavailable to the caller.
 */
export function isConnectionTimeout(error: unknown): boolean {
  const { message } = (error ?? {}) as DatabaseErrorFields;
  return typeof message === 'string' && CONNECTION_TIMEOUT_MESSAGE.test(message);
}
