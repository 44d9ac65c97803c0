import { LockMode, type EntityName, type FilterQuery } from '@mikro-orm/core';
import { ValidationError } from './errors';
import { parseId, type WorkspaceScope } from './workspace-scope';

/** Maximum length of user, catalog and API key names; the columns are varchar(200). */
export const MAX_NAME_LENGTH = 200;

/** Maximum length of an email address (RFC 5321 limits: 64 for the local part, 1 for the @, 255 for the domain). */
export const MAX_EMAIL_LENGTH = 320;

/**
 * A form check, not a deliverability check: one "@", no spaces, and a dot inside the domain.
 * RFC 5322 also allows quoted local parts and IP literals, which this check rejects on purpose.
 */
const EMAIL_PATTERN = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

/**
 * Characters that break a one-line label: control characters (C0 from U+0000 to U+001F, tab and
 * line breaks included, DEL and C1 from U+0080 to U+009F), U+2028 LINE SEPARATOR and U+2029
 * PARAGRAPH SEPARATOR. Bidi formatting characters such as U+200F and U+2066 to U+2069 stay
 * allowed, because names that mix left-to-right and right-to-left scripts need them.
 */
const LINE_BREAKING_CHARACTER = /[\p{Cc}\p{Zl}\p{Zp}]/u;

/**
 * Trims a required name and rejects it when empty or longer than `maxLength`. A name is a
 * one-line label, so a control character inside it, tab and line breaks included, or a line or
 * paragraph separator is rejected too.
 */
export function checkName(field: string, value: string, example: string, maxLength: number = MAX_NAME_LENGTH): string {
  const trimmed = value.trim();
  if (trimmed === '') throw new ValidationError(field, `${field} is empty: give a name, such as ${JSON.stringify(example)}.`);
  if (trimmed.length > maxLength) {
    throw new ValidationError(field, `${field} is ${trimmed.length} characters long; the maximum is ${maxLength}. Shorten it.`);
  }
  rejectControlCharacters(field, trimmed);
  return trimmed;
}

/**
 * Rejects a one-line label that contains a control character or a line or paragraph separator,
 * naming its code point and position.
 */
export function rejectControlCharacters(field: string, value: string): void {
  const found = LINE_BREAKING_CHARACTER.exec(value);
  if (!found) return;
  throw new ValidationError(
    field,
    `${field} contains ${describeCharacter(found[0])} at character ${[...value.slice(0, found.index)].length + 1}: ` +
      'remove it, and write it on one line without tabs.',
  );
}

/**
 * Trims an optional one-line label, such as a person's name, as checkOptionalText does, and
 * rejects control characters and line and paragraph separators in it.
 */
export function checkOptionalLabel(field: string, value: string | null | undefined, maxLength: number): string | null {
  const checked = checkOptionalText(field, value, maxLength);
  if (checked !== null) rejectControlCharacters(field, checked);
  return checked;
}

/** Names a rejected character by its kind and Unicode code point, such as "the control character U+0007". */
function describeCharacter(character: string): string {
  const codePoint = `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  if (character === '\u2028') return `the line separator ${codePoint}`;
  if (character === '\u2029') return `the paragraph separator ${codePoint}`;
  return `the control character ${codePoint}`;
}

/** Trims optional text; an empty result becomes null. Rejects text longer than `maxLength`. */
export function checkOptionalText(field: string, value: string | null | undefined, maxLength: number): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  if (trimmed.length > maxLength) {
    throw new ValidationError(field, `${field} is ${trimmed.length} characters long; the maximum is ${maxLength}. Shorten it.`);
  }
  return trimmed === '' ? null : trimmed;
}

/** Trims an email address and rejects it unless it has the form name@example.com. */
export function checkEmail(field: string, value: string): string {
  const trimmed = value.trim();
  if (trimmed.length > MAX_EMAIL_LENGTH) {
    throw new ValidationError(field, `${field} is ${trimmed.length} characters long; an email address has at most ${MAX_EMAIL_LENGTH}.`);
  }
  if (!EMAIL_PATTERN.test(trimmed)) {
    throw new ValidationError(field, `${field} ${JSON.stringify(value)} is not an email address: use the form name@example.com.`);
  }
  return trimmed;
}

/**
 * Loads the row of this workspace that an input field refers to by id. An unknown id, or an id
 * of another workspace, is the caller's mistake: BAD_USER_INPUT naming the field and the id.
 * With `forUpdate`, the row stays locked until the caller's transaction ends.
 */
export async function findReferenced<T extends object>(
  scope: WorkspaceScope,
  entity: EntityName<T>,
  field: string,
  label: string,
  id: string | number,
  options: { forUpdate?: boolean } = {},
): Promise<T> {
  const numericId = parseId(String(id));
  const where = { id: numericId, workspace: scope.workspaceId } as FilterQuery<T>;
  const lockMode = options.forUpdate ? LockMode.PESSIMISTIC_WRITE : undefined;
  const found = Number.isSafeInteger(numericId) && numericId > 0 ? await scope.em.findOne(entity, where, { lockMode }) : null;
  if (!found) throw referenceNotFound(field, label, id);
  return found;
}

/** Creates the BAD_USER_INPUT error of an input field whose id matches no row of this workspace. */
export function referenceNotFound(field: string, label: string, id: string | number): ValidationError {
  return new ValidationError(field, `${field} ${JSON.stringify(String(id))} matches no ${label} of this workspace: pass the id of an existing ${label}, or create one first.`);
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
