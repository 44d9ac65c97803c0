import { Field, ID, InputType, Int } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';

@InputType({ description: "A workflow stage in the shape of Legito's WorkflowStage resource." })
export class WorkflowStageInput {
  @Field(() => Int, { description: 'Workflow stage id, a positive integer.' })
  id!: number;

  @Field({ description: 'Stage name, such as "Ready to sign"; 1 to 200 characters.' })
  name!: string;

  @Field(() => Int, { nullable: true, description: "Legito's workflow revision id." })
  workflowRevisionId?: number | null;

  @Field(() => Int, { nullable: true, description: "Legito's workflow element id." })
  workflowElementId?: number | null;

  @Field(() => Int, { nullable: true, description: "Legito's persistent workflow element id." })
  workflowElementPersistId?: number | null;

  @Field(() => Int, {
    nullable: true,
    description:
      'Position of the stage in the stage list, 0 or more. An update also accepts the negative position that the record stores, ' +
      'sent back unchanged with the same stage id, because earlier builds stored negative positions.',
  })
  position?: number | null;

  @Field(() => Boolean, { nullable: true, description: 'True for the start stage.' })
  start?: boolean | null;

  @Field(() => String, { nullable: true, description: 'Display color, such as "#74c078"; up to 32 characters.' })
  color?: string | null;

  @Field(() => Boolean, { nullable: true, description: "Legito's notify flag of the stage, stored and pushed as given." })
  notify?: boolean | null;

  @Field(() => Boolean, {
    nullable: true,
    description: "Legito's locked flag of the stage, stored and pushed as given. It does not lock the record: record a DocumentRecordLocked event for that.",
  })
  locked?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: "Legito's sign flag of the stage, stored and pushed as given." })
  sign?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: "Legito's share flag of the stage, stored and pushed as given." })
  share?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: "Legito's shareExternal flag of the stage, stored and pushed as given." })
  shareExternal?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: "Legito's download flag of the stage, stored and pushed as given." })
  download?: boolean | null;
}

@InputType({ description: 'A person named on a record, such as a signing party. At least one of definition, name and email must be non-blank.' })
export class DocumentRecordPersonInput {
  @Field(() => String, { nullable: true, description: 'The role of the person, such as "First sign party"; up to 200 characters.' })
  definition?: string | null;

  @Field(() => String, { nullable: true, description: 'Up to 200 characters.' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'An email address in the form name@example.com.' })
  email?: string | null;
}

@InputType({ description: 'A new document record; creating it records a DocumentRecordCreated event by its author.' })
export class CreateDocumentRecordInput {
  @Field({ description: 'Record name, 1 to 500 characters.' })
  name!: string;

  @Field(() => ID, { nullable: true, description: 'A template suite of this workspace.' })
  templateSuiteId?: string | null;

  @Field(() => ID, { nullable: true, description: 'A document record type of this workspace.' })
  documentRecordTypeId?: string | null;

  @Field(() => ID, { description: 'The user who creates the record; also the author of its DocumentRecordCreated event.' })
  authorId!: string;

  @Field(() => ID, { nullable: true, description: 'The owner; the author when omitted.' })
  ownerId?: string | null;

  @Field(() => WorkflowStageInput, { nullable: true, description: 'The workflow stage; none when omitted.' })
  workflowStage?: WorkflowStageInput | null;

  @Field(() => [GraphQLJSONObject], {
    nullable: true,
    description:
      "Property values in the shape of Legito's DocumentRecord.properties; at most 500, and at most 256 KiB as JSON. " +
      'Each needs id (a positive integer, unique within the record), name (1 to 200 characters), type and value. ' +
      'type is one of system, text, textarea, date, date_list, number, currency, checkbox, checkbox_list, selectbox, selectbox_multiple, ' +
      'user, user_list, user_group, user_group_list, list_record or list_record_list, and it fixes the shape of value, such as a number or null for number. ' +
      'The optional keys are propertyGroupId, priority, system, systemType and systemName; any other key is rejected.',
  })
  properties?: Array<Record<string, unknown>> | null;

  @Field(() => [DocumentRecordPersonInput], { nullable: true, description: 'At most 3 persons, each with at least one of definition, name and email.' })
  persons?: DocumentRecordPersonInput[] | null;
}

@InputType({
  description:
    'Changes to a document record. They record a DocumentRecordUpdated event, then a DocumentOwnerChanged event when ownerId names another user than the owner, ' +
    'then a WorkflowStatusChanged event when the workflow stage id changes. Omitted fields keep their value; null clears templateSuiteId, documentRecordTypeId and workflowStage.',
})
export class UpdateDocumentRecordInput {
  @Field(() => ID, { nullable: true, description: 'The user who makes the change: the author of the events it records. Omit it for a change without an acting user.' })
  actingUserId?: string | null;

  @Field(() => String, { nullable: true, description: 'New record name, 1 to 500 characters.' })
  name?: string | null;

  @Field(() => ID, { nullable: true, description: 'A template suite of this workspace; null removes it. CONFLICT while the record has documents, whose templates belong to its current suite.' })
  templateSuiteId?: string | null;

  @Field(() => ID, { nullable: true, description: 'A document record type of this workspace; null removes it.' })
  documentRecordTypeId?: string | null;

  @Field(() => ID, {
    nullable: true,
    description: 'The new owner, a user of this workspace. Another user than the current owner also records a DocumentOwnerChanged event with parameters.ownerId.',
  })
  ownerId?: string | null;

  @Field(() => WorkflowStageInput, {
    nullable: true,
    description:
      'Replaces the workflow stage; null removes it. A change of the stage id, including a stage set or removed, also records a WorkflowStatusChanged event ' +
      'with parameters.workflowStageId, null for a removed stage. The same id with other fields records none.',
  })
  workflowStage?: WorkflowStageInput | null;

  @Field(() => [GraphQLJSONObject], { nullable: true, description: 'Replaces all properties, with the limits of CreateDocumentRecordInput.properties.' })
  properties?: Array<Record<string, unknown>> | null;

  @Field(() => [DocumentRecordPersonInput], { nullable: true, description: 'Replaces all persons, with the limits of CreateDocumentRecordInput.persons.' })
  persons?: DocumentRecordPersonInput[] | null;
}
