import { Field, ID, ObjectType } from 'type-graphql';
import { DocumentRecordEventType } from '../records/event-type';
import { FileTypeEnum } from './file-type.enum';
import type { FileType } from '../rendering/document-content';
import { currentSigningSecretOf, type PushConnection } from './push-connection.entity';
import { ConnectionType } from '../graphql/pagination';

/** Shown in place of a secret header's value. */
export const MASKED_VALUE = '********';

@ObjectType('PushConnectionHeader', { simpleResolvers: true })
export class PushConnectionHeaderType {
  @Field()
  name!: string;

  @Field({ description: `The value with its variables; "${MASKED_VALUE}" for a secret header.` })
  value!: string;

  @Field()
  useDefaultApiUser!: boolean;

  @Field()
  secret!: boolean;
}

@ObjectType('PushConnection', { simpleResolvers: true, description: "Where and when a workspace's events are pushed, with Legito's field names." })
export class PushConnectionType {
  @Field(() => ID)
  id!: number;

  @Field({ description: 'UUID sent as pushConnectionSystemName in every message.' })
  systemName!: string;

  @Field()
  name!: string;

  @Field()
  url!: string;

  @Field()
  enabled!: boolean;

  @Field(() => [PushConnectionHeaderType])
  headers!: PushConnectionHeaderType[];

  @Field(() => [DocumentRecordEventType])
  eventTypes!: DocumentRecordEventType[];

  @Field()
  templateSuiteAll!: boolean;

  @Field(() => [ID])
  templateSuites!: number[];

  @Field()
  documentRecordTypeAll!: boolean;

  @Field(() => [ID])
  documentRecordTypes!: number[];

  @Field()
  attachFilesUploaded!: boolean;

  @Field()
  attachFilesGenerated!: boolean;

  @Field(() => [FileTypeEnum])
  fileTypes!: FileType[];

  @Field(() => String, { nullable: true, description: 'Why docpush disabled the connection itself (410 Gone, failing too long).' })
  disabledReason!: string | null;

  @Field(() => Date, { nullable: true })
  disabledAt!: Date | null;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;

  /** The sealed current signing secret, kept from the entity for the `signingSecret` field; not in the schema. */
  sealedSigningSecret!: string | null;
}

export const PushConnectionConnection = ConnectionType(PushConnectionType, 'PushConnection');

export function toPushConnectionType(connection: PushConnection): PushConnectionType {
  return {
    id: connection.id,
    systemName: connection.systemName,
    name: connection.name,
    url: connection.url,
    enabled: connection.enabled,
    headers: connection.headers.map((header) => ({
      name: header.name,
      value: header.secret ? MASKED_VALUE : header.value,
      useDefaultApiUser: header.useDefaultApiUser,
      secret: header.secret,
    })),
    eventTypes: connection.eventTypes,
    templateSuiteAll: connection.templateSuiteAll,
    templateSuites: connection.templateSuiteIds,
    documentRecordTypeAll: connection.documentRecordTypeAll,
    documentRecordTypes: connection.documentRecordTypeIds,
    attachFilesUploaded: connection.attachFilesUploaded,
    attachFilesGenerated: connection.attachFilesGenerated,
    fileTypes: connection.fileTypes,
    disabledReason: connection.disabledReason,
    disabledAt: connection.disabledAt,
    createdAt: connection.createdAt,
    updatedAt: connection.updatedAt,
    sealedSigningSecret: currentSigningSecretOf(connection.signingSecrets)?.sealed ?? null,
  };
}
