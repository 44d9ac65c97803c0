import { randomBytes, randomUUID } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

const MESSAGE_ID_PATTERN = /^msg_[0-9A-Z]{26}$/;

/** Reports whether `id` has the form of a push message id, as newMessageId makes them. */
export function isMessageId(id: string): boolean {
  return MESSAGE_ID_PATTERN.test(id);
}

/**
 * Creates a push message id: `msg_` and a 26-character ULID (48-bit millisecond time, then 80
 * random bits, Crockford base32), so ids sort by creation time.
 */
export function newMessageId(now: number = Date.now()): string {
  let time = '';
  let remaining = now;
  for (let i = 0; i < 10; i += 1) {
    time = CROCKFORD[remaining % 32] + time;
    remaining = Math.floor(remaining / 32);
  }
  const random = randomBytes(16);
  let tail = '';
  for (let i = 0; i < 16; i += 1) tail += CROCKFORD[random[i] % 32];
  return `msg_${time}${tail}`;
}

/** Creates a document record code: 40 random letters and digits, as Legito's codes are. */
export function newRecordCode(): string {
  const bytes = randomBytes(40);
  let code = '';
  // 62 does not divide 256, so values from 248 up would bias the first letters; skip them.
  for (let i = 0; code.length < 40; i += 1) {
    const byte = i < bytes.length ? bytes[i] : randomBytes(1)[0];
    if (byte < 248) code += CODE_ALPHABET[byte % 62];
  }
  return code;
}

export const newSystemName = (): string => randomUUID();
