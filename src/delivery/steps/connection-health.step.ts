import type { EntityManager } from '@mikro-orm/postgresql';
import { notifyConnectionStatus, PushConnectionStatusChange } from '../connection-status';

/** Why docpush disabled a connection by itself. */
export type AutoDisableCause = 'gone' | 'failing';

export interface ConnectionHealthInput {
  connectionId: number;
  /** True when the attempt got a 2xx answer. */
  succeeded: boolean;
  /** Set when the listener answered 410 Gone: the connection is disabled at once with this reason. */
  goneReason: string | null;
  /** Longest failure streak allowed; DOCPUSH_DISABLE_AFTER. */
  disableAfterMs: number;
  now: Date;
}

export interface ConnectionDisabled {
  cause: AutoDisableCause;
  reason: string;
}

/**
 * Updates the failure streak of a connection after an attempt and disables the connection when
 * the listener answered 410 Gone, or when every attempt has failed since `failingSince` and that
 * is at least `disableAfterMs` ago. The rule is checked after each failed attempt, so a failing
 * connection with nothing left to send stays enabled until its next attempt fails.
 *
 * Call it inside the attempt's transaction. Plain SQL updates keep concurrent attempts of one
 * connection from overwriting each other's streak. Returns what was disabled, or null.
 */
export async function updateConnectionHealth(tx: EntityManager, input: ConnectionHealthInput): Promise<ConnectionDisabled | null> {
  if (input.succeeded) {
    await tx.execute(`update push_connections set failing_since = null where id = ? and failing_since is not null`, [input.connectionId]);
    return null;
  }

  const rows: Array<{ failing_since_ms: number }> = await tx.execute(
    `update push_connections set failing_since = coalesce(failing_since, ?) where id = ?
     returning (extract(epoch from failing_since) * 1000)::float8 as failing_since_ms`,
    [input.now, input.connectionId],
  );
  if (input.goneReason !== null) return disable(tx, input, { cause: 'gone', reason: input.goneReason });
  if (rows.length === 0) return null;

  const failingSince = new Date(rows[0].failing_since_ms);
  if (input.now.getTime() - failingSince.getTime() < input.disableAfterMs) return null;
  const reason =
    `Every delivery attempt has failed since ${failingSince.toISOString()}, which is longer than ${describeDuration(input.disableAfterMs)} ` +
    '(DOCPUSH_DISABLE_AFTER), so docpush disabled the connection. Fix the listener, then enable the connection to resume delivery.';
  return disable(tx, input, { cause: 'failing', reason });
}

/** Disables the connection unless it is disabled already, and notifies status subscribers when it did. */
async function disable(tx: EntityManager, input: ConnectionHealthInput, disabled: ConnectionDisabled): Promise<ConnectionDisabled | null> {
  const changed: Array<{ id: number }> = await tx.execute(
    `update push_connections set enabled = false, disabled_reason = ?, disabled_at = ?, updated_at = ?
      where id = ? and enabled returning id`,
    [disabled.reason, input.now, input.now, input.connectionId],
  );
  if (changed.length === 0) return null;

  await notifyConnectionStatus(tx, input.connectionId, PushConnectionStatusChange.DISABLED_BY_DOCPUSH);
  return disabled;
}

const UNITS: Array<[string, number]> = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
];

/** Writes milliseconds in the largest unit that divides them, as the settings are written: 5d, 90m, 1500ms. */
export function describeDuration(milliseconds: number): string {
  for (const [unit, size] of UNITS) {
    if (milliseconds >= size && milliseconds % size === 0) return `${milliseconds / size}${unit}`;
  }
  return `${milliseconds}ms`;
}
