import { ValidationError } from '../common/errors';
import { describeCodePoint, rejectBlankName, rejectControlCharacters, rejectLongText } from '../common/input-checks';
import { describeBytes } from './byte-size';

/** The column is varchar(255). */
const MAX_FILE_NAME_LENGTH = 255;
const MAX_MIME_TYPE_LENGTH = 255;

/** Path separators, which would let a listener that saves files by name write elsewhere. */
const PATH_SEPARATOR = /[/\\]/;

/** RFC 6838 type/subtype names, optionally followed by parameters such as `; charset=utf-8`. */
const RESTRICTED_NAME = "[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}";
const MIME_TYPE = new RegExp(`^${RESTRICTED_NAME}/${RESTRICTED_NAME}(?:\\s*;\\s*[A-Za-z0-9!#$&^_.+-]+=(?:[A-Za-z0-9!#$&^_.+-]+|"[^"\\\\]*"))*$`);

/**
 * Matches a character that is neither in the standard Base64 alphabet nor the padding `=`, as a
 * whole code point (flag `u`). Every character before the first match is ASCII, so its index
 * counts characters and bytes alike.
 */
const NOT_BASE64_CHARACTER = /[^A-Za-z0-9+/=]/u;

/**
 * Returns the form under which two file names count as the same: Unicode NFC, lower case. A
 * composed "é" and "e" with a combining accent look alike, and macOS saves both under one name.
 */
export function fileNameKey(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

/**
 * Rejects a file name that is empty or invisible, a path, the names `.` and `..`, and the control
 * and bidirectional characters that names may not contain. A right-to-left override would make
 * "invoice\u202Etxt.exe" display as "invoiceexe.txt". Returns the name unchanged.
 *
 * The name is not trimmed: whitespace at its start or end and a dot at its end are rejected.
 * Listeners save attachments under this name, and Microsoft's "Naming Files, Paths, and
 * Namespaces" advises against a file name that ends with a space or a period, because the
 * Windows shell and user interface do not support one.
 */
export function checkFileName(field: string, value: string): string {
  rejectBlankName(field, value, 'give the file name with its extension, such as "signed-contract.pdf"');
  rejectControlCharacters(field, value, 'reject');
  rejectSurroundingWhitespace(field, value);
  rejectLongText(field, value, MAX_FILE_NAME_LENGTH);
  const separator = PATH_SEPARATOR.exec(value);
  if (separator) {
    throw new ValidationError(field, `${field} ${JSON.stringify(value)} contains ${JSON.stringify(separator[0])}: give a plain file name without folders.`);
  }
  if (value === '.' || value === '..') throw new ValidationError(field, `${field} ${JSON.stringify(value)} is not a file name: give a name such as "signed-contract.pdf".`);
  if (value.endsWith('.')) {
    throw new ValidationError(
      field,
      `${field} ${JSON.stringify(value)} ends with a dot, which Windows does not support at the end of a file name: ` +
        'remove it, or end the name with its extension, such as "signed-contract.pdf".',
    );
  }
  return value;
}

/** Rejects whitespace at the start or end of a file name, naming the character. */
function rejectSurroundingWhitespace(field: string, value: string): void {
  const quoted = JSON.stringify(value);
  if (/^\s/u.test(value)) {
    throw new ValidationError(field, `${field} ${quoted} starts with ${describeWhitespace(value[0])}: remove the whitespace before the name.`);
  }
  if (/\s$/u.test(value)) {
    throw new ValidationError(
      field,
      `${field} ${quoted} ends with ${describeWhitespace(value.at(-1)!)}, which Windows does not support at the end of a file name: remove the whitespace after the name.`,
    );
  }
}

/** Names a whitespace character: "a space" for U+0020, else its code point, such as "the whitespace character U+00A0". */
function describeWhitespace(character: string): string {
  return character === ' ' ? 'a space' : `the whitespace character ${describeCodePoint(character)}`;
}

export function checkMimeType(field: string, value: string): string {
  const mimeType = value.trim();
  if (mimeType.length > MAX_MIME_TYPE_LENGTH || !MIME_TYPE.test(mimeType)) {
    throw new ValidationError(field, `${field} ${JSON.stringify(value)} is not a media type: give one such as "application/pdf" or "text/plain; charset=utf-8".`);
  }
  return mimeType;
}

/**
 * Decodes standard Base64 (RFC 4648 section 4) and rejects anything else: the URL-safe
 * alphabet, whitespace and line breaks, missing or misplaced padding, and non-zero bits in the
 * last character's unused part. Rejects more than `limitBytes` decoded bytes before decoding.
 */
export function decodeStrictBase64(field: string, text: string, limitBytes: number): Buffer {
  if (text === '') throw new ValidationError(field, `${field} is empty: a file needs at least one byte.`);
  // The characters are checked before the length, so that Base64 wrapped into lines, as GNU
  // coreutils base64 writes it by default, is rejected for its first line break. Scanned in
  // place: spreading a 40 MiB text into an array of characters took about 2 s of the event loop
  // and 1 GiB of memory.
  const invalid = NOT_BASE64_CHARACTER.exec(text);
  if (invalid) {
    throw new ValidationError(
      field,
      `${field} has ${JSON.stringify(invalid[0])} at position ${invalid.index}, which standard Base64 does not use: encode with A-Z, a-z, 0-9, + and /, = padding and no line breaks.`,
    );
  }
  if (text.length % 4 !== 0) {
    throw new ValidationError(field, `${field} is ${text.length} characters long, which is not a multiple of 4: send standard Base64 with its = padding.`);
  }
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const body = text.slice(0, text.length - padding);
  const misplacedPadding = body.indexOf('=');
  if (misplacedPadding !== -1) {
    throw new ValidationError(
      field,
      `${field} has "=" at position ${misplacedPadding}, but standard Base64 uses = only as padding at the end: encode the whole file at once, not in parts.`,
    );
  }

  const size = (text.length / 4) * 3 - padding;
  if (size > limitBytes) {
    throw new ValidationError(
      field,
      `The file is ${describeBytes(size)}, over the upload limit of ${describeBytes(limitBytes)} set by DOCPUSH_UPLOAD_LIMIT: upload a smaller file.`,
    );
  }
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) {
    throw new ValidationError(field, `${field} ends in a character with non-zero padding bits, so it is not canonical Base64: encode the file again with a standard encoder.`);
  }
  return bytes;
}
