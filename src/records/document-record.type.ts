import { Field, ID, Int, ObjectType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import type { DocumentRecord, WorkflowStageData } from './document-record.entity';
import { ConnectionType } from '../graphql/pagination';

@ObjectType('WorkflowStage', { simpleResolvers: true, description: "A record's workflow stage, in the shape of Legito's WorkflowStage resource." })
export class WorkflowStageType {
  @Field(() => Int, { description: "Legito's workflow stage id." })
  id!: number;

  @Field({ description: 'Stage name, such as "Ready to sign".' })
  name!: string;

  @Field(() => Int, { nullable: true, description: "Legito's workflow revision id; null when it was not given." })
  workflowRevisionId?: number;

  @Field(() => Int, { nullable: true, description: "Legito's workflow element id; null when it was not given." })
  workflowElementId?: number;

  @Field(() => Int, { nullable: true, description: "Legito's persistent workflow element id; null when it was not given." })
  workflowElementPersistId?: number;

  @Field(() => Int, { nullable: true, description: 'Position of the stage in the stage list; null when it was not given.' })
  position?: number;

  @Field(() => Boolean, { nullable: true, description: 'True for the start stage; null when it was not given.' })
  start?: boolean;

  @Field(() => String, { nullable: true, description: 'Display color, such as "#74c078"; null when it was not given.' })
  color?: string;

  @Field(() => Boolean, { nullable: true, description: "Legito's notify flag of the stage, stored and pushed as given; null when it was not given." })
  notify?: boolean;

  @Field(() => Boolean, {
    nullable: true,
    description: "Legito's locked flag of the stage, stored and pushed as given; it does not lock the record in docpush. Null when it was not given.",
  })
  locked?: boolean;

  @Field(() => Boolean, { nullable: true, description: "Legito's sign flag of the stage, stored and pushed as given; null when it was not given." })
  sign?: boolean;

  @Field(() => Boolean, { nullable: true, description: "Legito's share flag of the stage, stored and pushed as given; null when it was not given." })
  share?: boolean;

  @Field(() => Boolean, { nullable: true, description: "Legito's shareExternal flag of the stage, stored and pushed as given; null when it was not given." })
  shareExternal?: boolean;

  @Field(() => Boolean, { nullable: true, description: "Legito's download flag of the stage, stored and pushed as given; null when it was not given." })
  download?: boolean;
}

@ObjectType('DocumentRecordPerson', { simpleResolvers: true, description: 'A person named on a record, such as a signing party.' })
export class DocumentRecordPersonType {
  @Field(() => String, { nullable: true, description: 'The role of the person, such as "First sign party".' })
  definition!: string | null;

  @Field(() => String, { nullable: true, description: "The person's name." })
  name!: string | null;

  @Field(() => String, { nullable: true, description: "The person's email address." })
  email!: string | null;
}

@ObjectType('DocumentRecord', { simpleResolvers: true, description: "A document record, with the field names of Legito's DocumentRecord resource." })
export class DocumentRecordObject {
  @Field(() => ID, { description: 'The record id.' })
  id!: number;

  @Field({ description: '40 random letters and digits, unique across the server.' })
  code!: string;

  @Field({ description: 'Record name.' })
  name!: string;

  @Field(() => ID, { nullable: true, description: 'The template suite of the record; null when it has none.' })
  templateSuiteId!: number | null;

  @Field(() => ID, { nullable: true, description: 'The document record type of the record; null when it has none.' })
  documentRecordTypeId!: number | null;

  @Field(() => ID, { description: 'The user who created the record.' })
  authorId!: number;

  @Field(() => ID, {
    description:
      'The user who owns the record. updateDocumentRecord changes it, and records a DocumentOwnerChanged event when the new owner is another user; ' +
      'a DocumentOwnerChanged event recorded with recordDocumentEvent changes it too.',
  })
  ownerId!: number;

  @Field(() => WorkflowStageType, {
    nullable: true,
    description:
      "The record's workflow stage; null when it has none. updateDocumentRecord changes it and records a WorkflowStatusChanged event when its id changes; " +
      'a WorkflowStatusChanged event recorded with recordDocumentEvent does not change it.',
  })
  workflowStage!: WorkflowStageData | null;

  @Field({ description: 'True while the record is locked to editing; updateDocumentRecord and DocumentOwnerChanged events are rejected then.' })
  locked!: boolean;

  @Field({
    description:
      'True after a DocumentRecordDeleted event, until a DocumentRecordRestored event. Meanwhile updateDocumentRecord and events other than those two are rejected.',
  })
  deleted!: boolean;

  @Field({ description: 'When the record was created.' })
  created!: Date;

  @Field({ description: "When the record's fields or its locked and deleted flags last changed." })
  lastModified!: Date;

  @Field(() => [GraphQLJSONObject], { description: 'Property values: {id, name, type, value, ...}.' })
  properties!: Array<Record<string, unknown>>;

  @Field(() => [DocumentRecordPersonType], { description: 'Persons named on the record, such as signing parties; at most 3.' })
  persons!: DocumentRecordPersonType[];
}

export const DocumentRecordConnection = ConnectionType(DocumentRecordObject, 'DocumentRecord');

export function toDocumentRecordObject(record: DocumentRecord): DocumentRecordObject {
  return {
    id: record.id,
    code: record.code,
    name: record.name,
    templateSuiteId: record.templateSuite?.id ?? null,
    documentRecordTypeId: record.documentRecordType?.id ?? null,
    authorId: record.author.id,
    ownerId: record.owner.id,
    workflowStage: record.workflowStage,
    locked: record.locked,
    deleted: record.deleted,
    created: record.createdAt,
    lastModified: record.lastModifiedAt,
    properties: record.properties as unknown as Array<Record<string, unknown>>,
    persons: record.persons,
  };
}
