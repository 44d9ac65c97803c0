import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../common/logger';
import { throttledLog } from '../common/throttled-log';
import { renewClaims, type ClaimRenewal } from './steps/renew-claims.step';

/** Shortest time between two warnings about failed renewals, so that a database outage logs about once a minute. */
const FAILURE_WARNING_INTERVAL_MS = 60_000;

export interface ClaimRenewerOptions {
  orm: MikroORM;
  logger: Logger;
  /** A DELIVERING message untouched for this long counts as abandoned (DOCPUSH_JOB_LOCK_LIFETIME). */
  staleAfterMs: number;
}

/** The claim of one running attempt of this process on its message. */
export interface HeldClaim {
  readonly messageId: string;
  readonly attempt: number;
  /** Time in epoch milliseconds that this process last wrote to the message's `updated_at`: the claim or its last renewal. */
  renewedAt: number;
}

/**
 * Keeps the claims of this process's running attempts from going stale (a heartbeat). Without
 * it, a claim counts as abandoned once its message's `updated_at` is `staleAfterMs` old. An
 * attempt that ran that long, such as one that renders large documents, was then taken over by a
 * claim or a sweep while it still ran, and its listener got the message twice.
 *
 * While claims are held, a check runs every sixth of `staleAfterMs` and renews, with one
 * statement, the claims last written more than a third of `staleAfterMs` ago. A claim is thus
 * renewed at most half the stale period after its last write. Attempts shorter than a third of
 * the stale period, the usual case since it defaults to 4 × the attempt time-out, end before any
 * renewal and cost no statement. A claim found taken over is logged and no longer renewed.
 *
 * NOTE: an attempt that never ends, such as one stuck in a render, keeps its message DELIVERING
 * for as long as its process runs, because the claim is renewed as long as it is held.
 */
export class ClaimRenewer {
  private readonly held = new Set<HeldClaim>();
  private readonly renewAfterMs: number;
  private readonly checkEveryMs: number;
  private readonly warnOfFailure: (error: unknown) => void;
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly options: ClaimRenewerOptions) {
    this.renewAfterMs = Math.max(1, Math.floor(options.staleAfterMs / 3));
    this.checkEveryMs = Math.max(1, Math.floor(options.staleAfterMs / 6));
    this.warnOfFailure = throttledLog(
      options.logger,
      'renewing the claims of running delivery attempts failed; retrying at the next check, and claims not renewed within the stale period are taken over',
      FAILURE_WARNING_INTERVAL_MS,
    );
  }

  /** Number of claims held. */
  get heldCount(): number {
    return this.held.size;
  }

  /** Starts renewing an attempt's claim, which the claim statement wrote at `claimedAt`. Pass the result to `release` when the attempt ends. */
  hold(messageId: string, attempt: number, claimedAt: Date): HeldClaim {
    const claim: HeldClaim = { messageId, attempt, renewedAt: claimedAt.getTime() };
    this.held.add(claim);
    if (!this.timer && !this.stopped) {
      this.timer = setInterval(() => this.check(), this.checkEveryMs);
      this.timer.unref();
    }
    return claim;
  }

  /**
   * Returns the time in epoch milliseconds of the last write of this process to the claim of
   * `attempt` on message `messageId`: its claim or latest successful renewal. Returns undefined
   * when this process holds no such claim, because it was released or found taken over.
   */
  renewedAt(messageId: string, attempt: number): number | undefined {
    for (const claim of this.held) {
      if (claim.messageId === messageId && claim.attempt === attempt) return claim.renewedAt;
    }
    return undefined;
  }

  /** Stops renewing a claim, once its attempt has ended. */
  release(claim: HeldClaim): void {
    this.held.delete(claim);
  }

  /** Stops the checks and waits for a renewal that is running. Claims held afterwards are not renewed. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimer();
    await this.round;
  }

  /** Starts a renewal round unless one is running, and stops the timer once no claim is held. */
  private check(): void {
    if (this.held.size === 0) {
      this.clearTimer();
      return;
    }
    if (this.round) return;
    this.round = this.renewDueClaims().finally(() => {
      this.round = null;
    });
  }

  private async renewDueClaims(): Promise<void> {
    const now = Date.now();
    const due = [...this.held].filter((claim) => now - claim.renewedAt >= this.renewAfterMs);
    if (due.length === 0) return;
    let renewals: ClaimRenewal[];
    try {
      const claims = due.map((claim) => ({ id: claim.messageId, attempt: claim.attempt }));
      // A round stuck behind a row lock would hold back every later round, and so the renewal of
      // every other claim, and a stop waiting for it. It gives up after the time that the next
      // round waits anyway.
      renewals = await renewClaims(this.options.orm.em.fork(), claims, new Date(now), { timeoutMs: this.renewAfterMs });
    } catch (error) {
      this.warnOfFailure(error);
      return;
    }
    const byAttempt = new Map(renewals.map((renewal) => [`${renewal.id}:${renewal.attempt}`, renewal]));
    for (const claim of due) {
      const renewal = byAttempt.get(`${claim.messageId}:${claim.attempt}`);
      if (renewal?.renewed) claim.renewedAt = now;
      if (renewal?.takenOver) this.forgetTakenOver(claim);
    }
  }

  private forgetTakenOver(claim: HeldClaim): void {
    this.held.delete(claim);
    this.options.logger.warn(
      { messageId: claim.messageId, attempt: claim.attempt },
      'the message of a running delivery attempt was taken over because its claim went stale; the listener may get the message twice',
    );
  }

  private clearTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
