import { Field, ID, InputType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { DocumentRecordEventType } from './event-type';

@InputType({ description: "A timeline event of a document record; it is pushed to every enabled connection that matches it." })
export class RecordDocumentEventInput {
  @Field(() => ID, { description: 'A document record of this workspace.' })
  documentRecordId!: string;

  @Field(() => DocumentRecordEventType, { description: 'The event type; it selects the connections that the event is pushed to.' })
  type!: DocumentRecordEventType;

  @Field(() => ID, { nullable: true, description: 'The acting user; omit it for a system event such as a date reminder.' })
  authorId?: string | null;

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description:
      "Legito's event parameters, such as {ownerId} or {workflowStageId}; at most 64 KiB as JSON. For DocumentOwnerChanged, parameters.ownerId also becomes the record's owner.",
  })
  parameters?: Record<string, unknown> | null;
}
