import { Field, ID, InputType } from 'type-graphql';
import { DocumentRecordEventType } from '../records/event-type';
import { FileTypeEnum } from './file-type.enum';
import type { FileType } from '../rendering/document-content';

@InputType()
export class PushConnectionHeaderInput {
  @Field({ description: 'An HTTP header name (an RFC 9110 token). webhook-*, Content-Type, Content-Length, Host and Transfer-Encoding are reserved.' })
  name!: string;

  @Field({ description: 'The value; may contain variables such as {{LEGITO.currentUser.email}}.' })
  value!: string;

  @Field({ defaultValue: false, description: 'Resolve LEGITO.currentUser.* to the default API user instead of the acting user.' })
  useDefaultApiUser!: boolean;

  @Field({ defaultValue: false, description: 'Store the value encrypted and mask it in logs and API output.' })
  secret!: boolean;
}

@InputType({ description: 'A new push connection; it starts disabled.' })
export class CreatePushConnectionInput {
  @Field()
  name!: string;

  @Field({ description: 'The listener URL: https, on a public address unless the server allow-list opens more.' })
  url!: string;

  @Field(() => [PushConnectionHeaderInput], { defaultValue: [] })
  headers!: PushConnectionHeaderInput[];

  @Field(() => [DocumentRecordEventType], { description: 'Event types that trigger a push; at least one.' })
  eventTypes!: DocumentRecordEventType[];

  @Field({ defaultValue: true })
  templateSuiteAll!: boolean;

  @Field(() => [ID], { defaultValue: [], description: 'Template suite ids, used when templateSuiteAll is false, and then at least one is required.' })
  templateSuites!: string[];

  @Field({ defaultValue: true })
  documentRecordTypeAll!: boolean;

  @Field(() => [ID], { defaultValue: [], description: 'Document record type ids, used when documentRecordTypeAll is false, and then at least one is required.' })
  documentRecordTypes!: string[];

  @Field({ defaultValue: false })
  attachFilesUploaded!: boolean;

  @Field({ defaultValue: false })
  attachFilesGenerated!: boolean;

  @Field(() => [FileTypeEnum], { defaultValue: ['docx', 'pdf'] })
  fileTypes!: FileType[];
}

@InputType({ description: 'Changes to a push connection; omitted fields keep their value. Headers are replaced as a whole.' })
export class UpdatePushConnectionInput {
  @Field({ nullable: true })
  name?: string;

  @Field({ nullable: true })
  url?: string;

  @Field(() => [PushConnectionHeaderInput], { nullable: true })
  headers?: PushConnectionHeaderInput[];

  @Field(() => [DocumentRecordEventType], { nullable: true })
  eventTypes?: DocumentRecordEventType[];

  @Field({ nullable: true })
  templateSuiteAll?: boolean;

  @Field(() => [ID], { nullable: true })
  templateSuites?: string[];

  @Field({ nullable: true })
  documentRecordTypeAll?: boolean;

  @Field(() => [ID], { nullable: true })
  documentRecordTypes?: string[];

  @Field({ nullable: true })
  attachFilesUploaded?: boolean;

  @Field({ nullable: true })
  attachFilesGenerated?: boolean;

  @Field(() => [FileTypeEnum], { nullable: true })
  fileTypes?: FileType[];
}
