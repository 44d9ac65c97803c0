import type { EntityManager } from '@mikro-orm/postgresql';
import { executeWithBindings } from '../../database/raw-sql';
import { ABANDONED_NOTE } from './claim-batch.step';
import { withStatementTimeout } from '../../database/statement-timeout';

/** One attempt's claim on its message: the message id and the attempt count that the claim set. */
export interface ClaimedAttempt {
  id: string;
  attempt: number;
}

export interface ClaimRenewal extends ClaimedAttempt {
  /** Whether the message was still DELIVERING at this attempt, and its `updated_at` is now the renewal time. */
  renewed: boolean;
  /**
   * Whether the claim was lost to a takeover: a later attempt was claimed, or the sweeper made the
   * message due again with this attempt marked as abandoned.
   */
  takenOver: boolean;
}

/**
 * Sets `updated_at` to `now` on the messages that are still DELIVERING at the attempt of their
 * claim, so that no claim or sweep treats the running attempts as abandoned. One statement
 * renews every claim given. The rows are locked in ascending id order, as every statement that
 * updates several push_messages rows locks them. A renewal thus waits for an attempt write that
 * has locked one of them, and then skips the row if that write has ended the attempt.
 *
 * Returns one entry per claim. A claim neither renewed nor taken over belongs to an attempt whose
 * own write has ended it, or that a stopping worker released, or whose message was deleted.
 * `takenOver` is read from the statement's snapshot, so a takeover that commits while the
 * statement waits for a row lock shows only in the next renewal.
 */
export async function renewClaims(em: EntityManager, claims: readonly ClaimedAttempt[], now: Date, options: RenewOptions = {}): Promise<ClaimRenewal[]> {
  if (claims.length === 0) return [];
  const params = [claims.map((claim) => claim.id), claims.map((claim) => claim.attempt), now, ABANDONED_NOTE];
  type Row = { id: string; attempt: number; renewed: boolean; taken_over: boolean };
  const rows =
    options.timeoutMs === undefined
      ? await executeWithBindings<Row>(em, RENEW_CLAIMS_SQL, params)
      : await withStatementTimeout(em, options.timeoutMs, (tx) => executeWithBindings<Row>(tx, RENEW_CLAIMS_SQL, params));
  return rows.map((row) => ({ id: row.id, attempt: row.attempt, renewed: row.renewed, takenOver: row.taken_over }));
}

export interface RenewOptions {
  /**
   * Maximum time the statement may run, waits for row locks included, before PostgreSQL cancels
   * it and renewClaims rejects. Without it, the statement runs as long as it takes.
   */
  timeoutMs?: number;
}

/**
 * Binds the claimed message ids and attempts as two arrays, the renewal time and ABANDONED_NOTE.
 * The CTE `renewed` runs because the final select reads it. That select reads push_messages
 * from the statement's snapshot, before the renewal's own update.
 */
const RENEW_CLAIMS_SQL = `with claims as (
       select c.id, c.attempt from unnest(?::text[], ?::int[]) as c(id, attempt)
     ),
     locked as materialized (
       select m.id
         from claims c
         join push_messages m on m.id = c.id and m.attempts = c.attempt
        where m.state = 'DELIVERING'
        order by m.id
        for no key update of m
     ),
     renewed as (
       update push_messages m set updated_at = ?
         from locked l
        where m.id = l.id
       returning m.id
     )
     select c.id, c.attempt, r.id is not null as renewed,
            coalesce(m.attempts > c.attempt or (m.attempts = c.attempt and m.state <> 'DELIVERING' and m.last_error = ?::text), false) as taken_over
       from claims c
       left join renewed r on r.id = c.id
       left join push_messages m on m.id = c.id`;
