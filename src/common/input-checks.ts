import { LockMode, type EntityName, type FilterQuery } from '@mikro-orm/core';
import { ValidationError, quoteId } from './errors';
import { parseId, type WorkspaceScope } from './workspace-scope';

/** Maximum length of user, catalog and API key names; the columns are varchar(200). */
export const MAX_NAME_LENGTH = 200;

/** Maximum length of an email address in octets: the 256 of an RFC 5321 path, less its angle brackets. */
export const MAX_EMAIL_LENGTH = 254;

/** Maximum length of the part before the "@" in octets, as RFC 5321 (section 4.5.3.1.1) sets. */
export const MAX_EMAIL_LOCAL_PART_LENGTH = 64;

/**
 * A form check, not a deliverability check: one "@", no spaces, and a dot inside the domain.
 * RFC 5322 also allows quoted local parts and IP literals, which this check rejects on purpose.
 */
const EMAIL_PATTERN = /^[^\s@"]+@[^\s@.[\]]+(\.[^\s@.[\]]+)+$/;

/**
 * Characters that a one-line label may not contain. These are the control characters (C0 from
 * U+0000 to U+001F, tab and line breaks included, DEL and C1 from U+0080 to U+009F), U+2028 LINE
 * SEPARATOR and U+2029 PARAGRAPH SEPARATOR. They also include the bidirectional embeddings and
 * overrides from U+202A to U+202E, which reorder the text after them, so "invoice\u202Etxt.exe"
 * displays as "invoiceexe.txt". The marks U+200E, U+200F and U+061C stay allowed, because they
 * cannot reverse a run of text and names that mix left-to-right and right-to-left scripts need them.
 */
const FORBIDDEN_LABEL_CHARACTER = /[\p{Cc}\p{Zl}\p{Zp}\u202A-\u202E]/u;

/**
 * The isolates U+2066 to U+2068 and their closing U+2069. Unicode (UAX #9) recommends them over
 * embeddings for text of the other direction, so labels may contain them when every isolate is
 * closed. File names may not: "invoice\u2067txt.exe\u2069" displays as "invoiceexe.txt".
 */
const ISOLATE_OPENERS = new Set(['\u2066', '\u2067', '\u2068']);
const POP_DIRECTIONAL_ISOLATE = '\u2069';

/** A format or other default-ignorable character, such as U+200B or U+200F, which no email address contains. */
const INVISIBLE_CHARACTER = /[\p{Cf}\p{Default_Ignorable_Code_Point}]/u;

/**
 * Text with nothing visible. It has only whitespace, format characters such as U+200B and U+FEFF,
 * other default-ignorable code points such as U+3164 HANGUL FILLER and the variation selectors,
 * U+2800 BRAILLE PATTERN BLANK, and combining marks, which have no base character here.
 */
const INVISIBLE_TEXT = /^[\p{White_Space}\p{Cf}\p{Default_Ignorable_Code_Point}\p{M}\u2800]*$/u;

/** Unicode names of the bidirectional embeddings, overrides and isolates. */
const BIDI_CONTROL_NAMES: Record<string, string> = {
  '\u202A': 'LEFT-TO-RIGHT EMBEDDING',
  '\u202B': 'RIGHT-TO-LEFT EMBEDDING',
  '\u202C': 'POP DIRECTIONAL FORMATTING',
  '\u202D': 'LEFT-TO-RIGHT OVERRIDE',
  '\u202E': 'RIGHT-TO-LEFT OVERRIDE',
  '\u2066': 'LEFT-TO-RIGHT ISOLATE',
  '\u2067': 'RIGHT-TO-LEFT ISOLATE',
  '\u2068': 'FIRST STRONG ISOLATE',
  '\u2069': 'POP DIRECTIONAL ISOLATE',
};

/** Unicode names of common invisible characters, for messages about names that contain only them. */
const INVISIBLE_CHARACTER_NAMES: Record<string, string> = {
  '\u00AD': 'SOFT HYPHEN',
  '\u200B': 'ZERO WIDTH SPACE',
  '\u200C': 'ZERO WIDTH NON-JOINER',
  '\u200D': 'ZERO WIDTH JOINER',
  '\u200E': 'LEFT-TO-RIGHT MARK',
  '\u200F': 'RIGHT-TO-LEFT MARK',
  '\u2060': 'WORD JOINER',
  '\u061C': 'ARABIC LETTER MARK',
  '\uFEFF': 'ZERO WIDTH NO-BREAK SPACE',
  '\u3164': 'HANGUL FILLER',
  '\uFE0F': 'VARIATION SELECTOR-16',
  '\u2800': 'BRAILLE PATTERN BLANK',
  '\u0301': 'COMBINING ACUTE ACCENT',
};

/**
 * Trims a required name and rejects it when empty or longer than `maxLength`. A name made only
 * of whitespace and invisible format characters, such as U+200B ZERO WIDTH SPACE, counts as
 * empty. A name is a one-line label, so the characters that rejectControlCharacters names are
 * rejected too.
 */
export function checkName(field: string, value: string, example: string, maxLength: number = MAX_NAME_LENGTH): string {
  const trimmed = value.trim();
  rejectBlankName(field, trimmed, `give a name, such as ${JSON.stringify(example)}`);
  rejectLongText(field, trimmed, maxLength);
  rejectControlCharacters(field, trimmed);
  return trimmed;
}

/** Reports whether text has no visible character: only whitespace and format characters, or nothing. */
export function isInvisibleText(text: string): boolean {
  return INVISIBLE_TEXT.test(text);
}

/**
 * Rejects a required name that has no visible character, as an empty one. `fix` is the
 * instruction that ends the message, such as `give a name, such as "Contract"`.
 */
export function rejectBlankName(field: string, value: string, fix: string): void {
  if (value.trim() === '') throw new ValidationError(field, `${field} is empty: ${fix}.`);
  if (!isInvisibleText(value)) return;
  throw new ValidationError(
    field,
    `${field} is empty: it contains only invisible characters, such as ${describeCodePoint(value.trim())}. Remove them and ${fix}.`,
  );
}

/**
 * Rejects a one-line label that contains a control character, a line or paragraph separator or
 * a bidirectional embedding or override, naming its code point and position. Isolates are
 * allowed when each is closed by U+2069, unless `isolates` is `reject`, as for file names.
 */
export function rejectControlCharacters(field: string, value: string, isolates: 'balanced' | 'reject' = 'balanced'): void {
  const found = FORBIDDEN_LABEL_CHARACTER.exec(value);
  if (found) {
    const position = [...value.slice(0, found.index)].length + 1;
    const character = found[0];
    if (character in BIDI_CONTROL_NAMES) throw bidiControlError(field, character, position, REMOVE_REORDERING);
    throw new ValidationError(
      field,
      `${field} contains ${describeCharacter(character)} at character ${position}: remove it, and write it on one line without tabs.`,
    );
  }
  checkIsolates(field, value, isolates);
}

/** The fix for a bidirectional control character that reorders the text after it. */
const REMOVE_REORDERING = 'remove it, because it changes the order in which the text is displayed';

/** Rejects isolates in `value`: any of them with `reject`, else only an unclosed isolate or an unmatched U+2069. */
function checkIsolates(field: string, value: string, isolates: 'balanced' | 'reject'): void {
  const open: Array<{ character: string; position: number }> = [];
  let position = 0;
  for (const character of value) {
    position += 1;
    const opens = ISOLATE_OPENERS.has(character);
    if (!opens && character !== POP_DIRECTIONAL_ISOLATE) continue;
    if (isolates === 'reject') throw bidiControlError(field, character, position, REMOVE_REORDERING);
    if (opens) open.push({ character, position });
    else if (open.pop() === undefined) throw bidiControlError(field, character, position, 'remove it, because no isolate before it is open');
  }
  const unclosed = open[0];
  if (unclosed) {
    throw bidiControlError(field, unclosed.character, unclosed.position, 'close it with U+2069 POP DIRECTIONAL ISOLATE after the text it isolates, or remove it, because an open isolate changes the order in which the text after it is displayed');
  }
}

/** Returns the error for a bidirectional control character. `fix` is the instruction, with its reason. */
function bidiControlError(field: string, character: string, position: number, fix: string): ValidationError {
  return new ValidationError(field, `${field} contains the bidirectional control character ${describeCodePoint(character)} at character ${position}: ${fix}.`);
}

/**
 * Trims an optional one-line label, such as a person's name, as checkOptionalText does, and
 * rejects the characters that rejectControlCharacters names. A label made only of invisible
 * characters becomes null, as an empty one does.
 */
export function checkOptionalLabel(field: string, value: string | null | undefined, maxLength: number): string | null {
  const checked = checkOptionalText(field, value, maxLength);
  if (checked === null || isInvisibleText(checked)) return null;
  rejectControlCharacters(field, checked);
  return checked;
}

/** Names a rejected character by its kind and Unicode code point, such as "the control character U+0007". */
function describeCharacter(character: string): string {
  const codePoint = formatCodePoint(character);
  if (character === '\u2028') return `the line separator ${codePoint}`;
  if (character === '\u2029') return `the paragraph separator ${codePoint}`;
  return `the control character ${codePoint}`;
}

/** Returns the first character's code point, with its Unicode name when known, such as "U+202E RIGHT-TO-LEFT OVERRIDE". */
export function describeCodePoint(text: string): string {
  const character = String.fromCodePoint(text.codePointAt(0)!);
  const name = BIDI_CONTROL_NAMES[character] ?? INVISIBLE_CHARACTER_NAMES[character];
  return name ? `${formatCodePoint(character)} ${name}` : formatCodePoint(character);
}

function formatCodePoint(character: string): string {
  return `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Trims optional text; an empty result becomes null. Rejects text longer than `maxLength`. */
export function checkOptionalText(field: string, value: string | null | undefined, maxLength: number): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  rejectLongText(field, trimmed, maxLength);
  return trimmed === '' ? null : trimmed;
}

/**
 * Counts the characters of text as PostgreSQL's varchar(n) does: by code point, so an emoji
 * outside the Basic Multilingual Plane counts once, although JavaScript's `length` counts two.
 */
export function characterCount(text: string): number {
  return Array.from(text).length;
}

/** Rejects text of more than `maxLength` characters, counted by characterCount. */
export function rejectLongText(field: string, text: string, maxLength: number): void {
  // A character takes one or two UTF-16 units, so text within maxLength units is within maxLength characters.
  if (text.length <= maxLength) return;
  const characters = characterCount(text);
  if (characters > maxLength) {
    throw new ValidationError(field, `${field} is ${characters} characters long; the maximum is ${maxLength}. Shorten it.`);
  }
}

/**
 * Maximum run of combining marks, as in Unicode's Stream-Safe Text Format (UAX #15), which no
 * text of any script needs. The PDF renderer's time grows with the square of a run's length:
 * 20,000 marks on one letter took about 3 s, 100,000 about 53 s.
 */
const MAX_COMBINING_MARKS = 30;

const LONG_MARK_RUN = new RegExp(`\\p{M}{${MAX_COMBINING_MARKS + 1},}`, 'u');

/** Rejects text with a run of more than MAX_COMBINING_MARKS combining marks, naming where the run starts. */
export function rejectLongMarkRun(path: string, text: string): void {
  const run = LONG_MARK_RUN.exec(text);
  if (!run) return;
  const marks = Array.from(run[0]).length;
  throw new ValidationError(
    path,
    `${path} has ${marks} combining marks in a row at character ${Array.from(text.slice(0, run.index)).length + 1}; ` +
      `the maximum is ${MAX_COMBINING_MARKS}, as in Unicode's stream-safe text. Remove the extra marks.`,
  );
}

/**
 * Trims an email address and rejects it unless it has the form name@example.com and fits the
 * RFC 5321 limits of 64 octets before the "@" and 254 in all, counted in UTF-8. Email addresses
 * also feed header variables, so control characters, line and paragraph separators and every
 * invisible format character, bidirectional ones included, are rejected.
 */
export function checkEmail(field: string, value: string): string {
  const trimmed = value.trim();
  const octets = Buffer.byteLength(trimmed, 'utf8');
  if (octets > MAX_EMAIL_LENGTH) {
    throw new ValidationError(
      field,
      `${field} is ${octets} bytes long as UTF-8; an email address has at most ${MAX_EMAIL_LENGTH} (RFC 5321). Use a shorter address.`,
    );
  }
  rejectControlCharacters(field, trimmed, 'reject');
  const invisible = INVISIBLE_CHARACTER.exec(trimmed);
  if (invisible) {
    const position = [...trimmed.slice(0, invisible.index)].length + 1;
    throw new ValidationError(
      field,
      `${field} contains the invisible character ${describeCodePoint(invisible[0])} at character ${position}: remove it, because an email address has none.`,
    );
  }
  if (!EMAIL_PATTERN.test(trimmed)) {
    throw new ValidationError(field, `${field} ${JSON.stringify(value)} is not an email address: use the form name@example.com.`);
  }
  const localPart = trimmed.slice(0, trimmed.lastIndexOf('@'));
  const localOctets = Buffer.byteLength(localPart, 'utf8');
  if (localOctets > MAX_EMAIL_LOCAL_PART_LENGTH) {
    throw new ValidationError(
      field,
      `${field} has ${localOctets} bytes before the "@" as UTF-8; an email address has at most ${MAX_EMAIL_LOCAL_PART_LENGTH} there (RFC 5321). Use a shorter address.`,
    );
  }
  return trimmed;
}

/**
 * Loads the row of this workspace that an input field refers to by id. An unknown id, or an id
 * of another workspace, is the caller's mistake: BAD_USER_INPUT naming the field and the id.
 * With `forUpdate` (FOR UPDATE) or `forShare` (FOR SHARE), the row stays locked until the
 * caller's transaction ends and is read fresh.
 * A transaction's EntityManager shares the request's identity map, and MikroORM 6 would keep a
 * loaded entity's non-null values over nulls that another request has written since.
 */
export async function findReferenced<T extends object>(
  scope: WorkspaceScope,
  entity: EntityName<T>,
  field: string,
  label: string,
  id: string | number,
  options: { forUpdate?: boolean; forShare?: boolean } = {},
): Promise<T> {
  const numericId = parseId(String(id));
  const where = { id: numericId, workspace: scope.workspaceId } as FilterQuery<T>;
  let lockOptions = {};
  if (options.forUpdate) lockOptions = { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true };
  else if (options.forShare) lockOptions = { lockMode: LockMode.PESSIMISTIC_READ, refresh: true };
  const found = Number.isSafeInteger(numericId) && numericId > 0 ? await scope.em.findOne(entity, where, lockOptions) : null;
  if (!found) throw referenceNotFound(field, label, id);
  return found;
}

/**
 * Creates the BAD_USER_INPUT error of an input field whose id matches no row of this workspace.
 * The message writes the id in the JSON form it was given in: a string, such as an ID argument,
 * in double quotes, and a number, such as `parameters.ownerId`, without them.
 */
export function referenceNotFound(field: string, label: string, id: string | number): ValidationError {
  const quoted = typeof id === 'number' ? JSON.stringify(id) : quoteId(id);
  return new ValidationError(field, `${field} ${quoted} matches no ${label} of this workspace: pass the id of an existing ${label}, or create one first.`);
}

/** Parses the id in an input field; an id that cannot exist raises the same error as an unknown one. */
export function referencedId(field: string, label: string, id: string | number): number {
  const numericId = parseId(String(id));
  if (!Number.isSafeInteger(numericId) || numericId <= 0) throw referenceNotFound(field, label, id);
  return numericId;
}

/** Like findReferenced, for an optional reference: null and undefined give null. */
export async function findOptionalReferenced<T extends object>(
  scope: WorkspaceScope,
  entity: EntityName<T>,
  field: string,
  label: string,
  id: string | number | null | undefined,
): Promise<T | null> {
  if (id === null || id === undefined) return null;
  return findReferenced(scope, entity, field, label, id);
}
