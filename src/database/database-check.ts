import pg from 'pg';
import type { Logger } from '../common/logger';
import { describeDatabaseTarget, redactDatabaseUrl, withDatabase, type DatabaseTarget } from './database-url';
import { MIGRATIONS_TABLE } from './orm';

/**
 * Maximum wait for the first connection. Without it, a host that accepts TCP connections but
 * never responds, or drops them silently, would hold the start forever.
 */
export const DATABASE_CONNECT_TIMEOUT_MS = 10_000;

/** PostgreSQL SQLSTATE codes that the check turns into advice. */
const SQLSTATE = {
  invalidCatalogName: '3D000',
  invalidPassword: '28P01',
  invalidAuthorization: '28000',
  cannotConnectNow: '57P03',
  tooManyConnections: '53300',
  duplicateDatabase: '42P04',
  uniqueViolation: '23505',
  insufficientPrivilege: '42501',
} as const;

export interface DatabaseCheckOptions {
  /** Creates the database when it is missing (DOCPUSH_CREATE_DATABASE) instead of failing. */
  createMissing: boolean;
  logger: Logger;
  connectTimeoutMs?: number;
}

/**
 * Connects once to the database of DATABASE_URL before anything else uses it. A connection that
 * fails raises an error naming the redacted URL and what to check. A missing database fails the
 * start unless `createMissing` is set, and then it is created and a warning names it. MikroORM 6
 * would otherwise create it silently (its `ensureDatabase` option, on by default).
 */
export async function checkDatabase(databaseUrl: string, options: DatabaseCheckOptions): Promise<void> {
  const timeoutMs = options.connectTimeoutMs ?? DATABASE_CONNECT_TIMEOUT_MS;
  const target = parseTarget(databaseUrl);
  try {
    await connectOnce(databaseUrl, timeoutMs);
    return;
  } catch (error) {
    if (error instanceof WrongSchemaError) throw error;
    if (sqlState(error) !== SQLSTATE.invalidCatalogName) throw connectionFailed(databaseUrl, target, error, timeoutMs);
  }

  if (!options.createMissing) throw databaseMissing(databaseUrl, target);
  if (!(await createDatabase(databaseUrl, target, timeoutMs))) {
    options.logger.info({ database: target.database, server: target.server }, 'another process created the missing database named in DATABASE_URL at the same moment');
    return;
  }
  options.logger.warn(
    { database: target.database, server: target.server },
    'created the database named in DATABASE_URL, which did not exist, because DOCPUSH_CREATE_DATABASE is true; it starts empty',
  );
}

function parseTarget(databaseUrl: string): DatabaseTarget {
  try {
    return describeDatabaseTarget(databaseUrl);
  } catch (error) {
    throw new Error(
      `DATABASE_URL=${redactDatabaseUrl(databaseUrl)} is invalid: ${errorMessage(error)}. Use the form postgres://user:password@host:5432/database, ` +
        'with special characters in the user name or password percent-encoded.',
      { cause: error },
    );
  }
}

/** Error of a connection whose search_path would create docpush's tables apart from those of its installation. */
class WrongSchemaError extends Error {}

/**
 * Table that docpush's first migration creates, in the schema where the installation keeps its
 * tables.
 */
const FIRST_MIGRATION_TABLE = 'workspaces';

/** Connects once and checks the schema in which unqualified table names resolve (checkSchema). */
async function connectOnce(databaseUrl: string, timeoutMs: number): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: timeoutMs });
  // An error after connect() settled (the server ends the session) would otherwise crash the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await checkSchema(client, databaseUrl);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Raises WrongSchemaError when the search_path selects no existing schema, leaves out public, selects
 * a schema other than public with its own mikro_orm_migrations table, or a schema without the tables of an
 * installation that public.mikro_orm_migrations records. Migrations create
 * tables in the first existing schema of the search_path: `public` with PostgreSQL's default
 * `"$user", public`, or the schema named like the user where one exists. MikroORM 6's migrator
 * keeps its log in public.mikro_orm_migrations either way, so after a change of the search_path
 * it would apply no migration again while queries and new migrations used the other schema.
 * NOTE: a first start in a schema other than public still needs CREATE on public for that log.
 */
async function checkSchema(client: pg.Client, databaseUrl: string): Promise<void> {
  const { rows } = await client.query<{ schema: string | null; publicOnPath: boolean; hasLog: boolean; hasOtherLog: boolean }>(
    `select current_schema() as schema, 'public' = any(current_schemas(false)) as "publicOnPath",
            to_regclass('public.${MIGRATIONS_TABLE}') is not null as "hasLog",
            case when current_schema() is null or current_schema() = 'public' then false
                 else to_regclass(format('%I.%I', current_schema(), $1::text)) is not null end as "hasOtherLog"`,
    [MIGRATIONS_TABLE],
  );
  const { schema, publicOnPath, hasLog, hasOtherLog } = rows[0];
  const url = redactDatabaseUrl(databaseUrl);
  if (schema === null) {
    throw new WrongSchemaError(
      `DATABASE_URL=${url} resolves table names in no existing schema, so docpush could not create its tables. ` +
        "Put an existing schema, such as public, into the search_path (in the options parameter of DATABASE_URL, or set for the role or the database).",
    );
  }
  // The migrator creates public.mikro_orm_migrations but inserts into the unqualified name, which fails without public.
  if (!publicOnPath) {
    throw new WrongSchemaError(
      `DATABASE_URL=${url} gives a search_path without the schema "public", where MikroORM 6 keeps its log of applied migrations, so the first migration would fail. ` +
        'Add public to the search_path after the schema for the tables (in the options parameter of DATABASE_URL, or set for the role or the database).',
    );
  }
  // The migrator would read its log from public but write it here, and so apply every migration again at each start.
  if (hasOtherLog) {
    throw new WrongSchemaError(
      `DATABASE_URL=${url} resolves table names in the schema ${JSON.stringify(schema)}, which has its own ${MIGRATIONS_TABLE} table, ` +
        `but MikroORM 6 reads the log of applied migrations from public.${MIGRATIONS_TABLE}. Use a schema without that table, or put public first in the search_path.`,
    );
  }
  if (!hasLog) return;

  const schemas = await installationSchemas(client);
  if (schemas === null || schemas.includes(schema)) return;
  const found = schemas.length === 0 ? 'in no schema' : `in the schema ${schemas.map((name) => JSON.stringify(name)).join(', ')}`;
  throw new WrongSchemaError(
    `DATABASE_URL=${url} resolves table names in the schema ${JSON.stringify(schema)}, but public.${MIGRATIONS_TABLE} records an installation ` +
      `whose tables are ${found}. Set the search_path (in the options parameter of DATABASE_URL, or for the role or the database) ` +
      'back to the one the installation was made with, so that their schema is the first existing one.',
  );
}

/**
 * Returns the schemas that contain FIRST_MIGRATION_TABLE, or null when public.mikro_orm_migrations
 * records no migration yet.
 */
async function installationSchemas(client: pg.Client): Promise<string[] | null> {
  const { rows } = await client.query<{ installed: boolean; schemas: string[] }>(
    `select exists (select 1 from public.${MIGRATIONS_TABLE}) as installed,
            array(select n.nspname::text from pg_class c join pg_namespace n on n.oid = c.relnamespace
                  where c.relname = $1 and c.relkind in ('r', 'p') order by 1) as schemas`,
    [FIRST_MIGRATION_TABLE],
  );
  return rows[0].installed ? rows[0].schemas : null;
}

/**
 * Runs CREATE DATABASE through the server's `postgres` database (`template1` when the missing
 * database is `postgres` itself). Returns false when another process created it at the same
 * moment, which is not an error.
 */
async function createDatabase(databaseUrl: string, target: DatabaseTarget, timeoutMs: number): Promise<boolean> {
  const maintenanceDatabase = target.database === 'postgres' ? 'template1' : 'postgres';
  const client = new pg.Client({ connectionString: withDatabase(databaseUrl, maintenanceDatabase), connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query(`create database ${pg.escapeIdentifier(target.database)}`);
    return true;
  } catch (error) {
    const code = sqlState(error);
    if (code === SQLSTATE.duplicateDatabase || code === SQLSTATE.uniqueViolation) return false;
    const advice =
      code === SQLSTATE.insufficientPrivilege
        ? `Create it as a user with the CREATEDB privilege, or grant that privilege to "${target.user}".`
        : `Create it by hand, or check that "${target.user}" can connect to the "${maintenanceDatabase}" database.`;
    throw new Error(
      `DOCPUSH_CREATE_DATABASE is true, but creating database "${target.database}" on the PostgreSQL server ${target.server} ` +
        `(DATABASE_URL=${redactDatabaseUrl(databaseUrl)}) failed: ${errorMessage(error)}. ${advice}`,
      { cause: error },
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

function databaseMissing(databaseUrl: string, target: DatabaseTarget): Error {
  return new Error(
    `Database "${target.database}" does not exist on the PostgreSQL server ${target.server} (DATABASE_URL=${redactDatabaseUrl(databaseUrl)}). ` +
      'docpush does not create it, so that a mistyped name cannot start an empty installation. ' +
      `Correct the name in DATABASE_URL, create the database (for example CREATE DATABASE ${pg.escapeIdentifier(target.database)}), ` +
      'or set DOCPUSH_CREATE_DATABASE=true to let docpush create it.',
  );
}

/** Wraps a failed first connection in an error that names the redacted DATABASE_URL and what to check. */
function connectionFailed(databaseUrl: string, target: DatabaseTarget, error: unknown, timeoutMs: number): Error {
  // node-postgres 8 reports that connectionTimeoutMillis ran out as a bare "timeout expired".
  const reason = errorMessage(error) === 'timeout expired' ? `timed out after ${timeoutMs} ms without a response` : errorMessage(error);
  return new Error(
    `Could not connect to PostgreSQL at DATABASE_URL=${redactDatabaseUrl(databaseUrl)}: ${reason}. ${adviceFor(error, target)}`,
    { cause: error },
  );
}

function adviceFor(error: unknown, target: DatabaseTarget): string {
  const { code } = error as { code?: unknown };
  switch (code) {
    case 'ECONNREFUSED':
      return `Nothing accepts connections at ${target.server}: check that PostgreSQL is running and that DATABASE_URL names its host and port.`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'The host name does not resolve: check the host in DATABASE_URL.';
    case SQLSTATE.invalidPassword:
      return `Check the user name and password of "${target.user}" in DATABASE_URL.`;
    case SQLSTATE.invalidAuthorization:
      return `Check the user name in DATABASE_URL and that the server's pg_hba.conf lets "${target.user}" connect to "${target.database}" from this host.`;
    case SQLSTATE.cannotConnectNow:
      return 'The server is starting up, shutting down or in recovery: start docpush again once it accepts connections.';
    case SQLSTATE.tooManyConnections:
      return "The server has no free connection slot: raise its max_connections, or lower DOCPUSH_DB_POOL_SIZE of the processes that share it.";
    default:
      return `Check that PostgreSQL is running at ${target.server}, that nothing blocks the way to it, and that DATABASE_URL is correct (host, port, user, password, sslmode).`;
  }
}

function sqlState(error: unknown): string | undefined {
  const { code } = error as { code?: unknown };
  return typeof code === 'string' ? code : undefined;
}

/** Returns the error's message; read as a property, because errors from Node's own modules can come from another realm (under Jest). */
function errorMessage(error: unknown): string {
  const { message } = (error ?? {}) as { message?: unknown };
  return typeof message === 'string' ? message : String(error);
}
