import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../common/logger';
import { retryOnDeadlock } from '../database/deadlock-retry';
import { recordAttempt, writeAttemptBatch, type AttemptInput, type AttemptRecord } from './steps/record-attempt.step';

/** Largest number of attempts written by one transaction. */
const DEFAULT_MAX_BATCH = 100;

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
 * When a batch fails, its attempts are written one by one, so one bad row costs only its own
 * attempt. An attempt that cannot be written at all is rejected; its message stays DELIVERING
 * and is claimed again once stale.
 */
export class AttemptBatcher {
  private queue: PendingAttempt[] = [];
  private flushing = false;

  constructor(
    private readonly orm: MikroORM,
    private readonly logger: Logger,
    private readonly maxBatch = DEFAULT_MAX_BATCH,
  ) {}

  record(input: AttemptInput): Promise<AttemptRecord> {
    return new Promise<AttemptRecord>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        // Lets the attempts that end in this turn of the event loop join the first batch.
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        await this.writeBatch(batch);
      }
    } finally {
      this.flushing = false;
    }
  }

  private async writeBatch(batch: PendingAttempt[]): Promise<void> {
    try {
      const records = await writeAttemptBatch(this.orm.em.fork(), batch.map((pending) => pending.input));
      batch.forEach((pending, index) => pending.resolve(records[index]));
    } catch (error) {
      if (batch.length === 1) {
        batch[0].reject(error);
        return;
      }
      this.logger.warn({ err: error, attempts: batch.length }, 'writing a batch of attempts failed; writing them one by one');
      for (const pending of batch) {
        await retryOnDeadlock(() => recordAttempt(this.orm.em.fork(), pending.input)).then(pending.resolve, pending.reject);
      }
    }
  }
}
