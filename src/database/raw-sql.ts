import type { EntityManager, Knex } from '@mikro-orm/postgresql';

/**
 * Runs SQL with `?` placeholders (`params` as an array) or `:name` placeholders (`params` as an
 * object) as a parameterized query, in the EntityManager's transaction when it has one, and
 * returns its rows. MikroORM's `execute()` instead inlines each parameter as an escaped literal,
 * which costs CPU on statements with large values, such as push log bodies. Errors are the
 * driver's, not converted to MikroORM's exception classes.
 */
export async function executeWithBindings<T>(em: EntityManager, sql: string, params: readonly unknown[] | Record<string, unknown>): Promise<T[]> {
  const query = em.getKnex().raw(sql, params as readonly Knex.RawBinding[] | Knex.ValueDict);
  const transaction = em.getTransactionContext();
  if (transaction) query.transacting(transaction);
  const result = (await query) as { rows: T[] };
  return result.rows;
}
