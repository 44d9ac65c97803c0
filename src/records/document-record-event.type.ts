import { Field, ID, ObjectType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import type { DocumentRecordEvent } from './document-record-event.entity';
import { DocumentRecordEventType } from './event-type';
import { ConnectionType } from '../graphql/pagination';

@ObjectType('DocumentRecordEvent', { simpleResolvers: true, description: "An entry of a record's timeline, with the field names of Legito's DocumentRecordEvent." })
export class DocumentRecordEventObject {
  @Field(() => ID, { description: 'The event id, pushed as event.id.' })
  id!: number;

  @Field(() => DocumentRecordEventType, { description: 'The event type.' })
  type!: DocumentRecordEventType;

  @Field({ description: 'When the event was recorded.' })
  created!: Date;

  @Field(() => ID, { nullable: true, description: 'The acting user; null for a system event.' })
  authorId!: number | null;

  @Field(() => ID, { description: 'The record whose timeline the event belongs to.' })
  documentRecordId!: number;

  @Field(() => GraphQLJSONObject, { description: 'The event parameters as given; {} when none were given.' })
  parameters!: Record<string, unknown>;

  @Field(() => String, {
    nullable: true,
    description:
      'The idempotencyKey that recordDocumentEvent or recordDocumentEvents recorded the event with, so a caller can match the timeline with the events it sent. ' +
      'Null when none was given, and for the events that other mutations record. It is not pushed to listeners.',
  })
  idempotencyKey!: string | null;
}

export const DocumentRecordEventConnection = ConnectionType(DocumentRecordEventObject, 'DocumentRecordEvent');

@ObjectType({ simpleResolvers: true, description: 'A recorded event and the push messages it created, one per matching enabled connection.' })
export class RecordedDocumentEvent {
  @Field(() => DocumentRecordEventObject, { description: 'The stored event.' })
  event!: DocumentRecordEventObject;

  @Field(() => [ID], {
    description:
      'Ids of the push messages queued for delivery (the webhook-id of each). ' +
      'When replayed is true, the ids of the messages that the first call queued and that are still stored: finished messages are purged after DOCPUSH_LOG_RETENTION.',
  })
  pushMessageIds!: string[];

  @Field({
    description:
      'True when an earlier call recorded this event with the same idempotencyKey and input, and this call stored and pushed nothing. ' +
      'False when this call stored the event.',
  })
  replayed!: boolean;
}

export function toDocumentRecordEventObject(event: DocumentRecordEvent): DocumentRecordEventObject {
  return {
    id: event.id,
    type: event.type,
    created: event.createdAt,
    authorId: event.author?.id ?? null,
    documentRecordId: event.documentRecord.id,
    parameters: event.parameters,
    idempotencyKey: event.idempotencyKey,
  };
}
