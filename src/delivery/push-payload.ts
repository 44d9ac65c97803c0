import type { DocumentRecord } from '../records/document-record.entity';
import type { DocumentRecordEvent } from '../records/document-record-event.entity';
import type { PushConnection } from '../connections/push-connection.entity';
import { EVENT_TYPES } from '../records/event-type';

/** A generated document attached to a message (Legito's DocumentVersionDocumentFile plus `data`). */
export interface GeneratedFilePayload {
  fileName: string;
  documentRecordId: number;
  documentRecordCode: string;
  templateId: number;
  size: number;
  data: string;
}

/** An uploaded file attached to a message (Legito's File plus `data`). */
export interface UploadedFilePayload {
  id: number;
  fileName: string;
  documentRecordId: number;
  documentRecordCode: string;
  uploadedDate: string;
  size: number;
  data: string;
}

/** The JSON body of a push, in the shape of Legito's PushResponse. */
export interface PushPayload {
  pushConnectionSystemName: string;
  eventType: string;
  event: { id: number; type: string; created: string; authorId: number | null; parameters: Record<string, unknown> };
  documentRecord: Record<string, unknown>;
  files?: { generated?: GeneratedFilePayload[]; uploaded?: UploadedFilePayload[] };
}

/** Text that replaces file data in logs and subscriptions. */
export const REDACTED_FILE_DATA = 'Base64 encoded file data is not present in logs.';

/** Formats a time as ISO 8601 with an explicit UTC offset and no fraction, as Legito does. */
export function formatTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

/** Settings of the process that shape every payload. */
export interface PayloadOptions {
  /** Absolute URL without trailing slash that detailLink starts with (DOCPUSH_DETAIL_LINK_BASE_URL); null for a relative link. */
  detailLinkBaseUrl: string | null;
}

/** Returns a record's detailLink: `<base>/document-records/<code>`, or the path alone without a base URL. */
export function detailLinkOf(code: string, baseUrl: string | null): string {
  const path = `/document-records/${code}`;
  return baseUrl === null ? path : `${baseUrl}${path}`;
}

export function buildPushPayload(connection: PushConnection, event: DocumentRecordEvent, record: DocumentRecord, options: PayloadOptions): PushPayload {
  return {
    pushConnectionSystemName: connection.systemName,
    eventType: event.type,
    event: {
      id: event.id,
      type: event.type,
      created: formatTimestamp(event.createdAt),
      authorId: event.author?.id ?? null,
      parameters: event.parameters,
    },
    documentRecord: {
      id: record.id,
      code: record.code,
      name: record.name,
      created: formatTimestamp(record.createdAt),
      lastModified: formatTimestamp(record.lastModifiedAt),
      templateSuiteId: record.templateSuite?.id ?? null,
      documentRecordTypeId: record.documentRecordType?.id ?? null,
      authorId: record.author.id,
      ownerId: record.owner.id,
      // Left out, not null, for a record without a stage: Legito's PushResponse declares
      // workflowStage as an object without `nullable`, while templateSuiteId and
      // documentRecordTypeId are nullable there, so a null stage would break that schema.
      workflowStage: record.workflowStage ?? undefined,
      locked: record.locked,
      deleted: record.deleted,
      properties: record.properties,
      persons: record.persons,
      detailLink: detailLinkOf(record.code, options.detailLinkBaseUrl),
    },
  };
}

/**
 * Returns a message with the shortest value of each field that buildPushPayload writes: ids of one
 * digit (shorter than null), a one-character record name, `true` flags, empty lists and parameters,
 * no workflow stage and the shortest event type. System names (UUIDs), record codes (40
 * characters) and timestamps have one length. No message that docpush pushes is smaller, so keep
 * this in step with buildPushPayload.
 */
export function smallestPushPayload(): PushPayload {
  const eventType = EVENT_TYPES.reduce((shortest, type) => (type.length < shortest.length ? type : shortest));
  const created = formatTimestamp(new Date(0));
  const code = '0'.repeat(40);
  return {
    pushConnectionSystemName: '00000000-0000-0000-0000-000000000000',
    eventType,
    event: { id: 1, type: eventType, created, authorId: 1, parameters: {} },
    documentRecord: {
      id: 1,
      code,
      name: 'x',
      created,
      lastModified: created,
      templateSuiteId: 1,
      documentRecordTypeId: 1,
      authorId: 1,
      ownerId: 1,
      locked: true,
      deleted: true,
      properties: [],
      persons: [],
      detailLink: `/document-records/${code}`,
    },
  };
}

/** Returns a copy of the payload with every file's `data` replaced by the redaction notice. */
export function redactFileData(payload: PushPayload): PushPayload {
  if (!payload.files) return payload;
  const redact = <T extends { data: string }>(file: T): T => ({ ...file, data: REDACTED_FILE_DATA });
  const files: PushPayload['files'] = {};
  if (payload.files.generated) files.generated = payload.files.generated.map(redact);
  if (payload.files.uploaded) files.uploaded = payload.files.uploaded.map(redact);
  return { ...payload, files };
}
