import { Agenda, type AgendaBackend, type Job } from 'agenda';
import { PostgresBackend } from '@agendajs/postgres-backend';
import type { Config } from '../config/config';
import type { Logger } from '../common/logger';
import type { DeliveryQueue } from '../delivery/delivery-queue';
import { ValidationError } from '../common/errors';

export const DELIVER_JOB = 'deliver-push-message';

export interface DeliverJobData {
  messageId: string;
  force?: boolean;
}

export type JobHandler = (data: DeliverJobData) => Promise<void>;

/** Creates Agenda's job store: PostgreSQL on the main database by default, MongoDB when configured. */
async function createBackend(config: Config, databaseUrl: string): Promise<AgendaBackend> {
  if (config.jobs.backend === 'postgres') {
    return new PostgresBackend({ connectionString: databaseUrl, tableName: 'agenda_jobs', ensureSchema: true });
  }
  if (!config.jobs.mongoUrl) {
    throw new ValidationError('DOCPUSH_MONGODB_URL', 'DOCPUSH_JOB_BACKEND=mongodb needs DOCPUSH_MONGODB_URL, such as mongodb://127.0.0.1:27017/docpush.');
  }
  const { MongoBackend } = await import('@agendajs/mongo-backend');
  return new MongoBackend({ address: config.jobs.mongoUrl, collection: 'agenda_jobs' });
}

/**
 * Agenda adapter for the delivery pipeline. Every process can enqueue; only processes with the
 * worker role call `startProcessing`. The PostgreSQL backend LISTENs for new jobs, so a job runs
 * at once instead of at the next poll.
 */
export class AgendaQueue implements DeliveryQueue {
  private processing = false;
  /** Agenda job ids of deliveries running in this process, to unlock them at a forced stop. */
  private readonly running = new Set<string>();

  private constructor(
    readonly agenda: Agenda,
    private readonly backend: AgendaBackend,
    private readonly logger: Logger,
  ) {}

  static async create(config: Config, databaseUrl: string, logger: Logger): Promise<AgendaQueue> {
    const backend = await createBackend(config, databaseUrl);
    const agenda = new Agenda({
      backend,
      name: `docpush-${process.pid}`,
      processEvery: config.jobs.processEveryMs,
      maxConcurrency: config.jobs.concurrency,
      defaultConcurrency: config.jobs.concurrency,
      defaultLockLifetime: config.jobs.lockLifetimeMs,
      removeOnComplete: true,
    });
    agenda.on('error', (error) => logger.error({ err: error }, 'job queue error'));
    agenda.on('fail', (error: Error | string, job: { attrs?: { name?: string; data?: unknown } }) => {
      logger.error({ err: error, job: job?.attrs?.name, data: job?.attrs?.data }, 'job failed');
    });
    return new AgendaQueue(agenda, backend, logger);
  }

  /**
   * Connects the job store. Agenda connects its notification channel only in `start()`, which
   * API-only processes never call, so it is connected here: without it a job enqueued by an
   * API process would wait for a worker's next poll.
   */
  async start(): Promise<void> {
    await this.agenda.ready;
    const channel = this.backend.notificationChannel;
    if (channel && channel.state !== 'connected') await channel.connect();
  }

  async enqueue(messageIds: string[], at?: Date): Promise<void> {
    for (const messageId of messageIds) {
      const data: DeliverJobData = { messageId };
      if (at && at.getTime() > Date.now()) await this.agenda.schedule(at, DELIVER_JOB, data);
      else await this.agenda.now(DELIVER_JOB, data);
    }
  }

  /** Queues an operator resend, which attempts the message whatever its state. */
  async enqueueResend(messageId: string): Promise<void> {
    await this.agenda.now(DELIVER_JOB, { messageId, force: true } satisfies DeliverJobData);
  }

  /** Registers the delivery handler and starts taking jobs. */
  async startProcessing(handler: JobHandler, options: { concurrency: number; lockLifetimeMs: number }): Promise<void> {
    this.agenda.define<DeliverJobData>(
      DELIVER_JOB,
      async (job: Job<DeliverJobData>) => {
        const jobId = String(job.attrs._id);
        this.running.add(jobId);
        try {
          await handler(job.attrs.data);
        } finally {
          this.running.delete(jobId);
        }
      },
      { concurrency: options.concurrency, lockLifetime: options.lockLifetimeMs, lockLimit: 0 },
    );
    // The channel was connected in start(); Agenda connects it again in its own start().
    await this.backend.notificationChannel?.disconnect();
    await this.agenda.start();
    this.processing = true;
  }

  /**
   * Stops taking jobs and waits up to `drainTimeoutMs` for running ones. Jobs still running at
   * the deadline are unlocked, so another worker takes them over at once instead of after the
   * lock lifetime. Closes the job store's connections.
   */
  async stop(drainTimeoutMs: number): Promise<void> {
    if (this.processing) {
      const result = await this.agenda.drain({ timeout: drainTimeoutMs, closeConnection: false });
      if (result.timedOut && this.running.size > 0) {
        this.logger.warn({ running: this.running.size }, 'deliveries still running at the shutdown deadline; unlocking their jobs');
        await this.backend.repository.unlockJobs([...this.running]);
      }
      this.processing = false;
    } else {
      await this.backend.notificationChannel?.disconnect();
    }
    await this.backend.disconnect();
    this.logger.debug('job queue stopped');
  }
}
