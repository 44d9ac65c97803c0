import 'reflect-metadata';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { MikroORM, PostgreSqlDriver, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import type pg from 'pg';
import { ENTITIES } from './entities';
import type { Logger } from '../common/logger';

/**
 * Folder of the migrations beside `src/`: the repository's `migrations/` when running from
 * TypeScript sources, and `dist/migrations/` when running the output of `npm run build`.
 */
export const MIGRATIONS_DIR = path.resolve(__dirname, '..', '..', 'migrations');

/** Table in which MikroORM's migrator records each applied migration by name. */
export const MIGRATIONS_TABLE = 'mikro_orm_migrations';

/** Migration files that the migrator loads from the folder: its `glob` below, `!(*.d).{js,ts}`, as a regular expression. */
const MIGRATION_FILE_NAME = /^(?!.*\.d\.[jt]s$).+\.[jt]s$/;

/** True when this code runs from TypeScript sources (ts-node, Jest) instead of `dist/`. */
const RUNNING_FROM_SOURCES = __filename.endsWith('.ts');

/** Size and time-outs of the ORM's connection pool. */
export interface DatabasePoolSettings {
  /** Largest number of connections (DOCPUSH_DB_POOL_SIZE). */
  size: number;
  /** Maximum wait for a new connection to open (DOCPUSH_DB_CONNECT_TIMEOUT). */
  connectTimeoutMs: number;
  /** Maximum wait of a query for a connection, the opening of a new one included (DOCPUSH_DB_ACQUIRE_TIMEOUT). */
  acquireTimeoutMs: number;
}

/** The defaults of the settings that DatabasePoolSettings names. */
export const DEFAULT_POOL: DatabasePoolSettings = { size: 20, connectTimeoutMs: 5000, acquireTimeoutMs: 5000 };

export function ormOptions(databaseUrl: string, logger?: Logger, pool: Partial<DatabasePoolSettings> = {}, migrationsDir = MIGRATIONS_DIR): Options {
  const { size, connectTimeoutMs, acquireTimeoutMs } = { ...DEFAULT_POOL, ...pool };
  return {
    driver: PostgreSqlDriver,
    clientUrl: databaseUrl,
    entities: ENTITIES,
    extensions: [Migrator],
    // MikroORM cannot detect @swc/jest as a TypeScript runtime; without this it looks for
    // compiled migrations, finds none and silently runs nothing.
    preferTs: RUNNING_FROM_SOURCES,
    migrations: {
      tableName: MIGRATIONS_TABLE,
      path: migrationsDir,
      pathTs: migrationsDir,
      // MIGRATION_FILE_NAME matches the same files, for listMigrationNames.
      glob: '!(*.d).{js,ts}',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
    },
    // Agenda creates and owns its tables; without this, `migration:create` would drop them.
    schemaGenerator: { skipTables: ['agenda_jobs', 'agenda_logs'] },
    // knex 3 and its pool, tarn 3, wait 30 s to create and 60 s to acquire a connection by default,
    // so a database that stopped responding would hold every request and attempt write that long.
    // NOTE: these bound new connections and the wait for a free one. A query sent on an open
    // connection whose database then stops responding waits until the connection ends: after 15
    // minutes or more when the host is gone (Linux's default tcp_retries2), never when only the
    // server process hangs. A caller that must fail sooner bounds its own wait.
    pool: { min: 0, max: size, createTimeoutMillis: connectTimeoutMs, acquireTimeoutMillis: acquireTimeoutMs },
    // MikroORM 6 creates a missing database by default. checkDatabase decides that instead, so a
    // mistyped DATABASE_URL fails the start unless DOCPUSH_CREATE_DATABASE allows it.
    ensureDatabase: false,
    driverOptions: {
      // node-postgres's own connect time-out closes the socket of a connection that the pool has
      // given up on, which would otherwise stay open for as long as the stalled host keeps it.
      connection: postgresConnectionSettings(databaseUrl, connectTimeoutMs),
      // knex prints its warnings (such as a pooled connection the server closed) with console.log.
      ...(logger ? { log: knexLog(logger) } : {}),
    },
    debug: false,
    // Plain text, because the messages go into JSON log lines, where ANSI colour codes are noise.
    colors: false,
    logger: (message: string) => logger?.debug({ orm: message }, 'mikro-orm'),
    forceUtcTimezone: true,
    allowGlobalContext: false,
  };
}

/**
 * Returns the node-postgres settings of a connection to `databaseUrl` that gives up opening after
 * `connectTimeoutMs`. node-postgres reads the whole URL, so `sslmode`, `application_name` and the
 * other libpq parameters apply. MikroORM 6.6 passes only host, port, user, password and database
 * on from its `clientUrl`, so without this the main pool would connect without the TLS that
 * `sslmode` requires.
 */
export function postgresConnectionSettings(databaseUrl: string, connectTimeoutMs: number): pg.ClientConfig {
  return { connectionString: databaseUrl, connectionTimeoutMillis: connectTimeoutMs };
}

/** Hooks of knex's `log` option that write its messages to the pino logger instead of the console. */
function knexLog(logger: Logger) {
  return {
    warn: (message: unknown) => logger.warn({ knex: message }, 'knex warning'),
    error: (message: unknown) => logger.error({ knex: message }, 'knex error'),
    deprecate: (message: unknown) => logger.warn({ knex: message }, 'knex deprecation'),
    debug: (message: unknown) => logger.debug({ knex: message }, 'knex debug'),
  };
}

/**
 * Lists the migrations in `migrationsDir` by the names under which the migrator records them once
 * applied: the file names without their extension, sorted.
 */
export function listMigrationNames(migrationsDir = MIGRATIONS_DIR): string[] {
  const names = readdirSync(migrationsDir)
    .filter((file) => MIGRATION_FILE_NAME.test(file))
    .map((file) => file.replace(/\.[jt]s$/, ''));
  return [...new Set(names)].sort();
}

/**
 * Connects MikroORM and applies every pending migration. When a migration fails, the ORM's
 * connections are closed before the error is raised, so a failed start leaves none open.
 */
export async function openDatabase(databaseUrl: string, logger?: Logger, pool: Partial<DatabasePoolSettings> = {}, migrationsDir = MIGRATIONS_DIR): Promise<MikroORM> {
  const orm = await MikroORM.init(ormOptions(databaseUrl, logger, pool, migrationsDir));
  try {
    await applyMigrations(orm, migrationsDir, logger);
  } catch (error) {
    await orm.close(true);
    throw error;
  }
  return orm;
}

async function applyMigrations(orm: MikroORM, migrationsDir: string, logger?: Logger): Promise<void> {
  const migrator = orm.getMigrator();
  const pending = await migrator.getPendingMigrations();
  // MikroORM applies nothing, without an error, when the folder or the file type is wrong. An
  // empty schema would only fail later, with less clear errors.
  if (pending.length === 0 && (await migrator.getExecutedMigrations()).length === 0) {
    throw new Error(`No database migrations were found in ${migrationsDir}: run docpush from the repository with npm start, or build it with npm run build.`);
  }
  if (pending.length > 0) {
    await migrator.up();
    logger?.info({ migrations: pending.map((migration) => migration.name) }, 'applied database migrations');
  }
}
