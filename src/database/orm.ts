import 'reflect-metadata';
import path from 'node:path';
import { MikroORM, PostgreSqlDriver, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { ENTITIES } from './entities';
import type { Logger } from '../common/logger';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** True when this code runs from TypeScript sources (ts-node, Jest) instead of `dist/`. */
const RUNNING_FROM_SOURCES = __filename.endsWith('.ts');

/** Connections of the ORM's pool when DOCPUSH_DB_POOL_SIZE is not set. */
export const DEFAULT_POOL_SIZE = 20;

export function ormOptions(databaseUrl: string, logger?: Logger, poolSize = DEFAULT_POOL_SIZE): Options {
  return {
    driver: PostgreSqlDriver,
    clientUrl: databaseUrl,
    entities: ENTITIES,
    extensions: [Migrator],
    // MikroORM cannot detect @swc/jest as a TypeScript runtime; without this it looks for
    // compiled migrations, finds none and silently runs nothing.
    preferTs: RUNNING_FROM_SOURCES,
    migrations: {
      path: path.join(PROJECT_ROOT, 'dist', 'migrations'),
      pathTs: path.join(PROJECT_ROOT, 'migrations'),
      glob: '!(*.d).{js,ts}',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
    },
    // Agenda creates and owns its tables; without this, `migration:create` would drop them.
    schemaGenerator: { skipTables: ['agenda_jobs', 'agenda_logs'] },
    pool: { min: 0, max: poolSize },
    debug: false,
    logger: (message: string) => logger?.debug({ orm: message }, 'mikro-orm'),
    forceUtcTimezone: true,
    allowGlobalContext: false,
  };
}

/** Connects MikroORM and applies every pending migration. */
export async function openDatabase(databaseUrl: string, logger?: Logger, poolSize?: number): Promise<MikroORM> {
  const orm = await MikroORM.init(ormOptions(databaseUrl, logger, poolSize));
  const migrator = orm.getMigrator();
  const pending = await migrator.getPendingMigrations();
  if (pending.length > 0) {
    await migrator.up();
    logger?.info({ migrations: pending.map((migration) => migration.name) }, 'applied database migrations');
  }
  return orm;
}
