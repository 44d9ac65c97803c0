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

describe('redactUrl on webhook paths', () => {
  const slackToken = 'q7WzR2mVx9LpK4sT8nYb3HcJ';
  const discordToken = 'Ab3_dEf-GhIjKlMnOpQrStUvWxYz0123456789abcdefGHIJKLmnopQRSTuvwxYZ_-ab12';
  const guid = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';

  it.each([
    ['Slack token', `https://hooks.slack.com/services/T024BE7LD/B08K3QZ9R1M/${slackToken}`, 'https://hooks.slack.com/services/T024BE7LD/B08K3QZ9R1M/redacted'],
    ['Slack token without digits', 'https://hooks.slack.com/services/T024BE7LD/B08K3QZ9R1M/qWzRmVxLpKsTnYbHcJaBcDeF', 'https://hooks.slack.com/services/T024BE7LD/B08K3QZ9R1M/redacted'],
    ['Discord token', `https://discord.com/api/webhooks/1234567890123456789/${discordToken}`, 'https://discord.com/api/webhooks/1234567890123456789/redacted'],
    [
      'Microsoft Teams ids',
      `https://contoso.webhook.office.com/webhookb2/${guid}@${guid}/IncomingWebhook/3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c/${guid}`,
      'https://contoso.webhook.office.com/webhookb2/redacted/IncomingWebhook/redacted/redacted',
    ],
    [
      'Power Automate workflow',
      'https://prod-12.westeurope.logic.azure.com:443/workflows/5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a09/triggers/manual/paths/invoke?api-version=2016-06-01&sig=Zx9',
      'https://prod-12.westeurope.logic.azure.com/workflows/redacted/triggers/manual/paths/invoke?api-version=redacted&sig=redacted',
    ],
    ['Make hook', 'https://hook.eu1.make.com/k3j9x2m7q8w1e5r4t6y0u2i9o8p7a6s5', 'https://hook.eu1.make.com/redacted'],
    ['UUID id', `https://ci.example.com/hooks/${guid}`, 'https://ci.example.com/hooks/redacted'],
    ['token before a trailing slash', `https://h.example/in/${slackToken}/`, 'https://h.example/in/redacted/'],
    ['token between words', `https://h.example/in/${slackToken}/events`, 'https://h.example/in/redacted/events'],
    ['16 characters, letters and digits', 'https://h.example/in/abcdefghijklmno1', 'https://h.example/in/redacted'],
    ['16 characters, mixed case', 'https://h.example/in/abcdefghijklmnoP', 'https://h.example/in/redacted'],
    ['long camelCase word', 'https://h.example/hooks/DocumentRecordUpdated', 'https://h.example/hooks/redacted'],
    ['32 characters of a word', 'https://h.example/in/notifications-from-docpush-sends', 'https://h.example/in/redacted'],
    ['33 characters with a colon', 'https://h.example/in/bot123456:AbCdEfGhIjKlMnOpQrStUvW', 'https://h.example/in/redacted'],
    ['percent-encoded token', 'https://h.example/in/ab12cd34%2Bef56gh78%2F', 'https://h.example/in/redacted'],
    ['token and query', `https://h.example/in/${slackToken}?team=ops`, 'https://h.example/in/redacted?team=redacted'],
  ])('redacts %s', (_case, raw, expected) => {
    expect(redactUrl(raw)).toBe(expected);
  });

  it.each([
    ['word-like endpoint', 'https://h.example/webhooks/docpush'],
    ['versioned API path', 'https://h.example/api/v2/events'],
    ['long kebab-case word', 'https://h.example/api/document-record-updated'],
    ['camelCase word under 16 characters', 'https://h.example/webhookb2/IncomingWebhook'],
    ['15 characters, letters and digits', 'https://h.example/in/abcdefghijklmn1'],
    ['all-digit id', 'https://discord.com/api/webhooks/1234567890123456789'],
    ['Zapier catch hook', 'https://hooks.zapier.com/hooks/catch/1234567/3kq9xz1/'],
    ['Pipedream host', 'https://eo8e2k6rxyz8y8n.m.pipedream.net/'],
    ['31 characters of a word', 'https://h.example/in/notifications-for-the-docpushes'],
    ['16 to 31 characters with a dot', 'https://h.example/in/report-2024-05-01.json'],
    ['encoded word with hex digits', 'https://h.example/bestellung-%C3%A4nderung'],
  ])('keeps %s', (_case, raw) => {
    expect(redactUrl(raw)).toBe(raw);
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

  it('redacts a relative Location', () => {
    const message = 'HTTP 301 Moved Permanently: redirects are not followed (Location: /services/T0/B0/q7WzR2mVx9LpK4sT8nYb3HcJ/?team=ops).';

    expect(redactUrlsInText(message)).toBe('HTTP 301 Moved Permanently: redirects are not followed (Location: /services/T0/B0/redacted/?team=redacted).');
  });

  it('redacts a network-path Location', () => {
    const message = 'HTTP 302 Found: redirects are not followed (Location: //alice:pw-secret@other.example/in/q7WzR2mVx9LpK4sT8nYb3HcJ)';

    expect(redactUrlsInText(message)).toBe('HTTP 302 Found: redirects are not followed (Location: //other.example/in/redacted)');
  });

  it('leaves a missing Location alone', () => {
    const message = 'HTTP 302 Found: redirects are not followed (Location: none)';

    expect(redactUrlsInText(message)).toBe(message);
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
