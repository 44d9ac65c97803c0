import { Webhook, WebhookVerificationError } from 'standardwebhooks';

import { ValidationError } from '../../src/common/errors';
import {
  buildSignatureHeaders,
  decodeSigningSecret,
  generateSigningSecret,
  signPayload,
} from '../../src/signing/webhook-signature';

// Test vector from the Standard Webhooks JavaScript library's own tests ("sign function works").
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  messageId: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: new Date(1614265330 * 1000),
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

describe('signPayload', () => {
  it('matches the specification test vector', () => {
    const signature = signPayload({
      messageId: VECTOR.messageId,
      timestamp: VECTOR.timestamp,
      body: VECTOR.body,
      secrets: [VECTOR.secret],
    });

    expect(signature).toBe(VECTOR.signature);
  });

  it('accepts a secret without the whsec_ prefix', () => {
    const signature = signPayload({
      messageId: VECTOR.messageId,
      timestamp: VECTOR.timestamp,
      body: VECTOR.body,
      secrets: ['MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
    });

    expect(signature).toBe(VECTOR.signature);
  });

  it('uses whole seconds of the timestamp', () => {
    const signature = signPayload({
      messageId: VECTOR.messageId,
      timestamp: new Date(1614265330 * 1000 + 999),
      body: VECTOR.body,
      secrets: [VECTOR.secret],
    });

    expect(signature).toBe(VECTOR.signature);
  });

  it('emits one v1 entry per secret, in order', () => {
    const secrets = [generateSigningSecret(), generateSigningSecret()];
    const input = { messageId: 'msg_1', timestamp: new Date(), body: '{}', secrets };

    const entries = signPayload(input).split(' ');

    expect(entries).toHaveLength(2);
    expect(entries[0]).toBe(signPayload({ ...input, secrets: [secrets[0]] }));
    expect(entries[1]).toBe(signPayload({ ...input, secrets: [secrets[1]] }));
    expect(entries[0]).not.toBe(entries[1]);
  });

  it('signs non-ASCII bodies as UTF-8', () => {
    const secret = generateSigningSecret();
    const body = JSON.stringify({ name: 'Smlouva č. 7 — ověřeno ✓' });
    const timestamp = new Date();
    const headers = buildSignatureHeaders({ messageId: 'msg_utf8', timestamp, body, secrets: [secret] });

    expect(() => new Webhook(secret).verify(body, { ...headers })).not.toThrow();
  });

  it('rejects an empty secret list', () => {
    expect(() => signPayload({ messageId: 'msg_1', timestamp: new Date(), body: '{}', secrets: [] })).toThrow(
      /at least one signing secret/,
    );
  });

  it.each(['', 'msg.1', 'msg\r\nx-injected: 1'])('rejects message id %j', (messageId) => {
    const secrets = [generateSigningSecret()];

    expect(() => signPayload({ messageId, timestamp: new Date(), body: '{}', secrets })).toThrow(/cannot be signed/);
  });

  it('rejects an invalid Date', () => {
    const secrets = [generateSigningSecret()];

    expect(() => signPayload({ messageId: 'msg_1', timestamp: new Date(Number.NaN), body: '{}', secrets })).toThrow(
      /invalid Date/,
    );
  });
});

describe('buildSignatureHeaders', () => {
  const body = JSON.stringify({ pushId: 17, event: 'documentRecordUpdated' });

  it('passes verification by the standardwebhooks library', () => {
    const secret = generateSigningSecret();
    const timestamp = new Date();

    const headers = buildSignatureHeaders({ messageId: 'msg_42', timestamp, body, secrets: [secret] });

    expect(headers['webhook-id']).toBe('msg_42');
    expect(headers['webhook-timestamp']).toBe(String(Math.floor(timestamp.getTime() / 1000)));
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
  });

  it('verifies with either secret during rotation', () => {
    const oldSecret = generateSigningSecret();
    const newSecret = generateSigningSecret();

    const headers = buildSignatureHeaders({
      messageId: 'msg_rotation',
      timestamp: new Date(),
      body,
      secrets: [newSecret, oldSecret],
    });

    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(oldSecret).verify(body, { ...headers })).not.toThrow();
    expect(() => new Webhook(newSecret).verify(body, { ...headers })).not.toThrow();
  });

  it('fails verification with an unrelated secret', () => {
    const headers = buildSignatureHeaders({
      messageId: 'msg_other',
      timestamp: new Date(),
      body,
      secrets: [generateSigningSecret()],
    });

    expect(() => new Webhook(generateSigningSecret()).verify(body, { ...headers })).toThrow(WebhookVerificationError);
  });

  it('fails verification of a changed body', () => {
    const secret = generateSigningSecret();
    const headers = buildSignatureHeaders({ messageId: 'msg_body', timestamp: new Date(), body, secrets: [secret] });

    expect(() => new Webhook(secret).verify(`${body} `, { ...headers })).toThrow(WebhookVerificationError);
  });
});

describe('generateSigningSecret', () => {
  it('returns whsec_ and 32 random bytes', () => {
    const secret = generateSigningSecret();

    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(decodeSigningSecret(secret)).toHaveLength(32);
    expect(generateSigningSecret()).not.toBe(secret);
  });
});

describe('decodeSigningSecret', () => {
  it('decodes the 24-byte specification secret', () => {
    expect(decodeSigningSecret(VECTOR.secret)).toHaveLength(24);
  });

  it('rejects a secret shorter than 24 bytes', () => {
    const short = `whsec_${Buffer.alloc(23, 1).toString('base64')}`;

    expect(() => decodeSigningSecret(short)).toThrow(ValidationError);
    expect(() => decodeSigningSecret(short)).toThrow(/decodes to 23 bytes/);
  });

  it('rejects a secret longer than 64 bytes', () => {
    const long = `whsec_${Buffer.alloc(65, 1).toString('base64')}`;

    expect(() => decodeSigningSecret(long)).toThrow(/decodes to 65 bytes/);
  });

  it.each(['whsec_', 'whsec_not base64 at all!', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS'])(
    'rejects malformed secret %j',
    (secret) => {
      expect(() => decodeSigningSecret(secret)).toThrow(ValidationError);
    },
  );

  it('keeps the secret out of the error message', () => {
    const error = thrownBy(() => decodeSigningSecret('whsec_c2hvcnQ='));

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('secret');
    expect(error.message).not.toContain('c2hvcnQ');
  });
});

function thrownBy(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('Expected the action to throw, but it returned normally.');
}
