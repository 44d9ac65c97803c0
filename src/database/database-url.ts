import pg from 'pg';

/** Text that replaces a password in a logged database URL. */
const REDACTED_PASSWORD = '***';

/** Text logged in place of a database URL that the WHATWG URL parser rejects. */
const UNPARSABLE_DATABASE_URL = '[unparsable database URL]';

/**
 * Returns the database URL with the password of its user info and of a `password` query
 * parameter replaced by `***`, for logs and error messages. A URL that does not parse gives a
 * placeholder, because it could hold the password anywhere.
 */
export function redactDatabaseUrl(databaseUrl: string): string {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    return UNPARSABLE_DATABASE_URL;
  }
  if (url.password) url.password = REDACTED_PASSWORD;
  if (url.searchParams.has('password')) url.searchParams.set('password', REDACTED_PASSWORD);
  return url.toString();
}

/** The server and database that a PostgreSQL URL connects to. */
export interface DatabaseTarget {
  database: string;
  /** `host:port`, or the socket folder and port for a Unix socket. */
  server: string;
  user: string;
}

/**
 * Returns the server, database and user that node-postgres connects to for `databaseUrl`. Parts
 * that the URL leaves out come from the PG* environment variables, else from node-postgres's
 * defaults (such as localhost and 5432).
 */
export function describeDatabaseTarget(databaseUrl: string): DatabaseTarget {
  const client = new pg.Client({ connectionString: databaseUrl });
  return { database: client.database ?? '', server: `${client.host}:${client.port}`, user: client.user ?? String(pg.defaults.user ?? '') };
}

/** Returns `databaseUrl` with its database replaced by `database`; every other part stays. */
export function withDatabase(databaseUrl: string, database: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}
