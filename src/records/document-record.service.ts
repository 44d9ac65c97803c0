import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DocumentRecord, type WorkflowStageData } from './document-record.entity';
import type { CreateDocumentRecordInput, UpdateDocumentRecordInput, WorkflowStageInput } from './document-record.input';
import { DocumentRecordEventType } from './event-type';
import { recordEventWithMessages } from './event-recorder.service';
import { checkProperties } from './record-property';
import { checkPersons, checkWorkflowStage } from './record-fields';
import { deletedRecordError, lockedRecordError } from './record-state';
import { ConflictError, NotFoundError, ValidationError } from '../common/errors';
import { newRecordCode } from '../common/ids';
import { checkName, findOptionalReferenced, findReferenced } from '../common/input-checks';
import { WorkspaceScope, parseId } from '../common/workspace-scope';
import { User } from '../workspace/user.entity';
import { TemplateSuite } from '../catalog/template-suite.entity';
import { DocumentRecordType } from '../catalog/document-record-type.entity';
import { Document } from '../documents/document.entity';
import { findPage } from '../graphql/page-query';
import type { Page } from '../graphql/pagination';

/** The name column of document_records is varchar(500). */
const MAX_RECORD_NAME_LENGTH = 500;

/** A changed record and the push messages its events created; enqueue them after the commit. */
export interface RecordChange {
  record: DocumentRecord;
  messageIds: string[];
}

/**
 * Manages the document records of one workspace. Each create or update stores the record, its
 * timeline events and their push messages in one transaction, so a listener never hears of a
 * change that was rolled back, and no change is stored without its messages. An update locks the
 * record row, so a concurrent lock or delete event cannot slip in between its check and its
 * write.
 */
export class DocumentRecordService {
  constructor(private readonly scope: WorkspaceScope) {}

  get(id: string | number): Promise<DocumentRecord> {
    return this.scope.get(DocumentRecord, 'Document record', id);
  }

  list(first: number, after?: string | null): Promise<Page<DocumentRecord>> {
    return findPage(this.scope.em, DocumentRecord, 'documentRecords', { workspace: this.scope.workspaceId }, { first, after });
  }

  async create(input: CreateDocumentRecordInput): Promise<RecordChange> {
    const name = checkName('name', input.name, 'Purchase Agreement', MAX_RECORD_NAME_LENGTH);
    const workflowStage = input.workflowStage ? checkWorkflowStage(input.workflowStage) : null;
    const properties = checkProperties('properties', input.properties ?? []);
    const persons = checkPersons(input.persons ?? []);

    return this.inTransaction(async (scope, tx) => {
      const author = await findReferenced(scope, User, 'authorId', 'user', input.authorId);
      const owner = (await findOptionalReferenced(scope, User, 'ownerId', 'user', input.ownerId)) ?? author;
      const templateSuite = await findOptionalReferenced(scope, TemplateSuite, 'templateSuiteId', 'template suite', input.templateSuiteId);
      const documentRecordType = await findOptionalReferenced(scope, DocumentRecordType, 'documentRecordTypeId', 'document record type', input.documentRecordTypeId);

      const record = tx.create(DocumentRecord, {
        workspace: scope.workspace,
        code: newRecordCode(),
        name,
        templateSuite,
        documentRecordType,
        author,
        owner,
        workflowStage,
        properties,
        persons,
      });
      const { messageIds } = await recordEventWithMessages(tx, { record, type: DocumentRecordEventType.DocumentRecordCreated, author });
      return { record, messageIds };
    });
  }

  async update(id: string, input: UpdateDocumentRecordInput): Promise<RecordChange> {
    checkSomethingChanges(input);
    const name = isSet(input.name) ? checkName('name', input.name, 'Purchase Agreement', MAX_RECORD_NAME_LENGTH) : undefined;
    const workflowStage = input.workflowStage
      ? checkWorkflowStage(input.workflowStage, await this.findStoredStageForNegativePosition(id, input.workflowStage))
      : input.workflowStage;
    const properties = isSet(input.properties) ? checkProperties('properties', input.properties) : undefined;
    const persons = isSet(input.persons) ? checkPersons(input.persons) : undefined;

    return this.inTransaction(async (scope, tx) => {
      const record = await lockRecord(tx, scope.workspaceId, id);
      if (record.deleted) throw deletedRecordError(record.id, 'id', 'update it');
      if (record.locked) throw lockedRecordError(record.id, 'id', 'update it');
      const before = { ownerId: record.owner.id, workflowStageId: record.workflowStage?.id ?? null };
      const actingUser = await findOptionalReferenced(scope, User, 'actingUserId', 'user', input.actingUserId);
      const owner = await findOptionalReferenced(scope, User, 'ownerId', 'user', input.ownerId);
      const templateSuite = await findOptionalReferenced(scope, TemplateSuite, 'templateSuiteId', 'template suite', input.templateSuiteId);
      const documentRecordType = await findOptionalReferenced(scope, DocumentRecordType, 'documentRecordTypeId', 'document record type', input.documentRecordTypeId);

      if (name !== undefined) record.name = name;
      if (owner) record.owner = owner;
      if (input.templateSuiteId !== undefined) {
        await checkSuiteChangeAllowed(tx, record, templateSuite);
        record.templateSuite = templateSuite;
      }
      if (input.documentRecordTypeId !== undefined) record.documentRecordType = documentRecordType;
      if (workflowStage !== undefined) record.workflowStage = workflowStage;
      if (properties) record.properties = properties;
      if (persons) record.persons = persons;
      const messageIds = await recordUpdateEvents(tx, record, before, actingUser);
      return { record, messageIds };
    });
  }

  /**
   * Returns the stored workflow stage of record `id` when `stage` has a negative position, which
   * checkWorkflowStage accepts only as sent back unchanged, or null. The read takes no lock, so a
   * position stored by a concurrent update may pass too.
   */
  private async findStoredStageForNegativePosition(id: string, stage: WorkflowStageInput): Promise<WorkflowStageData | null> {
    if (stage.position === undefined || stage.position === null || stage.position >= 0) return null;
    const numericId = parseId(id);
    if (!Number.isSafeInteger(numericId)) return null;
    // A fork, so that the update's locked read loads the record fresh.
    const record = await this.scope.em.fork().findOne(DocumentRecord, { id: numericId, workspace: this.scope.workspaceId });
    return record?.workflowStage ?? null;
  }

  private inTransaction<T>(work: (scope: WorkspaceScope, tx: EntityManager) => Promise<T>): Promise<T> {
    return this.scope.em.transactional((tx) => work(new WorkspaceScope(tx, this.scope.workspaceId), tx));
  }
}

/**
 * Rejects a change of the record's template suite while the record has documents. Every document
 * comes from a template of the record's suite, as createDocument requires, and documents cannot
 * be deleted, so after the change the record would push files from a suite it no longer uses.
 * The caller holds the record row lock, which createDocument takes before it checks the suite, so
 * no document is added between the count and the change.
 */
async function checkSuiteChangeAllowed(tx: EntityManager, record: DocumentRecord, suite: TemplateSuite | null): Promise<void> {
  const currentId = record.templateSuite?.id ?? null;
  const newId = suite?.id ?? null;
  if (newId === currentId) return;
  const documents = await tx.count(Document, { documentRecord: record.id });
  if (documents === 0) return;
  throw new ConflictError(
    `templateSuiteId cannot change from ${currentId ?? 'none'} to ${newId ?? 'none'}: document record ${record.id} has ${documents} document(s) ` +
      `made from templates of template suite ${currentId}. Keep templateSuiteId ${currentId}, or create a new record for the other suite.`,
    'templateSuiteId',
  );
}

/**
 * Records the events of an update of `record`, all by `actingUser`, and returns their push
 * message ids. DocumentRecordUpdated comes first. DocumentOwnerChanged follows when the owner is
 * another user than before, and then WorkflowStatusChanged when the workflow stage id changed,
 * including a stage set or removed, with `workflowStageId` null for a removed stage. A change of
 * the stage's other fields under the same id records no WorkflowStatusChanged, because Legito's
 * event names only the stage id.
 */
async function recordUpdateEvents(
  tx: EntityManager,
  record: DocumentRecord,
  before: { ownerId: number; workflowStageId: number | null },
  actingUser: User | null,
): Promise<string[]> {
  const events: Array<{ type: DocumentRecordEventType; parameters: Record<string, unknown> }> = [
    { type: DocumentRecordEventType.DocumentRecordUpdated, parameters: {} },
  ];
  if (record.owner.id !== before.ownerId) {
    events.push({ type: DocumentRecordEventType.DocumentOwnerChanged, parameters: { ownerId: record.owner.id } });
  }
  const workflowStageId = record.workflowStage?.id ?? null;
  if (workflowStageId !== before.workflowStageId) {
    events.push({ type: DocumentRecordEventType.WorkflowStatusChanged, parameters: { workflowStageId } });
  }

  const messageIds: string[] = [];
  for (const { type, parameters } of events) {
    const recorded = await recordEventWithMessages(tx, { record, type, author: actingUser, parameters });
    messageIds.push(...recorded.messageIds);
  }
  return messageIds;
}

/**
 * Loads a record of the workspace and locks its row until the transaction ends, or raises
 * NOT_FOUND. The transaction shares the request's identity map, where an earlier mutation of the
 * same GraphQL document may have left the record. Without `refresh`, MikroORM 6 keeps a loaded
 * non-null value over a null in the row, so a stage, suite or record type removed meanwhile would
 * still show, and setting it again would write nothing.
 */
async function lockRecord(tx: EntityManager, workspaceId: number, id: string): Promise<DocumentRecord> {
  const numericId = parseId(id);
  const record = Number.isSafeInteger(numericId)
    ? await tx.findOne(DocumentRecord, { id: numericId, workspace: workspaceId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true })
    : null;
  if (!record) throw NotFoundError.of('Document record', id);
  return record;
}

/** Fields that null clears; on the other fields null means "keep", like an omitted field. */
const CLEARABLE_FIELDS = ['templateSuiteId', 'documentRecordTypeId', 'workflowStage'] as const;
const NON_NULLABLE_FIELDS = ['name', 'ownerId', 'properties', 'persons'] as const;
const CHANGEABLE_FIELDS = [...NON_NULLABLE_FIELDS, ...CLEARABLE_FIELDS];

/** Rejects an update that sets no field, because it would push a DocumentRecordUpdated event for nothing. */
function checkSomethingChanges(input: UpdateDocumentRecordInput): void {
  const clears = CLEARABLE_FIELDS.some((field) => input[field] !== undefined);
  if (!clears && NON_NULLABLE_FIELDS.every((field) => !isSet(input[field]))) {
    throw new ValidationError('input', `input changes nothing: set at least one of ${CHANGEABLE_FIELDS.join(', ')}.`);
  }
}

function isSet<T>(value: T | null | undefined): value is T {
  return value !== undefined && value !== null;
}
