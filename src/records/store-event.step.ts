import { DocumentRecord } from './document-record.entity';
import type { RecordDocumentEventInput } from './document-record-event.input';
import { DocumentRecordEventType } from './event-type';
import { insertEventsWithMessages, insertEventWithMessages, recordEventWithMessages, type InsertedEvent, type PlainEventRow } from './event-recorder.service';
import { checkIdempotencyKey, differingFields, findEventsByKey, keyReusedError, type EventWithKey } from './idempotency-key';
import { checkParameters } from './record-fields';
import { checkEventAllowed, eventOnDeletedRecordError, workflowStageMismatchError } from './record-state';
import { ConflictError, ValidationError } from '../common/errors';
import { findOptionalReferenced, findReferenced, referencedId, referenceNotFound } from '../common/input-checks';
import { parseId, type WorkspaceScope } from '../common/workspace-scope';
import { User } from '../workspace/user.entity';

// The steps that check and store one timeline event, shared by recordDocumentEvent and
// recordDocumentEvents. The caller owns the transaction and notifies the workers after its commit.

/** The record flags that an event of these types sets, so the pushed record agrees with the event. */
const FLAG_CHANGES: Partial<Record<DocumentRecordEventType, Partial<Pick<DocumentRecord, 'locked' | 'deleted'>>>> = {
  [DocumentRecordEventType.DocumentRecordLocked]: { locked: true },
  [DocumentRecordEventType.DocumentRecordUnlocked]: { locked: false },
  [DocumentRecordEventType.DocumentRecordDeleted]: { deleted: true },
  [DocumentRecordEventType.DocumentRecordRestored]: { deleted: false },
};

/** A recorded event and the ids of the push messages it queued. */
export interface RecordedEventSummary {
  event: {
    id: number;
    type: DocumentRecordEventType;
    createdAt: Date;
    authorId: number | null;
    documentRecordId: number;
    parameters: Record<string, unknown>;
    idempotencyKey: string | null;
  };
  messageIds: string[];
  /** True when an earlier call stored the event with the same idempotency key, and this call stored nothing. */
  replayed: boolean;
}

/** An event input that passed the checks that need no database. */
export interface CheckedEvent {
  input: RecordDocumentEventInput;
  recordId: number;
  parameters: Record<string, unknown>;
  idempotencyKey: string | null;
  changesRecord: boolean;
}

/** Runs the checks of an event that need no database. */
export function checkEvent(input: RecordDocumentEventInput): CheckedEvent {
  const parameters = checkParameters(input.parameters);
  checkNewOwnerNamed(input.type, parameters);
  const recordId = referencedId('documentRecordId', 'document record', input.documentRecordId);
  const idempotencyKey = checkIdempotencyKey(input.idempotencyKey);
  return { input, recordId, parameters, idempotencyKey, changesRecord: changesRecord(input.type) };
}

/**
 * Returns, for each event, the event stored earlier with its idempotency key, or null when it
 * has no key or no event has its key yet. Throws an EventItemsError with a CONFLICT for every
 * event whose key was stored with another record, type, author or parameters.
 */
export async function findReplayedEvents(scope: WorkspaceScope, events: CheckedEvent[]): Promise<Array<RecordedEventSummary | null>> {
  const replayed: Array<RecordedEventSummary | null> = events.map(() => null);
  const keyed = events.flatMap((event, index) => (event.idempotencyKey === null ? [] : [{ index, key: event.idempotencyKey, parameters: event.parameters }]));
  if (keyed.length === 0) return replayed;

  const stored = await findEventsByKey(scope.em, scope.workspaceId, keyed);
  const failures: EventFailure[] = [];
  for (const [position, { index }] of keyed.entries()) {
    const found = stored[position];
    if (!found) continue;
    const event = events[index];
    const differing = differingFields({ documentRecordId: event.recordId, type: event.input.type, authorId: authorIdOf(event) }, found);
    if (differing.length > 0) failures.push({ index, error: keyReusedError(found, differing) });
    else replayed[index] = replayedSummary(found);
  }
  if (failures.length > 0) throw new EventItemsError(failures);
  return replayed;
}

function replayedSummary(stored: EventWithKey): RecordedEventSummary {
  const { id, type, createdAt, authorId, documentRecordId, parameters, idempotencyKey, messageIds } = stored;
  return { event: { id, type, createdAt, authorId, documentRecordId, parameters, idempotencyKey }, messageIds, replayed: true };
}

/** Returns the author id of an event input: null for a system event, NaN for a malformed id, which matches no stored author. */
function authorIdOf({ input }: CheckedEvent): number | null {
  return input.authorId === null || input.authorId === undefined ? null : parseId(String(input.authorId));
}

/** Stores an event that changes nothing on its record with one statement, in the scope's transaction when it has one. */
export async function insertPlainEvent(scope: WorkspaceScope, checked: CheckedEvent): Promise<RecordedEventSummary> {
  const inserted = await insertEventWithMessages(scope.em, { workspaceId: scope.workspaceId, ...plainEventRow(checked) });
  return summaryOf(checked, inserted);
}

/** One rejected event of several: its index in its batch and its error. */
export interface EventFailure {
  index: number;
  error: unknown;
}

/** The errors of the events of a batch that were rejected, in input order. */
export class EventItemsError extends Error {
  constructor(readonly failures: EventFailure[]) {
    super(failures.map(({ error }) => (error instanceof Error ? error.message : String(error))).join(' '));
  }
}

/**
 * Stores several events that change nothing on their records with one statement: all of them,
 * or none. When an event's record or author was not found, its record is deleted, or it names a
 * workflow stage other than its record's, it stores none and throws an EventItemsError that
 * names every such event.
 */
export async function insertPlainEvents(scope: WorkspaceScope, events: CheckedEvent[]): Promise<RecordedEventSummary[]> {
  const inserted = await insertEventsWithMessages(scope.em, scope.workspaceId, events.map(plainEventRow));
  const failures = inserted.flatMap((row, index) => (isRejected(row) ? [{ index, error: rejectionOf(events[index], row) }] : []));
  if (failures.length > 0) throw new EventItemsError(failures);
  return inserted.map((row, index) => summaryOf(events[index], row));
}

function plainEventRow({ input, recordId, parameters, idempotencyKey }: CheckedEvent): PlainEventRow {
  const namedStageId = namedWorkflowStageId(input.type, parameters);
  return { recordId, authorId: authorIdForLookup(input.authorId), type: input.type, parameters, idempotencyKey, namedStageId };
}

/**
 * Returns the workflow stage id that a WorkflowStatusChanged event names in
 * `parameters.workflowStageId`, null when it names no stage, or undefined when the parameter is
 * omitted or the event has another type. The insert statements reject an event whose stage id is
 * not its record's, because the pushed message would contradict itself: this event does not
 * change the record's workflowStage.
 */
function namedWorkflowStageId(type: DocumentRecordEventType, parameters: Record<string, unknown>): number | null | undefined {
  if (type !== DocumentRecordEventType.WorkflowStatusChanged || !('workflowStageId' in parameters)) return undefined;
  // checkParameters admits only a positive integer or null here.
  return parameters.workflowStageId as number | null;
}

function isRejected(row: InsertedEvent): boolean {
  return !row.recordFound || !row.authorFound || row.recordDeleted || row.stageMismatch;
}

/**
 * Returns the error of an event that was not stored: BAD_USER_INPUT when its record or author was
 * not found, CONFLICT when its record is deleted or in another workflow stage than the event
 * names. They are checked in the order of the ORM path: the record, then its deleted flag, then
 * the author. The workflow stage comes last.
 */
function rejectionOf({ input, recordId, parameters }: CheckedEvent, inserted: InsertedEvent): ValidationError | ConflictError {
  if (!inserted.recordFound) return referenceNotFound('documentRecordId', 'document record', input.documentRecordId);
  if (inserted.recordDeleted) return eventOnDeletedRecordError(recordId, input.type);
  if (!inserted.authorFound) return referenceNotFound('authorId', 'user', input.authorId!);
  return workflowStageMismatchError(recordId, namedWorkflowStageId(input.type, parameters) ?? null, inserted.recordStageId);
}

/** Describes a stored event, or throws the error of an event that was not stored. */
function summaryOf(checked: CheckedEvent, inserted: InsertedEvent): RecordedEventSummary {
  if (!inserted.event) throw rejectionOf(checked, inserted);
  const { input, recordId, parameters, idempotencyKey } = checked;
  const authorId = input.authorId === null || input.authorId === undefined ? null : Number(input.authorId);

  const event = { id: inserted.event.id, type: input.type, createdAt: inserted.event.createdAt, authorId, documentRecordId: recordId, parameters, idempotencyKey };
  return { event, messageIds: inserted.messageIds, replayed: false };
}

/** Stores an event that changes its record through the ORM's unit of work, in the scope's transaction. */
export async function recordWithRecordChanges(scope: WorkspaceScope, checked: CheckedEvent): Promise<RecordedEventSummary> {
  const { input, parameters, idempotencyKey } = checked;
  const record = await findReferenced(scope, DocumentRecord, 'documentRecordId', 'document record', input.documentRecordId, { forUpdate: true });
  checkEventAllowed(record, input.type);
  const author = await findOptionalReferenced(scope, User, 'authorId', 'user', input.authorId);
  await applyEventToRecord(scope, record, input.type, parameters);

  const { event, messageIds } = await recordEventWithMessages(scope.em, { record, type: input.type, author, parameters, idempotencyKey });
  const summary = {
    id: event.id,
    type: event.type,
    createdAt: event.createdAt,
    authorId: event.author?.id ?? null,
    documentRecordId: event.documentRecord.id,
    parameters: event.parameters,
    idempotencyKey: event.idempotencyKey,
  };
  return { event: summary, messageIds, replayed: false };
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
function changesRecord(type: DocumentRecordEventType): boolean {
  return FLAG_CHANGES[type] !== undefined || setsOwner(type);
}

/**
 * Rejects a DocumentOwnerChanged event without `parameters.ownerId`, whatever the record's state.
 * Such an event would tell listeners that the owner changed while pushing the record with its
 * old owner, because there is no new owner to set.
 */
function checkNewOwnerNamed(type: DocumentRecordEventType, parameters: Record<string, unknown>): void {
  if (type !== DocumentRecordEventType.DocumentOwnerChanged) return;
  const ownerId = parameters.ownerId;
  if (ownerId !== undefined && ownerId !== null) return;
  throw new ValidationError(
    'parameters.ownerId',
    `parameters.ownerId is ${ownerId === null ? 'null' : 'missing'}, but a DocumentOwnerChanged event must name the new owner: ` +
      'give the user id as a JSON number, such as {"ownerId": 3}.',
  );
}

/** True for a DocumentOwnerChanged event, whose `parameters.ownerId` (checked by checkEvent) becomes the record's owner. */
function setsOwner(type: DocumentRecordEventType): boolean {
  return type === DocumentRecordEventType.DocumentOwnerChanged;
}

/**
 * Applies the event's flag changes or new owner to the record. It looks the new owner up before
 * it changes anything, so a rejected event leaves the record as it was for the batch's later events.
 */
async function applyEventToRecord(
  scope: WorkspaceScope,
  record: DocumentRecord,
  type: DocumentRecordEventType,
  parameters: Record<string, unknown>,
): Promise<void> {
  const owner = setsOwner(type) ? await findNewOwner(scope, parameters) : null;
  Object.assign(record, FLAG_CHANGES[type] ?? {});
  if (owner) record.owner = owner;
}

/** Returns the user that a DocumentOwnerChanged event names in `parameters.ownerId`. */
async function findNewOwner(scope: WorkspaceScope, parameters: Record<string, unknown>): Promise<User> {
  const ownerId = parameters.ownerId;
  if (!Number.isSafeInteger(ownerId)) {
    throw new ValidationError('parameters.ownerId', `parameters.ownerId is ${JSON.stringify(ownerId)}: give the new owner's user id as an integer.`);
  }
  return findReferenced(scope, User, 'parameters.ownerId', 'user', ownerId as number);
}
