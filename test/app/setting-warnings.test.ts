import { loadConfig } from '../../src/config/config';
import { MIN_MESSAGE_BYTES, findSettingWarnings } from '../../src/config/setting-warnings';
import { smallestPushPayload } from '../../src/delivery/push-payload';
import { DocumentRecordEventType } from '../../src/records/event-type';
import { randomBytes } from 'node:crypto';
import { startAppOnDatabase, startTestApp } from '../support/test-app';
import { startListener } from '../support/listener';
import { recordEvent, seedRecord, seedWorkspace } from '../support/fixtures';
import { captureLogs } from '../security/security-support';
import { createEnabledConnection, waitForLogs } from '../attachments/attachment-helpers';

const warningsOf = (env: Record<string, string>) => findSettingWarnings(loadConfig(env));

describe('findSettingWarnings', () => {
  it('finds none in the defaults', () => {
    expect(warningsOf({})).toEqual([]);
  });

  it.each([
    ['0.0.0.0/0', 'opens every IPv4 address to deliveries', true],
    ['::/0', 'opens every IPv6 address to deliveries', true],
    ['::ffff:0.0.0.0/96', 'opens every IPv4-mapped IPv6 address to deliveries', true],
    ['::/8', 'opens every IPv4-mapped IPv6 address to deliveries', true],
    ['0.0.0.0/1', 'opens a range wider than /8 to deliveries', false],
    ['126.0.0.0/7', 'opens a range wider than /8 to deliveries', false],
    ['::ffff:0.0.0.0/100', 'opens a range wider than /8 to deliveries', false],
    ['2000::/3', 'opens a range wider than /7 to deliveries', false],
  ])('warns about the wide range %s', (cidr, extent, withMetadata) => {
    const warnings = warningsOf({ DOCPUSH_ALLOWED_CIDRS: `127.0.0.0/8, ${cidr}` });

    expect(warnings).toEqual([{ name: 'DOCPUSH_ALLOWED_CIDRS', value: cidr, message: expect.stringContaining(`entry ${cidr} ${extent}`) }]);
    expect(warnings[0].message.includes('the cloud metadata service at 169.254.169.254 included')).toBe(withMetadata);
    expect(warnings[0].message).toContain('List only the ranges your listeners use');
  });

  it.each(['169.254.0.0/16', '169.254.169.254/32', '::ffff:169.254.169.254/128'])('warns about the metadata address in %s', (cidr) => {
    const warnings = warningsOf({ DOCPUSH_ALLOWED_CIDRS: `127.0.0.0/8, ${cidr}` });

    expect(warnings).toEqual([{ name: 'DOCPUSH_ALLOWED_CIDRS', value: cidr, message: expect.stringContaining(`entry ${cidr} contains 169.254.169.254`) }]);
    expect(warnings[0].message).toContain('Remove the entry unless a listener runs on that address.');
  });

  it('accepts ranges of one network', () => {
    const cidrs = '127.0.0.0/8,10.0.0.0/8,192.168.0.0/16,169.254.0.0/24,fc00::/7,::1/128,::ffff:127.0.0.0/104';

    expect(warningsOf({ DOCPUSH_ALLOWED_CIDRS: cidrs })).toEqual([]);
  });

  it.each([
    ['0.0.0.0/0', 'trusts every IPv4 address as a reverse proxy'],
    ['::/0', 'trusts every IPv6 address as a reverse proxy'],
    ['10.0.0.0/7', 'trusts a range wider than /8 as a reverse proxy'],
    ['::/8', 'trusts every IPv4-mapped IPv6 address as a reverse proxy'],
    ['::/80', 'trusts every IPv4-mapped IPv6 address as a reverse proxy'],
  ])('warns about the wide trusted proxy range %s', (cidr, extent) => {
    // Only the wide entry warns: a proxy address, a /8 and the IPv6 unique local range are narrow enough.
    const warnings = warningsOf({ DOCPUSH_TRUSTED_PROXIES: `10.0.0.5, 10.0.0.0/8, fc00::/7, ${cidr}` });

    expect(warnings).toEqual([{ name: 'DOCPUSH_TRUSTED_PROXIES', value: cidr, message: expect.stringContaining(`entry ${cidr} ${extent}`) }]);
    expect(warnings[0].message).toContain('List only the addresses of your reverse proxies');
  });

  it.each(['0', '0s', '0ms'])('warns about a sweep grace of %s', (grace) => {
    const [warning] = warningsOf({ DOCPUSH_SWEEP_GRACE: grace });

    expect(warning).toMatchObject({ name: 'DOCPUSH_SWEEP_GRACE', value: '0' });
    expect(warning.message).toMatch(/^DOCPUSH_SWEEP_GRACE is 0, so each sweep takes every due message that no worker has claimed yet/);
    expect(warning.message).toContain('up to 1000 of their rows');
  });

  it('accepts a sweep grace of 1 ms', () => {
    expect(warningsOf({ DOCPUSH_SWEEP_GRACE: '1ms' })).toEqual([]);
  });

  it('warns about a size limit below the smallest message', () => {
    const limit = MIN_MESSAGE_BYTES - 1;

    expect(warningsOf({ DOCPUSH_MESSAGE_SIZE_LIMIT: String(limit) })).toEqual([
      {
        name: 'DOCPUSH_MESSAGE_SIZE_LIMIT',
        value: String(limit),
        message:
          `DOCPUSH_MESSAGE_SIZE_LIMIT is ${limit} bytes, below ${MIN_MESSAGE_BYTES} bytes, the size of the smallest message docpush can push, ` +
          'so every message fails unsent as too large. Set it above the largest message you expect, or leave it unset for 50 MiB.',
      },
    ]);
    expect(warningsOf({ DOCPUSH_MESSAGE_SIZE_LIMIT: String(MIN_MESSAGE_BYTES) })).toEqual([]);
  });

  it('warns about unused MongoDB URL', () => {
    const url = 'mongodb://docpush:s3cret@mongo.example.com/docpush';

    const [warning] = warningsOf({ DOCPUSH_MONGODB_URL: url });

    expect(warning).toMatchObject({ name: 'DOCPUSH_MONGODB_URL', value: null });
    expect(warning.message).toContain('DOCPUSH_JOB_BACKEND is postgres');
    expect(warning.message).not.toContain('s3cret');
    expect(warningsOf({ DOCPUSH_JOB_BACKEND: 'mongodb', DOCPUSH_MONGODB_URL: url })).toEqual([]);
  });
});

describe('start-up with settings at odds with their purpose', () => {
  it('logs them and fails messages over the limit', async () => {
    const logs = captureLogs();
    const listener = await startListener();
    const app = await startTestApp(
      {
        DOCPUSH_ALLOWED_CIDRS: '0.0.0.0/0',
        DOCPUSH_SWEEP_GRACE: '0',
        DOCPUSH_MESSAGE_SIZE_LIMIT: String(MIN_MESSAGE_BYTES - 1),
        // The job store stays in PostgreSQL, so docpush never connects to this URL.
        DOCPUSH_MONGODB_URL: 'mongodb://docpush:s3cret@127.0.0.1:1/docpush',
      },
      { logger: logs.logger },
    );
    try {
      const seeded = await seedWorkspace(app);
      const connection = await createEnabledConnection(app, { url: listener.url });
      const record = await seedRecord(app, seeded, { name: 'x', suite: null, recordType: null });
      await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author);
      const [log] = await waitForLogs(app, { connectionId: connection.id }, 1);

      // The message was as small as a message gets, and still too large.
      expect(log).toMatchObject({ responseCode: 0, outcome: 'FAILED' });
      expect(log.responseError).toContain('DOCPUSH_MESSAGE_SIZE_LIMIT');
      expect(Buffer.byteLength(log.requestBody)).toBeGreaterThanOrEqual(MIN_MESSAGE_BYTES);
      const body = JSON.parse(log.requestBody) as ReturnType<typeof smallestPushPayload>;
      const smallest = smallestPushPayload();
      expect(Object.keys(body)).toEqual(Object.keys(smallest));
      expect(Object.keys(body.event)).toEqual(Object.keys(smallest.event));
      // The smallest message leaves out the optional workflow stage.
      expect(Object.keys(body.documentRecord).filter((key) => key !== 'workflowStage')).toEqual(Object.keys(smallest.documentRecord));
      expect(listener.requests).toEqual([]);
    } finally {
      await app.stop();
      await listener.close();
    }

    const entries = logs.text().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
    const warnings = entries.filter((entry) => entry.level === 40 && typeof entry.setting === 'string');
    expect(warnings.map((entry) => [entry.setting, entry.value])).toEqual([
      ['DOCPUSH_ALLOWED_CIDRS', '0.0.0.0/0'],
      ['DOCPUSH_MESSAGE_SIZE_LIMIT', String(MIN_MESSAGE_BYTES - 1)],
      ['DOCPUSH_MONGODB_URL', null],
      ['DOCPUSH_SWEEP_GRACE', '0'],
    ]);
    expect(warnings[0].msg).toMatch(/^DOCPUSH_ALLOWED_CIDRS entry 0\.0\.0\.0\/0 opens every IPv4 address to deliveries/);
    expect(logs.text()).not.toContain('s3cret');
  });
});

describe('worker start with stored http:// connections', () => {
  it('warns when DOCPUSH_ALLOW_HTTP rejects them', async () => {
    const secretKey = randomBytes(32).toString('base64');
    const api = await startTestApp({ DOCPUSH_ROLE: 'api', DOCPUSH_SECRET_KEY: secretKey });
    const logs = captureLogs();
    try {
      const connection = await createEnabledConnection(api, { url: 'http://127.0.0.1:9/webhook' });
      const worker = await startAppOnDatabase(
        api.databaseUrl,
        { DOCPUSH_ROLE: 'worker', DOCPUSH_SECRET_KEY: secretKey, DOCPUSH_ALLOW_HTTP: 'false', DOCPUSH_ALLOWED_CIDRS: '' },
        { logger: logs.logger },
      );
      await worker.stop();
      const entries = logs.text().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
      const warning = entries.find((entry) => typeof entry.msg === 'string' && entry.msg.includes('http:// URL'));

      expect(warning).toMatchObject({ level: 40, connections: 1, connectionIds: [Number(connection.id)] });
      expect(warning?.msg).toBe(
        '1 enabled push connection has an http:// URL, which DOCPUSH_ALLOW_HTTP=false rejects, so each of their attempts fails without being sent. ' +
          'Change the URLs to https://, disable those connections, or set DOCPUSH_ALLOW_HTTP=true for development.',
      );
    } finally {
      await api.stop();
    }
  });
});
