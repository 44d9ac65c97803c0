import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { ContentBlock } from '../rendering/document-content';
import { ContentBlockKindEnum } from './document.input';
import type { Document } from './document.entity';
import type { UploadedFile } from './uploaded-file.entity';
import { ConnectionType } from '../graphql/pagination';

@ObjectType('ContentBlock', { simpleResolvers: true, description: 'One block of document content; fields that its kind does not use are null.' })
export class ContentBlockObject {
  @Field(() => ContentBlockKindEnum, { description: 'What the block is; it decides which other fields are set.' })
  kind!: ContentBlock['kind'];

  @Field(() => Int, { nullable: true, description: 'Heading level, 1 to 3; headings only.' })
  level!: number | null;

  @Field(() => String, { nullable: true, description: 'Text of a heading or a paragraph.' })
  text!: string | null;

  @Field(() => Boolean, { nullable: true, description: 'True for a numbered list, false for bullets; lists only.' })
  ordered!: boolean | null;

  @Field(() => [String], { nullable: true, description: 'List items; lists only.' })
  items!: string[] | null;

  @Field(() => String, { nullable: true, description: 'Caption above the property table; null when it has none.' })
  caption!: string | null;
}

@ObjectType('DocumentContent', { simpleResolvers: true, description: 'The structured content of a generated document, as it was last stored.' })
export class DocumentContentObject {
  @Field({ description: 'Document title, printed above the first block.' })
  title!: string;

  @Field(() => [ContentBlockObject], { description: 'The blocks in reading order.' })
  blocks!: ContentBlockObject[];
}

@ObjectType('Document', { simpleResolvers: true, description: 'A generated document of a record; pushes render it to the file types a connection asks for.' })
export class DocumentObject {
  @Field(() => ID, { description: 'The document id.' })
  id!: number;

  @Field(() => ID, { description: 'The record the document belongs to.' })
  documentRecordId!: number;

  @Field(() => ID, { description: 'The template whose layout the document renders with.' })
  templateId!: number;

  @Field(() => Int, { description: 'Starts at 1 and grows by one with each updateDocument.' })
  version!: number;

  @Field(() => DocumentContentObject, { description: 'The content of the current version.' })
  content!: DocumentContentObject;

  @Field({ description: 'When version 1 was created.' })
  createdAt!: Date;

  @Field({ description: 'When the document last changed, such as by updateDocument.' })
  updatedAt!: Date;
}

@ObjectType('File', { simpleResolvers: true, description: "A file uploaded to a record, with the field names of Legito's File; the bytes are only pushed, never returned here." })
export class UploadedFileObject {
  @Field(() => ID, { description: 'The file id.' })
  id!: number;

  @Field(() => ID, { description: 'The record the file is stored on.' })
  documentRecordId!: number;

  @Field({ description: 'File name with extension, unique within the record regardless of case.' })
  fileName!: string;

  @Field({ description: 'Media type, such as "application/pdf".' })
  mimeType!: string;

  @Field(() => Int, { description: 'Size in bytes.' })
  size!: number;

  @Field({ description: 'SHA-256 of the bytes, as 64 lower-case hex digits.' })
  sha256!: string;

  @Field({ description: 'When the file was uploaded.' })
  uploadedDate!: Date;
}

export const FileConnection = ConnectionType(UploadedFileObject, 'File');

export function toDocumentObject(document: Document): DocumentObject {
  return {
    id: document.id,
    documentRecordId: document.documentRecord.id,
    templateId: document.template.id,
    version: document.version,
    content: { title: document.content.title, blocks: document.content.blocks.map(toContentBlockObject) },
    createdAt: document.createdAt,
    updatedAt: document.updatedAt,
  };
}

function toContentBlockObject(block: ContentBlock): ContentBlockObject {
  const empty = { level: null, text: null, ordered: null, items: null, caption: null };
  switch (block.kind) {
    case 'heading':
      return { ...empty, kind: block.kind, level: block.level, text: block.text };
    case 'paragraph':
      return { ...empty, kind: block.kind, text: block.text };
    case 'list':
      return { ...empty, kind: block.kind, ordered: block.ordered, items: block.items };
    case 'propertyTable':
      return { ...empty, kind: block.kind, caption: block.caption ?? null };
  }
}

export function toUploadedFileObject(file: UploadedFile): UploadedFileObject {
  return {
    id: file.id,
    documentRecordId: file.documentRecord.id,
    fileName: file.fileName,
    mimeType: file.mimeType,
    size: file.size,
    sha256: file.sha256,
    uploadedDate: file.uploadedAt,
  };
}
