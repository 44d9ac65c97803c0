import type { MikroORM } from '@mikro-orm/postgresql';
import { withStatementTimeout } from '../database/statement-timeout';

/** Counts that describe the delivery backlog and the disabled connections at one moment. */
export interface DeliveryBacklog {
  /** Messages not finished yet: PENDING, DELIVERING or RETRY_SCHEDULED. */
  pending: number;
  /** PENDING messages, and RETRY_SCHEDULED ones whose next attempt time has passed, on enabled connections. */
  due: number;
  /** Seconds since the oldest due message became due; 0 when none is due. */
  oldestDueAgeSeconds: number;
  /** Connections that docpush itself disabled (410 Gone, failing too long). */
  autoDisabledConnections: number;
  /** Connections an admin disabled after they had been enabled. */
  manuallyDisabledConnections: number;
}

// One round trip per scrape. Each state filter matches one partial index of push_messages (due,
// in flight), so the cost grows with the backlog, not with the delivered history. A single
// filter over all three unfinished states would match neither and scan the whole table.
export const BACKLOG_SQL = `
  with due as (
    select coalesce(m.next_attempt_at, m.created_at) as due_at
      from push_messages m
      join push_connections c on c.id = m.connection_id
     where c.enabled and c.deleted_at is null
       and (m.state = 'PENDING' or (m.state = 'RETRY_SCHEDULED' and m.next_attempt_at <= now()))
  )
  select
    ((select count(*) from push_messages where state in ('PENDING', 'RETRY_SCHEDULED'))
      + (select count(*) from push_messages where state = 'DELIVERING'))::int as pending,
    (select count(*) from due)::int as due,
    (select coalesce(extract(epoch from now() - min(due_at)), 0) from due)::float8 as oldest_due_age_seconds,
    (select count(*) from push_connections
      where not enabled and deleted_at is null and disabled_reason is not null)::int as auto_disabled,
    (select count(*) from push_connections
      where not enabled and deleted_at is null and disabled_reason is null and disabled_at is not null)::int as manually_disabled`;

interface BacklogRow {
  pending: number;
  due: number;
  oldest_due_age_seconds: number;
  auto_disabled: number;
  manually_disabled: number;
}

/**
 * Reads the delivery backlog with one SQL query, which PostgreSQL cancels after `timeoutMs`. A
 * scrape stops waiting at that time. Without the cancellation, the query would keep its pool
 * connection for as long as it runs, and every slow scrape would hold one more.
 */
export async function readDeliveryBacklog(orm: MikroORM, timeoutMs: number): Promise<DeliveryBacklog> {
  const rows: BacklogRow[] = await withStatementTimeout(orm.em, timeoutMs, (tx) => tx.execute(BACKLOG_SQL));
  const row = rows[0];
  return {
    pending: row.pending,
    due: row.due,
    // A due time a few milliseconds ahead of the database clock would give a negative age.
    oldestDueAgeSeconds: Math.max(0, row.oldest_due_age_seconds),
    autoDisabledConnections: row.auto_disabled,
    manuallyDisabledConnections: row.manually_disabled,
  };
}
