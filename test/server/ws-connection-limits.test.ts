import net from 'node:net';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { CloseCode, createClient, type Client } from 'graphql-ws';
import { startTestApp, type TestApp } from '../support/test-app';
import { waitFor } from '../support/wait';
import { waitForNoSubscribers } from '../support/feed-subscribers';
import { addApiKey, captureLogs } from '../security/security-support';
import { loadConfig } from '../../src/config/config';
import { ApiKeyRole } from '../../src/workspace/api-key.entity';
import {
  MAX_CLOSE_REASON_BYTES,
  MAX_UNAUTHENTICATED_BYTES,
  addressGroup,
  keyLimitReason,
  unauthenticatedBytesReason,
  unauthenticatedLimitReason,
} from '../../src/server/ws-connection-limits';

const MAX_PER_KEY = 2;
const MAX_UNAUTHENTICATED_PER_ADDRESS = 2;

let app: TestApp;
let logs: ReturnType<typeof captureLogs>;
let workspaceId: number;
const clients: Client[] = [];
/** Functions that release what a test opened besides graphql-ws clients, such as raw sockets. */
const cleanups: Array<() => void> = [];

beforeAll(async () => {
  logs = captureLogs();
  app = await startTestApp(
    {
      DOCPUSH_MAX_WS_CONNECTIONS_PER_KEY: String(MAX_PER_KEY),
      DOCPUSH_MAX_WS_UNAUTHENTICATED_PER_ADDRESS: String(MAX_UNAUTHENTICATED_PER_ADDRESS),
    },
    { logger: logs.logger },
  );
  const rows: Array<{ workspace_id: number }> = await app.app.services.orm.em.fork().execute('select workspace_id from api_keys limit 1');
  workspaceId = rows[0].workspace_id;
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.dispose()));
  for (const clear of cleanups.splice(0)) clear();
  // connectSubscribed and 'frees a slot' compare the subscriber count with its value before, so
  // no subscription of an earlier test may detach while the next test runs.
  await waitForNoSubscribers(app.app.services.connectionStatusFeed, { name: 'pushConnectionStatus' });
});

afterAll(async () => {
  await app?.stop();
});

/** A graphql-ws client and what it saw. */
interface Probe {
  client: Client;
  /** Resolves once the WebSocket is open, before connection_init is sent. */
  opened: Promise<void>;
  /** Resolves once the server acknowledged connection_init. */
  connected: Promise<void>;
  closed: Promise<{ code: number; reason: string }>;
}

/**
 * Connects a graphql-ws client from 127.0.0.1 with `key`. With `initGate`, the client sends
 * connection_init only when the gate resolves, so the connection stays unauthenticated until then.
 */
function connect(key: string, initGate: Promise<void> = Promise.resolve()): Probe {
  let resolveOpened!: () => void;
  let resolveConnected!: () => void;
  let resolveClosed!: (event: { code: number; reason: string }) => void;
  const probe = {
    opened: new Promise<void>((resolve) => (resolveOpened = resolve)),
    connected: new Promise<void>((resolve) => (resolveConnected = resolve)),
    closed: new Promise<{ code: number; reason: string }>((resolve) => (resolveClosed = resolve)),
  };
  const client = createClient({
    url: app.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: async () => {
      await initGate;
      return { authorization: `Bearer ${key}` };
    },
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => {},
    on: {
      opened: () => resolveOpened(),
      connected: () => resolveConnected(),
      closed: (event) => {
        const { code, reason } = event as { code: number; reason: string };
        resolveClosed({ code, reason: String(reason) });
      },
    },
  });
  clients.push(client);
  return { client, ...probe };
}

/** A raw TCP client that completes the WebSocket upgrade and then sends nothing, not even the reply to a close frame. */
interface SilentSocket {
  /** Resolves with the code of the first close frame that the server sends. */
  closeCode: Promise<number>;
  /** Whether the server has ended the TCP connection. */
  isClosed: () => boolean;
  /** The TCP connection, for a test that sends raw bytes after the upgrade. */
  socket: net.Socket;
}

/**
 * Opens a TCP connection to the app on 127.0.0.1, sends a WebSocket upgrade request for
 * graphql-transport-ws and resolves once the server has switched protocols. It reads what the
 * server sends, so the close frame can be awaited, but never writes again.
 */
function openSilentSocket(): Promise<SilentSocket> {
  const url = new URL(app.url);
  const socket = net.connect({ host: '127.0.0.1', port: Number(url.port) });
  cleanups.push(() => socket.destroy());
  let closed = false;
  socket.on('error', () => {});
  socket.on('close', () => (closed = true));

  return new Promise((resolve, reject) => {
    let resolveCloseCode!: (code: number) => void;
    const closeCode = new Promise<number>((done) => (resolveCloseCode = done));
    let received = Buffer.alloc(0);
    let upgraded = false;
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (!upgraded) {
        const headerEnd = received.indexOf('\r\n\r\n');
        if (headerEnd < 0) return;
        const statusLine = received.subarray(0, received.indexOf('\r\n')).toString();
        if (!statusLine.startsWith('HTTP/1.1 101 ')) {
          reject(new Error(`expected the upgrade to succeed, but the server returned ${statusLine}`));
          return;
        }
        upgraded = true;
        received = received.subarray(headerEnd + 4);
        resolve({ closeCode, isClosed: () => closed, socket });
      }
      // A server frame is unmasked, so the payload of a close frame (opcode 8) starts at byte 2 with the code.
      if (received.length >= 4 && (received[0] & 0x0f) === 8) resolveCloseCode(received.readUInt16BE(2));
    });
    socket.write(
      [
        `GET ${url.pathname} HTTP/1.1`,
        `Host: ${url.host}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
        'Sec-WebSocket-Version: 13',
        'Sec-WebSocket-Protocol: graphql-transport-ws',
        '',
        '',
      ].join('\r\n'),
    );
  });
}

/** Creates `count` ADMIN keys and returns them. */
async function addKeys(count: number): Promise<string[]> {
  const keys: string[] = [];
  for (let index = 0; index < count; index++) keys.push((await addApiKey(app, workspaceId, ApiKeyRole.ADMIN, `Address test key ${index + 1}`)).key);
  return keys;
}

/** Returns a promise that stays pending until the returned `resolve` is called. */
function openGate(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

/** Returns the close code and reason of a connection that the server closes, or 'connected' when it acknowledges connection_init first. */
function outcomeOf(probe: Probe): Promise<{ code: number; reason: string } | 'connected'> {
  return Promise.race([probe.connected.then(() => 'connected' as const), probe.closed]);
}

/** Waits until the server acknowledges connection_init, and fails with the close code and reason when it closes the connection instead. */
async function expectConnected(probe: Probe): Promise<void> {
  expect(await outcomeOf(probe)).toBe('connected');
}

/** Connects with `key` and subscribes to pushConnectionStatus, so that the feed's subscriber count shows when the server has closed the connection. */
async function connectSubscribed(key: string): Promise<Probe> {
  const feed = app.app.services.connectionStatusFeed;
  const subscribersBefore = feed.subscriberCount;
  const probe = connect(key);
  await expectConnected(probe);
  probe.client.subscribe({ query: 'subscription { pushConnectionStatus { change } }' }, { next: () => {}, error: () => {}, complete: () => {} });
  await waitFor(() => feed.subscriberCount > subscribersBefore, { description: 'the pushConnectionStatus subscription' });
  return probe;
}

describe('graphql-ws connections per API key', () => {
  it('rejects a connection above the limit', async () => {
    const { key, id } = await addApiKey(app, workspaceId, ApiKeyRole.ADMIN, 'Limited key');
    for (let index = 0; index < MAX_PER_KEY; index++) await connectSubscribed(key);

    const rejected = connect(key);

    expect(await outcomeOf(rejected)).toEqual({ code: CloseCode.Forbidden, reason: keyLimitReason(id, MAX_PER_KEY) });
    expect(keyLimitReason(id, MAX_PER_KEY)).toBe(
      `Forbidden: API key ${id} has the maximum of 2 open connections (DOCPUSH_MAX_WS_CONNECTIONS_PER_KEY); close one.`,
    );
    expect(logs.text()).toContain('rejected a graphql-ws connection of an API key at DOCPUSH_MAX_WS_CONNECTIONS_PER_KEY');
    expect(logs.text()).toContain(`"apiKeyId":${id}`);
  });

  it('counts each key on its own', async () => {
    const full = await addApiKey(app, workspaceId, ApiKeyRole.ADMIN, 'Key at its limit');
    const other = await addApiKey(app, workspaceId, ApiKeyRole.ADMIN, 'Other key');
    for (let index = 0; index < MAX_PER_KEY; index++) await connectSubscribed(full.key);
    expect(await outcomeOf(connect(full.key))).toMatchObject({ code: CloseCode.Forbidden });

    // These exceed the limit per address, which counts only connections that have not authenticated.
    for (let index = 0; index < MAX_PER_KEY; index++) await connectSubscribed(other.key);

    expect(await outcomeOf(connect(other.key))).toMatchObject({ code: CloseCode.Forbidden });
  });

  it('frees a slot when a connection closes', async () => {
    const { key } = await addApiKey(app, workspaceId, ApiKeyRole.ADMIN, 'Reconnecting key');
    const feed = app.app.services.connectionStatusFeed;
    const [first] = [await connectSubscribed(key), await connectSubscribed(key)];
    expect(await outcomeOf(connect(key))).toMatchObject({ code: CloseCode.Forbidden });

    const subscribersBefore = feed.subscriberCount;
    await first.client.dispose();
    await waitFor(() => feed.subscriberCount < subscribersBefore, { description: 'the server to close the first connection' });

    await expectConnected(connect(key));
  });
});

// Each connection has a key of its own, so that the limit per key cannot reject it.
describe('unauthenticated graphql-ws connections per address', () => {
  it('rejects a socket above the limit', async () => {
    const keys = await addKeys(MAX_UNAUTHENTICATED_PER_ADDRESS + 1);
    const gates = Array.from({ length: MAX_UNAUTHENTICATED_PER_ADDRESS }, () => openGate());
    const waiting = gates.map((gate, index) => connect(keys[index], gate.promise));
    await Promise.all(waiting.map((probe) => probe.opened));

    const rejected = connect(keys[MAX_UNAUTHENTICATED_PER_ADDRESS]);

    expect(await outcomeOf(rejected)).toEqual({ code: CloseCode.Forbidden, reason: unauthenticatedLimitReason(MAX_UNAUTHENTICATED_PER_ADDRESS) });
    expect(unauthenticatedLimitReason(MAX_UNAUTHENTICATED_PER_ADDRESS)).toBe(
      'Forbidden: 2 unauthenticated connections from this address, the maximum (DOCPUSH_MAX_WS_UNAUTHENTICATED_PER_ADDRESS).',
    );
    expect(logs.text()).toContain('rejected a graphql-ws connection from an address at DOCPUSH_MAX_WS_UNAUTHENTICATED_PER_ADDRESS');
    for (const gate of gates) gate.resolve();
    for (const probe of waiting) await expectConnected(probe);
  });

  it('frees a slot once a connection authenticates', async () => {
    const keys = await addKeys(MAX_UNAUTHENTICATED_PER_ADDRESS + 1);
    const gates = Array.from({ length: MAX_UNAUTHENTICATED_PER_ADDRESS }, () => openGate());
    const waiting = gates.map((gate, index) => connect(keys[index], gate.promise));
    await Promise.all(waiting.map((probe) => probe.opened));
    expect(await outcomeOf(connect(keys[MAX_UNAUTHENTICATED_PER_ADDRESS]))).toMatchObject({ code: CloseCode.Forbidden });

    gates[0].resolve();
    await expectConnected(waiting[0]);

    await expectConnected(connect(keys[MAX_UNAUTHENTICATED_PER_ADDRESS]));
    gates[1].resolve();
    await expectConnected(waiting[1]);
  });

  // graphql-ws closes such a socket with 4408 after 3 s, and the peer never completes the
  // closing handshake, which ws would otherwise wait 30 s for.
  it('frees the slots of sockets without connection_init', async () => {
    const keys = await addKeys(2);
    const silent = await Promise.all(Array.from({ length: MAX_UNAUTHENTICATED_PER_ADDRESS }, () => openSilentSocket()));
    expect(await outcomeOf(connect(keys[0]))).toMatchObject({ code: CloseCode.Forbidden });

    expect(await Promise.all(silent.map((socket) => socket.closeCode))).toEqual(silent.map(() => CloseCode.ConnectionInitialisationTimeout));
    await expectConnected(connect(keys[1]));

    await waitFor(() => silent.every((socket) => socket.isClosed()), { timeoutMs: 5_000, description: 'the server to drop the sockets that ignore its close frame' });
  });
});

/** Returns the header of a masked text frame whose payload is `length` bytes long, as a client sends it. */
function textFrameHeader(length: number): Buffer {
  const header = Buffer.alloc(14);
  header[0] = 0x81;
  header[1] = 0x80 | 127;
  header.writeBigUInt64BE(BigInt(length), 2);
  randomBytes(4).copy(header, 10);
  return header;
}

describe('bytes before authentication', () => {
  it('limits only messages before connection_init', async () => {
    const raw = await openSilentSocket();
    const startedAt = Date.now();

    // ws would buffer the whole 10 MiB message, up to DOCPUSH_REQUEST_BODY_LIMIT, before graphql-ws reads it.
    raw.socket.write(textFrameHeader(10 * 1024 * 1024));
    raw.socket.write(Buffer.alloc(4 * MAX_UNAUTHENTICATED_BYTES, 0x61));

    expect(await raw.closeCode).toBe(1009);
    // Well before the 3 s connection_init timeout of graphql-ws, which closes with 4408.
    expect(Date.now() - startedAt).toBeLessThan(2_000);
    await waitFor(() => raw.isClosed(), { timeoutMs: 2_000, description: 'the server to drop the socket' });
    expect(logs.text()).toContain('closed an unauthenticated graphql-ws connection that sent too many bytes before connection_init');
    expect(Buffer.byteLength(unauthenticatedBytesReason(MAX_UNAUTHENTICATED_BYTES))).toBeLessThanOrEqual(MAX_CLOSE_REASON_BYTES);

    // After connection_init, a message may be as large as DOCPUSH_REQUEST_BODY_LIMIT. A variable
    // that the operation does not declare is ignored, so only the message size matters.
    const [key] = await addKeys(1);
    const probe = connect(key);
    await expectConnected(probe);
    const padding = 'x'.repeat(4 * MAX_UNAUTHENTICATED_BYTES);
    const result = await new Promise<unknown>((resolve, reject) => {
      probe.client.subscribe({ query: 'query { __typename }', variables: { padding } }, { next: resolve, error: reject, complete: () => {} });
    });
    expect(result).toEqual({ data: { __typename: 'Query' } });
  });
});

describe('connection limit settings', () => {
  it('default to 100 per key and 50 per address', () => {
    const config = loadConfig({});

    expect(config.api.maxWsConnectionsPerKey).toBe(100);
    expect(config.api.maxWsUnauthenticatedPerAddress).toBe(50);
  });

  it.each([
    ['DOCPUSH_MAX_WS_CONNECTIONS_PER_KEY', '0'],
    ['DOCPUSH_MAX_WS_CONNECTIONS_PER_KEY', '100001'],
    ['DOCPUSH_MAX_WS_UNAUTHENTICATED_PER_ADDRESS', '0'],
    ['DOCPUSH_MAX_WS_UNAUTHENTICATED_PER_ADDRESS', 'many'],
  ])('reject %s=%j', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(`${name}=${JSON.stringify(value)} is invalid: expected an integer from 1 to 100000.`);
  });

  it('close reasons fit largest values', () => {
    const largestKeyId = 2 ** 31 - 1;

    expect(Buffer.byteLength(keyLimitReason(largestKeyId, 100_000))).toBeLessThanOrEqual(MAX_CLOSE_REASON_BYTES);
    expect(Buffer.byteLength(unauthenticatedLimitReason(100_000))).toBeLessThanOrEqual(MAX_CLOSE_REASON_BYTES);
  });
});

describe('addressGroup', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['::ffff:127.0.0.1', '127.0.0.1'],
    ['::1', '0:0:0:0::/64'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:0DB8:0001:0002::7', '2001:db8:1:2::/64'],
    ['2001:db8::', '2001:db8:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['64:ff9b::192.0.2.1', '64:ff9b:0:0::/64'],
    ['unknown', 'unknown'],
  ])('groups %s as %s', (address, group) => {
    expect(addressGroup(address)).toBe(group);
  });
});
