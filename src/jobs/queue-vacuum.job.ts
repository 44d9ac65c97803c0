import type { EntityManager } from '@mikro-orm/postgresql';

export const QUEUE_VACUUM_JOB = 'vacuum-push-messages';

export interface QueueVacuumResult {
  /** Dead row versions that PostgreSQL's statistics counted before the run. */
  deadRows: number;
  vacuumed: boolean;
}

/**
 * Runs `VACUUM (ANALYZE)` on push_messages once its dead row versions reach `minDeadRows`.
 * Each attempt updates its message twice and leaves dead row versions and index entries behind,
 * which every claim reads until a VACUUM removes them. Autovacuum may be off, or wait a minute
 * between runs, while a busy worker leaves thousands per second. VACUUM runs outside a
 * transaction and takes no lock that blocks claims or attempts. A database user that does not own
 * the table only gets a warning from PostgreSQL, and nothing is vacuumed.
 */
export async function vacuumPushMessages(em: EntityManager, options: { minDeadRows: number }): Promise<QueueVacuumResult> {
  const [stats] = await em.execute<Array<{ dead_rows: string | number | null }>>(
    `select n_dead_tup as dead_rows from pg_stat_user_tables where relid = 'push_messages'::regclass`,
  );
  const deadRows = Number(stats?.dead_rows ?? 0);
  if (deadRows < options.minDeadRows) return { deadRows, vacuumed: false };

  await em.execute('vacuum (analyze) push_messages');
  return { deadRows, vacuumed: true };
}
