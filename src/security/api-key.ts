/**
 * API keys: random bearer tokens that are shown once and stored only as a hash.
 */
import { createHash, randomBytes } from 'node:crypto';

export const API_KEY_PREFIX = 'dpk_';
// 256 bits from the CSPRNG, so guessing a key is infeasible however fast the attacker hashes.
const API_KEY_RANDOM_BYTES = 32;
// "dpk_" and 8 Base64url characters (48 bits): enough to tell keys apart in a list, far too
// little to help guess the remaining 208 bits.
export const API_KEY_DISPLAY_PREFIX_LENGTH = 12;

const API_KEY_PATTERN = /^dpk_[A-Za-z0-9_-]{43}$/;

export interface GeneratedApiKey {
  /** The full key. Show it once to the user who created it and never store it. */
  key: string;
  /** The first 12 characters, stored in clear so lists can show which key is which. */
  prefix: string;
  /** SHA-256 hex of the full key, the only form that is stored. */
  hash: string;
}

/** Generates a new API key: `dpk_` and the Base64url of 32 random bytes (47 characters). */
export function generateApiKey(): GeneratedApiKey {
  const key = API_KEY_PREFIX + randomBytes(API_KEY_RANDOM_BYTES).toString('base64url');
  return { key, prefix: key.slice(0, API_KEY_DISPLAY_PREFIX_LENGTH), hash: hashApiKey(key) };
}

/**
 * Returns the SHA-256 hex digest that is stored for a key. A fast hash is enough here: slow
 * hashes such as bcrypt or scrypt protect low-entropy passwords from dictionary attacks, but
 * a 256-bit random key cannot be found by guessing, even from a stolen hash. A fast hash also
 * lets the key be looked up by its hash through an index on every request.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Reports whether `key` has the form of a docpush API key, so malformed tokens skip the lookup. */
export function isApiKeyFormat(key: string): boolean {
  return API_KEY_PATTERN.test(key);
}

/**
 * Extracts the token from an `Authorization: Bearer <token>` header value. The scheme name is
 * case-insensitive (RFC 9110) and surrounding spaces are ignored. Returns null when the header
 * is missing, uses another scheme, or the token is empty or contains spaces.
 */
export function parseBearer(header: string | undefined): string | null {
  if (header === undefined) return null;
  const match = /^Bearer[ \t]+(\S+)$/i.exec(header.trim());
  return match ? match[1] : null;
}
