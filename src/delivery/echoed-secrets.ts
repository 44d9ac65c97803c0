import { toWireHeaderValue } from '../connections/header-template';
import { MASKED_VALUE } from '../connections/push-connection.type';
import { SpellingMatcher, readAsIs, readJsonUnescaped, replaceSpans } from './spelling-matcher';

/**
 * Shortest secret header value that the push log masks in a response. A shorter value, such as
 * "1" or "yes", would also mask unrelated text of the response.
 */
export const MIN_MASKED_SECRET_LENGTH = 8;

/**
 * Replaces each secret header value that a listener echoed back in `text`, a response body or
 * header value, with the mask that the logged request headers show. A value is found as it was
 * rendered and as its UTF-8 bytes read as Latin-1, the form in which Node.js and WSGI servers
 * decode a non-ASCII header value. Either form is found also as the content of a JSON string,
 * with any of its characters escaped (`\"`, `\\`, `\/`, `\t` or `\u00e9`, in either case of hex
 * digits), as JSON encoders write it. Occurrences that overlap get one mask.
 *
 * The search takes time linear in the length of `text`, whatever the values, because a
 * backtracking search of a repetitive value, such as many backslashes, could block the event loop
 * for minutes on one response.
 *
 * NOTE: a value shorter than MIN_MASKED_SECRET_LENGTH stays, and so does part of a value (the
 * token of "Bearer <token>") and a value that the response size limit cuts. A value that the
 * listener encoded otherwise, such as in Base64, stays too.
 */
export function redactEchoedSecrets(text: string, secrets: readonly string[]): string {
  if (text === '') return text;
  const matcher = matcherOf(secrets);
  if (matcher === null) return text;
  let spans = matcher.findSpans(text, readAsIs);
  // Without a backslash, the text reads the same with JSON escapes decoded.
  if (text.includes('\\')) spans = spans.concat(matcher.findSpans(text, readJsonUnescaped));
  return replaceSpans(text, spans, MASKED_VALUE);
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
 * The matcher of each list of secrets, or null when none is long enough to mask. A delivery masks
 * its response body and each response header with the same list, which it does not change, so
 * the matcher is built once per delivery.
 */
const matchers = new WeakMap<readonly string[], SpellingMatcher | null>();

/** Returns a matcher of the spellings of each secret long enough to mask: as rendered and as its UTF-8 bytes read as Latin-1. */
function matcherOf(secrets: readonly string[]): SpellingMatcher | null {
  let matcher = matchers.get(secrets);
  if (matcher !== undefined) return matcher;
  const spellings = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < MIN_MASKED_SECRET_LENGTH) continue;
    spellings.add(secret);
    spellings.add(toWireHeaderValue(secret));
  }
  matcher = spellings.size === 0 ? null : new SpellingMatcher([...spellings]);
  matchers.set(secrets, matcher);
  return matcher;
}
