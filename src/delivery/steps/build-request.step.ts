import type { PushMessage } from '../push-message.entity';
import type { DocumentRecord } from '../../records/document-record.entity';
import type { DocumentRecordEvent } from '../../records/document-record-event.entity';
import { rowToProperties } from '../../database/row-mapping';
import { currentSigningSecretOf, type PushConnection } from '../../connections/push-connection.entity';
import type { User } from '../../workspace/user.entity';
import { MAX_HEADERS_TOTAL_BYTES, findReservedNameReason, findUnsendableValue, renderHeaderValue, toWireHeaderValue, type HeaderUser, type HeaderVariableSource } from '../../connections/header-template';
import { MASKED_VALUE } from '../../connections/push-connection.type';
import { buildPushPayload, formatTimestamp, redactFileData, type PayloadOptions, type PushPayload } from '../push-payload';
import { fileDataAnchors } from '../echoed-file-data';
import { MAX_PREVIOUS_SIGNING_SECRETS, buildSignatureHeaders } from '../../signing/webhook-signature';
import { SecretBoxError, type SecretBox } from '../../security/secret-box';
import { serializeTargetUrl } from '../../security/target-guard';

export const USER_AGENT = 'docpush/0.1 (+https://www.standardwebhooks.com)';

/** One HTTP request, plus the copies of body and headers that are safe to log. */
export interface DeliveryRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  loggedHeaders: Record<string, string>;
  loggedBody: string;
  /** Starts of the attached files' Base64 data, which the push log also removes from the response body (see redactEchoedFileData). */
  fileDataAnchors: string[];
  /** Values of the secret custom headers as sent, which the push log also masks in the response (see redactEchoedSecrets). */
  secretHeaderValues: string[];
  /** Custom headers left out because of their rendered value, each with the reason. */
  droppedHeaders: DroppedHeader[];
  /** Previous signing secrets, still in their grace period, left out because the server key cannot decrypt them. */
  unreadableGraceSecrets: UnreadableSecret[];
}

export interface UnreadableSecret {
  /** When the secret was created, which identifies it in logs without showing it. */
  createdAt: string;
  /** The SecretBoxError message, which contains neither key nor secret. */
  reason: string;
}

export interface DroppedHeader {
  name: string;
  /** The reason the header was not sent, as a clause such as "its value contains a line break …". */
  reason: string;
}

/**
 * Builds the payload without attachments, which the attachment step adds. It carries the record as
 * it was when the event was stored, so every attempt of a message pushes the same record, until the
 * retention job clears the event's snapshot (see recordAtEvent).
 */
export function buildPayload(message: PushMessage, options: PayloadOptions): PushPayload {
  return buildPushPayload(message.connection, message.event, recordAtEvent(message.event), options);
}

/**
 * Returns the event's record snapshot in the shape of the entity, or the record as it is now for an
 * event without one (stored before snapshots existed, or older than the log retention period).
 */
export function recordAtEvent(event: DocumentRecordEvent): DocumentRecord {
  if (!event.recordSnapshot) return event.documentRecord;
  return rowToProperties(event.recordSnapshot) as unknown as DocumentRecord;
}

/**
 * Serialises and signs the payload and resolves the connection's custom headers. `serialized`,
 * when given, is the payload's JSON already made by the attachment step.
 */
export function buildRequest(message: PushMessage, payload: PushPayload, secretBox: SecretBox, now: Date, serialized: string | null = null): DeliveryRequest {
  const body = serialized ?? JSON.stringify(payload);
  const custom = resolveCustomHeaders(message, secretBox);
  const signing = openSigningSecrets(message.connection, secretBox, now);
  const signature = buildSignatureHeaders({ messageId: message.id, timestamp: now, body, secrets: signing.secrets });

  const fixed = { 'content-type': 'application/json', 'user-agent': USER_AGENT, ...signature, ...testMessageHeader(message) };
  return {
    url: requestUrlOf(message.connection),
    headers: { ...custom.sent, ...fixed },
    body,
    loggedHeaders: { ...custom.logged, ...fixed },
    loggedBody: payload.files ? JSON.stringify(redactFileData(payload)) : body,
    fileDataAnchors: fileDataAnchors(payload),
    secretHeaderValues: custom.secretValues,
    droppedHeaders: custom.dropped,
    unreadableGraceSecrets: signing.unreadable,
  };
}

/**
 * Name of the header that marks a message of sendTestMessage, whose sample record the platform
 * does not have, so that a listener can acknowledge it without applying it.
 */
export const TEST_MESSAGE_HEADER = 'docpush-test-message';

function testMessageHeader(message: PushMessage): Record<string, string> {
  return message.isTest ? { [TEST_MESSAGE_HEADER]: 'true' } : {};
}

/**
 * Returns the connection's URL in the form the sender requests it, so the push log shows what was
 * sent. Rows written before URLs were stored in that form may still hold the URL as typed.
 */
export function requestUrlOf(connection: PushConnection): string {
  return serializeTargetUrl(connection.url);
}

/** Describes each header left out of a request in a sentence of its own; returns empty text when there is none. */
export function describeDroppedHeaders(dropped: DroppedHeader[]): string {
  return dropped.map((header) => `Header ${header.name} was not sent because ${header.reason}.`).join(' ');
}

/**
 * Decrypts the secrets to sign with: the newest MAX_PREVIOUS_SIGNING_SECRETS previous secrets
 * still inside their grace period, then the current secret. A previous secret that fails to
 * decrypt is left out and listed in `unreadable`, so that a connection can be repaired by
 * rotating it. The current secret must decrypt, else this raises SecretBoxError.
 */
function openSigningSecrets(connection: PushConnection, secretBox: SecretBox, now: Date): { secrets: string[]; unreadable: UnreadableSecret[] } {
  const current = currentSigningSecretOf(connection.signingSecrets);
  if (!current) throw new Error(`Push connection ${connection.id} has no signing secret.`);
  const previous = connection.signingSecrets
    .filter((secret) => secret !== current && secret.expiresAt !== null && new Date(secret.expiresAt) > now)
    .slice(-MAX_PREVIOUS_SIGNING_SECRETS);

  const secrets: string[] = [];
  const unreadable: UnreadableSecret[] = [];
  for (const secret of previous) {
    try {
      secrets.push(secretBox.open(secret.sealed));
    } catch (error) {
      if (!(error instanceof SecretBoxError)) throw error;
      unreadable.push({ createdAt: secret.createdAt, reason: error.message });
    }
  }
  secrets.push(secretBox.open(current.sealed));
  return { secrets, unreadable };
}

/**
 * Renders the connection's custom headers. A header saved before its name became reserved is left
 * out. So is a header whose rendered value cannot be sent, and one that would take the headers past
 * MAX_HEADERS_TOTAL_BYTES as `name: value` lines, which variables such as custom data can do
 * although the saved headers fit.
 */
function resolveCustomHeaders(message: PushMessage, secretBox: SecretBox) {
  const source = headerVariableSource(message);
  // Without a prototype, a header named __proto__ becomes a key instead of replacing the prototype.
  const sent: Record<string, string> = Object.create(null);
  const logged: Record<string, string> = Object.create(null);
  const dropped: DroppedHeader[] = [];
  const secretValues: string[] = [];
  let totalBytes = 0;

  for (const header of message.connection.headers) {
    const reservedReason = findReservedNameReason(header.name);
    if (reservedReason !== null) {
      dropped.push({ name: header.name, reason: `its name is reserved: ${reservedReason}` });
      continue;
    }
    const template = header.secret ? secretBox.open(header.value) : header.value;
    const currentUser = header.useDefaultApiUser ? source.defaultApiUser : (source.eventAuthor ?? source.defaultApiUser);
    const value = renderHeaderValue(template, { ...source, currentUser });
    const reason = findUnsendableValue(value);
    if (reason !== null) {
      dropped.push({ name: header.name, reason });
      continue;
    }
    const lineBytes = Buffer.byteLength(`${header.name}: ${value}\r\n`, 'utf8');
    if (totalBytes + lineBytes > MAX_HEADERS_TOTAL_BYTES) {
      dropped.push({ name: header.name, reason: `the custom headers before it and this one add up to more than ${MAX_HEADERS_TOTAL_BYTES} bytes` });
      continue;
    }
    totalBytes += lineBytes;
    sent[header.name.toLowerCase()] = toWireHeaderValue(value);
    logged[header.name.toLowerCase()] = header.secret ? MASKED_VALUE : value;
    if (header.secret) secretValues.push(value);
  }
  return { sent, logged, dropped, secretValues };
}

function headerVariableSource(message: PushMessage): HeaderVariableSource {
  const event = message.event;
  return {
    eventType: event.type,
    event: { id: event.id, type: event.type, created: formatTimestamp(event.createdAt), documentRecordId: event.documentRecord.id },
    eventAuthor: toHeaderUser(event.author),
    currentUser: null,
    defaultApiUser: toHeaderUser(message.workspace.defaultApiUser),
  };
}

function toHeaderUser(user: User | null): HeaderUser | null {
  if (!user) return null;
  return { id: user.id, name: user.name, email: user.email, position: user.position, customData: user.customData };
}
