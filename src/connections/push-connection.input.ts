import { Field, ID, InputType } from 'type-graphql';
import { DocumentRecordEventType } from '../records/event-type';
import { FileTypeEnum } from './file-type.enum';
import type { FileType } from '../rendering/document-content';
import { MAX_NAME_LENGTH } from '../common/input-checks';
import { MAX_HEADER_NAME_LENGTH, MAX_HEADER_VALUE_BYTES, MAX_HEADERS } from './header-template';
import { MAX_URL_LENGTH } from './push-connection.service';

const NAME_DESCRIPTION =
  `At most ${MAX_NAME_LENGTH} characters, on one line: control characters, tabs included, the line and paragraph separators U+2028 and U+2029, ` +
  'the bidirectional embeddings and overrides U+202A to U+202E, and isolates (U+2066 to U+2068) that U+2069 does not close are rejected. ' +
  'A name of only whitespace and invisible characters such as U+200B counts as empty.';
const URL_DESCRIPTION =
  `The listener URL, at most ${MAX_URL_LENGTH} characters: https, on a public address unless the server allow-list opens more. ` +
  'A fragment ("#…") is rejected, because HTTP never sends it to the listener. ' +
  'Stored and returned as it is sent, WHATWG-serialised: a space becomes %20, the host is lower-cased, ' +
  'and an internationalised host name is stored in its punycode (xn--) form.';
const HEADERS_DESCRIPTION = `Custom headers, at most ${MAX_HEADERS}, with names unique regardless of case.`;

@InputType({ description: "A custom header for a push connection's messages." })
export class PushConnectionHeaderInput {
  @Field({
    description:
      `An HTTP header name (an RFC 9110 token) of at most ${MAX_HEADER_NAME_LENGTH} characters. ` +
      'webhook-*, User-Agent, Content-Type, Content-Length, Content-Encoding, Host, Transfer-Encoding, Proxy-Authorization ' +
      'and hop-by-hop headers such as Connection are reserved.',
  })
  name!: string;

  @Field({
    description:
      `The value, at most ${MAX_HEADER_VALUE_BYTES} bytes as UTF-8, without a leading or trailing space or tab; ` +
      'may contain variables such as {{LEGITO.currentUser.email}}. ' +
      `A header whose value, with its variables replaced, has a control character or more than ${MAX_HEADER_VALUE_BYTES} bytes as UTF-8 is left out of that request.`,
  })
  value!: string;

  @Field({ defaultValue: false, description: 'Resolve LEGITO.currentUser.* to the default API user instead of the acting user.' })
  useDefaultApiUser!: boolean;

  @Field({ defaultValue: false, description: 'Store the value encrypted and mask it in logs and API output.' })
  secret!: boolean;
}

@InputType({ description: 'A new push connection; it starts disabled.' })
export class CreatePushConnectionInput {
  @Field({ description: NAME_DESCRIPTION })
  name!: string;

  @Field({ description: URL_DESCRIPTION })
  url!: string;

  @Field(() => [PushConnectionHeaderInput], { defaultValue: [], description: HEADERS_DESCRIPTION })
  headers!: PushConnectionHeaderInput[];

  @Field(() => [DocumentRecordEventType], { description: 'Event types that trigger a push; at least one.' })
  eventTypes!: DocumentRecordEventType[];

  @Field({ defaultValue: true, description: 'When true, records of any template suite or of none trigger the connection. When false, only records of a suite in templateSuites do.' })
  templateSuiteAll!: boolean;

  @Field(() => [ID], { defaultValue: [], description: 'Template suite ids, used when templateSuiteAll is false, and then at least one is required.' })
  templateSuites!: string[];

  @Field({ defaultValue: true, description: 'When true, records of any type or of none trigger the connection. When false, only records of a type in documentRecordTypes do.' })
  documentRecordTypeAll!: boolean;

  @Field(() => [ID], { defaultValue: [], description: 'Document record type ids, used when documentRecordTypeAll is false, and then at least one is required.' })
  documentRecordTypes!: string[];

  @Field({ defaultValue: false, description: "Attach the record's uploaded files, as Base64, under files.uploaded." })
  attachFilesUploaded!: boolean;

  @Field({ defaultValue: false, description: "Render each of the record's documents to every type in fileTypes and attach them, as Base64, under files.generated." })
  attachFilesGenerated!: boolean;

  @Field(() => [FileTypeEnum], { defaultValue: ['docx', 'pdf'], description: 'Formats of the generated files, used when attachFilesGenerated is true, and then at least one is required.' })
  fileTypes!: FileType[];
}

@InputType({ description: 'Changes to a push connection; omitted fields keep their value. Headers are replaced as a whole.' })
export class UpdatePushConnectionInput {
  @Field({ nullable: true, description: NAME_DESCRIPTION })
  name?: string;

  @Field({
    nullable: true,
    description: `${URL_DESCRIPTION} A new URL is rejected unless the same update sends the value of every secret header again or removes it.`,
  })
  url?: string;

  @Field(() => [PushConnectionHeaderInput], { nullable: true, description: HEADERS_DESCRIPTION })
  headers?: PushConnectionHeaderInput[];

  @Field(() => [DocumentRecordEventType], { nullable: true, description: 'Replaces the event types that trigger a push; at least one.' })
  eventTypes?: DocumentRecordEventType[];

  @Field({ nullable: true, description: 'As in CreatePushConnectionInput; false needs at least one template suite, given here or already stored.' })
  templateSuiteAll?: boolean;

  @Field(() => [ID], { nullable: true, description: 'Replaces the template suite ids, used when templateSuiteAll is false.' })
  templateSuites?: string[];

  @Field({ nullable: true, description: 'As in CreatePushConnectionInput; false needs at least one document record type, given here or already stored.' })
  documentRecordTypeAll?: boolean;

  @Field(() => [ID], { nullable: true, description: 'Replaces the document record type ids, used when documentRecordTypeAll is false.' })
  documentRecordTypes?: string[];

  @Field({ nullable: true, description: "Attach the record's uploaded files, as Base64, under files.uploaded." })
  attachFilesUploaded?: boolean;

  @Field({ nullable: true, description: "Render the record's documents to every type in fileTypes and attach them, as Base64, under files.generated." })
  attachFilesGenerated?: boolean;

  @Field(() => [FileTypeEnum], { nullable: true, description: 'Replaces the formats of the generated files; at least one while attachFilesGenerated is true.' })
  fileTypes?: FileType[];
}
