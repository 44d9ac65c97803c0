/**
 * Redaction of listener URLs for the server log. Listener URLs often carry credentials in the
 * query string or the user info, so log lines show only the redacted form. The push log table
 * and the GraphQL API keep the full URL, because only the workspace's admins read them.
 */

/** Text that replaces every query parameter value. */
export const REDACTED_QUERY_VALUE = 'redacted';

/** Text logged in place of a string that is not an absolute URL with a host. */
export const UNPARSABLE_URL_PLACEHOLDER = '[unparsable URL]';

/** An absolute http or https URL inside free text, up to the next space, quote or angle bracket. */
const URL_IN_TEXT = /\bhttps?:\/\/[^\s"'<>`]+/gi;

/** Punctuation that ends a sentence more often than it ends a URL. */
const TRAILING_PUNCTUATION = /[.,;:!?)]+$/;

/**
 * Returns `raw` with scheme, host, port and path kept, user name and password removed, every
 * query parameter value replaced by `redacted` and the fragment dropped, such as
 * `https://hooks.example.com/in?token=redacted&team=redacted`. Parameter names stay, so two
 * URLs can still be distinguished. A parameter without `=` (`?abc123`) may be a bare token, so it
 * is replaced whole. A string that is not an absolute URL with a host gives
 * UNPARSABLE_URL_PLACEHOLDER, because it could be anything, a secret included.
 *
 * NOTE: the path is kept, so a secret inside the path, as in Slack's incoming webhook URLs
 * (`/services/T…/B…/<token>`), still reaches the log.
 */
export function redactUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return UNPARSABLE_URL_PLACEHOLDER;
  }
  if (url.host === '') return UNPARSABLE_URL_PLACEHOLDER;

  // URL.search is already percent-encoded by the WHATWG parser, so splitting it on "&" and "="
  // cannot cut an encoded name or value in two.
  const parameters = url.search
    .slice(1)
    .split('&')
    .filter((parameter) => parameter !== '')
    .map((parameter) => {
      const equals = parameter.indexOf('=');
      return equals === -1 ? REDACTED_QUERY_VALUE : `${parameter.slice(0, equals)}=${REDACTED_QUERY_VALUE}`;
    });
  const query = parameters.length > 0 ? `?${parameters.join('&')}` : '';
  return `${url.protocol}//${url.host}${url.pathname}${query}`;
}

/**
 * Returns `text` with every absolute http or https URL in it passed through redactUrl, for
 * error messages that quote a URL (a rejected listener URL, a redirect's Location).
 */
export function redactUrlsInText(text: string): string {
  return text.replace(URL_IN_TEXT, (match) => {
    const punctuation = TRAILING_PUNCTUATION.exec(match)?.[0] ?? '';
    return redactUrl(match.slice(0, match.length - punctuation.length)) + punctuation;
  });
}
