import { DeadlockException } from '@mikro-orm/core';
import type { Logger } from '../common/logger';

/** Attempts of a transaction that PostgreSQL keeps choosing as a deadlock victim. */
const MAX_ATTEMPTS = 3;

/**
 * Runs `transaction` and runs it again when PostgreSQL aborts it to break a deadlock (SQLSTATE
 * 40P01), up to three attempts in all. The aborted attempt was rolled back entirely, so running
 * it again is safe when `transaction` opens a transaction of its own. Other errors, and the
 * deadlock of the last attempt, are raised. With `log`, each retry is logged at warn.
 */
export async function retryOnDeadlock<T>(transaction: () => Promise<T>, log?: DeadlockRetryLog): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await transaction();
    } catch (error) {
      if (!isDeadlock(error) || attempt >= MAX_ATTEMPTS) throw error;
      log?.logger.warn({ err: error, ...log.fields, action: log.action, attempt, maxAttempts: MAX_ATTEMPTS }, 'a deadlock aborted the transaction, so it runs again');
    }
  }
}

/** Logging target of retryOnDeadlock: the logger, the transaction's action, and the ids involved. */
export interface DeadlockRetryLog {
  logger: Logger;
  /** Action of the transaction, such as `store recorded events`, logged as the `action` field. */
  action: string;
  fields?: Record<string, unknown>;
}

/** True for a deadlock error, as MikroORM converts it or as node-postgres raises it for raw SQL. */
function isDeadlock(error: unknown): boolean {
  return error instanceof DeadlockException || (error as { code?: unknown } | null)?.code === '40P01';
}
