import { ValidationError } from '../common/errors';
import type { PushHeaderData } from './push-connection.entity';
import type { PushConnectionHeaderInput } from './push-connection.input';
import { MASKED_VALUE } from './push-connection.type';

/**
 * Rejects a change of the listener URL while secret headers would keep their stored values. The
 * API shows those values only as the mask, so an ADMIN key that could point the connection at a
 * server, or a path on a shared webhook host, of its own would otherwise read them from the next
 * request. `headers` is the update's header list, or undefined when the update keeps the stored
 * headers. Secret headers sent with a new value pass, and so does the stored URL sent back.
 */
export function rejectSecretsKeptForNewUrl(
  storedUrl: string,
  newUrl: string,
  storedHeaders: readonly PushHeaderData[],
  headers: readonly PushConnectionHeaderInput[] | undefined,
): void {
  if (newUrl === storedUrl) return;

  const keptSecret = headers === undefined ? keptWhenOmitted(storedHeaders) : keptWhenSentBack(headers);
  if (keptSecret === null) return;
  throw new ValidationError(
    keptSecret.field,
    `url changes the connection's listener URL, and secret header ${JSON.stringify(keptSecret.name)} would send its stored value to the new URL. ` +
      'Send the header again with its value (not the mask) in the same update, or remove it.',
  );
}

function keptWhenOmitted(storedHeaders: readonly PushHeaderData[]): { field: string; name: string } | null {
  const secret = storedHeaders.find((header) => header.secret);
  return secret ? { field: 'headers', name: secret.name } : null;
}

function keptWhenSentBack(headers: readonly PushConnectionHeaderInput[]): { field: string; name: string } | null {
  const index = headers.findIndex((header) => header.secret && header.value === MASKED_VALUE);
  return index === -1 ? null : { field: `headers[${index}].value`, name: headers[index].name };
}
