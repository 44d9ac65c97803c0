import os from 'node:os';
import { Agenda, type AgendaBackend, type Job, type NotificationChannel } from 'agenda';
import { PostgresBackend, PostgresJobRepository } from '@agendajs/postgres-backend';
import type { Config } from '../config/config';
import type { Logger } from '../common/logger';
import type { PgChannelListener } from '../common/pg-channel-listener';
import type { DeliveryQueue } from '../delivery/delivery-queue';
import { ValidationError } from '../common/errors';
import { throttledLog } from '../common/throttled-log';
import { JobNotificationChannel } from './job-notification.channel';

export const DELIVER_JOB = 'deliver-push-message';

/** Shortest time between two warnings about the job store's lost database connections. */
const WARNING_INTERVAL_MS = 30_000;

/** Maximum wait for Agenda to connect its job store and create its tables at start-up. */
const READY_TIMEOUT_MS = 30_000;

/** How often a shutdown checks whether the last running job has finished. */
const DRAIN_POLL_INTERVAL_MS = 50;

/**
 * Connections of the job store's pool. Agenda runs only operator resends and the maintenance
 * jobs, whose queries are short, so a few connections serve any job concurrency.
 */
const POOL_SIZE = 5;

/** Agenda's table (PostgreSQL) or collection (MongoDB) of jobs. */
export const JOB_TABLE = 'agenda_jobs';

export interface DeliverJobData {
  messageId: string;
  force?: boolean;
}

/**
 * Runs one delivery job; `jobId` is the Agenda job's id, which stays the same when Agenda runs the job again after a crash.
 * A handler that returns `runAgainAt` has not run the job: it stays queued, unlocked, until that time.
 */
export type JobHandler = (data: DeliverJobData, jobId: string) => Promise<void | { runAgainAt: Date }>;

/** A maintenance job that one worker of the whole deployment runs every `intervalMs`. */
export interface RecurringJob {
  name: string;
  intervalMs: number;
  run(): Promise<void>;
}

/** Creates Agenda's job store: PostgreSQL on the main database by default, MongoDB when configured. */
async function createBackend(config: Config, databaseUrl: string): Promise<AgendaBackend> {
  if (config.jobs.backend === 'postgres') {
    // The backend's own LISTEN channel is replaced by JobNotificationChannel (see there why).
    // pg-pool's connectionTimeoutMillis bounds both a new connection and the wait for a free one,
    // so a database host that stopped responding fails queries (and a shutdown's unlock) instead
    // of holding them forever.
    return new PostgresBackend({
      poolConfig: { connectionString: databaseUrl, connectionTimeoutMillis: config.databaseConnectTimeoutMs, max: POOL_SIZE },
      tableName: JOB_TABLE,
      ensureSchema: true,
      disableNotifications: true,
    });
  }
  if (!config.jobs.mongoUrl) {
    throw new ValidationError('DOCPUSH_MONGODB_URL', 'DOCPUSH_JOB_BACKEND=mongodb needs DOCPUSH_MONGODB_URL, such as mongodb://127.0.0.1:27017/docpush.');
  }
  const { MongoBackend } = await import('@agendajs/mongo-backend');
  await checkMongoReachable(config.jobs.mongoUrl);
  return new MongoBackend({ address: config.jobs.mongoUrl, collection: JOB_TABLE });
}

function createJobChannel(backend: PostgresBackend, channelListener: PgChannelListener): JobNotificationChannel {
  const repository = backend.repository as PostgresJobRepository;
  return new JobNotificationChannel({
    listener: channelListener,
    notify: async (channel, payload) => {
      await repository.getPool().query('select pg_notify($1, $2)', [channel, payload]);
    },
  });
}

/**
 * Connects once before Agenda does. Agenda 6.2.6 starts connecting its backend in the
 * constructor without handling a failure, so an unreachable MongoDB would otherwise crash the
 * process with an unhandled rejection instead of a start-up error.
 */
async function checkMongoReachable(url: string): Promise<void> {
  const client = await createMongoClient(url);
  try {
    await client.connect();
  } catch (error) {
    throw new ValidationError(
      'DOCPUSH_MONGODB_URL',
      `MongoDB at DOCPUSH_MONGODB_URL is unreachable (${(error as Error).message}): start it, fix the URL, or unset DOCPUSH_JOB_BACKEND to keep jobs in PostgreSQL.`,
    );
  } finally {
    await client.close().catch(() => undefined);
  }
}

/**
 * Creates a MongoDB client without connecting it. The driver parses the URL here, so an option it
 * rejects, such as `connectTimeoutMS=abc`, fails the start with the setting named. The driver's
 * message is passed on without the URL's password.
 */
async function createMongoClient(url: string): Promise<import('mongodb').MongoClient> {
  const { MongoClient } = await import('mongodb');
  try {
    return new MongoClient(url, { serverSelectionTimeoutMS: 10_000 });
  } catch (error) {
    if (!(error instanceof Error) || !URL_ERROR_NAMES.has(error.name)) throw error;
    throw new ValidationError(
      'DOCPUSH_MONGODB_URL',
      `DOCPUSH_MONGODB_URL is not a valid MongoDB connection string: ${withoutPassword(error.message, url)}. ` +
        'Fix the part that the message names. The MongoDB Node.js driver documentation lists the connection string options.',
    );
  }
}

/**
 * Names of the errors that the MongoDB driver (7.8) raises for a connection string it cannot
 * parse. mongodb-connection-string-url raises its own MongoParseError class, so the name is checked.
 */
const URL_ERROR_NAMES = new Set(['MongoParseError', 'MongoInvalidArgumentError']);

/** Replaces the password of `url`, as written and decoded, in `text`. */
function withoutPassword(text: string, url: string): string {
  const password = /^[^:]+:\/\/[^:@/?#]*:([^@/?#]*)@/.exec(url)?.[1];
  if (!password) return text;
  let decoded = password;
  try {
    decoded = decodeURIComponent(password);
  } catch {
    // The configuration check rejects a password whose percent-encoding is invalid.
  }
  return text.split(password).join('***').split(decoded).join('***');
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
  /** Functions that stop the lock renewals of the running deliveries and maintenance jobs, by Agenda job id. */
  private readonly lockRenewals = new Map<string, () => Promise<void>>();

  private constructor(
    readonly agenda: Agenda,
    private readonly backend: AgendaBackend,
    private readonly notificationChannel: NotificationChannel | undefined,
    private readonly logger: Logger,
  ) {}

  /** Creates the queue. With the PostgreSQL job store, its notification channel subscribes to `channelListener`. */
  static async create(config: Config, databaseUrl: string, channelListener: PgChannelListener, logger: Logger): Promise<AgendaQueue> {
    const backend = await createBackend(config, databaseUrl);
    const notificationChannel = backend instanceof PostgresBackend ? createJobChannel(backend, channelListener) : backend.notificationChannel;
    const agenda = new Agenda({
      backend,
      notificationChannel,
      // Agenda stores the name as the lock owner, so it must differ between hosts whose
      // processes share a pid (pid 1 in every container).
      name: `docpush-${os.hostname()}-${process.pid}`,
      processEvery: config.jobs.processEveryMs,
      maxConcurrency: config.jobs.concurrency,
      defaultConcurrency: config.jobs.concurrency,
      defaultLockLifetime: config.jobs.lockLifetimeMs,
      removeOnComplete: true,
    });
    // Agenda reports each failed job lookup, about once a second while the database is unreachable.
    agenda.on('error', throttledLog(logger, 'job queue error', WARNING_INTERVAL_MS, 'error'));
    // Without an 'error' listener, Node would throw the channel's errors and end the process.
    notificationChannel?.on('error', throttledLog(logger, 'job queue notification channel error', WARNING_INTERVAL_MS));
    // The same holds for an idle connection of the backend's pool; the pool replaces it on next use.
    if (backend.repository instanceof PostgresJobRepository) {
      backend.repository.getPool().on('error', throttledLog(logger, 'job queue database connection lost', WARNING_INTERVAL_MS));
    }
    agenda.on('fail', (error: Error | string, job: { attrs?: { name?: string; data?: unknown } }) => {
      logger.error({ err: error, job: job?.attrs?.name, data: job?.attrs?.data }, 'job failed');
    });
    return new AgendaQueue(agenda, backend, notificationChannel, logger);
  }

  /**
   * Waits until Agenda has connected its job store and created its tables. Agenda 6.2.6 leaves a
   * failed connection unreported (its `ready` never settles), so this gives up after
   * READY_TIMEOUT_MS with an error that names what to check.
   */
  async ready(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`The job store did not become ready within ${READY_TIMEOUT_MS / 1000} s: check that the database (or DOCPUSH_MONGODB_URL) is reachable, and the log for job queue errors.`)),
        READY_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([this.agenda.ready, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Connects the job store. Agenda connects its notification channel only in `start()`, which
   * API-only processes never call, so it is connected here: without it a job enqueued by an
   * API process would wait for a worker's next poll.
   */
  async start(): Promise<void> {
    await this.agenda.ready;
    const channel = this.notificationChannel;
    if (channel && channel.state !== 'connected') await channel.connect();
  }

  async enqueue(messageIds: string[], at?: Date): Promise<void> {
    for (const messageId of messageIds) {
      const data: DeliverJobData = { messageId };
      if (at && at.getTime() > Date.now()) await this.agenda.schedule(at, DELIVER_JOB, data);
      else await this.agenda.now(DELIVER_JOB, data);
    }
  }

  /** Queues an operator resend, which attempts the message whatever its state, at `at` or now. */
  async enqueueResend(messageId: string, at?: Date): Promise<void> {
    const data: DeliverJobData = { messageId, force: true };
    if (at && at.getTime() > Date.now()) await this.agenda.schedule(at, DELIVER_JOB, data);
    else await this.agenda.now(DELIVER_JOB, data);
  }

  /** Registers the delivery handler and starts taking jobs. */
  async startProcessing(handler: JobHandler, options: { concurrency: number; lockLifetimeMs: number }): Promise<void> {
    this.agenda.define<DeliverJobData>(
      DELIVER_JOB,
      async (job: Job<DeliverJobData>) => {
        const jobId = String(job.attrs._id);
        const stopRenewing = renewJobLock(job, options.lockLifetimeMs, this.logger);
        this.running.add(jobId);
        this.lockRenewals.set(jobId, stopRenewing);
        try {
          const handedBack = await handler(job.attrs.data, jobId);
          // Agenda 6.2.6 saves the job's nextRunAt after the handler, in both job stores, and removes a completed job only without one.
          if (handedBack) job.attrs.nextRunAt = handedBack.runAgainAt;
        } finally {
          this.running.delete(jobId);
          this.lockRenewals.delete(jobId);
          await stopRenewing();
        }
      },
      { concurrency: options.concurrency, lockLifetime: options.lockLifetimeMs, lockLimit: 0 },
    );
    // The channel was connected in start(); Agenda connects it again in its own start().
    await this.notificationChannel?.disconnect();
    await this.agenda.start();
    this.processing = true;
  }

  /**
   * Registers maintenance jobs and stores their schedules. Each is one job row (Agenda's
   * `single` type) shared by all workers, so one worker at a time runs it. A failed run is
   * logged, and the next run follows at the usual interval.
   */
  async scheduleRecurring(jobs: RecurringJob[], options: { lockLifetimeMs: number }): Promise<void> {
    // Agenda fails a job that outlives its lock, and a VACUUM or a large purge can take minutes,
    // so a running job renews its lock as a delivery does. A short lifetime lets another worker
    // run the job soon after a crash of the worker that had it locked.
    for (const job of jobs) {
      this.agenda.define(
        job.name,
        async (agendaJob: Job) => {
          const jobId = String(agendaJob.attrs._id);
          const stopRenewing = renewJobLock(agendaJob, options.lockLifetimeMs, this.logger);
          this.lockRenewals.set(jobId, stopRenewing);
          try {
            await job.run();
          } finally {
            this.lockRenewals.delete(jobId);
            await stopRenewing();
          }
        },
        { concurrency: 1, lockLifetime: options.lockLifetimeMs },
      );
      await this.agenda.every(job.intervalMs, job.name);
    }
  }

  /**
   * Stops taking jobs and waits up to `drainTimeoutMs` for running ones. Then every job this
   * process still holds is unlocked: those running at the deadline, and those it had locked
   * ahead of their run time, which Agenda's drain leaves locked. Another worker takes them over
   * at once instead of after the lock lifetime. Closes the job store's connections.
   */
  async stop(drainTimeoutMs: number): Promise<void> {
    try {
      if (this.processing) {
        await this.drainAndUnlock(drainTimeoutMs);
      } else {
        await this.notificationChannel?.disconnect();
      }
    } finally {
      // A failed unlock must not keep the job store's connections open, or they would hold the process alive.
      await this.backend.disconnect();
    }
    this.logger.debug('job queue stopped');
  }

  private async drainAndUnlock(drainTimeoutMs: number): Promise<void> {
    const lockedIds = await this.lockedJobIds();
    const result = await this.drain(drainTimeoutMs);
    if (result.timedOut && this.running.size > 0) {
      this.logger.warn({ running: this.running.size }, 'deliveries still running at the shutdown deadline; unlocking their jobs');
    }
    // A renewal after the unlock would lock the job again, keeping other workers off it.
    await Promise.all([...this.lockRenewals.values()].map((stopRenewing) => stopRenewing()));
    const unlock = [...new Set([...lockedIds, ...this.running])];
    if (unlock.length > 0) await this.backend.repository.unlockJobs(unlock);
    this.processing = false;
  }

  /**
   * Runs Agenda's drain, ending it as soon as no job runs. Agenda 6.2.6 checks for the end of a
   * drain on each 'complete' event, which it emits before it deletes the finished job. The last
   * job therefore still counts as running at that check, and drain() alone waits for its whole
   * timeout.
   */
  private async drain(timeoutMs: number): Promise<{ timedOut: boolean }> {
    const abort = new AbortController();
    const drained = this.agenda.drain({ timeout: timeoutMs, signal: abort.signal, closeConnection: false });
    const poll = setInterval(() => {
      this.agenda
        .getRunningStats()
        .then((stats) => {
          if (stats.runningJobs === 0) abort.abort();
        })
        // Fails once the drain has ended, and while the database is down; the timeout still applies.
        .catch(() => undefined);
    }, DRAIN_POLL_INTERVAL_MS);
    try {
      const result = await drained;
      return { timedOut: result.timedOut };
    } finally {
      clearInterval(poll);
    }
  }

  /** Ids of the jobs that this process has locked, running or waiting for their run time. */
  private async lockedJobIds(): Promise<string[]> {
    try {
      const stats = await this.agenda.getRunningStats(true);
      const locked = Array.isArray(stats.lockedJobs) ? stats.lockedJobs : [];
      return locked.map((job) => String(job._id));
    } catch (error) {
      // Reading the stats also counts the queue in the database, which fails while it is down.
      this.logger.warn({ err: error }, 'could not list the locked jobs before shutdown; only running deliveries are unlocked');
      return [];
    }
  }
}

/**
 * Renews the lock of a running job at its start and then every third of `lockLifetimeMs`. Agenda
 * 6.2.6 cancels a job that outlives its lock (checkIfJobIsStillAlive in its JobProcessor): it
 * emits an error, which the queue logs, and frees the job's concurrency slot while the work still
 * runs. Agenda locks a job when it fetches it, up to a poll interval before the job is due, and a
 * job may also wait for a free slot, so the lock can be old when the job starts. The pipeline
 * renews a delivery attempt's claim on its message apart from this. Returns a function that
 * stops the renewals and waits for one in flight.
 */
function renewJobLock(job: Job, lockLifetimeMs: number, logger: Logger): () => Promise<void> {
  let touching: Promise<void> = Promise.resolve();
  const renew = () => {
    touching = job.touch().catch((error: unknown) => {
      const data = job.attrs.data as Partial<DeliverJobData> | undefined;
      logger.warn(
        { err: error, jobId: String(job.attrs._id), jobName: job.attrs.name, messageId: data?.messageId },
        'renewing the lock of a job failed; Agenda cancels the job once its lock expires, while its work runs on',
      );
    });
  };
  renew();
  const timer = setInterval(renew, Math.max(1, Math.floor(lockLifetimeMs / 3)));
  timer.unref();
  return async () => {
    clearInterval(timer);
    await touching;
  };
}
