import { ValidationError } from '../common/errors';
import { serializeTargetUrl } from '../security/target-guard';

/**
 * Rejects a listener URL with a fragment ("#…", even an empty one), because HTTP never sends it.
 * `storedUrl`, the connection's URL before an update, passes when sent back unchanged, so that a
 * connection saved before this rule can still be updated. A URL that does not parse or contains
 * credentials passes here, and checkDeliverableUrl rejects it without quoting the credentials.
 */
export function rejectUrlFragment(url: string, storedUrl: string | null): void {
  if (!URL.canParse(url)) return;
  const parsed = new URL(url);
  if (parsed.username !== '' || parsed.password !== '') return;

  const serialized = serializeTargetUrl(url);
  // The parser ends the path and the query at the first "#", so a "#" in the serialized URL
  // starts the fragment. URL.hash is empty for an empty fragment, such as a trailing "#".
  const start = serialized.indexOf('#');
  if (start === -1 || url === storedUrl || serialized === storedUrl) return;
  throw new ValidationError(
    'url',
    `url ${JSON.stringify(url)} has the fragment ${JSON.stringify(serialized.slice(start))}, which HTTP never sends, so the listener would not receive it: ` +
      `remove it and send ${JSON.stringify(serialized.slice(0, start))}.`,
  );
}
