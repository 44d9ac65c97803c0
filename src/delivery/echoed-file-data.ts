import { REDACTED_FILE_DATA, type PushPayload } from './push-payload';

/**
 * Characters of a file's Base64 data that identify it in a response body. 64 characters are 48
 * bytes of the file, so unrelated text practically never contains them.
 */
const ANCHOR_LENGTH = 64;

/**
 * Shortest end of a capped body that is redacted as the start of a file's data. Shorter ends are
 * at most 6 bytes of a file and match unrelated words too easily.
 */
const MIN_CUT_END_LENGTH = 8;

/**
 * A run of Base64 characters from a position on, in the spellings that JSON encoders use: a slash
 * may be escaped as `\/` (PHP's json_encode by default), and `+` as `\u002B` (encoders that escape
 * HTML-sensitive characters).
 */
const BASE64_RUN = /(?:[A-Za-z0-9+=]|\\?\/|\\u002[Bb])+/y;

/** Returns the start of the Base64 data of each file of the payload, for redactEchoedFileData. */
export function fileDataAnchors(payload: PushPayload): string[] {
  const files = [...(payload.files?.generated ?? []), ...(payload.files?.uploaded ?? [])];
  return files.map((file) => file.data.slice(0, ANCHOR_LENGTH)).filter((anchor) => anchor.length > 0);
}

/**
 * Replaces the Base64 file data that a listener echoed back in its response body with
 * REDACTED_FILE_DATA, as the logged request body has it. The data of a file is found by its
 * anchor from fileDataAnchors, in any of the spellings of BASE64_RUN, and replaced from there to
 * the end of its run of Base64 characters, so a prefix such as `data=` stays. An anchor shorter
 * than ANCHOR_LENGTH is a whole small file, and collectSpans replaces it only as a whole run. When
 * the body was cut short (`cut`: capped at the size limit, or ended early), an end of the body that
 * is the start of some file's data, at least MIN_CUT_END_LENGTH characters of it, is replaced too.
 *
 * NOTE: data that the listener transformed otherwise, such as Base64 of the echoed JSON or data
 * split by line breaks, stays in the logged response.
 */
export function redactEchoedFileData(body: string, anchors: readonly string[], cut = false): string {
  if (anchors.length === 0 || body.length === 0) return body;
  const spans: Array<[number, number]> = [];
  for (const anchor of new Set(anchors)) {
    for (const spelling of spellingsOf(anchor)) collectSpans(body, anchor, spelling, spans);
  }
  if (cut) collectCutEnd(body, anchors, spans);
  return replaceSpans(body, spans);
}

/**
 * Applies redactEchoedFileData to a response body that the push log stores as Base64, because it
 * is not UTF-8 text or contains NUL. File data and REDACTED_FILE_DATA are ASCII, so the body is
 * searched as Latin-1, which maps each byte to one character and back unchanged.
 */
export function redactEchoedFileDataInBase64(base64Body: string, anchors: readonly string[], cut = false): string {
  if (anchors.length === 0 || base64Body.length === 0) return base64Body;
  const body = Buffer.from(base64Body, 'base64').toString('latin1');
  return Buffer.from(redactEchoedFileData(body, anchors, cut), 'latin1').toString('base64');
}

/** Returns the anchor as sent and with its slashes and plus signs escaped, as BASE64_RUN reads them. */
function spellingsOf(anchor: string): Set<string> {
  const slashes = anchor.replaceAll('/', '\\/');
  return new Set([anchor, slashes, anchor.replaceAll('+', '\\u002B'), slashes.replaceAll('+', '\\u002B')]);
}

/**
 * Adds the span from each occurrence of `spelling` to the end of its Base64 run. A small file
 * counts only as a whole run, which no letter, digit, `+` or `/` comes right before.
 */
function collectSpans(body: string, anchor: string, spelling: string, spans: Array<[number, number]>): void {
  for (let start = body.indexOf(spelling); start !== -1; start = body.indexOf(spelling, start + spelling.length)) {
    const run = runAt(body, start);
    if (anchor.length < ANCHOR_LENGTH && (run.length !== spelling.length || (start > 0 && /[A-Za-z0-9+/]/.test(body[start - 1])))) continue;
    spans.push([start, start + run.length]);
  }
}

/** Adds the end of the body when it is the first MIN_CUT_END_LENGTH or more characters of some file's data, in any spelling. */
function collectCutEnd(body: string, anchors: readonly string[], spans: Array<[number, number]>): void {
  let longest = 0;
  for (const anchor of new Set(anchors)) {
    for (const spelling of spellingsOf(anchor)) {
      for (let length = Math.min(spelling.length, body.length); length >= MIN_CUT_END_LENGTH && length > longest; length -= 1) {
        if (body.endsWith(spelling.slice(0, length))) longest = length;
      }
    }
  }
  if (longest > 0) spans.push([body.length - longest, body.length]);
}

function runAt(body: string, start: number): string {
  BASE64_RUN.lastIndex = start;
  return BASE64_RUN.exec(body)?.[0] ?? '';
}

/** Replaces each span with REDACTED_FILE_DATA, merging spans that overlap. */
function replaceSpans(body: string, spans: Array<[number, number]>): string {
  if (spans.length === 0) return body;
  spans.sort((a, b) => a[0] - b[0]);
  let redacted = '';
  let position = 0;
  for (const [start, end] of spans) {
    if (end <= position) continue;
    redacted += body.slice(position, Math.max(start, position));
    if (start >= position) redacted += REDACTED_FILE_DATA;
    position = end;
  }
  return redacted + body.slice(position);
}
