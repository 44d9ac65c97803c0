import type { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../config/config';
import type { Logger } from '../common/logger';
import type { DeliveryQueue } from '../delivery/delivery-queue';
import type { DeliveryMetrics } from '../observability/metrics';
import { JOB_TABLE, type RecurringJob } from './agenda-queue';
import {
  SWEEP_JOB,
  cancelMessagesOfDeletedConnections,
  logAbandonedAttemptsOfDisabledConnections,
  takeUnqueuedMessages,
  type AbandonedAttemptsLogged,
} from './sweeper.job';
import { RETENTION_JOB, purgeExpiredRows } from './retention.job';
import { QUEUE_VACUUM_JOB, vacuumPushMessages } from './queue-vacuum.job';

/** Maximum number of message ids that one log line of the sweep lists. */
const LOGGED_IDS_LIMIT = 20;

export interface MaintenanceDeps {
  config: Config;
  orm: MikroORM;
  queue: DeliveryQueue;
  logger: Logger;
  /** Counts the push log rows that the sweeper writes for attempts cut off by a stopped worker. */
  metrics: Pick<DeliveryMetrics, 'recordAbandonedAttempts'>;
}

/**
 * Returns the recurring jobs of a worker. The sweeper (every DOCPUSH_SWEEP_INTERVAL) notes and
 * requeues abandoned attempts, wakes the workers for overdue messages and cancels the unfinished
 * messages of deleted connections. It logs the abandoned attempts of disabled connections and
 * moves their messages to wait for the connection. The purge (every DOCPUSH_RETENTION_INTERVAL)
 * deletes rows older than DOCPUSH_LOG_RETENTION and clears the record snapshots of older events.
 * The queue vacuum (every DOCPUSH_QUEUE_VACUUM_INTERVAL) vacuums push_messages once
 * DOCPUSH_QUEUE_VACUUM_MIN_DEAD_ROWS dead row versions piled up.
 */
export function maintenanceJobs(deps: MaintenanceDeps): RecurringJob[] {
  return [
    {
      name: SWEEP_JOB,
      intervalMs: deps.config.jobs.sweepIntervalMs,
      run: async () => {
        await sweep(deps);
      },
    },
    { name: RETENTION_JOB, intervalMs: deps.config.retention.intervalMs, run: () => purge(deps) },
    { name: QUEUE_VACUUM_JOB, intervalMs: deps.config.jobs.queueVacuumIntervalMs, run: () => vacuumQueue(deps) },
  ];
}

/** Vacuums push_messages when enough dead row versions have piled up; see vacuumPushMessages. */
export async function vacuumQueue(deps: MaintenanceDeps): Promise<void> {
  const started = Date.now();
  const result = await vacuumPushMessages(deps.orm.em.fork(), { minDeadRows: deps.config.jobs.queueVacuumMinDeadRows });
  if (result.vacuumed) deps.logger.info({ deadRows: result.deadRows, durationMs: Date.now() - started }, 'vacuumed push_messages');
}

/** Queues the overdue messages and abandoned attempts that no worker has taken; returns how many it queued. */
export async function sweep(deps: MaintenanceDeps): Promise<number> {
  const { config } = deps;
  const staleAfterMs = config.jobs.lockLifetimeMs;
  const deleted = await countAbandonedAttempts(deps, cancelMessagesOfDeletedConnections(deps.orm.em.fork(), { staleAfterMs, now: new Date() }));
  if (deleted.cancelled > 0) {
    deps.logger.info({ cancelled: deleted.cancelled, abandonedAttempts: deleted.abandonedAttempts }, 'sweeper cancelled unfinished messages of deleted connections');
  }
  const disabled = await countAbandonedAttempts(deps, logAbandonedAttemptsOfDisabledConnections(deps.orm.em.fork(), { staleAfterMs, now: new Date() }));
  if (disabled.messageIds.length > 0) {
    deps.logger.info(
      { abandonedAttempts: disabled.abandonedAttempts, messageIds: disabled.messageIds.slice(0, LOGGED_IDS_LIMIT) },
      'sweeper logged abandoned attempts of disabled connections, whose messages wait until the connection is enabled',
    );
  }

  const swept = await takeUnqueuedMessages(deps.orm.em.fork(), {
    graceMs: config.jobs.sweepGraceMs,
    staleAfterMs: config.jobs.lockLifetimeMs,
    now: new Date(),
  });
  if (swept.length === 0) return 0;

  await deps.queue.enqueue(swept.map((message) => message.id));
  const abandoned = swept.filter((message) => message.previousState === 'DELIVERING').map((message) => message.id);
  deps.logger.info({ queued: swept.length, abandonedAttempts: abandoned.length, abandonedMessageIds: abandoned.slice(0, LOGGED_IDS_LIMIT) }, 'sweeper queued overdue messages and abandoned attempts');
  return swept.length;
}

/**
 * Waits for a sweep step that logs abandoned attempts, and counts the push log rows it wrote in
 * docpush_delivery_attempts_abandoned_total. The step has committed by then, so rows that a
 * rollback undid are not counted.
 */
async function countAbandonedAttempts<T extends AbandonedAttemptsLogged>(deps: MaintenanceDeps, step: Promise<T>): Promise<T> {
  const result = await step;
  deps.metrics.recordAbandonedAttempts(result.abandonedAttempts);
  return result;
}

/** Deletes the rows older than the retention period and clears the record snapshots of older events. */
export async function purge(deps: MaintenanceDeps): Promise<void> {
  const { retention, jobs } = deps.config;
  const cutoff = new Date(Date.now() - retention.pushLogMs);
  // NOTE: finished job rows are purged only on the PostgreSQL job backend; on MongoDB they stay.
  const jobTable = jobs.backend === 'postgres' ? JOB_TABLE : null;
  const counts = await purgeExpiredRows(deps.orm.em.fork(), { cutoff, batchSize: retention.batchSize, jobTable });
  if (counts.pushLogs + counts.pushMessages + counts.agendaJobs + counts.eventSnapshots > 0) {
    deps.logger.info({ ...counts, cutoff }, 'purged rows and cleared event snapshots older than the retention period');
  }
}
