import type { EntityManager } from '@mikro-orm/postgresql';
import { executeWithBindings } from './raw-sql';

/**
 * Runs `work` in a transaction of its own whose statements PostgreSQL cancels after `timeoutMs`
 * each, waits for locks included. A caller that stops waiting on its own time-out would otherwise
 * leave the statement running, holding its pool connection, until the lock it waits for ends.
 */
export async function withStatementTimeout<T>(em: EntityManager, timeoutMs: number, work: (tx: EntityManager) => Promise<T>): Promise<T> {
  // A fork of its own, so that the transaction's flush never writes entities that the caller has loaded.
  return em.fork().transactional(async (tx) => {
    await executeWithBindings(tx, `select set_config('statement_timeout', ?, true)`, [String(Math.max(1, Math.floor(timeoutMs)))]);
    return work(tx);
  });
}
