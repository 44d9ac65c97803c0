import { createHash } from 'node:crypto';
import { ValidationError, quoteId } from '../common/errors';

/**
 * The list that a cursor belongs to: the query that lists the rows and the filter that selects
 * them, workspace included. A cursor is accepted only by the same list with an equal filter, so
 * a cursor of another record's files, of another connection's logs or of other filter arguments
 * is rejected instead of paging from its id.
 */
export interface CursorScope {
  /** The query that lists the rows, such as `pushLogs`; errors about a cursor name it. */
  list: string;
  /** The row filter as given to the ORM, made of plain values, arrays, plain objects and Dates. */
  filter: unknown;
}

/**
 * Characters of the filter's SHA-256 digest (base64url) that a cursor carries. With 96 bits, two
 * different filters practically never match by accident. The digest is no defence against a
 * forged cursor, but such a cursor can only page through rows of the caller's own workspace.
 */
const DIGEST_LENGTH = 16;

/** A cursor decodes to `<list>:<filter digest>:<row id>`. */
const CURSOR_TEXT = new RegExp(`^([A-Za-z]{1,64}):([A-Za-z0-9_-]{${DIGEST_LENGTH}}):(.+)$`, 's');

/** The cursors of builds before cursors named their list decode to `id:<row id>`. */
const UNSCOPED_CURSOR_TEXT = /^id:[^:]*$/;

const CURSOR_FIX = 'pass the endCursor of the same query with the same arguments, or omit after';

/** Returns the function that makes the cursors of the rows of one list. */
export function cursorEncoder(scope: CursorScope): (id: number | string) => string {
  const prefix = `${scope.list}:${filterDigest(scope.filter)}:`;
  return (id) => Buffer.from(prefix + String(id)).toString('base64url');
}

/**
 * Returns the row id in `after`, a cursor that `scope`'s list made, or null when `after` is
 * omitted or null. An empty string, a cursor of another list, of other arguments or of an
 * earlier build, and a malformed one raise ValidationError naming `after`.
 */
export function readCursorId(scope: CursorScope, after: string | null | undefined): string | null {
  if (after === null || after === undefined) return null;
  if (after === '') {
    // No list makes an empty cursor. Reading it as omitted would hide a client bug, such as a
    // string variable left at its zero value "", behind a silent restart from the first page.
    throw new ValidationError('after', 'after is an empty string, which is not a cursor: pass the endCursor of the previous page, or omit after (or pass null) for the first page.');
  }
  const text = Buffer.from(after, 'base64url').toString();
  const parsed = CURSOR_TEXT.exec(text);
  if (!parsed) {
    if (UNSCOPED_CURSOR_TEXT.test(text)) throw unscopedCursorError(after);
    throw invalidCursorError(after);
  }

  const [, list, digest, id] = parsed;
  if (list !== scope.list) {
    throw new ValidationError('after', `after ${quoteId(after)} is a cursor of ${list}, not of ${scope.list}: ${CURSOR_FIX}.`);
  }
  if (digest !== filterDigest(scope.filter)) {
    throw new ValidationError('after', `after ${quoteId(after)} is a cursor of ${list} with other arguments, filters or workspace: ${CURSOR_FIX}.`);
  }
  return id;
}

/** Returns the numeric row id in `after` as readCursorId does, rejecting an id that no row can have. */
export function readNumericCursorId(scope: CursorScope, after: string | null | undefined): number | null {
  const id = readCursorId(scope, after);
  if (id === null) return null;
  const numericId = /^[1-9][0-9]{0,15}$/.test(id) ? Number(id) : Number.NaN;
  if (!Number.isSafeInteger(numericId)) throw invalidCursorError(after!);
  return numericId;
}

/** Creates the error of an `after` value that no list of this server made. */
export function invalidCursorError(after: string): ValidationError {
  return new ValidationError('after', `after ${quoteId(after)} is not a valid cursor: ${CURSOR_FIX}.`);
}

function unscopedCursorError(after: string): ValidationError {
  return new ValidationError(
    'after',
    `after ${quoteId(after)} is a cursor of an earlier docpush version, which names no list: ` +
      'omit after to start again from the first page, then pass the endCursor of the same query with the same arguments.',
  );
}

function filterDigest(filter: unknown): string {
  return createHash('sha256').update(canonicalJson(filter)).digest('base64url').slice(0, DIGEST_LENGTH);
}

/**
 * Writes a filter as JSON with sorted object keys and without undefined values, so that equal
 * filters give equal text whatever order their keys were set in. A Date is written as its ISO
 * time. Any other class instance, such as an entity, raises TypeError, because its JSON form
 * would depend on what the ORM happened to load.
 */
function canonicalJson(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value);

  if (Object.getPrototypeOf(value) !== Object.prototype) {
    throw new TypeError(`A cursor filter contains a ${value.constructor?.name ?? 'object without a prototype'}; filter by its id instead.`);
  }
  const keys = Object.keys(value)
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`).join(',')}}`;
}
