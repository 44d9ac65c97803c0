import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { DocumentRecordEventType } from '../records/event-type';
import { ConnectionType } from '../graphql/pagination';
import { PushMessageState, type PushMessage } from './push-message.entity';
import type { DocumentRecordEvent } from '../records/document-record-event.entity';
import { PushConnectionStatusChange } from './connection-status';
import type { ConnectionStatusEvent } from './connection-status.feed';

@ObjectType('PushMessage', { simpleResolvers: true, description: 'One event pushed to one connection; every attempt of it carries its id as webhook-id.' })
export class PushMessageType {
  @Field(() => ID, { description: 'The webhook-id header of every attempt.' })
  id!: string;

  @Field(() => ID, { description: 'The push connection the message is sent to.' })
  connectionId!: number;

  @Field(() => ID, { description: 'The event pushed; for a test message, an event of the internal sample record.' })
  eventId!: number;

  @Field(() => DocumentRecordEventType, { description: 'Type of the event pushed.' })
  eventType!: DocumentRecordEventType;

  @Field(() => PushMessageState, { description: 'Where the message is in its delivery.' })
  state!: PushMessageState;

  @Field(() => Int, { description: 'Attempts started so far, including one in flight or abandoned by a stopped worker.' })
  attempts!: number;

  @Field(() => Date, { nullable: true, description: 'When the next attempt is due; null once the message is finished.' })
  nextAttemptAt!: Date | null;

  @Field(() => Int, { nullable: true, description: 'Response code of the last recorded attempt; 0 when no response was received.' })
  lastResponseCode!: number | null;

  @Field(() => String, { nullable: true, description: 'Why the last recorded attempt failed; null after a success.' })
  lastError!: string | null;

  @Field({ description: 'True for messages sent by sendTestMessage.' })
  isTest!: boolean;

  @Field({ description: 'When the message was created.' })
  createdAt!: Date;

  @Field({ description: 'When the message last changed, such as at the start or end of an attempt.' })
  updatedAt!: Date;
}

@InputType({ description: 'Conditions on push messages; all given conditions must hold.' })
export class PushMessageFilter {
  @Field(() => ID, { nullable: true, description: 'Messages of this push connection, deleted connections included.' })
  connectionId?: string;

  @Field(() => PushMessageState, { nullable: true, description: 'Messages in this state.' })
  state?: PushMessageState;

  @Field({ nullable: true, description: 'True for test messages only, false for real ones only.' })
  isTest?: boolean;

  @Field(() => Date, { nullable: true, description: 'Messages created at or after this time, in years 1 to 9999 UTC.' })
  from?: Date;

  @Field(() => Date, { nullable: true, description: 'Messages created before this time, in years 1 to 9999 UTC.' })
  to?: Date;
}

export const PushMessageConnection = ConnectionType(PushMessageType, 'PushMessage');

/** Converts a message whose event is loaded with at least its id and type. */
export function toPushMessageType(message: Omit<PushMessage, 'event'> & { event: Pick<DocumentRecordEvent, 'id' | 'type'> }): PushMessageType {
  return {
    id: message.id,
    connectionId: message.connection.id,
    eventId: message.event.id,
    eventType: message.event.type,
    state: message.state,
    attempts: message.attempts,
    nextAttemptAt: message.nextAttemptAt,
    lastResponseCode: message.lastResponseCode,
    lastError: message.lastError,
    isTest: message.isTest,
    createdAt: message.createdAt,
    updatedAt: message.updatedAt,
  };
}

@ObjectType('PushConnectionStatus', { simpleResolvers: true,
  description: "A change of a push connection's enabled state, with the state that the change committed. Only name is read when the change is streamed.",
})
export class PushConnectionStatusType {
  @Field(() => ID, { description: 'The push connection that changed.' })
  connectionId!: number;

  @Field({ description: "The connection's name when the change was streamed, which a later rename may have replaced." })
  name!: string;

  @Field(() => PushConnectionStatusChange, { description: 'What changed and who changed it.' })
  change!: PushConnectionStatusChange;

  @Field({ description: 'Whether the connection is enabled after this change.' })
  enabled!: boolean;

  @Field(() => String, { nullable: true, description: 'Why docpush disabled the connection itself; null after an admin action.' })
  disabledReason!: string | null;

  @Field(() => Date, { nullable: true, description: 'When the connection was last disabled; null while it is enabled and before it is first disabled.' })
  disabledAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'Time of the first failed attempt since the last success; null while attempts succeed.' })
  failingSince!: Date | null;

  @Field({ description: 'When this server read the change, shortly after it was committed.' })
  receivedAt!: Date;
}

export function toPushConnectionStatusType(event: ConnectionStatusEvent): PushConnectionStatusType {
  return {
    connectionId: event.connectionId,
    name: event.name,
    change: event.change,
    enabled: event.enabled,
    disabledReason: event.disabledReason,
    disabledAt: event.disabledAt,
    failingSince: event.failingSince,
    receivedAt: event.receivedAt,
  };
}
