import { ValidationError } from '../common/errors';

/** The user fields a header variable can name, as in Legito's User resource. */
const USER_FIELDS = ['id', 'name', 'email', 'position', 'customData'] as const;

/** Every variable a header value may contain, written `{{name}}`. */
export const HEADER_VARIABLES: readonly string[] = [
  'documentBuilder.event',
  ...USER_FIELDS.map((field) => `LEGITO.currentUser.${field}`),
  ...USER_FIELDS.map((field) => `LEGITO.defaultApiUser.${field}`),
  'event.id',
  'event.type',
  'event.created',
  'event.documentRecordId',
  ...USER_FIELDS.map((field) => `event.author.${field}`),
];

const VARIABLE_PATTERN = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** RFC 9110 token characters: the only ones allowed in a header name. */
const HEADER_NAME_PATTERN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

const SET_BY_DOCPUSH = 'docpush sets it itself';
const HOP_BY_HOP = 'it belongs to one HTTP connection, which docpush manages itself';

/** Header names that a custom header may not use, each with the reason for the error message. */
const RESERVED_HEADER_NAMES: ReadonlyMap<string, string> = new Map([
  ['content-type', SET_BY_DOCPUSH],
  ['content-length', SET_BY_DOCPUSH],
  ['host', SET_BY_DOCPUSH],
  ['transfer-encoding', SET_BY_DOCPUSH],
  ['user-agent', SET_BY_DOCPUSH],
  ['docpush-test-message', SET_BY_DOCPUSH],
  ['content-encoding', 'docpush sends the body uncompressed, so a listener that honours this header could not read it'],
  ['proxy-authorization', 'docpush connects to the listener directly, never through a proxy'],
  ['connection', HOP_BY_HOP],
  ['keep-alive', HOP_BY_HOP],
  ['te', HOP_BY_HOP],
  ['trailer', HOP_BY_HOP],
  ['proxy-connection', HOP_BY_HOP],
  ['upgrade', HOP_BY_HOP],
  ['expect', HOP_BY_HOP],
]);

/**
 * Characters that no header value may contain: the C0 and C1 control characters and DEL, but not
 * tab, which RFC 9110 allows. U+2028 and U+2029 are rejected too, because they break the line in
 * the push log and in listeners that decode the value as UTF-8.
 */
const FORBIDDEN_VALUE_CHARACTERS = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]/;

/** Maximum number of custom headers of one connection. */
export const MAX_HEADERS = 50;

/** Maximum length of a header name. RFC 9110 sets no limit, and real header names are far shorter. */
export const MAX_HEADER_NAME_LENGTH = 256;

/**
 * Maximum size of a header value in UTF-8 bytes, the encoding it is sent in, both as saved
 * (variables unresolved) and as sent. nginx's default buffer for one request header line is
 * 8 KiB and Node's HTTP server accepts 16 KiB of headers in all, so a larger value would make
 * many listeners respond with 431 on every attempt.
 */
export const MAX_HEADER_VALUE_BYTES = 4096;

/**
 * Maximum size of all custom headers together as saved, in UTF-8 bytes, counting each as
 * `name: value` plus its line break. Node's HTTP server rejects requests whose header section
 * exceeds 16 KiB by default, and docpush adds its own headers (content type, user agent, three
 * Standard Webhooks headers).
 */
export const MAX_HEADERS_TOTAL_BYTES = 8192;

export interface HeaderUser {
  id: number;
  name: string;
  email: string;
  position: string | null;
  customData: string | null;
}

/** Values available while a header is resolved for one message. */
export interface HeaderVariableSource {
  eventType: string;
  event: { id: number; type: string; created: string; documentRecordId: number };
  eventAuthor: HeaderUser | null;
  currentUser: HeaderUser | null;
  defaultApiUser: HeaderUser | null;
}

export function listVariables(template: string): string[] {
  return [...template.matchAll(VARIABLE_PATTERN)].map((match) => match[1]);
}

/**
 * Rejects a header whose name is too long, not a token or reserved, or whose value is over
 * MAX_HEADER_VALUE_BYTES, has CR, LF, another control character or an unknown variable, or
 * starts or ends with a space or tab.
 * NOTE: a value can still end in a space after its variables are replaced, as
 * "{{LEGITO.currentUser.name}} {{LEGITO.currentUser.position}}" does for a user without a
 * position. The push log then shows that space, although the listener receives the value without it.
 */
export function validateHeader(header: { name: string; value: string; secret?: boolean }, field: string): void {
  // Sizes come first, so that no later message quotes a huge name or value.
  if (header.name.length > MAX_HEADER_NAME_LENGTH) {
    throw new ValidationError(
      `${field}.name`,
      `${field}.name is ${header.name.length} characters long; the maximum is ${MAX_HEADER_NAME_LENGTH}. Use a shorter header name.`,
    );
  }
  const valueBytes = Buffer.byteLength(header.value, 'utf8');
  if (valueBytes > MAX_HEADER_VALUE_BYTES) {
    throw new ValidationError(
      `${field}.value`,
      `${field}.value of header ${JSON.stringify(header.name)} is ${valueBytes} bytes as UTF-8; the maximum is ${MAX_HEADER_VALUE_BYTES}. ` +
        'Shorten the value, because listeners reject headers this long with 431.',
    );
  }
  if (!HEADER_NAME_PATTERN.test(header.name)) {
    throw new ValidationError(
      `${field}.name`,
      `Header name ${JSON.stringify(header.name)} is invalid: use letters, digits and !#$%&'*+-.^_\`|~ only, with no spaces or colons.`,
    );
  }
  const reservedReason = findReservedNameReason(header.name);
  if (reservedReason !== null) {
    throw new ValidationError(`${field}.name`, `Header name ${JSON.stringify(header.name)} is reserved: ${reservedReason}. Choose another name.`);
  }
  if (FORBIDDEN_VALUE_CHARACTERS.test(header.value)) {
    throw new ValidationError(
      `${field}.value`,
      `Header ${JSON.stringify(header.name)} has a value with a line break or another control character; remove it.`,
    );
  }
  // The value is not quoted, because it may be a secret.
  const edge = /^[ \t]/.test(header.value) ? 'starts' : /[ \t]$/.test(header.value) ? 'ends' : null;
  if (edge !== null) {
    throw new ValidationError(
      `${field}.value`,
      `Header ${JSON.stringify(header.name)} has a value that ${edge} with a space or tab, which HTTP removes before the listener reads it: ` +
        'remove it, so that the stored value is the value sent.',
    );
  }
  // The errors below quote no part of a secret header's value, because a secret may contain braces.
  const leftover = header.value.replace(VARIABLE_PATTERN, '');
  if (leftover.includes('{{') || leftover.includes('}}')) {
    const quotedValue = header.secret ? '' : ` in ${JSON.stringify(header.value)}`;
    throw new ValidationError(
      `${field}.value`,
      `Header ${JSON.stringify(header.name)} has an unclosed or malformed variable${quotedValue}: write variables as {{name}}, such as {{event.id}}.`,
    );
  }
  for (const variable of listVariables(header.value)) {
    if (!HEADER_VARIABLES.includes(variable)) {
      const quotedVariable = header.secret ? 'an unknown variable' : `unknown variable {{${variable}}}`;
      throw new ValidationError(
        `${field}.value`,
        `Header ${JSON.stringify(header.name)} uses ${quotedVariable}. Known variables: ${HEADER_VARIABLES.join(', ')}.`,
      );
    }
  }
}

/**
 * Returns why a custom header may not use this name, or null when it may. Delivery checks stored
 * headers again, because a header saved before its name became reserved stays stored.
 */
export function findReservedNameReason(name: string): string | null {
  const lower = name.toLowerCase();
  if (lower.startsWith('webhook-')) return SET_BY_DOCPUSH;
  return RESERVED_HEADER_NAMES.get(lower) ?? null;
}

/** Replaces each `{{variable}}` with its value; a variable without a value becomes empty text. */
export function renderHeaderValue(template: string, source: HeaderVariableSource): string {
  return template.replace(VARIABLE_PATTERN, (_match, name: string) => lookUpVariable(name, source));
}

/**
 * Returns the reason a rendered header value must not be sent, or null when it may be. A value with CR,
 * LF or another control character is never sent, nor one over MAX_HEADER_VALUE_BYTES in UTF-8,
 * which user data such as {{LEGITO.currentUser.customData}} can make it.
 */
export function findUnsendableValue(rendered: string): string | null {
  if (FORBIDDEN_VALUE_CHARACTERS.test(rendered)) return 'its value contains a line break or another control character';
  const bytes = Buffer.byteLength(rendered, 'utf8');
  if (bytes > MAX_HEADER_VALUE_BYTES) {
    return `its value is ${bytes} bytes as UTF-8 after variable substitution, over the maximum of ${MAX_HEADER_VALUE_BYTES}`;
  }
  return null;
}

/**
 * Returns the value as it goes on the wire. HTTP header values are bytes, and Node's HTTP
 * client writes a string as Latin-1, rejecting characters above U+00FF ("Jiří"). Every value
 * with non-ASCII text is therefore sent as its UTF-8 bytes, the same for "é" as for "ř", which
 * is what listeners that decode headers as UTF-8 expect.
 */
export function toWireHeaderValue(value: string): string {
  return /[^\x00-\x7f]/.test(value) ? Buffer.from(value, 'utf8').toString('latin1') : value;
}

function lookUpVariable(name: string, source: HeaderVariableSource): string {
  if (name === 'documentBuilder.event') return source.eventType;

  const [scope, second, third] = name.split('.');
  if (scope === 'LEGITO' && second === 'currentUser') return userField(source.currentUser, third);
  if (scope === 'LEGITO' && second === 'defaultApiUser') return userField(source.defaultApiUser, third);
  if (scope === 'event' && second === 'author') return userField(source.eventAuthor, third);
  if (scope === 'event' && second in source.event) return String(source.event[second as keyof HeaderVariableSource['event']]);
  return '';
}

function userField(user: HeaderUser | null, field: string | undefined): string {
  if (!user || !field || !(USER_FIELDS as readonly string[]).includes(field)) return '';
  const value = user[field as keyof HeaderUser];
  return value === null || value === undefined ? '' : String(value);
}
