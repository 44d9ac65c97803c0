import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../common/logger';
import type { DeliveryQueue } from './delivery-queue';
import { DUE_MESSAGES_CHANNEL, type DeliveryDispatcher } from './delivery.dispatcher';

/**
 * The delivery queue is the `push_messages` table itself: a committed message is due from its
 * `nextAttemptAt`, and the dispatchers of the workers claim due messages in batches. Queuing a
 * message therefore only wakes them: a NOTIFY on DUE_MESSAGES_CHANNEL, or the dispatcher's timer
 * in this process for a retry that this process scheduled. Operator resends go to the job queue,
 * because they may attempt a finished message, which no claim of due messages takes.
 */
export class PushMessageQueue implements DeliveryQueue {
  private dispatcher: DeliveryDispatcher | null = null;
  /** The NOTIFY for due messages that is running, if any. */
  private currentNotify: Promise<void> | null = null;
  /** The NOTIFY that starts once the running one ends; callers that arrive meanwhile share it. */
  private nextNotify: Promise<void> | null = null;

  constructor(
    private readonly orm: MikroORM,
    private readonly resends: Pick<DeliveryQueue, 'enqueueResend'>,
    private readonly logger: Logger,
  ) {}

  /**
   * Lets this process's worker be woken directly: by new messages before the NOTIFY, and by
   * retries scheduled here instead of a NOTIFY to every worker.
   */
  useLocalDispatcher(dispatcher: DeliveryDispatcher): void {
    this.dispatcher = dispatcher;
  }

  async enqueue(messageIds: string[], at?: Date): Promise<void> {
    if (messageIds.length === 0) return;
    const later = at !== undefined && at.getTime() > Date.now();
    if (later && this.dispatcher?.isRunning) {
      this.dispatcher.wake(at);
      return;
    }
    // A worker in this process starts at once instead of after the NOTIFY's round trip; the
    // NOTIFY still wakes the workers of other processes.
    if (!later && this.dispatcher?.isRunning) this.dispatcher.wake();
    try {
      if (later) await this.sendNotify(at.toISOString());
      else await this.notifyDueNow();
    } catch (error) {
      // The messages are committed and due, so the dispatchers' poll still finds them.
      this.logger.warn({ err: error, messages: messageIds.length }, 'could not notify the workers of due messages; they find them at their next poll');
    }
  }

  /**
   * Wakes the workers for messages due now, sharing one NOTIFY between concurrent callers. Each
   * committing transaction that sent a NOTIFY holds PostgreSQL's global notification queue lock,
   * so one NOTIFY per recorded event serialised the API's requests on that lock. A call that
   * arrives while a NOTIFY runs waits for the next one, which starts after its messages were
   * committed, so no wake-up is lost.
   */
  private notifyDueNow(): Promise<void> {
    this.nextNotify ??= this.afterCurrentNotify().then(() => this.startNotify());
    return this.nextNotify;
  }

  private async afterCurrentNotify(): Promise<void> {
    await this.currentNotify?.catch(() => undefined);
  }

  private startNotify(): Promise<void> {
    this.nextNotify = null;
    const notify = this.sendNotify('').finally(() => {
      if (this.currentNotify === notify) this.currentNotify = null;
    });
    this.currentNotify = notify;
    return notify;
  }

  private async sendNotify(payload: string): Promise<void> {
    await this.orm.em.fork().execute(`select pg_notify(?, ?)`, [DUE_MESSAGES_CHANNEL, payload]);
  }

  enqueueResend(messageId: string, at?: Date): Promise<void> {
    return this.resends.enqueueResend(messageId, at);
  }
}
