import { STATUS_CODES } from 'node:http';
import type { Readable } from 'node:stream';
import { buildConnector, type Client } from 'undici';
import { TargetLookupError, TargetRejectedError, type TargetPolicy, type VettedTarget, vetTarget } from '../security/target-guard';
import { type AttemptStage, type ListenerConnections, PinnedConnection } from './listener-connections';

export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** One deadline for the whole attempt: DNS, connect, TLS, response headers and body. */
  timeoutMs: number;
  /** Maximum number of response body bytes kept. The rest of the body is not read. */
  maxResponseBytes: number;
}

export type AttemptErrorKind = 'rejected_target' | 'dns' | 'refused' | 'reset' | 'timeout' | 'tls' | 'http_status' | 'network';

export interface AttemptResult {
  /** HTTP status, or 0 when no response headers were received. */
  statusCode: number;
  /** Headers with lower-case names. Repeated headers are joined with ', '. */
  responseHeaders: Record<string, string>;
  /** At most `maxResponseBytes` bytes, as Base64 when they are not UTF-8 text or contain NUL. */
  responseBody: string;
  responseBodyEncoding: 'utf8' | 'base64';
  /** True when the body was longer than `maxResponseBytes` and the rest was not read. */
  responseBodyTruncated: boolean;
  /**
   * True when the body ended early because the connection closed, the attempt timed out or undici
   * rejected the rest of the response, so `responseBody` contains only the bytes read before.
   */
  responseBodyIncomplete: boolean;
  /** Null on a 2xx response read in full or up to the limit. */
  error: string | null;
  errorKind: AttemptErrorKind | null;
  durationMs: number;
  /** The vetted address that the attempt connected or tried to connect to. */
  remoteAddress: string | null;
}

type Stage = AttemptStage;

/** Progress of one attempt. A failure at any stage keeps the status, headers and body read before it. */
interface AttemptState {
  stage: Stage;
  target: VettedTarget | null;
  remoteAddress: string | null;
  statusCode: number;
  responseHeaders: Record<string, string>;
  bodyChunks: Buffer[];
  bodySize: number;
  bodyTruncated: boolean;
}

interface Failure {
  /** Null when the attempt ended before any byte went to the listener, such as while waiting for a pooled connection. */
  kind: AttemptErrorKind | null;
  message: string;
}

// The sender frames the request itself and connects to the vetted address, so these request
// headers from a connection's custom headers are dropped instead of sent.
const HEADERS_SET_BY_SENDER = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'expect',
  'te',
  'trailer',
  'proxy-connection',
]);

/**
 * Messages of the socket errors that undici 7.30 raises when it closes the socket itself because
 * it rejects a response (lib/dispatcher/client-h1.js), each with the reason the push log gives.
 * Without them the log would state that the listener closed the connection.
 */
const UNDICI_INVALID_RESPONSE_REASONS: ReadonlyMap<string, string> = new Map([
  ['bad response', 'an interim 100 Continue response to a request without Expect, or a response that no request was waiting for'],
  ['bad upgrade', 'a protocol upgrade that the request did not ask for'],
]);

/**
 * Reason that the push log gives for a content-length mismatch raised before the response headers
 * were complete. When llhttp rejects a header, undici 7.30 (Parser.createError in
 * lib/dispatcher/client-h1.js) first compares the Content-Length value read so far with the body
 * bytes read, none yet. After any Content-Length value that parseInt does not read as 0, valid or
 * not (`5`, `5x`, `-1`), it thus raises a content-length mismatch in place of the parser error,
 * whether llhttp rejected that value or a header after it.
 */
const CONTENT_LENGTH_HEADER_ERROR_REASON =
  'an invalid Content-Length value, or a header after Content-Length that could not be parsed, ' +
  'such as Transfer-Encoding alongside Content-Length or a second Content-Length';

// Codes that Node's TLS layer uses for certificate and protocol failures (OpenSSL 3).
const TLS_ERROR_CODE = /^(ERR_SSL_|ERR_TLS_|EPROTO$)|CERT|UNABLE_TO_|_SIGNED_/;

// Codes of a certificate chain that ends at no CA that Node.js trusts, with the fix that the push log names.
const UNTRUSTED_CERTIFICATE_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);
const UNTRUSTED_CERTIFICATE_FIX =
  "docpush trusts only Node.js's CA certificates, so give the listener a certificate from a public CA, " +
  "or, for a development listener, start docpush with NODE_EXTRA_CA_CERTS set to the listener's certificate or CA file";

/**
 * Overall time limit of an attempt, whose signal aborts the DNS wait, the connect and the request at once.
 *
 * The abort waits for one pass of the event loop's poll phase after the timer fires. When a long
 * synchronous task blocked the loop past the deadline, the timer runs before the sockets are read,
 * and a response that the listener sent in time would otherwise count as a time-out.
 */
class AttemptDeadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private pendingAbort: NodeJS.Immediate | null = null;
  expired = false;

  constructor(readonly timeoutMs: number) {
    // setTimeout fires at once for delays above 2^31 - 1 ms (about 24.8 days).
    this.timer = setTimeout(() => {
      this.pendingAbort = setImmediate(() => {
        this.expired = true;
        this.controller.abort(new Error(`Timed out after ${timeoutMs} ms`));
      });
    }, Math.min(timeoutMs, 2 ** 31 - 1));
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  clear(): void {
    clearTimeout(this.timer);
    if (this.pendingAbort) clearImmediate(this.pendingAbort);
  }

  /** Settles with `promise`, or rejects when the deadline passes first. */
  race<T>(promise: Promise<T>): Promise<T> {
    const signal = this.signal;
    return new Promise<T>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      promise.then(
        (value) => {
          signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }
}

/**
 * POSTs one webhook message and returns the outcome. Rejected targets, DNS, network and HTTP
 * failures are returned as results, not thrown.
 *
 * The URL is vetted on every call and the socket goes to the vetted address only, so a host
 * name that resolves elsewhere later (DNS rebinding) cannot redirect the attempt. TLS still
 * verifies the certificate against the URL's host name, and the Host header keeps it.
 * Redirects are returned, not followed. Framing and hop-by-hop request headers (host,
 * content-length, transfer-encoding, connection and similar) are set by the sender, and
 * values for them in `request.headers` are dropped.
 *
 * With `connections`, the attempt takes a keep-alive connection to the listener from that pool,
 * keyed by the vetted address, and gives it back afterwards. Without it, the attempt opens its
 * own connection and closes it at the end.
 */
export async function sendWebhook(request: WebhookRequest, policy: TargetPolicy, connections?: ListenerConnections): Promise<AttemptResult> {
  const startedAt = performance.now();
  const deadline = new AttemptDeadline(request.timeoutMs);
  const state: AttemptState = {
    stage: 'resolve',
    target: null,
    remoteAddress: null,
    statusCode: 0,
    responseHeaders: {},
    bodyChunks: [],
    bodySize: 0,
    bodyTruncated: false,
  };

  let failure: Failure | null = null;
  try {
    state.target = await deadline.race(vetTarget(request.url, policy));
    state.remoteAddress = state.target.address;
    if (connections) await exchangeOnPooledConnection(connections, state.target, request, state, deadline);
    else await exchangeOnNewConnection(state.target, request, state, deadline);
  } catch (error) {
    if (!isLengthOfBodilessResponse(error, state)) failure = describeFailure(error, state, deadline, request.url);
  } finally {
    deadline.clear();
  }

  // Only an error raised while reading the body cuts it short. A non-2xx status failure follows a
  // body read to its end or to the size limit, so it is set after this check.
  // NOTE: a body without Content-Length or chunked framing ends when the connection closes, and
  // undici 7.30 takes a reset as that end too, so such a body cut short by a reset reads as complete.
  const bodyIncomplete = failure !== null && state.stage === 'body';
  if (!failure && (state.statusCode < 200 || state.statusCode > 299)) {
    failure = { kind: 'http_status', message: describeStatus(state.statusCode, state.responseHeaders) };
  }
  const body = encodeResponseBody(Buffer.concat(state.bodyChunks), state.bodyTruncated || bodyIncomplete);
  return {
    statusCode: state.statusCode,
    responseHeaders: state.responseHeaders,
    responseBody: body.text,
    responseBodyEncoding: body.encoding,
    responseBodyTruncated: state.bodyTruncated,
    responseBodyIncomplete: bodyIncomplete,
    error: failure ? failure.message.replace(/\u0000/g, '\uFFFD') : null,
    errorKind: failure ? failure.kind : null,
    durationMs: Math.round(performance.now() - startedAt),
    remoteAddress: state.remoteAddress,
  };
}

/** Sends the request on a connection of its own and closes it afterwards. */
async function exchangeOnNewConnection(target: VettedTarget, request: WebhookRequest, state: AttemptState, deadline: AttemptDeadline): Promise<void> {
  state.stage = 'connect';
  const connection = new PinnedConnection(target, buildConnector({ timeout: request.timeoutMs, autoSelectFamily: false }));
  connection.progress = state;
  try {
    await exchange(connection.client, target, request, state, deadline);
  } finally {
    await connection.destroy();
  }
}

/**
 * Sends the request on a pooled keep-alive connection. The deadline covers the wait for a free
 * connection as well. The connection goes back to the pool only when the response was read to
 * its end. After a failure, or when the size limit cut the body short (destroying the body
 * stream makes undici close that socket), the connection is closed instead, so no socket with
 * unread response bytes is reused.
 */
async function exchangeOnPooledConnection(
  connections: ListenerConnections,
  target: VettedTarget,
  request: WebhookRequest,
  state: AttemptState,
  deadline: AttemptDeadline,
): Promise<void> {
  state.stage = 'queue';
  const lease = await connections.acquire(target, deadline.signal);
  let reusable = false;
  try {
    // undici would queue a request whose signal has already aborted and destroy the socket it
    // reaches, so a deadline that passed during the hand-over ends the attempt here.
    deadline.signal.throwIfAborted();
    // A connect, if the socket has closed meanwhile, sets the stage again.
    state.stage = lease.connection.connected ? 'headers' : 'connect';
    lease.connection.progress = state;
    // NOTE: a listener may close an idle keep-alive socket just as a request is written to it.
    // The attempt then fails as a reset, and the retry schedule resends the message later. The
    // request is not repeated on a new socket here.
    await exchange(lease.connection.client, target, request, state, deadline);
    // After an abort, undici 7.30 reconnects the Client at once only to drop the aborted
    // request, so a connection whose body was cut short is closed rather than kept.
    reusable = !state.bodyTruncated;
  } finally {
    await lease.release(reusable);
  }
}

async function exchange(client: Client, target: VettedTarget, request: WebhookRequest, state: AttemptState, deadline: AttemptDeadline): Promise<void> {
  // undici applies an abort to a request only once it is dispatched on a connected socket,
  // so the race ends the wait during connect and the TLS handshake.
  const response = await deadline.race(
    client.request({
      method: 'POST',
      path: `${target.url.pathname}${target.url.search}`,
      headers: requestHeaders(request.headers),
      body: request.body,
      signal: deadline.signal,
      // Backstops only: the attempt deadline normally fires first.
      headersTimeout: request.timeoutMs,
      bodyTimeout: request.timeoutMs,
    }),
  );
  state.stage = 'body';
  state.statusCode = response.statusCode;
  state.responseHeaders = normalizeHeaders(response.headers);
  await readBodyCapped(response.body, request.maxResponseBytes, state, deadline.signal);
}

function requestHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HEADERS_SET_BY_SENDER.has(name.toLowerCase())));
}

function normalizeHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  // Without a prototype, a header named __proto__ becomes a key instead of replacing the prototype.
  const normalized: Record<string, string> = Object.create(null);
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    normalized[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return normalized;
}

/**
 * Keeps the first `limit` bytes of the body and destroys the stream (and with it the socket) as
 * soon as more arrive, so memory stays near the limit however large the response is.
 */
async function readBodyCapped(body: Readable, limit: number, state: AttemptState, signal: AbortSignal): Promise<void> {
  const onAbort = () => body.destroy(signal.reason as Error);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      const room = limit - state.bodySize;
      if (chunk.length > room) {
        if (room > 0) state.bodyChunks.push(chunk.subarray(0, room));
        state.bodySize = limit;
        state.bodyTruncated = true;
        break;
      }
      state.bodyChunks.push(chunk);
      state.bodySize += chunk.length;
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    body.destroy();
  }
}

/**
 * Returns the body as UTF-8 text when it is valid UTF-8 without NUL, else as Base64.
 * PostgreSQL `text` cannot store U+0000, so a body with NUL bytes is Base64 as well. When the
 * body was `cut` (at the size limit or by an early end) inside a multi-byte character, the partial
 * character is dropped before decoding.
 */
export function encodeResponseBody(bytes: Buffer, cut: boolean): { text: string; encoding: 'utf8' | 'base64' } {
  if (bytes.includes(0)) return { text: bytes.toString('base64'), encoding: 'base64' };
  const complete = cut ? withoutPartialUtf8Tail(bytes) : bytes;
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(complete);
    return { text, encoding: 'utf8' };
  } catch {
    return { text: bytes.toString('base64'), encoding: 'base64' };
  }
}

/** Drops an incomplete UTF-8 sequence (at most 3 bytes) from the end of `bytes`. */
function withoutPartialUtf8Tail(bytes: Buffer): Buffer {
  for (let index = bytes.length - 1; index >= Math.max(0, bytes.length - 4); index--) {
    const byte = bytes[index];
    const isContinuationByte = (byte & 0xc0) === 0x80;
    if (isContinuationByte) continue;
    return bytes.length - index < utf8SequenceLength(byte) ? bytes.subarray(0, index) : bytes;
  }
  return bytes;
}

/** Returns the length of the UTF-8 sequence that `leadByte` starts. */
function utf8SequenceLength(leadByte: number): number {
  if (leadByte >= 0xf0) return 4;
  if (leadByte >= 0xe0) return 3;
  if (leadByte >= 0xc0) return 2;
  return 1;
}

function describeStatus(statusCode: number, headers: Record<string, string>): string {
  const status = `HTTP ${statusCode} ${STATUS_CODES[statusCode] ?? ''}`.trimEnd();
  if (statusCode >= 300 && statusCode <= 399) {
    const location = headers.location === undefined ? 'none' : headers.location.slice(0, 500);
    return `${status}: redirects are not followed (Location: ${location})`;
  }
  return status;
}

function endpoint(state: AttemptState): string {
  const target = state.target;
  if (!target) return 'the target';
  return target.family === 6 ? `[${target.address}]:${target.port}` : `${target.address}:${target.port}`;
}

function describeTimeout(state: AttemptState, timeoutMs: number, url: string): string {
  const prefix = `Timed out after ${timeoutMs} ms`;
  switch (state.stage) {
    case 'resolve':
      return `${prefix} resolving the host of ${hostOf(url)}`;
    case 'queue':
      return `${prefix} waiting for a free connection to ${endpoint(state)}`;
    case 'connect':
      return `${prefix} connecting to ${endpoint(state)}`;
    case 'tls':
      return `${prefix} during the TLS handshake with ${endpoint(state)}`;
    case 'headers':
      return `${prefix} waiting for response headers`;
    case 'body':
      return `${prefix} reading the response body`;
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the URL';
  }
}

/**
 * Returns whether undici rejected a 204 or 304 response only because of its Content-Length. Such
 * a response ends after its headers, whatever the header fields say (RFC 9112, section 6.3), but
 * undici 7.30 still compares a non-zero Content-Length with the zero body bytes read and raises a
 * mismatch.
 */
function isLengthOfBodilessResponse(error: unknown, state: AttemptState): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const bodiless = state.statusCode === 204 || state.statusCode === 304;
  return code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH' && state.stage === 'body' && bodiless && state.bodySize === 0;
}

/** Turns anything thrown during an attempt into an error kind and a message for the push log. */
function describeFailure(error: unknown, state: AttemptState, deadline: AttemptDeadline, url: string): Failure {
  if (error instanceof TargetRejectedError) return { kind: 'rejected_target', message: error.message };
  if (error instanceof TargetLookupError) return { kind: 'dns', message: error.message };
  if (state.stage === 'queue') {
    // Nothing reached the listener, so the attempt must not count against it (failure streak, time-out rules).
    const message = deadline.expired ? describeTimeout(state, deadline.timeoutMs, url) : error instanceof Error ? error.message : String(error);
    return { kind: null, message: `Not sent. ${message}` };
  }
  if (deadline.expired) return { kind: 'timeout', message: describeTimeout(state, deadline.timeoutMs, url) };

  const code = String((error as NodeJS.ErrnoException | undefined)?.code ?? '');
  const message = error instanceof Error ? error.message : String(error);
  const during = state.stage === 'body' ? ' while reading the response body' : '';

  if (code === 'ECONNREFUSED') return { kind: 'refused', message: `Connection refused by ${endpoint(state)}` };
  if (code === 'ECONNRESET' || code === 'EPIPE') return { kind: 'reset', message: `Connection reset by ${endpoint(state)}${during}` };
  if (code === 'UND_ERR_SOCKET') {
    const invalidReason = UNDICI_INVALID_RESPONSE_REASONS.get(message);
    if (invalidReason !== undefined) return { kind: 'network', message: `Invalid HTTP response from ${endpoint(state)}: ${invalidReason}` };
    return { kind: 'reset', message: `Connection closed by ${endpoint(state)} before the response was complete` };
  }
  if (code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH' && state.stage === 'headers') {
    return { kind: 'network', message: `Invalid HTTP response from ${endpoint(state)}: ${CONTENT_LENGTH_HEADER_ERROR_REASON}` };
  }
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return { kind: 'timeout', message: describeTimeout(state, deadline.timeoutMs, url) };
  }
  if (state.stage === 'tls' || TLS_ERROR_CODE.test(code)) {
    // OpenSSL errors put a long "library:function:file:line" message on the error and the
    // short text in `reason`.
    const reason = String((error as { reason?: unknown }).reason ?? message).trim();
    const fix = UNTRUSTED_CERTIFICATE_CODES.has(code) ? `. ${UNTRUSTED_CERTIFICATE_FIX}` : '';
    return { kind: 'tls', message: `TLS handshake failed with ${endpoint(state)}: ${reason}${code ? ` (${code})` : ''}${fix}` };
  }
  if (code === 'UND_ERR_INVALID_ARG') return { kind: 'network', message: `Request was not sent: ${message}` };
  if (code.startsWith('HPE_') || (error as Error | undefined)?.name === 'HTTPParserError') {
    return { kind: 'network', message: `Invalid HTTP response from ${endpoint(state)}: ${message}` };
  }
  // undici checks some parsed values with node:assert, such as a status code of at least 100, and
  // its assertion text quotes undici's source rather than the response.
  if (code === 'ERR_ASSERTION' && state.stage === 'headers') {
    return { kind: 'network', message: `Invalid HTTP response from ${endpoint(state)}: its status line or headers could not be read` };
  }
  return { kind: 'network', message: `Request to ${endpoint(state)} failed: ${message}${code ? ` (${code})` : ''}` };
}
