/**
 * Redaction of listener URLs for the server log. Listener URLs often carry credentials in the
 * user info, the query string or the path, so log lines show only the redacted form. The push
 * log table and the GraphQL API keep the full URL, because only the workspace's admins read them.
 */

/** Text that replaces every query parameter value and every credential-like path segment. */
export const REDACTED_TEXT = 'redacted';

/** Text logged in place of a string that is not an absolute URL with a host. */
export const UNPARSABLE_URL_PLACEHOLDER = '[unparsable URL]';

/** An absolute http or https URL inside free text, up to the next space, quote or angle bracket. */
const URL_IN_TEXT = /\bhttps?:\/\/[^\s"'<>`]+/gi;

/**
 * A reference starting with "/" after "Location: ", which is how the http sender quotes the
 * target of a redirect. A listener that redirects to its own path with a slash appended sends
 * such a relative Location, and it repeats any token in the path.
 */
const RELATIVE_LOCATION_IN_TEXT = /\b(Location: )(\/[^\s"'<>`]*)/gi;

/** Base for parsing a relative reference. It is never contacted, and only its path and query are kept. */
const RELATIVE_REFERENCE_BASE = 'http://relative-reference.invalid';

/** Punctuation that ends a sentence more often than it ends a URL. */
const TRAILING_PUNCTUATION = /[.,;:!?)]+$/;

/** A segment at least this long is redacted whatever characters it contains. */
const LONG_SEGMENT_LENGTH = 32;

/** A token-alphabet segment at least this long is redacted when it mixes letters with digits or letter cases. */
const TOKEN_SEGMENT_LENGTH = 16;

/** Letters, digits, "-", "_" and percent-encoded bytes: the characters of random tokens. */
const TOKEN_ALPHABET = /^(?:[A-Za-z0-9_-]|%[0-9A-Fa-f]{2})+$/;

const PERCENT_ENCODED_BYTE = /%[0-9A-Fa-f]{2}/g;

/**
 * Returns `raw` with scheme, host and port kept, user name and password removed, every query
 * parameter value and every credential-like path segment replaced by `redacted`, and the
 * fragment dropped, such as `https://hooks.example.com/services/T0123ABCD/B0123ABCD/redacted?team=redacted`.
 * Parameter names and word-like path segments stay, so two URLs can still be distinguished. A
 * parameter without `=` (`?abc123`) may be a bare token, so it is replaced whole. A string that
 * is not an absolute URL with a host gives UNPARSABLE_URL_PLACEHOLDER, because it could be
 * anything, a secret included. isCredentialLikeSegment states which path segments are redacted.
 *
 * NOTE: the host is kept whole, so a random host label that works as a credential, such as
 * Pipedream's `<15-character id>.m.pipedream.net`, still reaches the log. Operators need the
 * host to diagnose DNS, TLS and connection failures, and the sender's DNS and time-out errors
 * name it anyway. Tokens shorter than 16 characters in the path, such as the 7-character code
 * of Zapier's `/hooks/catch/<account>/<code>/`, are kept as well.
 */
export function redactUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return UNPARSABLE_URL_PLACEHOLDER;
  }
  if (url.host === '') return UNPARSABLE_URL_PLACEHOLDER;

  return `${url.protocol}//${url.host}${redactPath(url.pathname)}${redactQuery(url.search)}`;
}

/**
 * Returns `text` with every absolute http or https URL in it passed through redactUrl, for
 * error messages that quote a URL (a rejected listener URL, a redirect's Location). A relative
 * Location that starts with "/" gets the same path and query redaction and stays relative.
 */
export function redactUrlsInText(text: string): string {
  const relativeRedacted = text.replace(RELATIVE_LOCATION_IN_TEXT, (_match, prefix: string, reference: string) => {
    return prefix + withTrailingPunctuationKept(reference, redactRelativeReference);
  });
  return relativeRedacted.replace(URL_IN_TEXT, (match) => withTrailingPunctuationKept(match, redactUrl));
}

/**
 * Tells whether a path segment, percent-encoded as in `URL.pathname`, looks like a credential.
 * That is the case for any segment of 32 or more characters. It is also the case for a segment
 * of 16 or more characters made only of letters, digits, "-", "_" and percent-encoded bytes that
 * contains either a letter and a digit, or an upper-case and a lower-case letter. Each
 * percent-encoded byte counts as one character and as neither a letter nor a digit, so an
 * encoded non-ASCII word does not look mixed. The case rule exists because a random
 * 24-character alphanumeric token, such as Slack's, has no digit with a probability of
 * (52/62)^24, about 1.5%. Its cost is that camelCase words of 16 to 31 characters, such as
 * `DocumentRecordUpdated`, are redacted too.
 *
 * Webhook URL shapes this catches:
 * - Slack `/services/T…/B…/<24-character token>`: the token. The team and bot ids are shorter
 *   than 16 characters and stay.
 * - Discord `/api/webhooks/<id>/<68-character token>`: the token. The id is all digits and stays.
 * - Microsoft Teams `/webhookb2/<guid>@<guid>/IncomingWebhook/<32 hex>/<guid>`: all three ids.
 * - Power Automate and Logic Apps `/workflows/<32 hex>/triggers/manual/paths/invoke`: the
 *   workflow id. Their `sig` is a query parameter and redacted as such.
 * - Make `hook.<zone>.make.com/<32 characters>` and UUIDs such as `/hooks/<uuid>`.
 *
 * Kept: words such as `webhooks`, `docpush`, `v2` and `document-record-updated`, and all-digit
 * ids. Also kept are segments shorter than 16 characters, such as `IncomingWebhook` or Zapier's
 * catch-hook code. Segments of 16 to 31 characters stay when they have one letter case and no
 * digit, or contain other characters such as "." or "=".
 */
function isCredentialLikeSegment(segment: string): boolean {
  const unencoded = segment.replace(PERCENT_ENCODED_BYTE, '');
  const length = unencoded.length + (segment.length - unencoded.length) / 3;
  if (length >= LONG_SEGMENT_LENGTH) return true;
  if (length < TOKEN_SEGMENT_LENGTH || !TOKEN_ALPHABET.test(segment)) return false;

  const hasDigit = /[0-9]/.test(unencoded);
  const hasUpper = /[A-Z]/.test(unencoded);
  const hasLower = /[a-z]/.test(unencoded);
  return ((hasUpper || hasLower) && hasDigit) || (hasUpper && hasLower);
}

/** Replaces each credential-like segment of a percent-encoded path, keeping its slashes. */
function redactPath(pathname: string): string {
  return pathname
    .split('/')
    .map((segment) => (isCredentialLikeSegment(segment) ? REDACTED_TEXT : segment))
    .join('/');
}

/** Replaces every parameter value of a percent-encoded query (`?a=1&b`), or returns '' when it has none. */
function redactQuery(search: string): string {
  // URL.search is already percent-encoded by the WHATWG parser, so splitting it on "&" and "="
  // cannot cut an encoded name or value in two.
  const parameters = search
    .slice(1)
    .split('&')
    .filter((parameter) => parameter !== '')
    .map((parameter) => {
      const equals = parameter.indexOf('=');
      return equals === -1 ? REDACTED_TEXT : `${parameter.slice(0, equals)}=${REDACTED_TEXT}`;
    });
  return parameters.length > 0 ? `?${parameters.join('&')}` : '';
}

/**
 * Redacts a reference that starts with "/": a path such as `/in/<token>?key=1`, or a
 * network-path reference such as `//host/in`, whose host is kept and whose user info is removed.
 */
function redactRelativeReference(reference: string): string {
  let url: URL;
  try {
    url = new URL(reference, RELATIVE_REFERENCE_BASE);
  } catch {
    return UNPARSABLE_URL_PLACEHOLDER;
  }
  const authority = reference.startsWith('//') ? `//${url.host}` : '';
  return `${authority}${redactPath(url.pathname)}${redactQuery(url.search)}`;
}

/** Applies `redact` to `match` without the sentence punctuation at its end, then appends that punctuation. */
function withTrailingPunctuationKept(match: string, redact: (reference: string) => string): string {
  const punctuation = TRAILING_PUNCTUATION.exec(match)?.[0] ?? '';
  return redact(match.slice(0, match.length - punctuation.length)) + punctuation;
}
