/**
 * Message signing per the Standard Webhooks specification (https://www.standardwebhooks.com):
 * HMAC-SHA256 over `{msg_id}.{timestamp}.{payload}`, sent as `v1,<base64>` in `webhook-signature`.
 */
import { createHmac, randomBytes } from 'node:crypto';

import { ValidationError } from '../common/errors';

export const SIGNING_SECRET_PREFIX = 'whsec_';

// The specification requires symmetric secrets of 24 to 64 bytes. Ours are 32 bytes, the
// output size of SHA-256, so the HMAC key is as strong as the hash.
const GENERATED_SECRET_BYTES = 32;
const MIN_SECRET_BYTES = 24;
const MAX_SECRET_BYTES = 64;

/**
 * Maximum number of previous signing secrets that a connection keeps after rotations, beside the
 * current one. Every secret still in its grace period adds a 47-character `v1,` signature to the
 * `webhook-signature` header. Without a limit, about 170 rotations within one grace period pass
 * nginx's default 8 KB buffer for one header line, and 400 rotations made a Node.js listener
 * respond with 431. With 4, the header stays at 239 characters, and a few quick rotations, such
 * as a repeated request, still keep the secret that a listener is switching from. A rotation
 * beyond the limit drops the oldest.
 */
export const MAX_PREVIOUS_SIGNING_SECRETS = 4;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export interface SignatureInput {
  /** The message id, the same on every attempt so receivers can de-duplicate. */
  messageId: string;
  /** Time of this attempt; the header carries it in whole Unix seconds. */
  timestamp: Date;
  /** The exact request body as sent. One changed byte breaks the signature. */
  body: string;
  /** `whsec_` secrets to sign with: the current one, plus previous ones still in their grace period. */
  secrets: readonly string[];
}

export interface WebhookSignatureHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/** Generates a new signing secret: `whsec_` and the Base64 of 32 random bytes. */
export function generateSigningSecret(): string {
  return SIGNING_SECRET_PREFIX + randomBytes(GENERATED_SECRET_BYTES).toString('base64');
}

/**
 * Decodes a `whsec_` secret into its HMAC key. The prefix is optional, as in the reference
 * libraries. Throws a ValidationError on field `secret` unless the rest is Base64 of 24 to
 * 64 bytes. The message gives lengths only, never the secret.
 */
export function decodeSigningSecret(secret: string): Buffer {
  const encoded = secret.startsWith(SIGNING_SECRET_PREFIX) ? secret.slice(SIGNING_SECRET_PREFIX.length) : secret;
  if (!BASE64.test(encoded)) {
    throw new ValidationError(
      'secret',
      `The signing secret is not valid: after the ${SIGNING_SECRET_PREFIX} prefix it must be standard Base64 (A-Z, a-z, 0-9, +, / and = padding). Generate a new secret to replace it.`,
    );
  }

  const key = Buffer.from(encoded, 'base64');
  if (key.length < MIN_SECRET_BYTES || key.length > MAX_SECRET_BYTES) {
    throw new ValidationError(
      'secret',
      `The signing secret decodes to ${key.length} bytes, but Standard Webhooks secrets must be ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES} bytes. Generate a new secret to replace it.`,
    );
  }
  return key;
}

/**
 * Returns the `webhook-signature` header value: one `v1,<base64 HMAC-SHA256>` per secret,
 * separated by spaces, in the order of `secrets`. Receivers accept the message when any one
 * signature matches, which is what lets a rotated secret and its predecessor both work.
 */
export function signPayload({ messageId, timestamp, body, secrets }: SignatureInput): string {
  if (secrets.length === 0) {
    throw new Error('signPayload needs at least one signing secret; a connection without one cannot be delivered.');
  }
  validateMessageId(messageId);
  const signedContent = `${messageId}.${toUnixSeconds(timestamp)}.${body}`;
  return secrets
    .map((secret) => {
      const digest = createHmac('sha256', decodeSigningSecret(secret)).update(signedContent, 'utf8').digest('base64');
      return `v1,${digest}`;
    })
    .join(' ');
}

/** Builds the three Standard Webhooks headers for one delivery attempt. */
export function buildSignatureHeaders(input: SignatureInput): WebhookSignatureHeaders {
  return {
    'webhook-id': input.messageId,
    'webhook-timestamp': String(toUnixSeconds(input.timestamp)),
    'webhook-signature': signPayload(input),
  };
}

function toUnixSeconds(timestamp: Date): number {
  const milliseconds = timestamp.getTime();
  if (Number.isNaN(milliseconds)) {
    throw new Error('The signature timestamp is an invalid Date; pass the time of the delivery attempt.');
  }
  return Math.floor(milliseconds / 1000);
}

/**
 * Rejects ids that could make two different messages sign the same content: the specification
 * forbids `.` in the id, because the signed content joins id, timestamp and body with dots.
 * Ids also travel in a header, so CR, LF and other control characters are rejected too.
 */
function validateMessageId(messageId: string): void {
  if (messageId === '' || messageId.includes('.') || /[\x00-\x1f\x7f]/.test(messageId)) {
    throw new Error(
      `Message id ${JSON.stringify(messageId)} cannot be signed: it must be non-empty and contain no "." or control characters.`,
    );
  }
}
