import type { EntityManager } from '@mikro-orm/postgresql';
import { Document } from './document.entity';
import type { CreateDocumentInput, DocumentContentInput } from './document.input';
import { checkDocumentContent } from './document-content.check';
import { checkRecordExists, findActingUser, lockRecordForChange } from './record-access';
import { ConflictError, ValidationError } from '../common/errors';
import { findReferenced } from '../common/input-checks';
import { WorkspaceScope } from '../common/workspace-scope';
import { Template } from '../catalog/template.entity';
import type { DocumentRecord } from '../records/document-record.entity';
import { DocumentRecordEventType } from '../records/event-type';
import { recordEventWithMessages } from '../records/event-recorder.service';

/** A stored document and the push messages of its NewDocumentVersion event; enqueue them after the commit. */
export interface DocumentChange {
  document: Document;
  messageIds: string[];
}

/**
 * Manages the generated documents of one workspace's records. Creating or updating a document
 * stores it, its NewDocumentVersion event (parameters {templateId}) and the event's push
 * messages in one transaction. Rendering happens only when a message is delivered.
 */
export class DocumentService {
  constructor(private readonly scope: WorkspaceScope) {}

  /** Lists a record's documents, oldest first; an unknown record is NOT_FOUND naming `documentRecordId`. */
  async listOfRecord(documentRecordId: string): Promise<Document[]> {
    const recordId = await checkRecordExists(this.scope, documentRecordId);
    return this.scope.em.find(Document, { workspace: this.scope.workspaceId, documentRecord: recordId }, { orderBy: { id: 'asc' } });
  }

  async create(input: CreateDocumentInput, actingUserId?: string | null): Promise<DocumentChange> {
    const content = checkDocumentContent('content', input.content);

    return this.inTransaction(async (scope, tx) => {
      const record = await lockRecordForChange(scope, 'documentRecordId', input.documentRecordId);
      // FOR SHARE keeps updateTemplate from moving the template to another suite before this commits.
      const template = await findReferenced(scope, Template, 'templateId', 'template', input.templateId, { forShare: true });
      checkTemplateOfRecord(record, template, input.templateId);
      const existing = await tx.findOne(Document, { documentRecord: record, template });
      if (existing) {
        throw new ConflictError(
          `Document record ${record.id} already has document ${existing.id} from template ${template.id}: change it with updateDocument.`,
          'templateId',
        );
      }
      const author = await findActingUser(scope, actingUserId);

      const document = tx.create(Document, { workspace: scope.workspace, documentRecord: record, template, content });
      const { messageIds } = await recordEventWithMessages(tx, {
        record,
        type: DocumentRecordEventType.NewDocumentVersion,
        author,
        parameters: { templateId: template.id },
      });
      return { document, messageIds };
    });
  }

  /** Replaces a document's content and raises its version by one. */
  async update(id: string, contentInput: DocumentContentInput, actingUserId?: string | null): Promise<DocumentChange> {
    const content = checkDocumentContent('content', contentInput);

    return this.inTransaction(async (scope, tx) => {
      const found = await scope.get(Document, 'Document', id);
      const record = await lockRecordForChange(scope, 'id', found.documentRecord.id);
      // Read again under the record lock, so two concurrent updates give two versions.
      const document = await tx.findOneOrFail(Document, found.id, { refresh: true });
      const author = await findActingUser(scope, actingUserId);

      document.content = content;
      document.version += 1;
      const { messageIds } = await recordEventWithMessages(tx, {
        record,
        type: DocumentRecordEventType.NewDocumentVersion,
        author,
        parameters: { templateId: document.template.id },
      });
      return { document, messageIds };
    });
  }

  private inTransaction<T>(work: (scope: WorkspaceScope, tx: EntityManager) => Promise<T>): Promise<T> {
    return this.scope.em.transactional((tx) => work(new WorkspaceScope(tx, this.scope.workspaceId), tx));
  }
}

/** Requires the template to belong to the record's template suite, as documents of a record come from that suite. */
function checkTemplateOfRecord(record: DocumentRecord, template: Template, templateId: string): void {
  const recordSuiteId = record.templateSuite?.id ?? null;
  if (recordSuiteId === null) {
    throw new ValidationError(
      'templateId',
      `templateId ${JSON.stringify(templateId)} cannot be used: document record ${record.id} has no template suite. Set the record's templateSuiteId first.`,
    );
  }
  if (template.templateSuite.id !== recordSuiteId) {
    throw new ValidationError(
      'templateId',
      `templateId ${JSON.stringify(templateId)} is a template of template suite ${template.templateSuite.id}, but document record ${record.id} uses template suite ${recordSuiteId}: pick a template of suite ${recordSuiteId}.`,
    );
  }
}
