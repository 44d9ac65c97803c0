import { toWireHeaderValue } from '../connections/header-template';
import { MASKED_VALUE } from '../connections/push-connection.type';

/**
 * Shortest secret header value that the push log masks in a response. A shorter value, such as
 * "1" or "yes", would also mask unrelated text of the response.
 */
export const MIN_MASKED_SECRET_LENGTH = 8;

/**
 * Replaces each secret header value that a listener echoed back in `text`, a response body or
 * header value, with the mask that the logged request headers show. A value is found as it was
 * rendered and as its UTF-8 bytes read as Latin-1, the form in which Node.js and WSGI servers
 * decode a non-ASCII header value. In either form, any character may be JSON-escaped (`\"`,
 * `\\`, `\/` or `\u00e9`, in either case of hex digits), as JSON encoders write it.
 *
 * NOTE: a value shorter than MIN_MASKED_SECRET_LENGTH stays, and so does part of a value (the
 * token of "Bearer <token>") and a value that the response size limit cuts. A value that the
 * listener encoded otherwise, such as in Base64 or with escaped letters or digits, stays too.
 */
export function redactEchoedSecrets(text: string, secrets: readonly string[]): string {
  if (text === '') return text;
  // Most responses repeat no secret, and this check spares them the pattern's compilation.
  const pattern = echoedSecretPattern(secrets.filter((secret) => mayContain(text, secret)));
  return pattern === null ? text : text.replace(pattern, MASKED_VALUE);
}

/**
 * Applies redactEchoedSecrets to a response body that the push log stores as Base64. The body is
 * searched as Latin-1, which maps each byte to one character and back unchanged, so a value's
 * UTF-8 bytes show as its Latin-1 spelling there.
 */
export function redactEchoedSecretsInBase64(base64Body: string, secrets: readonly string[]): string {
  if (secrets.length === 0) return base64Body;
  const body = Buffer.from(base64Body, 'base64').toString('latin1');
  const redacted = redactEchoedSecrets(body, secrets);
  return redacted === body ? base64Body : Buffer.from(redacted, 'latin1').toString('base64');
}

/**
 * Returns false when `text` lacks the longest run of ASCII letters and digits in `secret`, so
 * that it could contain the secret only with escaped letters or digits, which JSON never needs.
 * The Latin-1 spelling keeps ASCII as it is.
 */
function mayContain(text: string, secret: string): boolean {
  const runs = secret.match(/[A-Za-z0-9]+/g) ?? [];
  const longest = runs.reduce((found, run) => (run.length > found.length ? run : found), '');
  return longest === '' || text.includes(longest);
}

/** Returns one global pattern that matches every spelling of every secret long enough to mask, or null for none. */
function echoedSecretPattern(secrets: readonly string[]): RegExp | null {
  const spellings = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < MIN_MASKED_SECRET_LENGTH) continue;
    spellings.add(secret);
    spellings.add(toWireHeaderValue(secret));
  }
  if (spellings.size === 0) return null;
  // Longer spellings first, so that a value that contains another one is masked whole.
  const sorted = [...spellings].sort((a, b) => b.length - a.length);
  return new RegExp(sorted.map(spellingPattern).join('|'), 'g');
}

/** Returns a pattern that matches `spelling` with any of its characters written as JSON escapes. */
function spellingPattern(spelling: string): string {
  let pattern = '';
  for (let index = 0; index < spelling.length; index += 1) {
    const character = spelling[index];
    const alternatives = [escapeRegExp(character), unicodeEscapePattern(spelling.charCodeAt(index))];
    if (character === '"' || character === '\\' || character === '/') alternatives.push(escapeRegExp(`\\${character}`));
    pattern += `(?:${alternatives.join('|')})`;
  }
  return pattern;
}

/** Returns a pattern for `\uXXXX` of one UTF-16 code unit, with hex letters in either case. */
function unicodeEscapePattern(codeUnit: number): string {
  const hexDigits = codeUnit.toString(16).padStart(4, '0');
  const digitPatterns = [...hexDigits].map((digit) => (/[a-f]/.test(digit) ? `[${digit}${digit.toUpperCase()}]` : digit));
  return `\\\\u${digitPatterns.join('')}`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}
