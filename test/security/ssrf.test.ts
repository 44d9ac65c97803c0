import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { startTestApp, type TestApp } from '../support/test-app';
import { seedRecord, seedWorkspace, recordEvent, type SeededWorkspace } from '../support/fixtures';
import { waitFor } from '../support/wait';
import { DocumentRecordEventType } from '../../src/records/event-type';
import type { Resolver } from '../../src/security/target-guard';
import { bearer, okData, postGraphQL, type RawResponse } from './security-support';

/** Host names that the injected resolver resolves; nothing here reaches real DNS. */
const dnsTable = new Map<string, string[]>();
const lookups: string[] = [];

const stubResolver: Resolver = async (hostname) => {
  lookups.push(hostname);
  const addresses = dnsTable.get(hostname);
  if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  return addresses.map((address) => ({ address, family: address.includes(':') ? (6 as const) : (4 as const) }));
};

/** An address outside every forbidden range, used only as a DNS answer: nothing ever connects to it. */
const PUBLIC_ADDRESS = '93.184.216.34';

let app: TestApp;
let seeded: SeededWorkspace;
/** A TCP server on loopback that counts every connection made to it. */
let trap: net.Server;
let trapPort: number;
let trapConnections = 0;

beforeAll(async () => {
  app = await startTestApp({ DOCPUSH_ALLOWED_CIDRS: '', DOCPUSH_ALLOW_HTTP: 'false' }, { resolve: stubResolver });
  seeded = await seedWorkspace(app);
  trap = net.createServer((socket) => {
    trapConnections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
  trapPort = (trap.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => trap?.close(resolve));
  await app?.stop();
});

const CREATE = 'mutation ($input: CreatePushConnectionInput!) { createPushConnection(input: $input) { id url } }';
const UPDATE = 'mutation ($id: ID!, $input: UpdatePushConnectionInput!) { updatePushConnection(id: $id, input: $input) { id url } }';

function createConnection(url: string): Promise<RawResponse> {
  return postGraphQL(app.url, CREATE, { input: { name: 'SSRF probe', url, eventTypes: ['DocumentRecordUpdated'] } }, bearer(app.adminKey));
}

describe('saving a connection', () => {
  it.each([
    ['loopback', 'https://127.0.0.1/', '127.0.0.1', 'loopback'],
    ['IPv4-mapped loopback', 'https://[::ffff:127.0.0.1]/', '::ffff:7f00:1', 'ipv4Mapped:loopback'],
    ['IPv6 loopback', 'https://[::1]:8443/', '::1', 'loopback'],
    ['cloud metadata', 'https://169.254.169.254/latest/meta-data/', '169.254.169.254', 'linkLocal'],
    ['decimal IPv4', 'https://2130706433/', '127.0.0.1', 'loopback'],
    ['hex IPv4', 'https://0x7f.0.0.1/', '127.0.0.1', 'loopback'],
    ['private range', 'https://10.0.0.1/', '10.0.0.1', 'private'],
  ])('rejects a %s URL naming the address and rule', async (_description, url, address, rule) => {
    const lookupsBefore = lookups.length;

    const response = await createConnection(url);

    const error = response.body.errors?.[0];
    expect(error?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'url' });
    expect(error?.message).toContain(`points to ${address}, which is`);
    expect(error?.message).toContain(`(rule ${rule})`);
    expect(error?.message).toContain('DOCPUSH_ALLOWED_CIDRS');
    expect(lookups.length).toBe(lookupsBefore);
  });

  it('rejects a host name that resolves to a private address', async () => {
    dnsTable.set('internal.example.test', ['10.0.0.1']);

    const response = await createConnection('https://internal.example.test/hook');

    const error = response.body.errors?.[0];
    expect(error?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'url' });
    expect(error?.message).toBe(
      'URL "https://internal.example.test/hook" points to 10.0.0.1, which is a private network address (rule private). ' +
        'docpush only delivers to public addresses. For development, add a range that contains it, such as 10.0.0.1/32, to DOCPUSH_ALLOWED_CIDRS.',
    );
    expect(lookups).toContain('internal.example.test');
  });

  it('rejects a host name with a public and a private address', async () => {
    dnsTable.set('split.example.test', [PUBLIC_ADDRESS, '192.168.1.20']);

    const response = await createConnection('https://split.example.test/hook');

    expect(response.body.errors?.[0].message).toContain('points to 192.168.1.20, which is a private network address (rule private)');
  });

  it('rejects plain http, also for a mapped loopback address', async () => {
    const response = await createConnection('http://[::ffff:127.0.0.1]/');

    const error = response.body.errors?.[0];
    expect(error?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'url' });
    expect(error?.message).toBe(
      'URL "http://[::ffff:7f00:1]/" uses plain http, which this server rejects: use https:// (DOCPUSH_ALLOW_HTTP=true allows http for development).',
    );
  });

  it('rejects a forbidden URL on update too', async () => {
    dnsTable.set('hooks.example.test', [PUBLIC_ADDRESS]);
    const created = okData(await createConnection('https://hooks.example.test/hook')).createPushConnection;

    const response = await postGraphQL(app.url, UPDATE, { id: created.id, input: { url: 'https://169.254.169.254/' } }, bearer(app.adminKey));

    expect(response.body.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'url' });
    expect(response.body.errors?.[0].message).toContain('(rule linkLocal)');
    const stored = okData(await postGraphQL(app.url, 'query ($id: ID!) { pushConnection(id: $id) { url } }', { id: created.id }, bearer(app.adminKey)));
    expect(stored.pushConnection.url).toBe('https://hooks.example.test/hook');
  });
});

describe('delivering after the host name changed its address', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['::ffff:127.0.0.1', 'ipv4Mapped:loopback'],
  ])('logs a code 0 attempt for %s and never connects', async (address, rule) => {
    const hostname = `rebind-${rule.replace(':', '-').toLowerCase()}.example.test`;
    dnsTable.set(hostname, [PUBLIC_ADDRESS]);
    const url = `https://${hostname}:${trapPort}/hook`;
    const connection = okData(await createConnection(url)).createPushConnection;

    // The name now points at the trap listener on loopback; the guard must refuse it before connecting.
    dnsTable.set(hostname, [address]);
    okData(await postGraphQL(app.url, 'mutation ($id: ID!) { enablePushConnection(id: $id) { id } }', { id: connection.id }, bearer(app.adminKey)));
    const record = await seedRecord(app, seeded);
    await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author);
    const log = await waitForLog(connection.id);

    expect(log.responseCode).toBe(0);
    expect(log.outcome).toBe('FAILED');
    expect(log.requestUrl).toBe(url);
    expect(log.responseError).toContain(`points to ${address.startsWith('::ffff:') ? '::ffff:127.0.0.1' : address}, which is`);
    expect(log.responseError).toContain(`(rule ${rule})`);
    expect(trapConnections).toBe(0);
  });
});

async function waitForLog(connectionId: string) {
  let log: Record<string, any> | undefined;
  await waitFor(
    async () => {
      const data = okData(
        await postGraphQL(
          app.url,
          'query ($connectionId: ID) { pushLogs(filter: { connectionId: $connectionId }) { edges { node { responseCode outcome requestUrl responseError } } } }',
          { connectionId },
          bearer(app.adminKey),
        ),
      );
      log = data.pushLogs.edges[0]?.node;
      return log !== undefined;
    },
    { description: `a push log row of connection ${connectionId}` },
  );
  return log!;
}
