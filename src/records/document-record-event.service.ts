import { DocumentRecordEvent } from './document-record-event.entity';
import { DocumentRecord } from './document-record.entity';
import type { RecordDocumentEventInput } from './document-record-event.input';
import { DocumentRecordEventType } from './event-type';
import { insertEventWithMessages, recordEventWithMessages } from './event-recorder.service';
import { checkParameters } from './record-fields';
import { NotFoundError, ValidationError } from '../common/errors';
import { findOptionalReferenced, findReferenced, referencedId, referenceNotFound } from '../common/input-checks';
import type { DeliveryQueue } from '../delivery/delivery-queue';
import { parseId, WorkspaceScope } from '../common/workspace-scope';
import { User } from '../workspace/user.entity';
import { findPage } from '../graphql/page-query';
import type { Page } from '../graphql/pagination';

/** The record flags that an event of these types sets, so the pushed record agrees with the event. */
const FLAG_CHANGES: Partial<Record<DocumentRecordEventType, Partial<Pick<DocumentRecord, 'locked' | 'deleted'>>>> = {
  [DocumentRecordEventType.DocumentRecordLocked]: { locked: true },
  [DocumentRecordEventType.DocumentRecordUnlocked]: { locked: false },
  [DocumentRecordEventType.DocumentRecordDeleted]: { deleted: true },
  [DocumentRecordEventType.DocumentRecordRestored]: { deleted: false },
};

/** A recorded event and the ids of the push messages it queued. */
export interface RecordedEventSummary {
  event: { id: number; type: DocumentRecordEventType; createdAt: Date; authorId: number | null; documentRecordId: number; parameters: Record<string, unknown> };
  messageIds: string[];
}

/** Records and lists the timeline events of one workspace's document records. */
export class DocumentRecordEventService {
  constructor(private readonly scope: WorkspaceScope) {}

  /** Lists a record's events newest first; an unknown record is NOT_FOUND naming `documentRecordId`. */
  async list(documentRecordId: string, first: number, after?: string | null): Promise<Page<DocumentRecordEvent>> {
    const recordId = Number(documentRecordId);
    const exists = Number.isSafeInteger(recordId) && (await this.scope.em.count(DocumentRecord, { id: recordId, workspace: this.scope.workspaceId })) > 0;
    if (!exists) {
      throw new NotFoundError(`Document record ${JSON.stringify(documentRecordId)} was not found in this workspace: check documentRecordId.`, 'documentRecordId');
    }
    return this.listOfRecord(recordId, first, after);
  }

  /** Lists the events of a record already known to belong to this workspace. */
  listOfRecord(recordId: number, first: number, after?: string | null): Promise<Page<DocumentRecordEvent>> {
    return findPage(this.scope.em, DocumentRecordEvent, { workspace: this.scope.workspaceId, documentRecord: recordId }, { first, after });
  }

  /**
   * Stores the event, the record changes it implies (lock, delete and owner flags) and one push
   * message per matching enabled connection, in one transaction that locks the record row, so
   * events and updates of one record apply in order. When this resolves, the transaction has
   * committed and the workers are notified of the messages.
   */
  async record(input: RecordDocumentEventInput, deliveryQueue: DeliveryQueue): Promise<RecordedEventSummary> {
    const parameters = checkParameters(input.parameters);
    if (changesRecord(input.type, parameters)) return this.recordWithRecordChanges(input, parameters, deliveryQueue);

    const recordId = referencedId('documentRecordId', 'document record', input.documentRecordId);
    const inserted = await insertEventWithMessages(this.scope.em, {
      workspaceId: this.scope.workspaceId,
      recordId,
      authorId: authorIdForLookup(input.authorId),
      type: input.type,
      parameters,
    });
    // The record is reported first, as the ORM path reports it, when both ids are wrong.
    if (!inserted.recordFound) throw referenceNotFound('documentRecordId', 'document record', input.documentRecordId);
    if (!inserted.event) throw referenceNotFound('authorId', 'user', input.authorId!);
    const authorId = inserted.authorFound ? Number(input.authorId) : null;
    await deliveryQueue.enqueue(inserted.messageIds);

    const event = { id: inserted.event.id, type: input.type, createdAt: inserted.event.createdAt, authorId, documentRecordId: recordId, parameters };
    return { event, messageIds: inserted.messageIds };
  }

  /** Records an event that changes its record through the ORM's unit of work, then notifies the workers. */
  private async recordWithRecordChanges(
    input: RecordDocumentEventInput,
    parameters: Record<string, unknown>,
    deliveryQueue: DeliveryQueue,
  ): Promise<RecordedEventSummary> {
    const recorded = await this.scope.em.transactional(async (tx) => {
      const scope = new WorkspaceScope(tx, this.scope.workspaceId);
      const record = await findReferenced(scope, DocumentRecord, 'documentRecordId', 'document record', input.documentRecordId, { forUpdate: true });
      const author = await findOptionalReferenced(scope, User, 'authorId', 'user', input.authorId);
      await applyEventToRecord(scope, record, input.type, parameters);

      return recordEventWithMessages(tx, { record, type: input.type, author, parameters });
    });
    await deliveryQueue.enqueue(recorded.messageIds);

    const { event } = recorded;
    const summary = { id: event.id, type: event.type, createdAt: event.createdAt, authorId: event.author?.id ?? null, documentRecordId: event.documentRecord.id, parameters: event.parameters };
    return { event: summary, messageIds: recorded.messageIds };
  }
}

/**
 * Returns the author id to look up: null for a system event, and 0, which no row has, for an id
 * that cannot exist, so that the statement still checks the record first.
 */
function authorIdForLookup(authorId: string | number | null | undefined): number | null {
  if (authorId === null || authorId === undefined) return null;
  const numericId = parseId(String(authorId));
  return Number.isSafeInteger(numericId) && numericId > 0 ? numericId : 0;
}

/** True for events that change the record itself: lock, unlock, delete, restore and a new owner. */
function changesRecord(type: DocumentRecordEventType, parameters: Record<string, unknown>): boolean {
  if (FLAG_CHANGES[type]) return true;
  return type === DocumentRecordEventType.DocumentOwnerChanged && parameters.ownerId !== undefined && parameters.ownerId !== null;
}

async function applyEventToRecord(
  scope: WorkspaceScope,
  record: DocumentRecord,
  type: DocumentRecordEventType,
  parameters: Record<string, unknown>,
): Promise<void> {
  Object.assign(record, FLAG_CHANGES[type] ?? {});

  const ownerId = parameters.ownerId;
  if (type !== DocumentRecordEventType.DocumentOwnerChanged || ownerId === undefined || ownerId === null) return;
  if (!Number.isSafeInteger(ownerId)) {
    throw new ValidationError('parameters.ownerId', `parameters.ownerId is ${JSON.stringify(ownerId)}: give the new owner's user id as an integer.`);
  }
  record.owner = await findReferenced(scope, User, 'parameters.ownerId', 'user', ownerId as number);
}
