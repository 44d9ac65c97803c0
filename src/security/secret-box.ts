/**
 * Encryption at rest for signing secrets and secret header values, with AES-256-GCM under one
 * server key. GCM authenticates as well as encrypts, so a wrong key or a modified value fails
 * to open instead of returning garbage.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { ValidationError } from '../common/errors';
import type { Logger } from '../common/logger';
import { syncParentDirectory, writeFileSynced } from '../common/durable-file';

const ALGORITHM = 'aes-256-gcm';
export const SERVER_KEY_BYTES = 32;
// A fresh random 96-bit IV per value, the IV size GCM is designed for. The usual limit for
// random IVs is 2^32 encryptions under one key, far beyond the number of stored secrets.
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SEALED_PREFIX = 'v1:';

export const SECRET_KEY_ENV = 'DOCPUSH_SECRET_KEY';
export const SECRET_KEY_FILE_NAME = 'secret.key';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const GENERATE_KEY_HINT = 'Generate one with `openssl rand -base64 32`.';

/** How to replace a stored secret that cannot be opened, for the end of a SecretBoxError message. */
const STORE_AGAIN =
  'Store the secret again: rotatePushConnectionSecret replaces a signing secret, and updatePushConnection with the value replaces a secret header.';

/** Raised when a sealed value cannot be opened. The message never contains key or plaintext. */
export class SecretBoxError extends Error {
  constructor(
    message: string,
    readonly reason: 'malformed' | 'authentication_failed',
  ) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

/**
 * Opened values a SecretBox keeps, by sealed text. Every delivery opens its connection's signing
 * secrets and secret headers, and decrypting them again was about 3% of a busy worker's CPU.
 */
const OPENED_CACHE_MAX_ENTRIES = 10_000;

/** Characters of sealed and opened text that the cache keeps at most, about 32 MiB of UTF-16 strings. */
const OPENED_CACHE_MAX_CHARACTERS = 16 * 1024 * 1024;

export class SecretBox {
  private readonly key: Buffer;
  /**
   * Plaintext by sealed text, oldest first. One key opens a sealed text to one plaintext only, so
   * an entry never goes stale. Values that fail to open are not kept.
   */
  private readonly opened = new Map<string, string>();
  private openedCharacters = 0;

  constructor(key: Buffer) {
    if (key.length !== SERVER_KEY_BYTES) {
      throw new Error(`SecretBox needs a ${SERVER_KEY_BYTES}-byte AES-256 key; got ${key.length} bytes.`);
    }
    this.key = Buffer.from(key);
  }

  /** Encrypts `plaintext` and returns `v1:` + Base64 of IV, authentication tag and ciphertext. */
  seal(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.key, iv, { authTagLength: TAG_BYTES });
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return SEALED_PREFIX + Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64');
  }

  /**
   * Decrypts a value from `seal`. Throws SecretBoxError with reason `malformed` when the text is
   * not a sealed value at all, and `authentication_failed` when the key differs from the one
   * that sealed it or the value was modified (GCM cannot tell those two apart).
   */
  open(sealed: string): string {
    const cached = this.opened.get(sealed);
    if (cached !== undefined) return cached;
    const plaintext = this.decrypt(sealed);
    this.keepOpened(sealed, plaintext);
    return plaintext;
  }

  /** Adds an opened value to the cache, evicting the oldest entries beyond its entry and size limits. */
  private keepOpened(sealed: string, plaintext: string): void {
    const characters = sealed.length + plaintext.length;
    if (characters > OPENED_CACHE_MAX_CHARACTERS) return;
    while (this.opened.size >= OPENED_CACHE_MAX_ENTRIES || this.openedCharacters + characters > OPENED_CACHE_MAX_CHARACTERS) {
      const [oldestSealed, oldestPlaintext] = this.opened.entries().next().value as [string, string];
      this.opened.delete(oldestSealed);
      this.openedCharacters -= oldestSealed.length + oldestPlaintext.length;
    }
    this.opened.set(sealed, plaintext);
    this.openedCharacters += characters;
  }

  private decrypt(sealed: string): string {
    const payload = sealed.startsWith(SEALED_PREFIX) ? sealed.slice(SEALED_PREFIX.length) : null;
    if (payload === null || !BASE64.test(payload)) {
      throw new SecretBoxError(
        `The stored secret is not a sealed value: it must be "${SEALED_PREFIX}" followed by Base64. ${STORE_AGAIN}`,
        'malformed',
      );
    }
    const bytes = Buffer.from(payload, 'base64');
    if (bytes.length < IV_BYTES + TAG_BYTES) {
      throw new SecretBoxError(
        `The stored secret is truncated: it has ${bytes.length} bytes, fewer than the ${IV_BYTES + TAG_BYTES} of IV and tag alone. ${STORE_AGAIN}`,
        'malformed',
      );
    }

    const decipher = createDecipheriv(ALGORITHM, this.key, bytes.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretBoxError(
        `The stored secret failed authentication: either the server key (${SECRET_KEY_ENV} or ${SECRET_KEY_FILE_NAME}) is not the one that encrypted it, or the stored value was modified. Restore the original server key, or ${STORE_AGAIN.charAt(0).toLowerCase()}${STORE_AGAIN.slice(1)}`,
        'authentication_failed',
      );
    }
  }
}

export interface ServerKeyOptions {
  /** Value of DOCPUSH_SECRET_KEY: Base64 of 32 bytes. Empty or missing means use the key file. */
  keyFromEnv?: string;
  /** Folder that contains `secret.key`. It is created when missing. */
  dataDir: string;
  logger?: Logger;
}

/**
 * Returns the 32-byte server key: from DOCPUSH_SECRET_KEY when set, else from
 * `<dataDir>/secret.key`, which is generated (mode 0600) when missing. Two processes that
 * start at once on the same folder end up with the same key, because the file is created
 * with an atomic link. Never logs the key. docpush itself calls loadServerKey and generates a
 * key only after checking that its database contains no sealed secrets.
 */
export function loadOrCreateServerKey(options: ServerKeyOptions): Buffer {
  return loadServerKey(options) ?? createServerKeyFile(options.dataDir, options.logger);
}

/**
 * Returns the server key from DOCPUSH_SECRET_KEY when set, else from `<dataDir>/secret.key`,
 * or null when neither exists. A malformed key raises ValidationError. Never logs the key.
 */
export function loadServerKey({ keyFromEnv, dataDir, logger }: ServerKeyOptions): Buffer | null {
  if (keyFromEnv !== undefined && keyFromEnv.trim() !== '') {
    return decodeServerKey(keyFromEnv.trim(), SECRET_KEY_ENV, `Set ${SECRET_KEY_ENV} to the Base64 of ${SERVER_KEY_BYTES} random bytes. ${GENERATE_KEY_HINT}`);
  }
  return readKeyFile(serverKeyPath(dataDir), logger);
}

/** Returns the path of the key file in `dataDir`. */
export function serverKeyPath(dataDir: string): string {
  return path.join(dataDir, SECRET_KEY_FILE_NAME);
}

/** Generates a new server key into `<dataDir>/secret.key`, or returns the key another process wrote there first. */
export function createServerKeyFile(dataDir: string, logger?: Logger): Buffer {
  return createKeyFile(serverKeyPath(dataDir), logger);
}

function decodeServerKey(encoded: string, source: string, fix: string): Buffer {
  if (!BASE64.test(encoded)) {
    throw new ValidationError(source, `${source} is not valid Base64 (A-Z, a-z, 0-9, +, / and = padding). ${fix}`);
  }
  const key = Buffer.from(encoded, 'base64');
  if (key.length !== SERVER_KEY_BYTES) {
    throw new ValidationError(source, `${source} decodes to ${key.length} bytes, but the key must be exactly ${SERVER_KEY_BYTES} bytes. ${fix}`);
  }
  return key;
}

/** Reads the key file, or returns null when it does not exist. */
function readKeyFile(keyPath: string, logger: Logger | undefined): Buffer | null {
  let text: string;
  try {
    text = fs.readFileSync(keyPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }

  const mode = fs.statSync(keyPath).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    logger?.warn({ path: keyPath, mode: mode.toString(8) }, 'Server key file is readable by other users; run chmod 600 on it');
  }
  // A new key would not open the secrets already stored, so a damaged file is an error, never
  // a reason to generate a replacement.
  return decodeServerKey(
    text.trim(),
    keyPath,
    `Restore the original file from a backup, or set ${SECRET_KEY_ENV} to the original key. A new key cannot open secrets sealed with the old one.`,
  );
}

function createKeyFile(keyPath: string, logger: Logger | undefined): Buffer {
  fs.mkdirSync(path.dirname(keyPath), { recursive: true, mode: 0o700 });
  const key = randomBytes(SERVER_KEY_BYTES);
  const temporaryPath = `${keyPath}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  // Flushed to disk before it is linked: stored secrets are sealed with the key as soon as the
  // first connection is created, and a key file lost to a power loss could not open them.
  writeFileSynced(temporaryPath, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    // link() fails with EEXIST instead of replacing, so when another process created the file
    // first, its key wins and this one is discarded. Readers never see a half-written file.
    fs.linkSync(temporaryPath, keyPath);
    syncParentDirectory(keyPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const winner = readKeyFile(keyPath, logger);
    if (winner === null) throw error;
    return winner;
  } finally {
    fs.unlinkSync(temporaryPath);
  }

  logger?.warn(
    { path: keyPath },
    `Generated a new server key for encrypting stored secrets. Back up this file, or set ${SECRET_KEY_ENV}: without the key, stored signing secrets cannot be decrypted.`,
  );
  return key;
}
