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
}

export const DocumentRecordEventConnection = ConnectionType(DocumentRecordEventObject, 'DocumentRecordEvent');

@ObjectType({ simpleResolvers: true, description: 'A recorded event and the push messages it created, one per matching enabled connection.' })
export class RecordedDocumentEvent {
  @Field(() => DocumentRecordEventObject, { description: 'The stored event.' })
  event!: DocumentRecordEventObject;

  @Field(() => [ID], { description: 'Ids of the push messages queued for delivery (the webhook-id of each).' })
  pushMessageIds!: string[];
}

export function toDocumentRecordEventObject(event: DocumentRecordEvent): DocumentRecordEventObject {
  return {
    id: event.id,
    type: event.type,
    created: event.createdAt,
    authorId: event.author?.id ?? null,
    documentRecordId: event.documentRecord.id,
    parameters: event.parameters,
  };
}
