import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { ContentBlock } from '../rendering/document-content';
import { ContentBlockKindEnum } from './document.input';
import type { Document } from './document.entity';
import type { UploadedFile } from './uploaded-file.entity';

@ObjectType('ContentBlock', { simpleResolvers: true, description: 'One block of document content; fields that its kind does not use are null.' })
export class ContentBlockObject {
  @Field(() => ContentBlockKindEnum)
  kind!: ContentBlock['kind'];

  @Field(() => Int, { nullable: true })
  level!: number | null;

  @Field(() => String, { nullable: true })
  text!: string | null;

  @Field(() => Boolean, { nullable: true })
  ordered!: boolean | null;

  @Field(() => [String], { nullable: true })
  items!: string[] | null;

  @Field(() => String, { nullable: true })
  caption!: string | null;
}

@ObjectType('DocumentContent', { simpleResolvers: true })
export class DocumentContentObject {
  @Field()
  title!: string;

  @Field(() => [ContentBlockObject])
  blocks!: ContentBlockObject[];
}

@ObjectType('Document', { simpleResolvers: true, description: 'A generated document of a record; pushes render it to the file types a connection asks for.' })
export class DocumentObject {
  @Field(() => ID)
  id!: number;

  @Field(() => ID)
  documentRecordId!: number;

  @Field(() => ID)
  templateId!: number;

  @Field(() => Int, { description: 'Starts at 1 and grows by one with each updateDocument.' })
  version!: number;

  @Field(() => DocumentContentObject)
  content!: DocumentContentObject;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;
}

@ObjectType('File', { simpleResolvers: true, description: "A file uploaded to a record, with the field names of Legito's File; the bytes are only pushed, never returned here." })
export class UploadedFileObject {
  @Field(() => ID)
  id!: number;

  @Field(() => ID)
  documentRecordId!: number;

  @Field()
  fileName!: string;

  @Field()
  mimeType!: string;

  @Field(() => Int, { description: 'Size in bytes.' })
  size!: number;

  @Field({ description: 'SHA-256 of the bytes, as 64 lower-case hex digits.' })
  sha256!: string;

  @Field()
  uploadedDate!: Date;
}

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
