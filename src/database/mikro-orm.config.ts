import { ormOptions } from './orm';

/**
 * Configuration for the MikroORM CLI (`npx mikro-orm migration:create`). Unlike the server, the
 * development CLI creates its database (`docpush_dev` by default) when it is missing.
 */
export default { ...ormOptions(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/docpush_dev'), ensureDatabase: true };
