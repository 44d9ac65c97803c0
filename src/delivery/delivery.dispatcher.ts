import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../common/logger';
import type { ChannelSubscription, PgChannelListener } from '../common/pg-channel-listener';
import { claimAndLoadDueMessages, nextDueTime, releaseClaims } from './steps/claim-batch.step';
import { abandonedWriteTimeoutMs, recordAbandonedAttempts, withAbandonedAttempt } from './steps/record-abandoned.step';
import type { PushMessage } from './push-message.entity';
import type { ClaimRenewer } from './claim-renewer';
import type { DeliveryMetrics } from '../observability/metrics';

/** PostgreSQL NOTIFY channel that wakes the dispatchers of every worker when messages become due. */
export const DUE_MESSAGES_CHANNEL = 'docpush_messages_due';

/** Maximum delay of a Node timer; setTimeout fires at once for anything above it. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Shortest wait before claiming again after a failed claim, doubled up to the poll interval. */
const FIRST_ERROR_DELAY_MS = 100;

/** How often a stopping dispatcher checks whether its last attempt has ended. */
const DRAIN_CHECK_MS = 20;

export interface DispatcherOptions {
  orm: MikroORM;
  logger: Logger;
  /** The process's shared LISTEN connection, on which the dispatcher subscribes to DUE_MESSAGES_CHANNEL. */
  channelListener: PgChannelListener;
  /**
   * Largest number of attempts of this process whose request has not ended. Attempts being
   * written come on top, at most one write batch of them.
   */
  concurrency: number;
  /** Largest number of messages claimed by one statement. */
  batchSize: number;
  /** Largest number of requests in flight to one connection, across all workers. */
  connectionConcurrency: number;
  /** A DELIVERING message untouched for this long was abandoned by a stopped worker. */
  staleAfterMs: number;
  /** Fallback claim interval, for notifications lost while the LISTEN connection was down. */
  pollIntervalMs: number;
  /** Returns the messages of this worker whose request has ended and whose attempt is being written. Claims do not count them as in flight. */
  requestEndedMessageIds?(): readonly string[];
  /** Runs one claimed attempt; the message is loaded with DELIVERY_RELATIONS. */
  deliver(message: PushMessage): Promise<void>;
  /** Called when a stop's drain deadline passes with attempts still running, to abort their requests. */
  onDrainDeadline?(): Promise<void>;
  /** Counts the push log rows of abandoned attempts that claims write. */
  metrics?: Pick<DeliveryMetrics, 'recordAbandonedAttempts'>;
  /** Renews the claims of running attempts so that they do not go stale. Without it, a claim goes stale `staleAfterMs` after it was made. */
  claimRenewer?: ClaimRenewer;
  /**
   * Decides before each claim round whether this worker may claim at all. After a rejection the
   * dispatcher claims nothing and calls it again after `recheckIntervalMs` or `pollIntervalMs`,
   * whichever is shorter, or at the next wake-up.
   */
  claimGate?: { allowsClaims(): Promise<boolean>; readonly recheckIntervalMs: number };
}

/**
 * Feeds a worker with due push messages, claimed from `push_messages` in batches up to
 * `concurrency` open requests. It claims again when the write of attempts whose request has ended starts
 * and when an attempt ends, unless a claim has refilled that attempt's slot already. It also
 * claims when a NOTIFY on DUE_MESSAGES_CHANNEL reports due messages and when the earliest
 * scheduled retry comes due.
 * It also claims when the LISTEN connection comes back after a loss, because notifications sent
 * while it was down are lost. A poll every `pollIntervalMs` is the fallback.
 *
 * Claims of one dispatcher run one at a time. A wake-up that arrives during a claim is kept, and
 * another claim serves it right after.
 */
export class DeliveryDispatcher {
  private subscription: ChannelSubscription | null = null;
  /** Claimed attempts of this process: message id → attempt number. */
  private readonly inFlight = new Map<string, number>();
  private running = false;
  private claiming = false;
  private wakeRequested = false;
  private wakeScheduled = false;
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Number.POSITIVE_INFINITY;
  private errorDelayMs = FIRST_ERROR_DELAY_MS;
  /**
   * Attempts being written, or written already, when a claim started that then found nothing
   * more to claim. Their end frees no slot that the claim had not already filled, so it does not
   * wake the dispatcher, unless the last claim round left the process full. A write that failed
   * leaves its row DELIVERING, so that attempt's end frees no slot either.
   */
  private readonly slotsRefilled = new Set<string>();
  /** Attempts of this process whose write has ended while the attempt itself has not. */
  private readonly written = new Set<string>();
  /** Attempts that the running claim treats as slotsRefilled, so that their end during the claim needs no other claim. */
  private claimCovers = new Set<string>();
  /**
   * Whether the last claim round stopped at `concurrency`, so any attempt's end frees room. An
   * attempt whose write has committed counts as open until it ends.
   */
  private processFull = false;
  /** Clock time the last claim statement used. */
  private lastClaimAt = new Date();
  /** The look-up of the next retry time that is running, if any. */
  private planning: Promise<void> | null = null;
  /** Wait after a failed look-up of the next retry time, doubled up to the poll interval while look-ups keep failing. */
  private planErrorDelayMs = FIRST_ERROR_DELAY_MS;

  constructor(private readonly options: DispatcherOptions) {}

  get isRunning(): boolean {
    return this.running;
  }

  /** Number of attempts this process is running. */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  async start(): Promise<void> {
    // LISTEN runs before the first claim, so no NOTIFY sent after that claim is missed.
    this.subscription ??= await this.options.channelListener.subscribe(DUE_MESSAGES_CHANNEL, {
      onPayload: (payload) => this.wake(parseDueTime(payload)),
      // Before `running` is set, the report of the first LISTEN wakes nothing.
      onConnectionChange: (connected) => {
        if (connected) this.wake();
      },
    });
    this.running = true;
    this.wake();
  }

  /** Claims now, or schedules a claim at `at` when that is earlier than the next planned one. */
  wake(at?: Date): void {
    if (!this.running) return;
    const delay = at ? at.getTime() - Date.now() : 0;
    if (delay > 0) {
      this.armTimer(delay);
      return;
    }
    if (this.claiming) {
      this.wakeRequested = true;
      return;
    }
    void this.claimLoop();
  }

  /**
   * Stops claiming and waits up to `drainTimeoutMs` for the attempts in flight. Attempts still
   * without a response at the deadline are made due again, so another worker takes them over at
   * once instead of after the stale period.
   */
  async stop(drainTimeoutMs: number): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.clearTimer();
    this.subscription?.unsubscribe();
    this.subscription = null;
    const deadline = Date.now() + drainTimeoutMs;
    // A claim still running when the deadline passes releases what it claimed by itself. A
    // look-up of the next retry time is waited for up to the deadline too, because a stalled one
    // must not hold back the end of the attempts below.
    while ((this.inFlight.size > 0 || this.claiming || this.planning) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, DRAIN_CHECK_MS));
    }
    if (this.inFlight.size === 0) return;

    // Ends the requests still open first, so that no attempt reaches its listener after another
    // worker has taken its message over.
    await this.options.onDrainDeadline?.();
    // An attempt whose write has started has its response, and that write sets its message's state.
    // The other attempts end at once, their requests aborted above, and the attempt writer records
    // them before the process exits, so the release does not mark them as abandoned.
    // NOTE: a process killed between this release and that write leaves those attempts unlogged.
    const beingWritten = new Set(this.options.requestEndedMessageIds?.() ?? []);
    const claims = [...this.inFlight].filter(([id]) => !beingWritten.has(id)).map(([id, attempt]) => ({ id, attempt }));
    this.options.logger.warn(
      { running: claims.length, beingWritten: this.inFlight.size - claims.length },
      'deliveries still unfinished at the shutdown deadline; making those without a response due again',
    );
    if (claims.length === 0) return;
    try {
      // Wakes the other workers too, so they take the released messages over now rather than at their next poll.
      await this.release(claims);
    } catch (error) {
      this.options.logger.warn({ err: error }, 'could not release the running deliveries; they are taken over once stale');
    }
  }

  /** Claims batches until the process is full or nothing more is due, then plans the next claim. */
  private async claimLoop(): Promise<void> {
    this.claiming = true;
    try {
      do {
        this.wakeRequested = false;
        if (!(await this.claimsAllowed())) return;
        // When the process is full and claims nothing, the next claim is planned from now.
        this.lastClaimAt = new Date();
        while (this.running && this.openAttempts() < this.options.concurrency) {
          const requested = Math.min(this.options.batchSize, this.options.concurrency - this.openAttempts());
          const claimed = await this.claimBatch(requested);
          if (claimed < requested) break;
        }
        this.processFull = this.openAttempts() >= this.options.concurrency;
        // A full process plans nothing: the end of an attempt wakes it, and it plans then.
        if (!this.wakeRequested && this.openAttempts() < this.options.concurrency) this.startPlanningNextClaim();
      } while (this.wakeRequested && this.running);
      this.errorDelayMs = FIRST_ERROR_DELAY_MS;
    } catch (error) {
      this.options.logger.warn({ err: error, retryInMs: this.errorDelayMs }, 'claiming due push messages failed');
      this.armTimer(this.errorDelayMs);
      this.errorDelayMs = Math.min(this.errorDelayMs * 2, this.options.pollIntervalMs);
    } finally {
      this.claiming = false;
    }
  }

  /** Calls the claim gate, and after a rejection arms the timer that calls it again. */
  private async claimsAllowed(): Promise<boolean> {
    const gate = this.options.claimGate;
    if (!gate || (await gate.allowsClaims())) return true;
    const retryInMs = Math.min(gate.recheckIntervalMs, this.options.pollIntervalMs);
    // The gate logs the rejection itself, throttled. This line shows each skipped round.
    this.options.logger.debug({ retryInMs }, 'claim round skipped, because the claim gate rejected it');
    this.armTimer(retryInMs);
    return false;
  }

  /** Counts the attempts of this process whose request has not ended. */
  private openAttempts(): number {
    let ended = 0;
    for (const id of this.options.requestEndedMessageIds?.() ?? []) if (this.inFlight.has(id)) ended += 1;
    return this.inFlight.size - ended;
  }

  /** Claims and starts up to `requested` attempts; returns how many it claimed. */
  private async claimBatch(requested: number): Promise<number> {
    const em = this.options.orm.em.fork();
    const now = new Date();
    this.lastClaimAt = now;
    const requestEndedIds = [...(this.options.requestEndedMessageIds?.() ?? [])];
    // Attempts written before this claim starts have their written state in the claim's snapshot.
    const settledIds = [...requestEndedIds, ...this.written];
    this.claimCovers = new Set(settledIds);
    let messages: PushMessage[];
    try {
      messages = await claimAndLoadDueMessages(em, {
        limit: requested,
        connectionConcurrency: this.options.connectionConcurrency,
        staleAfterMs: this.options.staleAfterMs,
        requestEndedIds,
        now,
      });
    } finally {
      this.claimCovers = new Set();
    }
    if (messages.length < requested) {
      for (const id of settledIds) if (this.inFlight.has(id)) this.slotsRefilled.add(id);
    }
    if (messages.length === 0) return 0;
    if (!this.running) {
      // Claimed while the dispatcher stopped: handed back at once instead of starting attempts that no drain waits for.
      await this.release(messages.map((message) => ({ id: message.id, attempt: -1 })));
      return messages.length;
    }

    await this.recordAbandoned(em, messages, now);
    if (!this.running) {
      // The dispatcher stopped during that write, and a drain that has ended waits for no attempt started now.
      await this.release(messages.map((message) => ({ id: message.id, attempt: -1 })));
      return messages.length;
    }
    for (const message of messages) this.startAttempt(message, now);
    if (messages.length === requested) await this.notifyPeers(em);
    return messages.length;
  }

  /**
   * Wakes the other workers after a full claim. The claim statement locks more rows than it
   * takes, so a worker that claimed at the same moment may have found nothing and gone to sleep.
   */
  private async notifyPeers(em: EntityManager): Promise<void> {
    await em.execute(`select pg_notify(?, '')`, [DUE_MESSAGES_CHANNEL]);
  }

  /**
   * Writes the push log rows of the abandoned attempts that the claimed messages carry, before
   * their new attempts start. A failed write is logged and the attempts start anyway, because
   * holding them back would keep their messages DELIVERING until another worker takes them over.
   */
  private async recordAbandoned(em: EntityManager, messages: PushMessage[], now: Date): Promise<void> {
    try {
      const logIds = await recordAbandonedAttempts(em, messages, now, abandonedWriteTimeoutMs(this.options.staleAfterMs));
      this.options.metrics?.recordAbandonedAttempts(logIds.length);
    } catch (error) {
      const messageIds = withAbandonedAttempt(messages).map((message) => message.id);
      this.options.logger.error({ err: error, messageIds }, 'failed to write the push log rows of abandoned attempts, so those attempts stay unlogged');
    }
  }

  /** Makes claimed messages due again; an attempt of -1 matches whatever attempt the claim counted. */
  private async release(claims: Array<{ id: string; attempt: number }>): Promise<void> {
    const em = this.options.orm.em.fork();
    await releaseClaims(em, claims, new Date());
    await this.notifyPeers(em);
  }

  private startAttempt(message: PushMessage, claimedAt: Date): void {
    this.inFlight.set(message.id, message.attempts);
    const claim = this.options.claimRenewer?.hold(message.id, message.attempts, claimedAt);
    this.options
      .deliver(message)
      .catch(() => {
        // The pipeline logged the error with the message's ids; the message stays DELIVERING and
        // is claimed again once stale.
      })
      .finally(() => {
        if (claim) this.options.claimRenewer?.release(claim);
        this.inFlight.delete(message.id);
        this.written.delete(message.id);
        const refilled = this.slotsRefilled.delete(message.id) || this.claimCovers.has(message.id);
        if (!refilled || this.processFull) this.wakeSoon();
      });
  }

  /**
   * Notes attempts whose write has ended. A claim that starts after it and finds nothing more to
   * claim has counted their slots as free, so their end need not wake the dispatcher.
   */
  attemptsWritten(messageIds: readonly string[]): void {
    for (const id of messageIds) if (this.inFlight.has(id)) this.written.add(id);
  }

  /**
   * Wakes once after the current burst of callbacks, so attempts ending together cause one claim.
   * The attempt writer calls it when a write starts, because the written attempts' requests have
   * ended and their slots can be refilled while the write runs.
   */
  wakeSoon(): void {
    if (this.wakeScheduled) return;
    this.wakeScheduled = true;
    setImmediate(() => {
      this.wakeScheduled = false;
      this.wake();
    });
  }

  /**
   * Runs planNextClaim without holding up the claims that wake-ups ask for meanwhile: with one
   * busy connection, each round's claim used to wait for this look-up as well. While one look-up
   * runs, another round starts none, because the running one arms the timer for every retry due
   * after its start. A retry scheduled after that wakes the dispatcher itself, through its
   * process's timer or a NOTIFY that carries the due time, and the poll covers a lost NOTIFY.
   */
  private startPlanningNextClaim(): void {
    if (this.planning) return;
    this.planning = this.planNextClaim()
      .catch((error: unknown) => {
        // After stop, the look-up may fail because the ORM was closed, and no claim follows it.
        if (!this.running) {
          this.options.logger.debug({ err: error }, 'looking up the next retry time failed after the dispatcher stopped');
          return;
        }
        this.options.logger.warn({ err: error, retryInMs: this.planErrorDelayMs }, 'looking up the next retry time failed');
        this.armTimer(this.planErrorDelayMs);
        this.planErrorDelayMs = Math.min(this.planErrorDelayMs * 2, this.options.pollIntervalMs);
      })
      .finally(() => {
        this.planning = null;
      });
  }

  /**
   * Arms the timer for the earliest scheduled retry, or the poll interval if that comes first.
   * Retries are looked up from the time of the last claim, not from now: a message that came due
   * between the two (a timer can fire a millisecond early) is claimed at once instead of at the
   * next poll.
   */
  private async planNextClaim(): Promise<void> {
    if (!this.running) return;
    const next = await nextDueTime(this.options.orm.em.fork(), this.lastClaimAt);
    this.planErrorDelayMs = FIRST_ERROR_DELAY_MS;
    // A stop during the look-up has cleared the timer, which must stay cleared.
    if (!this.running) return;
    // One millisecond late, so that the claim's clock has passed the due time when the timer fires.
    const untilNext = next ? Math.max(next.getTime() - Date.now() + 1, 0) : Number.POSITIVE_INFINITY;
    this.armTimer(Math.min(untilNext, this.options.pollIntervalMs));
  }

  /** Moves the timer earlier when `delayMs` ends before it; never later. */
  private armTimer(delayMs: number): void {
    const at = Date.now() + delayMs;
    if (this.timer && this.timerAt <= at) return;
    this.clearTimer();
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.timerAt = Number.POSITIVE_INFINITY;
      this.wake();
    }, Math.min(Math.max(delayMs, 0), MAX_TIMER_MS));
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = Number.POSITIVE_INFINITY;
  }
}

/** Reads the due time a notification carries; an empty or unreadable payload means now. */
function parseDueTime(payload: string): Date | undefined {
  if (!payload) return undefined;
  const at = new Date(payload);
  return Number.isNaN(at.getTime()) ? undefined : at;
}
