import { createHash } from 'node:crypto';

import { generateApiKey, hashApiKey, isApiKeyFormat, parseBearer } from '../../src/security/api-key';

describe('generateApiKey', () => {
  it('returns dpk_ and 43 Base64url characters', () => {
    const { key } = generateApiKey();

    expect(key).toMatch(/^dpk_[A-Za-z0-9_-]{43}$/);
    expect(isApiKeyFormat(key)).toBe(true);
  });

  it('returns the first 12 characters as prefix', () => {
    const { key, prefix } = generateApiKey();

    expect(prefix).toHaveLength(12);
    expect(key.startsWith(prefix)).toBe(true);
  });

  it('returns the SHA-256 hex of the key as hash', () => {
    const { key, hash } = generateApiKey();

    expect(hash).toBe(createHash('sha256').update(key).digest('hex'));
    expect(hashApiKey(key)).toBe(hash);
  });

  it('returns a different key each time', () => {
    const keys = new Set(Array.from({ length: 100 }, () => generateApiKey().key));

    expect(keys.size).toBe(100);
  });
});

describe('hashApiKey', () => {
  it('matches a known SHA-256 digest', () => {
    expect(hashApiKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('isApiKeyFormat', () => {
  it.each(['', 'dpk_', 'dpk_short', 'xyz_' + 'A'.repeat(43), 'dpk_' + 'A'.repeat(42) + '+', 'dpk_' + 'A'.repeat(44)])(
    'rejects %j',
    (key) => {
      expect(isApiKeyFormat(key)).toBe(false);
    },
  );
});

describe('parseBearer', () => {
  it.each([
    ['Bearer dpk_abc', 'dpk_abc'],
    ['bearer dpk_abc', 'dpk_abc'],
    ['BEARER dpk_abc', 'dpk_abc'],
    ['  Bearer   dpk_abc  ', 'dpk_abc'],
    ['Bearer\tdpk_abc', 'dpk_abc'],
  ])('extracts the token from %j', (header, expected) => {
    expect(parseBearer(header)).toBe(expected);
  });

  it.each([undefined, '', 'Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'dpk_abc', 'Bearer dpk_abc extra', 'Bearerdpk_abc'])(
    'returns null for %j',
    (header) => {
      expect(parseBearer(header)).toBeNull();
    },
  );
});
