import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';

import { ValidationError } from '../../src/common/errors';
import { SecretBox, SecretBoxError, loadOrCreateServerKey } from '../../src/security/secret-box';

const execFileAsync = promisify(execFile);

let dataDir: string;

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'docpush-secret-box-'));
});

afterEach(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it.each(['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', '', 'Bearer tökén ✓ 🔑'])('round-trips %j', (plaintext) => {
    expect(box.open(box.seal(plaintext))).toBe(plaintext);
  });

  it('seals as v1: and Base64 of IV, tag and ciphertext', () => {
    const sealed = box.seal('abc');

    expect(sealed).toMatch(/^v1:[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(sealed.slice(3), 'base64')).toHaveLength(12 + 16 + 3);
  });

  it('opens each value right past the kept-value limit', () => {
    // More values than the 10,000 that the box keeps, so the oldest are evicted and opened again.
    const plaintexts = Array.from({ length: 12_000 }, (_, index) => `secret-${index}`);
    const sealed = plaintexts.map((plaintext) => box.seal(plaintext));

    const firstPass = sealed.map((value) => box.open(value));
    const secondPass = sealed.map((value) => box.open(value));

    expect(firstPass).toEqual(plaintexts);
    expect(secondPass).toEqual(plaintexts);
  });

  it('uses a fresh IV for each seal', () => {
    expect(box.seal('same text')).not.toBe(box.seal('same text'));
  });

  it('rejects a key that is not 32 bytes', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow(/32-byte/);
  });

  it('fails to open with another key', () => {
    const sealed = box.seal('secret value');

    const error = thrownBy(() => new SecretBox(randomBytes(32)).open(sealed));

    expect(error).toBeInstanceOf(SecretBoxError);
    expect((error as SecretBoxError).reason).toBe('authentication_failed');
    expect(error.message).toContain('DOCPUSH_SECRET_KEY');
    expect(error.message).not.toContain('secret value');
  });

  it.each([
    ['IV', 0],
    ['tag', 12],
    ['ciphertext', 28],
  ])('fails to open with a modified %s', (_part, offset) => {
    const bytes = Buffer.from(box.seal('secret value').slice(3), 'base64');
    bytes[offset] ^= 0x01;

    const error = thrownBy(() => box.open(`v1:${bytes.toString('base64')}`));

    expect(error).toBeInstanceOf(SecretBoxError);
    expect((error as SecretBoxError).reason).toBe('authentication_failed');
  });

  it.each([
    ['no version prefix', 'c2VjcmV0'],
    ['another version', 'v2:c2VjcmV0'],
    ['invalid Base64', 'v1:not base64!'],
    ['too few bytes', `v1:${Buffer.alloc(27).toString('base64')}`],
  ])('rejects a value with %s as malformed', (_case, sealed) => {
    const error = thrownBy(() => box.open(sealed));

    expect(error).toBeInstanceOf(SecretBoxError);
    expect((error as SecretBoxError).reason).toBe('malformed');
  });
});

describe('loadOrCreateServerKey', () => {
  it('uses DOCPUSH_SECRET_KEY when set', () => {
    const key = randomBytes(32);

    const loaded = loadOrCreateServerKey({ keyFromEnv: key.toString('base64'), dataDir });

    expect(loaded.equals(key)).toBe(true);
    expect(fs.existsSync(path.join(dataDir, 'secret.key'))).toBe(false);
  });

  it('rejects a DOCPUSH_SECRET_KEY of the wrong length', () => {
    const error = thrownBy(() => loadOrCreateServerKey({ keyFromEnv: randomBytes(16).toString('base64'), dataDir }));

    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toContain('DOCPUSH_SECRET_KEY decodes to 16 bytes');
    expect(error.message).toContain('openssl rand -base64 32');
  });

  it('rejects a DOCPUSH_SECRET_KEY that is not Base64', () => {
    const error = thrownBy(() => loadOrCreateServerKey({ keyFromEnv: 'not-base64-at-all!', dataDir }));

    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toContain('DOCPUSH_SECRET_KEY is not valid Base64');
  });

  it('creates secret.key with mode 0600 and logs its path', () => {
    const logs = captureLogs();

    const key = loadOrCreateServerKey({ keyFromEnv: '', dataDir, logger: logs.logger });

    const keyPath = path.join(dataDir, 'secret.key');
    expect(key).toHaveLength(32);
    expect(fs.statSync(keyPath).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(keyPath, 'utf8')).toBe(`${key.toString('base64')}\n`);
    expect(logs.text()).toContain(keyPath);
    expect(logs.text()).toContain('Generated a new server key');
    expect(logs.text()).not.toContain(key.toString('base64'));
    expect(logs.text()).not.toContain(key.toString('hex'));
    expect(fs.readdirSync(dataDir)).toEqual(['secret.key']);
  });

  it('reuses secret.key on the next start', () => {
    const first = loadOrCreateServerKey({ dataDir });
    const logs = captureLogs();

    const second = loadOrCreateServerKey({ dataDir, logger: logs.logger });

    expect(second.equals(first)).toBe(true);
    expect(logs.text()).toBe('');
  });

  it('creates a missing data folder', () => {
    const nested = path.join(dataDir, 'a', 'b');

    loadOrCreateServerKey({ dataDir: nested });

    expect(fs.existsSync(path.join(nested, 'secret.key'))).toBe(true);
  });

  it('rejects a damaged secret.key without replacing it', () => {
    const keyPath = path.join(dataDir, 'secret.key');
    fs.writeFileSync(keyPath, 'c2hvcnQ=\n', { mode: 0o600 });

    const error = thrownBy(() => loadOrCreateServerKey({ dataDir }));

    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toContain(keyPath);
    expect(error.message).toContain('Restore the original file');
    expect(fs.readFileSync(keyPath, 'utf8')).toBe('c2hvcnQ=\n');
  });

  it('warns when secret.key is readable by others', () => {
    const keyPath = path.join(dataDir, 'secret.key');
    fs.writeFileSync(keyPath, randomBytes(32).toString('base64'));
    fs.chmodSync(keyPath, 0o644);
    const logs = captureLogs();

    loadOrCreateServerKey({ dataDir, logger: logs.logger });

    expect(logs.text()).toContain('chmod 600');
  });

  it('gives concurrent processes the same key', async () => {
    const modulePath = path.resolve(__dirname, '../../src/security/secret-box.ts');
    const script = `
      const { loadOrCreateServerKey } = require(${JSON.stringify(modulePath)});
      process.stdout.write(loadOrCreateServerKey({ dataDir: ${JSON.stringify(dataDir)} }).toString('hex'));
    `;
    const tsNode = require.resolve('ts-node/dist/bin.js');
    const runs = Array.from({ length: 4 }, () =>
      execFileAsync(process.execPath, [tsNode, '--transpile-only', '-e', script], { cwd: path.resolve(__dirname, '../..') }),
    );

    const keys = (await Promise.all(runs)).map((run) => run.stdout);

    expect(keys[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(keys).size).toBe(1);
    expect(fs.readdirSync(dataDir)).toEqual(['secret.key']);
  });
});

function captureLogs(): { logger: pino.Logger; text: () => string } {
  const lines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(line) });
  return { logger, text: () => lines.join('') };
}

function thrownBy(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('Expected the action to throw, but it returned normally.');
}
