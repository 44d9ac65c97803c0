import type { EntityManager } from '@mikro-orm/postgresql';
import { registerEnumType } from 'type-graphql';

/** PostgreSQL NOTIFY channel that carries a ConnectionStatusNotice each time a connection is enabled, disabled or deleted. */
export const CONNECTION_STATUS_CHANNEL = 'docpush_connection_status';

/** What changed about a push connection's `enabled` state, and who changed it. */
export enum PushConnectionStatusChange {
  ENABLED = 'ENABLED',
  DISABLED = 'DISABLED',
  DISABLED_BY_DOCPUSH = 'DISABLED_BY_DOCPUSH',
  DELETED = 'DELETED',
}

registerEnumType(PushConnectionStatusChange, {
  name: 'PushConnectionStatusChange',
  description: 'ENABLED and DISABLED are admin actions; DISABLED_BY_DOCPUSH follows a 410 Gone answer or a connection failing too long.',
  valuesConfig: {
    ENABLED: { description: 'An admin enabled the connection.' },
    DISABLED: { description: 'An admin disabled the connection.' },
    DISABLED_BY_DOCPUSH: { description: 'docpush disabled the connection; disabledReason says why.' },
    DELETED: { description: 'An admin deleted the connection.' },
  },
});

/** A push connection's status fields, as one transaction committed them. */
export interface ConnectionStatusState {
  enabled: boolean;
  disabledReason: string | null;
  /** `disabled_at` in milliseconds since the Unix epoch. */
  disabledAtMs: number | null;
  /** `failing_since` in milliseconds since the Unix epoch. */
  failingSinceMs: number | null;
}

/**
 * The payload of one notification on CONNECTION_STATUS_CHANNEL: the change and the status that its
 * transaction committed. It leaves out the connection's name, which may be 200 characters long, so
 * the payload stays far below PostgreSQL's 8000-byte NOTIFY limit.
 */
export interface ConnectionStatusNotice extends ConnectionStatusState {
  connectionId: number;
  workspaceId: number;
  change: PushConnectionStatusChange;
}

/**
 * Characters of `disabled_reason` that a notice carries. JSON writes a character in at most 6
 * bytes (a control character as \uXXXX), so 1000 of them and the other fields fit in 8000 bytes.
 * docpush's own reasons are below 400 characters. A longer text would make pg_notify raise an
 * error and roll back the change that it announces, so it is cut instead.
 */
export const MAX_NOTICE_REASON_CHARS = 1000;

/**
 * Publishes a status change of connection `connectionId` to `pushConnectionStatus` subscribers in
 * every process. Call it in the transaction that made the change, after its last write to the
 * connection, because the notice carries the connection's row as that transaction has written it.
 * PostgreSQL delivers the notice only when the transaction commits, in commit order.
 */
export async function notifyConnectionStatus(em: EntityManager, connectionId: number, change: PushConnectionStatusChange): Promise<void> {
  await em.execute(
    `select pg_notify(?, json_build_object(
         'connectionId', id,
         'workspaceId', workspace_id,
         'change', ?::text,
         'enabled', enabled,
         'disabledReason', left(disabled_reason, ?),
         'disabledAtMs', (extract(epoch from disabled_at) * 1000)::float8,
         'failingSinceMs', (extract(epoch from failing_since) * 1000)::float8
       )::text)
       from push_connections
      where id = ?`,
    [CONNECTION_STATUS_CHANNEL, change, MAX_NOTICE_REASON_CHARS, connectionId],
  );
}
