import { Field, ID, ObjectType } from 'type-graphql';
import { DocumentRecordEventType } from '../records/event-type';
import { FileTypeEnum } from './file-type.enum';
import type { FileType } from '../rendering/document-content';
import { currentSigningSecretOf, type PushConnection } from './push-connection.entity';
import { ConnectionType } from '../graphql/pagination';

/** Shown in place of a secret header's value. */
export const MASKED_VALUE = '********';

@ObjectType('PushConnectionHeader', { simpleResolvers: true, description: 'A custom header of a push connection, sent with its messages.' })
export class PushConnectionHeaderType {
  @Field({ description: 'The header name, as it was given.' })
  name!: string;

  @Field({ description: `The value with its variables; "${MASKED_VALUE}" for a secret header.` })
  value!: string;

  @Field({ description: "True when LEGITO.currentUser.* variables resolve to the workspace's default API user instead of the acting user." })
  useDefaultApiUser!: boolean;

  @Field({ description: 'True when the value is stored encrypted and masked in logs and API output.' })
  secret!: boolean;
}

@ObjectType('PushConnection', { simpleResolvers: true, description: "Where and when a workspace's events are pushed, with Legito's field names." })
export class PushConnectionType {
  @Field(() => ID, { description: 'The connection id.' })
  id!: number;

  @Field({ description: 'UUID sent as pushConnectionSystemName in every message.' })
  systemName!: string;

  @Field({ description: 'Display name.' })
  name!: string;

  @Field({ description: 'The listener URL that each message is POSTed to, WHATWG-serialised as it was stored.' })
  url!: string;

  @Field({ description: 'True while events are pushed to the connection; a new connection starts disabled.' })
  enabled!: boolean;

  @Field(() => [PushConnectionHeaderType], { description: "Custom headers for the connection's messages, in the order given." })
  headers!: PushConnectionHeaderType[];

  @Field(() => [DocumentRecordEventType], { description: 'Event types that trigger a push.' })
  eventTypes!: DocumentRecordEventType[];

  @Field({ description: 'True when records of any template suite, or of none, trigger the connection.' })
  templateSuiteAll!: boolean;

  @Field(() => [ID], { description: 'Template suite ids whose records trigger the connection while templateSuiteAll is false.' })
  templateSuites!: number[];

  @Field({ description: 'True when records of any document record type, or of none, trigger the connection.' })
  documentRecordTypeAll!: boolean;

  @Field(() => [ID], { description: 'Document record type ids whose records trigger the connection while documentRecordTypeAll is false.' })
  documentRecordTypes!: number[];

  @Field({ description: "True when each message carries the record's uploaded files, as Base64, under files.uploaded." })
  attachFilesUploaded!: boolean;

  @Field({ description: "True when each message carries the record's documents rendered to every type in fileTypes, as Base64, under files.generated." })
  attachFilesGenerated!: boolean;

  @Field(() => [FileTypeEnum], { description: 'Formats of the generated files; used while attachFilesGenerated is true.' })
  fileTypes!: FileType[];

  @Field(() => String, { nullable: true, description: 'Why docpush disabled the connection itself (410 Gone, failing too long).' })
  disabledReason!: string | null;

  @Field(() => Date, { nullable: true, description: 'When an admin or docpush last disabled the connection; null while it is enabled and before it is first disabled.' })
  disabledAt!: Date | null;

  @Field(() => Date, {
    nullable: true,
    description: 'Time of the first failed attempt since the last success; null while attempts succeed. docpush disables the connection once it stays set for DOCPUSH_DISABLE_AFTER.',
  })
  failingSince!: Date | null;

  @Field({ description: 'When the connection was created.' })
  createdAt!: Date;

  @Field({ description: 'When the connection was last changed, including changes by docpush such as disabling it.' })
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
    failingSince: connection.failingSince,
    createdAt: connection.createdAt,
    updatedAt: connection.updatedAt,
    sealedSigningSecret: currentSigningSecretOf(connection.signingSecrets)?.sealed ?? null,
  };
}
