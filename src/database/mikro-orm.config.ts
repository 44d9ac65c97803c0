import { ormOptions } from './orm';

/** Configuration for the MikroORM CLI (`npx mikro-orm migration:create`). */
export default ormOptions(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/docpush_dev');
