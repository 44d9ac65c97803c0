import { DeadlockException } from '@mikro-orm/core';

/** Attempts of a transaction that PostgreSQL keeps choosing as a deadlock victim. */
const MAX_ATTEMPTS = 3;

/**
 * Runs `transaction` and runs it again when PostgreSQL aborts it to break a deadlock (SQLSTATE
 * 40P01), up to three attempts in all. The aborted attempt was rolled back entirely, so running
 * it again is safe when `transaction` opens a transaction of its own. Other errors, and the
 * deadlock of the last attempt, are raised.
 */
export async function retryOnDeadlock<T>(transaction: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await transaction();
    } catch (error) {
      if (!isDeadlock(error) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}

/** True for a deadlock error, as MikroORM converts it or as node-postgres raises it for raw SQL. */
function isDeadlock(error: unknown): boolean {
  return error instanceof DeadlockException || (error as { code?: unknown } | null)?.code === '40P01';
}
