import { Writable } from 'node:stream';
import pino from 'pino';
import { redactUrl, redactUrlsInText, UNPARSABLE_URL_PLACEHOLDER } from '../../src/common/redact-url';
import { serializeError } from '../../src/common/logger';

describe('redactUrl', () => {
  it.each([
    ['no query', 'https://hooks.example.com/docpush', 'https://hooks.example.com/docpush'],
    ['no path', 'https://hooks.example.com', 'https://hooks.example.com/'],
    ['port kept', 'http://127.0.0.1:8787/webhook?token=abc', 'http://127.0.0.1:8787/webhook?token=redacted'],
    ['user info removed', 'https://alice:s3cret@hooks.example.com/in', 'https://hooks.example.com/in'],
    ['user name only removed', 'https://alice@hooks.example.com/in', 'https://hooks.example.com/in'],
    ['fragment dropped', 'https://hooks.example.com/in?a=1#token=abc', 'https://hooks.example.com/in?a=redacted'],
    ['repeated parameters', 'https://h.example/in?id=1&id=2&id=3', 'https://h.example/in?id=redacted&id=redacted&id=redacted'],
    ['empty value', 'https://h.example/in?flag=&b=2', 'https://h.example/in?flag=redacted&b=redacted'],
    ['bare parameter', 'https://h.example/in?abc123token&x=1', 'https://h.example/in?redacted&x=redacted'],
    ['empty query', 'https://h.example/in?', 'https://h.example/in'],
    ['empty parameters skipped', 'https://h.example/in?&a=1&&b=2&', 'https://h.example/in?a=redacted&b=redacted'],
    ['equals sign in a value', 'https://h.example/in?sig=ab==&x=y=z', 'https://h.example/in?sig=redacted&x=redacted'],
    ['encoded characters', 'https://h.example/p%20q/%C3%A9?to%20ken=se%26cr%3Det&n=1', 'https://h.example/p%20q/%C3%A9?to%20ken=redacted&n=redacted'],
    ['unencoded characters', 'https://h.example/ä?näme=wert mit leerzeichen', 'https://h.example/%C3%A4?n%C3%A4me=redacted'],
    ['IPv6 host', 'http://[2001:db8::1]:8443/in?key=abc', 'http://[2001:db8::1]:8443/in?key=redacted'],
    ['IPv6 host with credentials', 'https://u:p@[::1]/in', 'https://[::1]/in'],
    ['upper-case scheme and host', 'HTTPS://Hooks.Example.COM/In?A=1', 'https://hooks.example.com/In?A=redacted'],
  ])('%s', (_case, raw, expected) => {
    expect(redactUrl(raw)).toBe(expected);
  });

  it.each([
    ['not a URL', 'not a url secret123'],
    ['relative path', '/webhook?token=secret123'],
    ['no scheme', 'hooks.example.com/in?token=secret123'],
    ['empty string', ''],
    ['bad port', 'https://h.example:99999/in?token=secret123'],
    ['no host', 'file:///etc/secret123'],
    ['opaque URL', 'mailto:alice@example.com?subject=secret123'],
  ])('returns the placeholder for %s', (_case, raw) => {
    expect(redactUrl(raw)).toBe(UNPARSABLE_URL_PLACEHOLDER);
  });
});

describe('redactUrlsInText', () => {
  it('redacts a quoted URL inside a message', () => {
    const message = 'URL "https://hooks.example.com/in?token=secret123" points to 10.0.0.1, which is private.';

    expect(redactUrlsInText(message)).toBe('URL "https://hooks.example.com/in?token=redacted" points to 10.0.0.1, which is private.');
  });

  it('redacts every URL and keeps punctuation after one', () => {
    const message = 'Redirect (Location: https://a.example/x?t=1). Also see http://u:pw@b.example:81/y?k=2&k=3, then stop.';

    expect(redactUrlsInText(message)).toBe('Redirect (Location: https://a.example/x?t=redacted). Also see http://b.example:81/y?k=redacted&k=redacted, then stop.');
  });

  it('leaves text without URLs alone', () => {
    expect(redactUrlsInText('HTTP 500 Internal Server Error')).toBe('HTTP 500 Internal Server Error');
  });
});

describe('error serializer and URLs', () => {
  it('redacts URLs in the message and stack of a logged error', () => {
    const chunks: string[] = [];
    const sink = new Writable({ write: (chunk, _encoding, done) => (chunks.push(String(chunk)), done()) });
    const logger = pino({ serializers: { err: serializeError } }, sink);

    logger.error({ err: new Error('request to https://alice:pw-secret@h.example/in?token=secret123 failed') }, 'failed');

    const logged = JSON.parse(chunks[0]).err as { message: string; stack: string };
    expect(logged.message).toBe('request to https://h.example/in?token=redacted failed');
    expect(logged.stack).toContain('https://h.example/in?token=redacted');
    expect(chunks[0]).not.toContain('secret123');
    expect(chunks[0]).not.toContain('pw-secret');
  });
});
