import type { EntityManager } from '@mikro-orm/postgresql';
import { IDEMPOTENCY_KEY_INDEX } from './document-record-event.entity';
import type { DocumentRecordEventType } from './event-type';
import { ConflictError, ValidationError, quoteId } from '../common/errors';
import { characterCount, describeCodePoint } from '../common/input-checks';
import { executePrepared, namedPreparedStatement } from '../database/raw-sql';
import { isUniqueViolationOf } from '../database/unique-violation';

/** Maximum length of an idempotency key in characters; the column is varchar(255). */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** Characters that a key may not contain: controls, format characters such as U+200B, and line and paragraph separators. */
const NON_PRINTABLE_CHARACTER = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

const KEY_FIX = `pass 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} printable characters, such as a UUID, or leave the field out`;

/**
 * Checks an optional idempotency key: 1 to MAX_IDEMPOTENCY_KEY_LENGTH printable characters,
 * counted by code point, not only spaces. The key is returned as given, untrimmed, because keys
 * are compared exactly.
 */
export function checkIdempotencyKey(key: string | null | undefined): string | null {
  if (key === null || key === undefined) return null;
  if (key === '') throw new ValidationError('idempotencyKey', `idempotencyKey is empty: ${KEY_FIX}.`);

  // A character takes one or two UTF-16 units, so a key within the maximum in units is within it in characters.
  const length = key.length <= MAX_IDEMPOTENCY_KEY_LENGTH ? key.length : characterCount(key);
  if (length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw new ValidationError(
      'idempotencyKey',
      `idempotencyKey ${quoteId(key)} is ${length} characters long; the maximum is ${MAX_IDEMPOTENCY_KEY_LENGTH}. Use a shorter key, such as a UUID.`,
    );
  }

  const found = NON_PRINTABLE_CHARACTER.exec(key);
  if (found) {
    const position = characterCount(key.slice(0, found.index)) + 1;
    throw new ValidationError(
      'idempotencyKey',
      `idempotencyKey ${quoteId(key)} contains the non-printable character ${describeCodePoint(found[0])} at character ${position}: ${KEY_FIX}.`,
    );
  }
  if (key.trim() === '') throw new ValidationError('idempotencyKey', `idempotencyKey ${quoteId(key)} contains only spaces: ${KEY_FIX}.`);
  return key;
}

/** An event stored earlier with an idempotency key of the current call. */
export interface EventWithKey {
  id: number;
  documentRecordId: number;
  type: DocumentRecordEventType;
  authorId: number | null;
  parameters: Record<string, unknown>;
  createdAt: Date;
  idempotencyKey: string;
  /** True when the stored parameters equal the call's as `jsonb`, which ignores key order and spacing. */
  sameParameters: boolean;
  /** Ids of the event's push messages that are still stored, ordered by connection id as when they were created. */
  messageIds: string[];
}

/**
 * Finds the events of a workspace by idempotency key, with the ids of their push messages that
 * are still stored, and compares each event's stored parameters with those given with its key.
 * The key lookups use the unique index of the keys. The event row lists its message ids in
 * push_message_ids, so the messages are found by primary key, and push_messages needs no index
 * on event_id, which each delivery would have to maintain.
 */
export const FIND_EVENTS_BY_KEY = namedPreparedStatement(
  'docpush_find_events_by_idempotency_key',
  `select k.ord, e.id, e.document_record_id, e.type, e.author_id, e.parameters, e.created_at, e.idempotency_key,
          e.parameters = cast(k.parameters as jsonb) as same_parameters,
          coalesce((select json_agg(m.id order by listed.position)
                      from unnest(e.push_message_ids) with ordinality as listed(id, position)
                      join push_messages m on m.id = listed.id), '[]'::json) as message_ids
     from unnest(cast(:keys as text[]), cast(:parameters as text[])) with ordinality as k(idempotency_key, parameters, ord)
     join document_record_events e on e.workspace_id = :workspaceId and e.idempotency_key = k.idempotency_key`,
);

interface EventWithKeyRow {
  /** A string, because unnest's ordinality is a bigint. */
  ord: string;
  id: number | string;
  document_record_id: number;
  type: DocumentRecordEventType;
  author_id: number | null;
  parameters: Record<string, unknown>;
  /** A string, because MikroORM's connection leaves timestamps unparsed. */
  created_at: string;
  idempotency_key: string;
  same_parameters: boolean;
  message_ids: string[];
}

/**
 * Finds the events of the workspace stored with the keys of `lookups`. Returns one entry per
 * lookup, in order: the stored event, or null when no event has that key.
 */
export async function findEventsByKey(
  em: EntityManager,
  workspaceId: number,
  lookups: Array<{ key: string; parameters: Record<string, unknown> }>,
): Promise<Array<EventWithKey | null>> {
  const params = {
    workspaceId,
    keys: lookups.map((lookup) => lookup.key),
    parameters: lookups.map((lookup) => JSON.stringify(lookup.parameters)),
  };
  const rows = await executePrepared<EventWithKeyRow>(em, FIND_EVENTS_BY_KEY, FIND_EVENTS_BY_KEY.bind(params));

  const found: Array<EventWithKey | null> = lookups.map(() => null);
  for (const row of rows) {
    found[Number(row.ord) - 1] = {
      id: Number(row.id),
      documentRecordId: row.document_record_id,
      type: row.type,
      authorId: row.author_id,
      parameters: row.parameters,
      createdAt: new Date(row.created_at),
      idempotencyKey: row.idempotency_key,
      sameParameters: row.same_parameters,
      messageIds: row.message_ids,
    };
  }
  return found;
}

/** The input fields that decide whether a repeated call with a key records the same event. */
export interface KeyedEventInput {
  documentRecordId: number;
  type: DocumentRecordEventType;
  /** Null for a system event; NaN for a malformed author id, which matches no stored author. */
  authorId: number | null;
}

/** Lists the input fields in which a call differs from the event stored with its key. */
export function differingFields(input: KeyedEventInput, stored: EventWithKey): string[] {
  const differing: string[] = [];
  if (input.documentRecordId !== stored.documentRecordId) differing.push('documentRecordId');
  if (input.type !== stored.type) differing.push('type');
  if (input.authorId !== stored.authorId) differing.push('authorId');
  if (!stored.sameParameters) differing.push('parameters');
  return differing;
}

/** Creates the CONFLICT error of a key that an event with other input fields was stored with. */
export function keyReusedError(stored: EventWithKey, differing: string[]): ConflictError {
  return new ConflictError(
    `idempotencyKey ${quoteId(stored.idempotencyKey)} was already used for a different event: event ${stored.id} was recorded with it, ` +
      `and this call's ${joinFieldNames(differing)} ${differing.length === 1 ? 'differs' : 'differ'}. ` +
      'Use a new key for a new event, or repeat the original input to get that event back.',
    'idempotencyKey',
  );
}

function joinFieldNames(fields: string[]): string {
  if (fields.length <= 1) return fields.join('');
  return `${fields.slice(0, -1).join(', ')} and ${fields[fields.length - 1]}`;
}

/**
 * Runs `store` again when it failed because a concurrent call committed an event with one of
 * its `keyCount` keys after `store` had looked the keys up. `store` must write in one statement
 * or in a transaction of its own, so that the violation undoes all it wrote. PostgreSQL raises
 * the violation only once the other event is committed, so the next attempt finds that event by
 * its key. Each attempt therefore finds at least one more key, and keyCount + 1 attempts always
 * suffice. The violation of the last attempt is raised.
 */
export async function retryOnIdempotencyKeyRace<T>(keyCount: number, store: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await store();
    } catch (error) {
      if (!isUniqueViolationOf(error, IDEMPOTENCY_KEY_INDEX) || attempt > keyCount) throw error;
    }
  }
}
