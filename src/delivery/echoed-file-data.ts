import { REDACTED_FILE_DATA, type PushPayload } from './push-payload';

/**
 * Characters of a file's Base64 data that identify it in a response body. 64 characters are 48
 * bytes of the file, so unrelated text practically never starts with them.
 */
const ANCHOR_LENGTH = 64;

/** A maximal run of Base64 characters, in which a slash may be escaped as `\/`, as PHP's json_encode writes it by default. */
const BASE64_RUNS = /(?:[A-Za-z0-9+=]|\\?\/)+/g;

/**
 * Returns the starts of the Base64 data of the payload's files, which the request body carries
 * and the push log replaces with REDACTED_FILE_DATA, for redactEchoedFileData.
 */
export function fileDataAnchors(payload: PushPayload): string[] {
  const files = [...(payload.files?.generated ?? []), ...(payload.files?.uploaded ?? [])];
  return files.map((file) => file.data.slice(0, ANCHOR_LENGTH)).filter((anchor) => anchor.length > 0);
}

/**
 * Replaces the Base64 file data that a listener echoed back in its response body with
 * REDACTED_FILE_DATA, so that the push log keeps no file data in the response either. A maximal
 * run of Base64 characters is file data when it starts with an anchor from fileDataAnchors, its
 * slashes escaped or not. The whole run is replaced, so the cut end of a capped body goes too. An
 * anchor shorter than ANCHOR_LENGTH is a whole small file, and only a run equal to it is replaced.
 *
 * NOTE: data that the listener transformed otherwise, such as Base64 of the echoed JSON or data
 * split by line breaks, stays in the logged response.
 */
export function redactEchoedFileData(body: string, anchors: readonly string[]): string {
  if (anchors.length === 0 || body.length === 0) return body;
  const fullAnchors = new Set(anchors.filter((anchor) => anchor.length === ANCHOR_LENGTH));
  const smallFiles = new Set(anchors.filter((anchor) => anchor.length < ANCHOR_LENGTH));

  return body.replace(BASE64_RUNS, (run) => {
    const data = run.includes('\\') ? run.replaceAll('\\/', '/') : run;
    const isFileData = data.length >= ANCHOR_LENGTH ? fullAnchors.has(data.slice(0, ANCHOR_LENGTH)) : smallFiles.has(data);
    return isFileData ? REDACTED_FILE_DATA : run;
  });
}
