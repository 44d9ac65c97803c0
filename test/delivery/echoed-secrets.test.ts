import vm from 'node:vm';
import { redactEchoedSecrets, redactEchoedSecretsInBase64 } from '../../src/delivery/echoed-secrets';
import { toWireHeaderValue } from '../../src/connections/header-template';
import { DocumentRecordEventType } from '../../src/records/event-type';
import { startTestApp, type TestApp } from '../support/test-app';
import { startListener, type TestListener } from '../support/listener';
import { recordEvent, seedRecord, seedWorkspace } from '../support/fixtures';
import { waitFor } from '../support/wait';
import { captureLogs } from '../security/security-support';
import { createEnabledConnection } from '../reliability/reliability-support';

const MASK = '********';
const TOKEN = 'Bearer tok/en+"q"\\42';

/** Returns `text` as a JSON string's content with every non-ASCII character escaped, with hex digits in `hexCase`, as JSON encoders differ in it. */
function asciiJson(text: string, hexCase: 'lower' | 'upper'): string {
  return JSON.stringify(text)
    .slice(1, -1)
    .replace(/[^\x00-\x7f]/g, (character) => {
      const hex = character.charCodeAt(0).toString(16).padStart(4, '0');
      return `\\u${hexCase === 'upper' ? hex.toUpperCase() : hex}`;
    });
}

/**
 * Calls redactEchoedSecrets under a watchdog that throws after WATCHDOG_MS. A search that
 * backtracks on these inputs takes hours, so it fails here instead of hanging the run. A linear
 * one takes milliseconds, far below the watchdog even on a busy machine.
 */
function redactWithinWatchdog(text: string, secrets: string[]): string {
  return vm.runInNewContext('redact(text, secrets)', { redact: redactEchoedSecrets, text, secrets }, { timeout: WATCHDOG_MS }) as string;
}

const WATCHDOG_MS = 20_000;

describe('redactEchoedSecrets', () => {
  it.each([
    ['as sent', TOKEN],
    ['in JSON', JSON.stringify(TOKEN).slice(1, -1)],
    ['with escaped slashes', JSON.stringify(TOKEN).slice(1, -1).replaceAll('/', '\\/')],
    ['with escaped plus signs', JSON.stringify(TOKEN).slice(1, -1).replaceAll('+', '\\u002B')],
  ])('masks a value %s', (_case, spelling) => {
    const body = `{"headers":{"authorization":"${spelling}","x-other":"kept"}}`;

    expect(redactEchoedSecrets(body, [TOKEN])).toBe(`{"headers":{"authorization":"${MASK}","x-other":"kept"}}`);
  });

  it('masks every occurrence of each value', () => {
    const body = `first ${TOKEN}, second key-0123456789, third ${TOKEN}`;

    expect(redactEchoedSecrets(body, [TOKEN, 'key-0123456789'])).toBe(`first ${MASK}, second ${MASK}, third ${MASK}`);
  });

  it('masks non-ASCII values in their echoed forms', () => {
    const secret = 'heslo-Jiří-😀-0042';
    const wire = toWireHeaderValue(secret);
    const body = [secret, asciiJson(secret, 'lower'), wire, asciiJson(wire, 'upper')].join(' ');

    expect(body).toContain('\\u0159');
    expect(body).toContain('\\u00C5');
    expect(redactEchoedSecrets(body, [secret])).toBe([MASK, MASK, MASK, MASK].join(' '));
  });

  it('masks a tab escaped as in JSON', () => {
    const secret = 'part-one\tpart-two';

    expect(redactEchoedSecrets(JSON.stringify({ token: secret }), [secret])).toBe(`{"token":"${MASK}"}`);
  });

  it('masks a value of repeated backslashes', () => {
    const secret = `${'\\'.repeat(64)}x`;
    // The near miss first: each of its backslashes is one character as sent, or half of an escape in JSON.
    const body = JSON.stringify({ nearMiss: `${'\\'.repeat(64)}y`, token: secret });

    const redacted = redactWithinWatchdog(body, [secret]);

    expect(redacted).toBe(`{"nearMiss":"${'\\\\'.repeat(64)}y","token":"${MASK}"}`);
  });

  it('masks a repetitive value in a long body', () => {
    const secret = `${'a'.repeat(4095)}!`;
    const filler = 'a'.repeat(1024 * 1024);

    const redacted = redactWithinWatchdog(`${filler}${secret}`, [secret]);

    expect(redacted).toBe(`${filler}${MASK}`);
  });

  it('masks overlapping occurrences with one mask', () => {
    expect(redactEchoedSecrets('x abcabcabcab y', ['abcabcab'])).toBe(`x ${MASK} y`);
  });

  it('masks a value without letters or digits', () => {
    const secret = '#$%&*!?~';

    expect(redactEchoedSecrets(`token=${secret}`, [secret])).toBe(`token=${MASK}`);
  });

  it('keeps values shorter than 8 characters', () => {
    const body = 'status=yes, id=1234567';

    expect(redactEchoedSecrets(body, ['yes', '1234567'])).toBe(body);
  });

  it('keeps a body without secrets', () => {
    expect(redactEchoedSecrets('{"ok":true}', [])).toBe('{"ok":true}');
    expect(redactEchoedSecrets('{"ok":true}', [TOKEN])).toBe('{"ok":true}');
  });

  it('masks a value in a Base64 body', () => {
    const secret = 'heslo-Jiří-0042';
    const body = Buffer.concat([Buffer.from([0xff, 0x00]), Buffer.from(`token=${secret};`, 'utf8')]);

    const redacted = Buffer.from(redactEchoedSecretsInBase64(body.toString('base64'), [secret]), 'base64');

    expect(redacted).toEqual(Buffer.concat([Buffer.from([0xff, 0x00]), Buffer.from(`token=${MASK};`)]));
  });
});

describe('echoed secret in the server log', () => {
  // Shorter than the 16 characters from which the server log's URL redaction takes a path segment for a token.
  const shortSecret = 'pw-4f7a9c2e';
  let app: TestApp;
  let listener: TestListener;
  let logs: ReturnType<typeof captureLogs>;

  beforeAll(async () => {
    logs = captureLogs();
    app = await startTestApp({ DOCPUSH_RETRY_SCHEDULE: '1h' }, { logger: logs.logger });
    // A redirect is not followed, and its Location repeats the token as a path segment.
    listener = await startListener((request, response) => {
      response.writeHead(307, { location: `https://login.example.com/retry/${String(request.headers['x-api-token'])}` });
      response.end();
    });
  });

  afterAll(async () => {
    await listener?.close();
    await app?.stop();
  });

  it('masks a value in a redirect path', async () => {
    const seeded = await seedWorkspace(app);
    await createEnabledConnection(app, { url: listener.url, headers: [{ name: 'X-Api-Token', value: shortSecret, secret: true }] });

    await recordEvent(app, await seedRecord(app, seeded), DocumentRecordEventType.DocumentRecordUpdated, seeded.author);
    await waitFor(() => logs.text().includes('delivery failed; retry scheduled'), { description: 'the server log line of the failed attempt' });

    expect(listener.requests).toHaveLength(1);
    expect(logs.text()).toContain(`(Location: https://login.example.com/retry/${MASK})`);
    expect(logs.text()).not.toContain(shortSecret);
  });
});
