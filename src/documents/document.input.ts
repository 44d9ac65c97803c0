import { Field, ID, InputType, Int, registerEnumType } from 'type-graphql';
import type { ContentBlock } from '../rendering/document-content';

type ContentBlockKind = ContentBlock['kind'];

/** The GraphQL enum of content block kinds, with the same names as the stored `kind` values. */
export const ContentBlockKindEnum: { [K in ContentBlockKind]: K } = {
  heading: 'heading',
  paragraph: 'paragraph',
  list: 'list',
  propertyTable: 'propertyTable',
};

registerEnumType(ContentBlockKindEnum, {
  name: 'ContentBlockKind',
  description: 'What a content block is: a heading, a paragraph, a list, or a table of the record properties.',
  valuesConfig: {
    heading: { description: 'A heading; needs `level` (1 to 3) and `text`.' },
    paragraph: { description: 'A paragraph; needs `text`.' },
    list: { description: 'A bulleted or numbered list; needs `items` and takes `ordered` (false when omitted).' },
    propertyTable: { description: "The record's properties as a two-column table (name, value); takes an optional `caption`." },
  },
});

@InputType({
  description:
    'One block of document content. `kind` decides which other fields apply; a field that the kind does not use must be omitted or null.',
})
export class ContentBlockInput {
  @Field(() => ContentBlockKindEnum, { description: 'What the block is; it decides which other fields apply.' })
  kind!: ContentBlockKind;

  @Field(() => Int, { nullable: true, description: 'Heading level 1, 2 or 3; headings only.' })
  level?: number | null;

  @Field(() => String, { nullable: true, description: 'Text of a heading (up to 1,000 characters) or a paragraph (up to 100,000); line breaks are kept.' })
  text?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'True for a numbered list, false (the default) for bullets; lists only.' })
  ordered?: boolean | null;

  @Field(() => [String], { nullable: true, description: 'List items, 1 to 1,000 of up to 10,000 characters each; lists only.' })
  items?: string[] | null;

  @Field(() => String, { nullable: true, description: 'Caption above the property table, up to 500 characters; property tables only.' })
  caption?: string | null;
}

@InputType({ description: 'The structured content of a generated document, rendered to every file type a push connection asks for.' })
export class DocumentContentInput {
  @Field({ description: 'Document title, printed above the first block; 1 to 500 characters.' })
  title!: string;

  @Field(() => [ContentBlockInput], { description: 'The blocks in reading order, at most 2,000, of which at most 4 property tables; all texts together may have up to 1,000,000 characters.' })
  blocks!: ContentBlockInput[];
}

@InputType({ description: "A generated document of a record, made from one template of the record's template suite." })
export class CreateDocumentInput {
  @Field(() => ID, { description: 'A document record of this workspace that is neither locked nor deleted.' })
  documentRecordId!: string;

  @Field(() => ID, { description: "A template of the record's template suite; a record has at most one document per template." })
  templateId!: string;

  @Field(() => DocumentContentInput, { description: 'The content of version 1.' })
  content!: DocumentContentInput;
}

@InputType({ description: 'A file to store on a record; it is pushed to connections that attach uploaded files.' })
export class UploadFileInput {
  @Field(() => ID, { description: 'A document record of this workspace that is neither locked nor deleted.' })
  documentRecordId!: string;

  @Field({
    description:
      'File name with extension, such as "signed-contract.pdf"; unique within the record, ignoring case. Stored as sent, without trimming: ' +
      'whitespace at its start or end and a dot at its end are rejected, because Windows does not support a file name that ends with a space or a dot.',
  })
  fileName!: string;

  @Field({ description: 'Media type, such as "application/pdf".' })
  mimeType!: string;

  @Field({ description: 'The file bytes as standard Base64 (RFC 4648 section 4, with padding, no line breaks).' })
  contentBase64!: string;
}
