import type { EntityManager } from '@mikro-orm/postgresql';
import type { PushMessage } from '../push-message.entity';
import { formatTimestamp, redactFileData, type GeneratedFilePayload, type PushPayload, type UploadedFilePayload } from '../push-payload';
import type { RetryPolicyConfig } from '../retry-policy';
import { recordAtEvent, requestUrlOf, type DeliveryRequest } from './build-request.step';
import { recordAttempt, type AttemptRecord } from './record-attempt.step';
import type { AttemptResult } from '../http-sender';
import type { DeliveryMetrics } from '../../observability/metrics';
import { Document } from '../../documents/document.entity';
import { UploadedFile } from '../../documents/uploaded-file.entity';
import { buildRenderInput, loadPropertyUserNames } from '../../documents/render-input';
import { describeBytes } from '../../documents/byte-size';
import type { DocumentRecord } from '../../records/document-record.entity';
import { RenderError, generatedFileName, renderDocument } from '../../rendering/render.service';
import type { RenderCache } from '../../rendering/render-cache';
import type { RenderPool, RenderedFile } from '../../rendering/render-pool';
import type { FileType, RenderInput } from '../../rendering/document-content';
import { fileNameKey } from '../../documents/file-input.check';

export type AttachResult =
  /** `body` is the payload's JSON when the size check made it final already (no uploaded file data to add), else null. */
  | { kind: 'ready'; payload: PushPayload; body: string | null }
  | { kind: 'render_failed'; error: RenderError; durationMs: number }
  /** `renderingStopped` is true when rendering stopped once the generated files passed the limit, so `sizeBytes` counts only the files rendered by then. */
  | { kind: 'too_large'; sizeBytes: number; limitBytes: number; loggedBody: string; durationMs: number; renderingStopped: boolean };

/** Why an attempt ended before sending: a file, the size limit, or a stored secret the server key cannot decrypt. */
export type NotSentResult = Exclude<AttachResult, { kind: 'ready' }> | { kind: 'secret_unreadable'; reason: string; durationMs: number };

export interface AttachFilesOptions {
  /** Largest JSON body in bytes, files included. */
  messageSizeLimitBytes: number;
  /** Observes each real render, but not the files that `renderCache` serves. */
  metrics?: Pick<DeliveryMetrics, 'observeRender'>;
  /** Shares rendered files between messages and attempts. Without it, every attempt renders every file. */
  renderCache?: RenderCache;
  /** Renders in worker threads. Without it, files render on the calling event loop and block it meanwhile. */
  renderPool?: RenderPool;
}

/**
 * Adds the `files` of a message to its payload: each current document of the record rendered to
 * each of the connection's file types (with attachFilesGenerated), and each uploaded file of the
 * record (with attachFilesUploaded). `files` is left out when both options are off.
 *
 * Returns `render_failed` when any file fails to render, because a message must not go out
 * without one of its files. Returns `too_large` when the JSON body would exceed
 * `messageSizeLimitBytes`, found before the uploaded files' bytes are read, and as soon as the
 * files rendered so far pass it, so that a record with many documents is not rendered whole into
 * memory. With a render cache a file is rendered once per render input and file type, however
 * many messages carry it.
 *
 * NOTE: the record's fields come from the event's snapshot, but its documents and uploaded files
 * are read at each attempt. A retry after a new document version, an upload or a deletion carries
 * the files as they are then. Keeping them as of the event would need versioned files.
 */
export async function attachFiles(
  em: EntityManager,
  message: PushMessage,
  payload: PushPayload,
  options: AttachFilesOptions,
): Promise<AttachResult> {
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  const connection = message.connection;
  const record = recordAtEvent(message.event);
  // One set per message, so that every file name in it differs from the others, ignoring case.
  const takenNames = new Set<string>();

  const uploadedRows = connection.attachFilesUploaded
    ? await em.find(UploadedFile, { documentRecord: record.id }, { orderBy: { id: 'asc' } })
    : [];
  // Uploaded files keep the names their uploaders gave, so they claim their names first.
  const uploadedNames = claimFileNames(uploadedRows.map((row) => row.fileName), takenNames);
  const uploaded = uploadedRows.map((row, index) => toUploadedEntry(row, record, uploadedNames[index]));

  let generated: GeneratedFilePayload[] = [];
  let renderingStopped = false;
  if (connection.attachFilesGenerated) {
    const maxDataBytes = options.messageSizeLimitBytes - base64Size(uploadedRows);
    try {
      ({ files: generated, stopped: renderingStopped } = await renderGeneratedFiles(em, record, connection.fileTypes, takenNames, maxDataBytes, options));
    } catch (error) {
      if (error instanceof RenderError) return { kind: 'render_failed', error, durationMs: elapsed() };
      throw error;
    }
  }

  const withFiles = addFiles(payload, connection, generated, uploaded);
  // Without uploaded files this JSON is the final body, so the request step reuses it.
  const json = JSON.stringify(withFiles);
  const sizeBytes = messageSize(json, uploadedRows);
  if (sizeBytes > options.messageSizeLimitBytes) {
    const loggedBody = JSON.stringify(redactFileData(withFiles));
    return { kind: 'too_large', sizeBytes, limitBytes: options.messageSizeLimitBytes, loggedBody, durationMs: elapsed(), renderingStopped };
  }

  if (uploadedRows.length === 0) return { kind: 'ready', payload: withFiles, body: json };
  await fillUploadedData(em, uploadedRows, uploaded);
  return { kind: 'ready', payload: withFiles, body: null };
}

/**
 * Renders each document of the record to each file type, and stops with `stopped` set once the
 * Base64 data of the files rendered so far has more than `maxDataBytes`, because the message is
 * then over its size limit whatever follows.
 */
async function renderGeneratedFiles(
  em: EntityManager,
  record: DocumentRecord,
  fileTypes: PushMessage['connection']['fileTypes'],
  takenNames: Set<string>,
  maxDataBytes: number,
  options: Pick<AttachFilesOptions, 'metrics' | 'renderCache' | 'renderPool'>,
): Promise<{ files: GeneratedFilePayload[]; stopped: boolean }> {
  const documents = await em.find(Document, { documentRecord: record.id }, { populate: ['template'], orderBy: { id: 'asc' } });
  if (documents.length === 0) return { files: [], stopped: false };
  const userNames = await loadPropertyUserNames(em, record);

  const files: GeneratedFilePayload[] = [];
  let dataBytes = 0;
  for (const document of documents) {
    const input = buildRenderInput(record, document, document.template, userNames);
    for (const fileType of fileTypes) {
      const render = () => renderObserved(input, fileType, options);
      const bytes = options.renderCache ? await options.renderCache.getOrRender(input, fileType, render) : await render();
      files.push({
        fileName: generatedFileName(record.name, document.template.name, fileType, takenNames),
        documentRecordId: record.id,
        documentRecordCode: record.code,
        templateId: document.template.id,
        size: bytes.length,
        data: bytes.toString('base64'),
      });
      dataBytes += files[files.length - 1].data.length;
      if (dataBytes > maxDataBytes) return { files, stopped: true };
    }
  }
  return { files, stopped: false };
}

/** Renders one file and observes its render time, which leaves out the wait for a free render thread. */
async function renderObserved(input: RenderInput, fileType: FileType, options: Pick<AttachFilesOptions, 'metrics' | 'renderPool'>): Promise<Buffer> {
  const { bytes, durationMs } = options.renderPool ? await options.renderPool.render(input, fileType) : await renderInline(input, fileType);
  options.metrics?.observeRender(fileType, durationMs / 1000);
  return bytes;
}

async function renderInline(input: RenderInput, fileType: FileType): Promise<RenderedFile> {
  const started = performance.now();
  const bytes = await renderDocument(input, fileType);
  return { bytes, durationMs: performance.now() - started };
}

/** Builds an uploaded file's entry without its bytes; `data` is filled in once the message is known to fit. */
function toUploadedEntry(row: UploadedFile, record: DocumentRecord, fileName: string): UploadedFilePayload {
  return {
    id: row.id,
    fileName,
    documentRecordId: record.id,
    documentRecordCode: record.code,
    uploadedDate: formatTimestamp(row.uploadedAt),
    size: row.size,
    data: '',
  };
}

function addFiles(
  payload: PushPayload,
  connection: PushMessage['connection'],
  generated: GeneratedFilePayload[],
  uploaded: UploadedFilePayload[],
): PushPayload {
  if (!connection.attachFilesGenerated && !connection.attachFilesUploaded) return payload;
  const files: NonNullable<PushPayload['files']> = {};
  if (connection.attachFilesGenerated) files.generated = generated;
  if (connection.attachFilesUploaded) files.uploaded = uploaded;
  return { ...payload, files };
}

/**
 * Returns the exact byte length of the JSON body, given the payload's JSON before the uploaded
 * files' data is filled in. Uploaded entries still have empty `data`, and Base64 text needs no
 * JSON escaping, so each adds the Base64 length of its stored size.
 */
function messageSize(json: string, uploadedRows: UploadedFile[]): number {
  return Buffer.byteLength(json) + base64Size(uploadedRows);
}

/** Returns the length of the uploaded files' data as Base64, from their stored sizes. */
function base64Size(uploadedRows: UploadedFile[]): number {
  return uploadedRows.reduce((sum, row) => sum + 4 * Math.ceil(row.size / 3), 0);
}

/**
 * Reads the uploaded files' bytes, which the entity loads only on request. They are read through
 * a fork, so the bytes stay out of the identity map that recordAttempt later flushes. A file
 * deleted since the first query is dropped from the message, which only makes it smaller.
 */
async function fillUploadedData(em: EntityManager, rows: UploadedFile[], entries: UploadedFilePayload[]): Promise<void> {
  if (rows.length === 0) return;
  const loaded = await em.fork().find(UploadedFile, { id: { $in: rows.map((row) => row.id) } }, { populate: ['data'] });
  const dataById = new Map(loaded.map((row) => [row.id, row.data]));
  for (let index = entries.length - 1; index >= 0; index--) {
    const data = dataById.get(entries[index].id);
    if (data) entries[index].data = data.toString('base64');
    else entries.splice(index, 1);
  }
}

/**
 * Claims a file name for each of `names` and adds it to `takenNames`: the name itself, or when
 * another file of the message already has it (ignoring case and Unicode normal form), the name
 * with -2, -3 … before its extension. Uploads through the API already have unique names per
 * record and claim their names before the generated files, so this only renames when `takenNames`
 * already has the name or rows were written otherwise.
 */
export function claimFileNames(names: readonly string[], takenNames: Set<string>): string[] {
  // Built once and extended, because a record's up to 1,000 files made a set per name quadratic.
  const takenKeys = new Set([...takenNames].map(fileNameKey));
  return names.map((name) => {
    const dot = name.lastIndexOf('.');
    const [base, extension] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
    let candidate = name;
    for (let counter = 2; takenKeys.has(fileNameKey(candidate)); counter++) candidate = `${base}-${counter}${extension}`;
    takenKeys.add(fileNameKey(candidate));
    takenNames.add(candidate);
    return candidate;
  });
}

/**
 * Records an attempt that stopped before sending, in the push log and on the message, with
 * response code 0. A render failure is retried like a failed delivery, because a renderer can
 * fail for a passing reason and a corrected document is picked up by the retry. An unreadable
 * stored secret is retried as well, since restoring the server key fixes it. A message over
 * the size limit fails for good, since each retry would build the same message.
 */
export async function recordNotSentAttempt(
  em: EntityManager,
  input: { message: PushMessage; payload: PushPayload; failure: NotSentResult; retryPolicy: RetryPolicyConfig; now: Date },
): Promise<{ record: AttemptRecord; result: AttemptResult }> {
  const { message, failure } = input;
  const request: DeliveryRequest = {
    url: requestUrlOf(message.connection),
    headers: {},
    body: '',
    loggedHeaders: {},
    // An unreadable secret stops the attempt after the files were attached, so the payload may hold their data.
    loggedBody: failure.kind === 'too_large' ? failure.loggedBody : JSON.stringify(redactFileData(input.payload)),
    // Nothing was sent, so no response can echo file data.
    fileDataAnchors: [],
    secretHeaderValues: [],
    droppedHeaders: [],
    unreadableGraceSecrets: [],
  };
  // Status 0 with a null errorKind marks an attempt that sent nothing, and `error` states why.
  const result: AttemptResult = {
    statusCode: 0,
    responseHeaders: {},
    responseBody: '',
    responseBodyEncoding: 'utf8',
    responseBodyTruncated: false,
    responseBodyIncomplete: false,
    error: describeNotSent(failure),
    errorKind: null,
    durationMs: failure.durationMs,
    remoteAddress: null,
  };
  const giveUpReason = failure.kind === 'too_large' ? 'Retries would build the same message, so it is failed without retrying.' : undefined;
  const record = await recordAttempt(em, { message, request, result, retryPolicy: input.retryPolicy, now: input.now, giveUpReason });
  return { record, result };
}

function describeNotSent(failure: NotSentResult): string {
  if (failure.kind === 'render_failed') return `Not sent. ${failure.error.message}.`;
  if (failure.kind === 'secret_unreadable') return `Not sent. The request could not be signed: ${failure.reason}`;
  const size = failure.renderingStopped ? `more than ${describeBytes(failure.sizeBytes)}` : describeBytes(failure.sizeBytes);
  const stopped = failure.renderingStopped ? 'Rendering stopped there, so the logged body lists only the files rendered until then. ' : '';
  return (
    `Not sent. The message would be ${size}, over the message size limit of ` +
    `${describeBytes(failure.limitBytes)} set by DOCPUSH_MESSAGE_SIZE_LIMIT. ${stopped}` +
    'Turn off file attachments of the connection, remove files from the record or raise the limit, then resend the message.'
  );
}
