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

/** The payload of one notification on CONNECTION_STATUS_CHANNEL. */
export interface ConnectionStatusNotice {
  connectionId: number;
  workspaceId: number;
  change: PushConnectionStatusChange;
}

/**
 * Publishes a status change to `pushConnectionStatus` subscribers in every process. Inside a
 * transaction PostgreSQL delivers the notification only when that transaction commits.
 */
export async function notifyConnectionStatus(em: EntityManager, notice: ConnectionStatusNotice): Promise<void> {
  await em.execute(`select pg_notify(?, ?)`, [CONNECTION_STATUS_CHANNEL, JSON.stringify(notice)]);
}
