import { Field, ID, Int, ObjectType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import type { DocumentRecord, WorkflowStageData } from './document-record.entity';
import { ConnectionType } from '../graphql/pagination';

@ObjectType('WorkflowStage', { simpleResolvers: true, description: "A record's workflow stage, in the shape of Legito's WorkflowStage resource." })
export class WorkflowStageType {
  @Field(() => Int)
  id!: number;

  @Field()
  name!: string;

  @Field(() => Int, { nullable: true })
  workflowRevisionId?: number;

  @Field(() => Int, { nullable: true })
  workflowElementId?: number;

  @Field(() => Int, { nullable: true })
  workflowElementPersistId?: number;

  @Field(() => Int, { nullable: true })
  position?: number;

  @Field(() => Boolean, { nullable: true })
  start?: boolean;

  @Field(() => String, { nullable: true })
  color?: string;

  @Field(() => Boolean, { nullable: true })
  notify?: boolean;

  @Field(() => Boolean, { nullable: true })
  locked?: boolean;

  @Field(() => Boolean, { nullable: true })
  sign?: boolean;

  @Field(() => Boolean, { nullable: true })
  share?: boolean;

  @Field(() => Boolean, { nullable: true })
  shareExternal?: boolean;

  @Field(() => Boolean, { nullable: true })
  download?: boolean;
}

@ObjectType('DocumentRecordPerson', { simpleResolvers: true, description: 'A person named on a record, such as a signing party.' })
export class DocumentRecordPersonType {
  @Field(() => String, { nullable: true })
  definition!: string | null;

  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => String, { nullable: true })
  email!: string | null;
}

@ObjectType('DocumentRecord', { simpleResolvers: true, description: "A document record, with the field names of Legito's DocumentRecord resource." })
export class DocumentRecordObject {
  @Field(() => ID)
  id!: number;

  @Field({ description: '40 random letters and digits, unique across the server.' })
  code!: string;

  @Field()
  name!: string;

  @Field(() => ID, { nullable: true })
  templateSuiteId!: number | null;

  @Field(() => ID, { nullable: true })
  documentRecordTypeId!: number | null;

  @Field(() => ID)
  authorId!: number;

  @Field(() => ID)
  ownerId!: number;

  @Field(() => WorkflowStageType, { nullable: true })
  workflowStage!: WorkflowStageData | null;

  @Field({ description: 'True while the record is locked to editing; updateDocumentRecord is rejected then.' })
  locked!: boolean;

  @Field()
  deleted!: boolean;

  @Field()
  created!: Date;

  @Field()
  lastModified!: Date;

  @Field(() => [GraphQLJSONObject], { description: 'Property values: {id, name, type, value, ...}.' })
  properties!: Array<Record<string, unknown>>;

  @Field(() => [DocumentRecordPersonType])
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
