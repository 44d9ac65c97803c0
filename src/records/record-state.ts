import { ConflictError } from '../common/errors';
import type { DocumentRecord } from './document-record.entity';
import { DocumentRecordEventType } from './event-type';

// The rules that a record's locked and deleted flags and its workflow stage set for changes and
// events, shared by updateDocumentRecord, the document and file mutations and the event mutations.

/** The event types that a deleted record accepts: those that a platform records when it deletes or restores a record. */
export const EVENT_TYPES_OF_DELETED_RECORDS: ReadonlySet<DocumentRecordEventType> = new Set([
  DocumentRecordEventType.DocumentRecordDeleted,
  DocumentRecordEventType.DocumentRecordRestored,
]);

/** Creates the CONFLICT error of a change to a locked record; `nextStep` ends the fix, such as "update it". */
export function lockedRecordError(recordId: number, field: string, nextStep: string): ConflictError {
  return new ConflictError(`Document record ${recordId} is locked: record a DocumentRecordUnlocked event first, then ${nextStep}.`, field);
}

/** Creates the CONFLICT error of a change to a deleted record; `nextStep` ends the fix, such as "update it". */
export function deletedRecordError(recordId: number, field: string, nextStep: string): ConflictError {
  return new ConflictError(`Document record ${recordId} is deleted: record a DocumentRecordRestored event first, then ${nextStep}.`, field);
}

/** Creates the CONFLICT error of an event of type `type` that a deleted record does not accept. */
export function eventOnDeletedRecordError(recordId: number, type: DocumentRecordEventType): ConflictError {
  const accepted = [...EVENT_TYPES_OF_DELETED_RECORDS].join(' and ');
  return new ConflictError(
    `Document record ${recordId} is deleted, so it accepts only ${accepted} events: record a DocumentRecordRestored event first, then ${type}.`,
    'documentRecordId',
  );
}

/**
 * Rejects an event that the record's flags forbid: on a deleted record every type outside
 * EVENT_TYPES_OF_DELETED_RECORDS, and on a locked record a DocumentOwnerChanged, which sets a new
 * owner, because updateDocumentRecord cannot change the owner of a locked record either.
 */
export function checkEventAllowed(record: DocumentRecord, type: DocumentRecordEventType): void {
  if (record.deleted && !EVENT_TYPES_OF_DELETED_RECORDS.has(type)) throw eventOnDeletedRecordError(record.id, type);
  if (record.locked && type === DocumentRecordEventType.DocumentOwnerChanged) {
    throw lockedRecordError(record.id, 'documentRecordId', 'record DocumentOwnerChanged');
  }
}

/**
 * Creates the CONFLICT error of a WorkflowStatusChanged event whose `parameters.workflowStageId`
 * (`namedStageId`, null for no stage) is not the id of its record's workflow stage
 * (`recordStageId`, null when the record has none).
 */
export function workflowStageMismatchError(recordId: number, namedStageId: number | null, recordStageId: number | null): ConflictError {
  const recordStage = recordStageId === null ? 'has no workflow stage' : `is in workflow stage ${recordStageId}`;
  const match = recordStageId === null ? 'omit workflowStageId or give null' : `give workflowStageId ${recordStageId}`;
  return new ConflictError(
    `parameters.workflowStageId is ${namedStageId}, but document record ${recordId} ${recordStage}, and a WorkflowStatusChanged event does not change the stage. ` +
      `Change the stage with updateDocumentRecord, which records a WorkflowStatusChanged event itself, or ${match}.`,
    'parameters.workflowStageId',
  );
}
