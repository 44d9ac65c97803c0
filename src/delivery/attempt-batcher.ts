import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../common/logger';
import { retryOnDeadlock } from '../database/deadlock-retry';
import { isDatabaseUnavailable } from '../database/database-unavailable';
import { findWrittenAttempts, recordAttempt, writeAttemptBatch, writeAttemptBatchAgain, type AttemptInput, type AttemptRecord } from './steps/record-attempt.step';
import type { ClaimRenewer } from './claim-renewer';

/** Largest number of attempts written by one transaction. */
const DEFAULT_MAX_BATCH = 100;

/** First and longest wait before writing a batch again while the database is unavailable. */
const FIRST_UNAVAILABLE_WAIT_MS = 100;
const MAX_UNAVAILABLE_WAIT_MS = 2000;

export interface AttemptBatcherOptions {
  /** Largest number of attempts written by one transaction. */
  maxBatch?: number;
  /**
   * Maximum time an ended attempt waits for the requests still open, so that their attempts join
   * its write. 0 writes each batch as soon as the event loop turns.
   */
  maxWaitMs?: number;
  /** Called when a write starts, so the dispatcher can fill the slots of the attempts it writes. */
  onWriteStart?: () => void;
  /** Called with the message ids of a write once it has ended, committed or failed. */
  onWriteEnd?: (messageIds: readonly string[]) => void;
  /**
   * DOCPUSH_JOB_LOCK_LIFETIME. While the database is unavailable, a batch is written again until
   * the earliest claim of its attempts is within a tenth of this (at least 1 s) of going stale.
   * Without it, a failed write is not repeated.
   */
  staleAfterMs?: number;
  /**
   * The renewer of the claims of this process's attempts. A claim goes stale `staleAfterMs` after
   * its latest renewal, so the repeats of a write follow the renewals. Without it, each claim
   * goes stale `staleAfterMs` after the message's `updatedAt` as claimed.
   */
  claimRenewer?: Pick<ClaimRenewer, 'renewedAt'>;
  /**
   * DOCPUSH_DB_ACQUIRE_TIMEOUT: the longest a write waits for a pool connection. A write is
   * repeated only when that wait would end before the give-up time, so that a repeat which gets
   * its connection late still commits before the claims go stale. 0 when not given.
   */
  acquireTimeoutMs?: number;
}

interface PendingAttempt {
  input: AttemptInput;
  resolve(record: AttemptRecord): void;
  reject(error: unknown): void;
}

/**
 * Records the attempts of a worker in shared writes (group commit). Attempts that end
 * while a write is running are written together by the next one. A busy worker thus commits and
 * sends one NOTIFY per batch instead of per attempt, and with one attempt at a time it behaves
 * like a transaction per attempt.
 *
 * While requests sent through `whileSending` are still open, a write waits for them up to
 * `maxWaitMs`, and starts as soon as the last of them has been recorded. The dispatcher fills a
 * connection's free slots with one claim, so its requests go out together and end within a few
 * milliseconds of each other. Without the wait, each write took only the one or two attempts that
 * had ended, the next claim replaced only those, and a busy connection cost about one commit per
 * delivery. The wait delays the push log, and the claim that refills the written attempts' slots,
 * by up to `maxWaitMs`. It never delays a request that has been sent.
 *
 * When a batch fails, its attempts are written one by one, so one bad row costs only its own
 * attempt. An attempt that cannot be written at all is rejected; its message stays DELIVERING
 * and is claimed again once stale. A batch that failed because the database was unavailable is
 * first looked up by its push log rows, because its commit may have gone through. A commit that
 * is still under way shows no rows yet, so each later write of those attempts goes through
 * writeAttemptBatchAgain, which waits for that commit.
 */
export class AttemptBatcher {
  private queue: PendingAttempt[] = [];
  private flushing = false;
  /** Requests sent through whileSending that have not ended yet. */
  private sending = 0;
  private waitTimer: NodeJS.Timeout | null = null;
  private readonly maxBatch: number;
  private readonly maxWaitMs: number;
  private readonly onWriteStart: () => void;
  private readonly onWriteEnd: (messageIds: readonly string[]) => void;
  private readonly staleAfterMs: number | null;
  private readonly acquireTimeoutMs: number;
  private readonly claimRenewer: Pick<ClaimRenewer, 'renewedAt'> | null;
  /** Message ids of the attempts that the running write has yet to record. */
  private writing: string[] = [];
  /** Whether drain has been called, so that writes start without waiting for open requests. */
  private draining = false;
  /** Resolvers of the drain calls that wait for the queue to empty. */
  private drainWaiters: Array<() => void> = [];

  constructor(
    private readonly orm: MikroORM,
    private readonly logger: Logger,
    options: AttemptBatcherOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
    this.maxWaitMs = options.maxWaitMs ?? 0;
    this.onWriteStart = options.onWriteStart ?? (() => undefined);
    this.onWriteEnd = options.onWriteEnd ?? (() => undefined);
    this.staleAfterMs = options.staleAfterMs ?? null;
    this.acquireTimeoutMs = options.acquireTimeoutMs ?? 0;
    this.claimRenewer = options.claimRenewer ?? null;
  }

  /**
   * Returns the message ids of the attempts being written, whose requests have ended. An attempt
   * written one by one leaves the list as soon as its own write ends, because its message may then
   * be claimed again, by a resend or a retry, and have a request open.
   */
  writingMessageIds(): readonly string[] {
    return this.writing;
  }

  /** Counts `request` as open until it settles, so that writes started meanwhile wait for its attempt. */
  async whileSending<T>(request: Promise<T>): Promise<T> {
    this.sending += 1;
    try {
      return await request;
    } finally {
      this.sending -= 1;
    }
  }

  /**
   * Writes the queued attempts without waiting for open requests, and resolves once no attempt
   * is queued or being written. Attempts recorded later are written at once too. The worker
   * calls it at shutdown, before the database pool closes.
   */
  async drain(): Promise<void> {
    this.draining = true;
    this.startFlush();
    if (!this.flushing && this.queue.length === 0) return;
    await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
  }

  record(input: AttemptInput): Promise<AttemptRecord> {
    return new Promise<AttemptRecord>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.scheduleFlush();
    });
  }

  /** Starts a write now, or arms the wait timer when requests are still open and the batch has room. */
  private scheduleFlush(): void {
    if (this.flushing || this.queue.length === 0) return;
    const waitForOpenRequests = !this.draining && this.sending > 0 && this.maxWaitMs > 0 && this.queue.length < this.maxBatch;
    if (waitForOpenRequests) {
      this.waitTimer ??= setTimeout(() => this.startFlush(), this.maxWaitMs);
      return;
    }
    this.startFlush();
  }

  private startFlush(): void {
    if (this.waitTimer) clearTimeout(this.waitTimer);
    this.waitTimer = null;
    if (this.flushing || this.queue.length === 0) return;
    this.flushing = true;
    // Lets the attempts that end in this turn of the event loop join the batch.
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    const batch = this.queue.splice(0, this.maxBatch);
    const messageIds = batch.map((pending) => pending.input.message.id);
    this.writing = messageIds;
    this.onWriteStart();
    try {
      await this.writeBatch(batch);
    } finally {
      this.onWriteEnd(messageIds);
      this.writing = [];
      this.flushing = false;
      // Attempts that ended during the write go in the next one, after the same wait.
      this.scheduleFlush();
      if (!this.flushing) this.resolveDrainWaiters();
    }
  }

  private resolveDrainWaiters(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Removes one entry of `messageId`, in a new array, so that a list returned earlier stays as it was. */
  private removeFromWriting(messageId: string): void {
    const index = this.writing.indexOf(messageId);
    if (index >= 0) this.writing = [...this.writing.slice(0, index), ...this.writing.slice(index + 1)];
  }

  /**
   * Writes the attempts, and writes them again while the write fails because the database is
   * unavailable and their claims are not about to go stale. A listener's response is thus recorded
   * after a database outage, instead of the message being taken over, sent again and logged as
   * abandoned. A draining batcher does not wait, because the process is stopping.
   */
  private async writeWhileClaimsHold(inputs: AttemptInput[]): Promise<AttemptRecord[]> {
    const write = () => writeAttemptBatch(this.orm.em.fork(), inputs);
    if (this.staleAfterMs === null) return write();
    let waitMs = FIRST_UNAVAILABLE_WAIT_MS;
    for (let tries = 1; ; tries += 1) {
      try {
        // A failed commit may have committed all the same, or still be committing, and a second write would log the attempts twice.
        return tries > 1 ? await writeAttemptBatchAgain(this.orm.em.fork(), inputs) : await write();
      } catch (error) {
        // Read at each failure, because a renewal during the outage moves the give-up time later.
        const giveUpAt = this.giveUpTime(inputs, this.staleAfterMs);
        if (!isDatabaseUnavailable(error) || this.draining || Date.now() + waitMs + this.acquireTimeoutMs > giveUpAt) throw error;
        if (tries === 1) {
          const messageIds = inputs.map((input) => input.message.id);
          this.logger.warn({ err: error, messageIds }, 'the database is unavailable; writing these attempts again until it is back or their claims near the stale limit');
        }
        await new Promise((resolve) => setTimeout(resolve, waitMs));
        waitMs = Math.min(waitMs * 2, MAX_UNAVAILABLE_WAIT_MS);
      }
    }
  }

  /**
   * Returns the time in epoch milliseconds at which repeating the write of `inputs` stops: a
   * tenth of `staleAfterMs` (at least 1 s) before the earliest of their claims goes stale. A
   * claim goes stale `staleAfterMs` after the later of its message's `updatedAt` as claimed and
   * its latest renewal by this process.
   */
  private giveUpTime(inputs: AttemptInput[], staleAfterMs: number): number {
    const margin = Math.max(1000, staleAfterMs / 10);
    const lastWrites = inputs.map((input) => {
      const claimedAt = input.message.updatedAt.getTime();
      const renewedAt = this.claimRenewer?.renewedAt(input.message.id, input.message.attempts);
      return renewedAt === undefined ? claimedAt : Math.max(claimedAt, renewedAt);
    });
    return Math.min(...lastWrites) + staleAfterMs - margin;
  }

  /**
   * Settles the attempts of a batch whose write failed because the database was unavailable, and
   * returns true, when that write committed all the same or the database is still unavailable. A
   * write whose connection broke during its commit may have committed, and writing its attempts
   * again one by one would log each of them twice. While the database stays unavailable, the
   * attempts are rejected together. Written one by one, each would wait for a connection on its
   * own, which could hold a drain for the acquire time-out once per attempt, and commit after the
   * claims went stale. Returns false when they have no push log rows, or the rows cannot be read
   * for another reason.
   */
  private async settleUnavailableBatch(batch: PendingAttempt[], writeError: unknown): Promise<boolean> {
    const messageIds = batch.map((pending) => pending.input.message.id);
    let written: AttemptRecord[] | null = null;
    try {
      written = await findWrittenAttempts(this.orm.em.fork(), batch.map((pending) => pending.input));
    } catch (readError) {
      if (isDatabaseUnavailable(readError)) {
        this.logger.warn({ err: readError, messageIds }, 'the database is still unavailable, so these attempts are not written, and their messages are claimed again once stale');
        for (const pending of batch) pending.reject(writeError);
        return true;
      }
      this.logger.warn({ err: readError, messageIds }, 'failed to check whether a failed attempt write committed; writing the attempts one by one');
    }
    if (written === null) return false;
    const records = written;
    batch.forEach((pending, index) => pending.resolve(records[index]));
    return true;
  }

  private async writeBatch(batch: PendingAttempt[]): Promise<void> {
    try {
      const inputs = batch.map((pending) => pending.input);
      const records = await this.writeWhileClaimsHold(inputs);
      batch.forEach((pending, index) => pending.resolve(records[index]));
    } catch (error) {
      const mayHaveCommitted = isDatabaseUnavailable(error);
      if (mayHaveCommitted && (await this.settleUnavailableBatch(batch, error))) return;
      if (batch.length === 1) {
        batch[0].reject(error);
        return;
      }
      this.logger.warn(
        { err: error, attempts: batch.length, messageIds: batch.map((pending) => pending.input.message.id) },
        'writing a batch of attempts failed; writing them one by one',
      );
      // The failed write may still be committing, and then writeAttemptBatchAgain returns its records.
      const writeOne = mayHaveCommitted
        ? async (input: AttemptInput) => (await writeAttemptBatchAgain(this.orm.em.fork(), [input]))[0]
        : (input: AttemptInput) => recordAttempt(this.orm.em.fork(), input);
      for (const pending of batch) {
        const messageId = pending.input.message.id;
        await retryOnDeadlock(() => writeOne(pending.input), { logger: this.logger, action: 'write an attempt', fields: { messageId, attempt: pending.input.message.attempts } })
          .finally(() => this.removeFromWriting(messageId))
          .then(pending.resolve, pending.reject);
      }
    }
  }
}
