import 'reflect-metadata';
import path from 'node:path';
import { MikroORM, PostgreSqlDriver, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { ENTITIES } from './entities';
import type { Logger } from '../common/logger';

/**
 * Folder of the migrations beside `src/`: the repository's `migrations/` when running from
 * TypeScript sources, and `dist/migrations/` when running the output of `npm run build`.
 */
export const MIGRATIONS_DIR = path.resolve(__dirname, '..', '..', 'migrations');

/** True when this code runs from TypeScript sources (ts-node, Jest) instead of `dist/`. */
const RUNNING_FROM_SOURCES = __filename.endsWith('.ts');

/** Connections of the ORM's pool when DOCPUSH_DB_POOL_SIZE is not set. */
export const DEFAULT_POOL_SIZE = 20;

export function ormOptions(databaseUrl: string, logger?: Logger, poolSize = DEFAULT_POOL_SIZE, migrationsDir = MIGRATIONS_DIR): Options {
  return {
    driver: PostgreSqlDriver,
    clientUrl: databaseUrl,
    entities: ENTITIES,
    extensions: [Migrator],
    // MikroORM cannot detect @swc/jest as a TypeScript runtime; without this it looks for
    // compiled migrations, finds none and silently runs nothing.
    preferTs: RUNNING_FROM_SOURCES,
    migrations: {
      path: migrationsDir,
      pathTs: migrationsDir,
      glob: '!(*.d).{js,ts}',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
    },
    // Agenda creates and owns its tables; without this, `migration:create` would drop them.
    schemaGenerator: { skipTables: ['agenda_jobs', 'agenda_logs'] },
    pool: { min: 0, max: poolSize },
    // MikroORM 6 creates a missing database by default. checkDatabase decides that instead, so a
    // mistyped DATABASE_URL fails the start unless DOCPUSH_CREATE_DATABASE allows it.
    ensureDatabase: false,
    // knex prints its warnings (such as a pooled connection the server closed) with console.log.
    ...(logger ? { driverOptions: { log: knexLog(logger) } } : {}),
    debug: false,
    // Plain text, because the messages go into JSON log lines, where ANSI colour codes are noise.
    colors: false,
    logger: (message: string) => logger?.debug({ orm: message }, 'mikro-orm'),
    forceUtcTimezone: true,
    allowGlobalContext: false,
  };
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
 * Connects MikroORM and applies every pending migration. When a migration fails, the ORM's
 * connections are closed before the error is raised, so a failed start leaves none open.
 */
export async function openDatabase(databaseUrl: string, logger?: Logger, poolSize?: number, migrationsDir = MIGRATIONS_DIR): Promise<MikroORM> {
  const orm = await MikroORM.init(ormOptions(databaseUrl, logger, poolSize, migrationsDir));
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
