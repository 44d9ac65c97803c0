import { DocumentRecordEvent } from './document-record-event.entity';
import { DocumentRecord } from './document-record.entity';
import type { RecordDocumentEventInput } from './document-record-event.input';
import { lockRecords } from './event-recorder.service';
import { MAX_EVENTS_PER_BATCH } from './record-fields';
import { retryOnIdempotencyKeyRace } from './idempotency-key';
import {
  checkEvent,
  EventItemsError,
  findReplayedEvents,
  insertPlainEvent,
  insertPlainEvents,
  recordWithRecordChanges,
  type CheckedEvent,
  type EventFailure,
  type RecordedEventSummary,
} from './store-event.step';
import { BatchItemsError, ConflictError, NotFoundError, ValidationError, quoteId, type RejectedItem } from '../common/errors';
import type { DeliveryQueue } from '../delivery/delivery-queue';
import type { Logger } from '../common/logger';
import { retryOnDeadlock } from '../database/deadlock-retry';
import { retryOnStalePreparedStatement } from '../database/raw-sql';
import { WorkspaceScope, parseId } from '../common/workspace-scope';
import { findPage } from '../graphql/page-query';
import type { Page } from '../graphql/pagination';

export { MAX_EVENTS_PER_BATCH };

/** Records and lists the timeline events of one workspace's document records. */
export class DocumentRecordEventService {
  constructor(
    private readonly scope: WorkspaceScope,
    private readonly logger: Logger,
  ) {}

  /** Lists a record's events newest first; an unknown record is NOT_FOUND naming `documentRecordId`. */
  async list(documentRecordId: string, first: number, after?: string | null): Promise<Page<DocumentRecordEvent>> {
    const recordId = parseId(documentRecordId);
    const exists = Number.isSafeInteger(recordId) && (await this.scope.em.count(DocumentRecord, { id: recordId, workspace: this.scope.workspaceId })) > 0;
    if (!exists) {
      throw NotFoundError.of('Document record', documentRecordId, 'documentRecordId');
    }
    return this.listOfRecord(recordId, first, after);
  }

  /**
   * Lists the events of a record already known to belong to this workspace, without their record
   * snapshots, which the API never shows: a page of 100 events would otherwise read 100 copies of the record.
   * documentRecordEvents and DocumentRecord.events read this one list, so each accepts the other's cursors of the same record.
   */
  listOfRecord(recordId: number, first: number, after?: string | null): Promise<Page<DocumentRecordEvent>> {
    const where = { workspace: this.scope.workspaceId, documentRecord: recordId };
    return findPage(this.scope.em, DocumentRecordEvent, 'documentRecordEvents', where, { first, after }, ['recordSnapshot']);
  }

  /**
   * Stores the event, the record changes it implies (lock, delete and owner flags) and one push
   * message per matching enabled connection, in one transaction that locks the record row, so
   * events and updates of one record apply in order. When this resolves, the transaction has
   * committed and the workers are notified of the messages. An event with the idempotency key of
   * a stored event is not stored again: see `storeOrReplay`.
   */
  async record(input: RecordDocumentEventInput, deliveryQueue: DeliveryQueue): Promise<RecordedEventSummary> {
    const [recorded] = await this.recordEvents([input], deliveryQueue, () => null);
    return recorded;
  }

  /**
   * Records 1 to MAX_EVENTS_PER_BATCH events as `record` does, in input order and in one
   * transaction: all of them, or none when one fails. Rejected events raise one BatchItemsError,
   * and each rejected item in it names its field as `inputs[index].field` and starts its message
   * with `inputs[index]`. Other errors, such as a database failure, are raised unchanged.
   */
  recordBatch(inputs: RecordDocumentEventInput[], deliveryQueue: DeliveryQueue): Promise<RecordedEventSummary[]> {
    checkBatchSize(inputs.length);
    return this.recordEvents(inputs, deliveryQueue, (index) => `inputs[${index}]`);
  }

  /**
   * Checks every event before the transaction, stores them, and then notifies the workers once,
   * of the messages of the events stored now. A concurrent call that stores an event with one of
   * the idempotency keys first makes the store fail on the key's unique index, and the store
   * then runs again and finds that event. Two calls that insert shared keys in different orders
   * can deadlock on that index. PostgreSQL then aborts one of them, and its store runs again
   * from the key lookup, so it returns the other call's events as replays or as CONFLICT.
   */
  private async recordEvents(
    inputs: RecordDocumentEventInput[],
    deliveryQueue: DeliveryQueue,
    itemPath: (index: number) => string | null,
  ): Promise<RecordedEventSummary[]> {
    const events = checkEvents(inputs, itemPath);

    const keyCount = events.filter((event) => event.idempotencyKey !== null).length;
    const deadlockLog = { logger: this.logger, action: 'store recorded events', fields: { workspaceId: this.scope.workspaceId, events: events.length } };
    const store = () => retryOnDeadlock(() => this.storeOrReplay(events, itemPath), deadlockLog);
    const recorded = await retryOnIdempotencyKeyRace(keyCount, store);
    await deliveryQueue.enqueue(recorded.filter((event) => !event.replayed).flatMap((event) => event.messageIds));
    return recorded;
  }

  /**
   * Returns the events stored earlier with the idempotency keys of `events`, stores the others,
   * and returns all of them in input order. A replayed event is returned as it was stored, even
   * when its record has been locked or deleted since, because a replay changes nothing. Every key
   * stored with another input is CONFLICT, and then nothing is stored, so key conflicts are
   * reported before unknown records and authors. Events that change nothing on their records,
   * the API's hot path, are stored by one statement in a transaction of its own. Events of which
   * one changes its record are stored event by event in an explicit transaction. Either way,
   * a failed store has written nothing, so the caller may run this again.
   */
  private async storeOrReplay(events: CheckedEvent[], itemPath: (index: number) => string | null): Promise<RecordedEventSummary[]> {
    let replayed: Array<RecordedEventSummary | null>;
    try {
      replayed = await findReplayedEvents(this.scope, events);
    } catch (error) {
      if (error instanceof EventItemsError) rejectEvents(error.failures, events.length, itemPath);
      throw error;
    }

    const newIndexes = events.flatMap((_, index) => (replayed[index] === null ? [index] : []));
    const newEvents = newIndexes.map((index) => events[index]);
    // The storing steps number the failures within newEvents; the errors name the input positions.
    const reject = (failures: EventFailure[]): never =>
      rejectEvents(failures.map(({ index, error }) => ({ index: newIndexes[index], error })), events.length, itemPath);
    let stored: RecordedEventSummary[] = [];
    if (newEvents.some((event) => event.changesRecord)) stored = await this.recordInTransaction(newEvents, reject);
    else if (newEvents.length > 0) stored = await this.insertPlain(newEvents, reject);

    const storedInOrder = stored.values();
    return replayed.map((event) => event ?? storedInOrder.next().value!);
  }

  /** Stores events that change nothing on their records with one statement: the single-event one for one event. */
  private async insertPlain(events: CheckedEvent[], reject: (failures: EventFailure[]) => never): Promise<RecordedEventSummary[]> {
    try {
      if (events.length === 1) return [await insertPlainEvent(this.scope, events[0])];
      return await insertPlainEvents(this.scope, events);
    } catch (error) {
      if (error instanceof EventItemsError) return reject(error.failures);
      if (events.length === 1) return reject([{ index: 0, error }]);
      throw error;
    }
  }

  /**
   * Stores the events in order in one transaction. It first locks every record of the batch in
   * ascending id order, so two batches that share records in any order cannot deadlock on them.
   * Each event is checked when it is stored, against its record as the earlier accepted events
   * left it, because a rejected event changes nothing. When any event was rejected, the
   * transaction rolls back and the error lists every rejected event. A deadlock on other rows,
   * such as the idempotency keys' index, aborts the transaction, and `recordEvents` runs the
   * whole store again.
   */
  private recordInTransaction(events: CheckedEvent[], reject: (failures: EventFailure[]) => never): Promise<RecordedEventSummary[]> {
    const recordIds = [...new Set(events.map((event) => event.recordId))];
    const store = () =>
      this.scope.em.transactional(async (tx) => {
        const scope = new WorkspaceScope(tx, this.scope.workspaceId);
        await lockRecords(tx, scope.workspaceId, recordIds);

        const recorded: RecordedEventSummary[] = [];
        const failures: EventFailure[] = [];
        for (const [index, event] of events.entries()) {
          try {
            recorded.push(event.changesRecord ? await recordWithRecordChanges(scope, event) : await insertPlainEvent(scope, event));
          } catch (error) {
            // An error other than a rejection, such as a database failure, may have aborted the transaction.
            if (!isEventError(error)) throw error;
            failures.push({ index, error });
          }
        }
        // Throwing rolls the transaction back, so the accepted events are not stored either.
        if (failures.length > 0) reject(failures);
        return recorded;
      });
    return retryOnStalePreparedStatement(store);
  }
}

/** Rejects a batch of no events or of more than MAX_EVENTS_PER_BATCH. */
function checkBatchSize(count: number): void {
  if (count >= 1 && count <= MAX_EVENTS_PER_BATCH) return;
  throw new ValidationError(
    'inputs',
    `inputs has ${count} events; one call records 1 to ${MAX_EVENTS_PER_BATCH}. ` +
      (count === 0 ? 'Send at least one event.' : `Split the events into calls of at most ${MAX_EVENTS_PER_BATCH}, in order.`),
  );
}

/**
 * Runs the checks that need no database on every event, and rejects all events that fail them
 * together. They include that no two events of a batch have the same idempotency key.
 */
function checkEvents(inputs: RecordDocumentEventInput[], itemPath: (index: number) => string | null): CheckedEvent[] {
  const events: CheckedEvent[] = [];
  const failures: EventFailure[] = [];
  const firstIndexByKey = new Map<string, number>();
  for (const [index, input] of inputs.entries()) {
    try {
      // Before the event's other checks, so that the key of an event that fails them still counts.
      checkKeyNotRepeated(input.idempotencyKey || null, index, firstIndexByKey, itemPath);
      events.push(checkEvent(input));
    } catch (error) {
      failures.push({ index, error });
    }
  }
  if (failures.length > 0) rejectEvents(failures, inputs.length, itemPath);
  return events;
}

/**
 * Rejects the idempotency key of the event at `index` when an earlier event of the batch has it,
 * naming that event, and otherwise notes its first use in `firstIndexByKey`. A key identifies one
 * event, so the second event would be a repeat of the first or conflict with it.
 */
function checkKeyNotRepeated(key: string | null, index: number, firstIndexByKey: Map<string, number>, itemPath: (index: number) => string | null): void {
  if (key === null) return;
  const firstIndex = firstIndexByKey.get(key);
  if (firstIndex === undefined) {
    firstIndexByKey.set(key, index);
    return;
  }
  throw new ValidationError('idempotencyKey', `idempotencyKey ${quoteId(key)} is also the key of ${itemPath(firstIndex)}: give each event of a batch its own key.`);
}

/** Maximum number of rejected events whose messages the message of a batch error quotes; `extensions.errors` lists all. */
const MAX_QUOTED_REJECTIONS = 10;

/**
 * Raises the error of the rejected events of a request with `total` events. A single event's
 * error (`itemPath` gives null) is raised as it is. In a batch, each event's input or state
 * error gets its path in front of its field and message, and all of them are raised as one
 * BatchItemsError. Any other error, such as a database failure, is raised unchanged.
 */
function rejectEvents(failures: EventFailure[], total: number, itemPath: (index: number) => string | null): never {
  const unexpected = failures.find(({ error }) => !isEventError(error));
  if (unexpected) throw unexpected.error;
  if (itemPath(failures[0].index) === null) throw failures[0].error;

  const items = failures.map(({ index, error }) => rejectedItem(index, itemPath(index)!, error as ValidationError | ConflictError));
  if (items.length === 1) throw new BatchItemsError(items[0].message, items);
  const quoted = items.slice(0, MAX_QUOTED_REJECTIONS).map((item) => item.message);
  const unquoted = items.length - quoted.length;
  const rest = unquoted > 0 ? ` extensions.errors lists ${unquoted} more.` : '';
  throw new BatchItemsError(`${items.length} of the ${total} events were rejected, so no event was stored. ${quoted.join(' ')}${rest}`, items);
}

/** True for the errors of one event's input or of its record's state, which a batch reports per event. */
function isEventError(error: unknown): error is ValidationError | ConflictError {
  return error instanceof ValidationError || error instanceof ConflictError;
}

/** Returns the batch entry of an event's error, with the event's `path` in front of its field and its message. */
function rejectedItem(index: number, path: string, error: ValidationError | ConflictError): RejectedItem {
  const field = error.field ? `${path}.${error.field}` : path;
  return { index, code: error.code, field, message: `${path}: ${error.message}` };
}
