import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, Opt } from '@mikro-orm/core';
import { registerEnumType } from 'type-graphql';
import { Workspace } from '../workspace/workspace.entity';
import { PushConnection } from '../connections/push-connection.entity';
import { DocumentRecordEvent } from '../records/document-record-event.entity';

/** State of a push message in its delivery lifecycle. */
export enum PushMessageState {
  PENDING = 'PENDING',
  DELIVERING = 'DELIVERING',
  SUCCEEDED = 'SUCCEEDED',
  RETRY_SCHEDULED = 'RETRY_SCHEDULED',
  FAILED = 'FAILED',
  CANCELLED = 'CANCELLED',
}

registerEnumType(PushMessageState, {
  name: 'PushMessageState',
  description: 'Where a push message is in its delivery; SUCCEEDED, FAILED and CANCELLED are final until an admin sends it again.',
  valuesConfig: {
    PENDING: { description: 'Waiting for its first attempt, or queued again by recoverFailedMessages; it waits while its connection is disabled.' },
    DELIVERING: { description: 'An attempt is in flight. One left by a stopped worker is attempted again once its lock lifetime (DOCPUSH_JOB_LOCK_LIFETIME) has passed.' },
    SUCCEEDED: { description: 'An attempt received a 2xx response.' },
    RETRY_SCHEDULED: { description: 'The last attempt failed; the next one is due at nextAttemptAt. While its connection is disabled it waits, and goes out once the connection is enabled again.' },
    FAILED: {
      description:
        'Given up: the retry schedule ran out (8 attempts by default), the listener answered 410 Gone, or the message was too large to build. ' +
        'resendPushMessage or recoverFailedMessages sends it again.',
    },
    CANCELLED: { description: 'Its connection was deleted before the message was delivered.' },
  },
});

/** One event × triggered connection; every attempt of it carries the same `webhook-id`. */
@Entity({ tableName: 'push_messages' })
@Index({ properties: ['connection', 'state', 'createdAt'] })
// Partial indexes of unfinished messages: due ones by connection (the claim) and by time (the
// next due time, backlog metrics, sweeper), and in-flight ones. A delivered message leaves them,
// so they stay as small as the backlog and take no entry when a message succeeds.
@Index({
  name: 'push_messages_next_due_index',
  expression: `create index "push_messages_next_due_index" on "push_messages" ("next_attempt_at") where "state" in ('PENDING', 'RETRY_SCHEDULED')`,
})
@Index({
  name: 'push_messages_due_index',
  expression: `create index "push_messages_due_index" on "push_messages" ("connection_id", "next_attempt_at", "created_at") where "state" in ('PENDING', 'RETRY_SCHEDULED')`,
})
@Index({
  name: 'push_messages_in_flight_index',
  expression: `create index "push_messages_in_flight_index" on "push_messages" ("connection_id", "updated_at") where "state" = 'DELIVERING'`,
})
export class PushMessage {
  /** `msg_` + 26 random base32 characters; sent as `webhook-id`. */
  @PrimaryKey({ type: 'string', length: 40 })
  id!: string;

  @ManyToOne(() => Workspace, { deleteRule: 'cascade' })
  workspace!: Workspace;

  @ManyToOne(() => PushConnection, { deleteRule: 'cascade' })
  connection!: PushConnection;

  /**
   * No foreign key constraint backs this column. Its check locked the event row for each message
   * insert, a WAL record per message, and deleting an event made PostgreSQL scan all of
   * push_messages for referencing rows, because no index leads with event_id. Events are never
   * deleted while a message refers to them: the messages are inserted with their event, a
   * workspace's deletion cascades to both tables, and retention deletes a test message's sample
   * event in the statement that deletes the message.
   */
  @ManyToOne(() => DocumentRecordEvent, { createForeignKeyConstraint: false })
  event!: DocumentRecordEvent;

  @Enum({ items: () => PushMessageState, nativeEnumName: 'push_message_state' })
  state: Opt<PushMessageState> = PushMessageState.PENDING;

  @Property({ type: 'integer' })
  attempts: Opt<number> = 0;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  nextAttemptAt: Date | null = new Date();

  @Property({ type: 'integer', nullable: true })
  lastResponseCode: number | null = null;

  @Property({ type: 'text', nullable: true })
  lastError: string | null = null;

  /**
   * Agenda job id of the operator resend that claimed the message's latest resend attempt. A resend
   * job that runs again after its worker crashed finds its own id here and claims no second attempt.
   */
  @Property({ type: 'text', nullable: true })
  resendJobId: string | null = null;

  /** A sample message sent by `sendTestMessage`. */
  @Property({ type: 'boolean' })
  isTest: Opt<boolean> = false;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Opt<Date> = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Opt<Date> = new Date();
}
