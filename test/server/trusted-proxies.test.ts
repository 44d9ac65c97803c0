import http from 'node:http';
import WebSocket from 'ws';
import { CloseCode, createClient, type Client } from 'graphql-ws';
import { startTestApp, type TestApp } from '../support/test-app';
import { waitFor } from '../support/wait';
import { captureLogs } from '../security/security-support';
import { parseAddressList } from '../../src/security/address-policy';
import { clientAddress, MAX_FORWARDED_HOPS } from '../../src/server/client-address';
import { unauthenticatedLimitReason } from '../../src/server/ws-connection-limits';

/** One unauthenticated connection per client address, so that a second one shows which address it was counted under. */
const MAX_UNAUTHENTICATED_PER_ADDRESS = 1;

/** The TCP peer of every test connection that does not bind another local address. */
const PROXY_ADDRESS = '127.0.0.1';

/** A second loopback address, which DOCPUSH_TRUSTED_PROXIES does not contain. */
const UNTRUSTED_PEER_ADDRESS = '127.0.0.2';

let behindProxy: TestApp;
let behindProxyLogs: ReturnType<typeof captureLogs>;
let direct: TestApp;
let directLogs: ReturnType<typeof captureLogs>;
const clients: Client[] = [];

beforeAll(async () => {
  behindProxyLogs = captureLogs();
  behindProxy = await startTestApp(
    {
      DOCPUSH_TRUSTED_PROXIES: `${PROXY_ADDRESS}/32`,
      DOCPUSH_MAX_WS_UNAUTHENTICATED_PER_ADDRESS: String(MAX_UNAUTHENTICATED_PER_ADDRESS),
      DOCPUSH_MAX_WS_OPERATIONS: '1',
    },
    { logger: behindProxyLogs.logger },
  );
  directLogs = captureLogs();
  direct = await startTestApp({ DOCPUSH_MAX_WS_UNAUTHENTICATED_PER_ADDRESS: String(MAX_UNAUTHENTICATED_PER_ADDRESS) }, { logger: directLogs.logger });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.dispose()));
});

afterAll(async () => {
  await behindProxy?.stop();
  await direct?.stop();
});

/** How a test connection reaches the app. */
interface Route {
  /** The X-Forwarded-For header to send; none when undefined. */
  forwardedFor?: string;
  /** The local address to connect from; 127.0.0.1 when undefined. */
  localAddress?: string;
}

/** A graphql-ws client and what it saw. */
interface Probe {
  client: Client;
  /** Resolves once the WebSocket is open, before connection_init is sent. */
  opened: Promise<void>;
  /** Resolves with 'connected' once the server acknowledges connection_init, or with the close code and reason when it closes first. */
  outcome: Promise<{ code: number; reason: string } | 'connected'>;
}

/** Returns a promise that stays pending until the returned `resolve` is called. */
function openGate(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

/**
 * Connects a graphql-ws client with the app's admin key along `route`. With `initGate`, the
 * client sends connection_init only when the gate resolves, so the connection stays
 * unauthenticated, and counted per address, until then.
 */
function connect(app: TestApp, route: Route, initGate: Promise<void> = Promise.resolve()): Probe {
  const headers: Record<string, string> = route.forwardedFor === undefined ? {} : { 'x-forwarded-for': route.forwardedFor };
  const options: WebSocket.ClientOptions = { headers, localAddress: route.localAddress };
  // graphql-ws constructs the socket as `new WebSocketImpl(url, protocol)`, so the options ride on a subclass.
  const socketClass = class extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, options);
    }
  };
  let resolveOpened!: () => void;
  let resolveOutcome!: (outcome: { code: number; reason: string } | 'connected') => void;
  const opened = new Promise<void>((resolve) => (resolveOpened = resolve));
  const outcome = new Promise<{ code: number; reason: string } | 'connected'>((resolve) => (resolveOutcome = resolve));
  const client = createClient({
    url: app.url.replace(/^http/, 'ws'),
    webSocketImpl: socketClass,
    connectionParams: async () => {
      await initGate;
      return { authorization: `Bearer ${app.adminKey}` };
    },
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => {},
    on: {
      opened: () => resolveOpened(),
      connected: () => resolveOutcome('connected'),
      closed: (event) => {
        const { code, reason } = event as { code: number; reason: string };
        resolveOutcome({ code, reason: String(reason) });
      },
    },
  });
  clients.push(client);
  return { client, opened, outcome };
}

/** Opens a connection along `route` that stays unauthenticated until the returned `authenticate` is called. */
async function holdUnauthenticated(app: TestApp, route: Route): Promise<{ probe: Probe; authenticate: () => void }> {
  const gate = openGate();
  const probe = connect(app, route, gate.promise);
  await probe.opened;
  return { probe, authenticate: gate.resolve };
}

const REJECTED_AT_ADDRESS_LIMIT = { code: CloseCode.Forbidden, reason: unauthenticatedLimitReason(MAX_UNAUTHENTICATED_PER_ADDRESS) };

/** Posts a query without an API key to the app along `route` and returns the response status. */
function postWithoutKey(app: TestApp, route: Route): Promise<number> {
  const url = new URL(app.url);
  const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json' };
  if (route.forwardedFor !== undefined) headers['x-forwarded-for'] = route.forwardedFor;
  return new Promise((resolve, reject) => {
    const request = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers, localAddress: route.localAddress }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.on('error', reject);
    request.end(JSON.stringify({ query: '{ __typename }' }));
  });
}

/** Returns the parsed log lines whose message is `message`. */
function linesWith(logs: ReturnType<typeof captureLogs>, message: string): Array<Record<string, unknown>> {
  return logs
    .text()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.msg === message);
}

const UNAUTHENTICATED_REQUEST_LOG = 'rejected a GraphQL request without a valid API key';

describe('unauthenticated graphql-ws limit behind a trusted proxy', () => {
  it('gives each forwarded client its own limit', async () => {
    const first = await holdUnauthenticated(behindProxy, { forwardedFor: '203.0.113.1' });

    expect(await connect(behindProxy, { forwardedFor: '203.0.113.2' }).outcome).toBe('connected');
    expect(await connect(behindProxy, { forwardedFor: '203.0.113.1' }).outcome).toEqual(REJECTED_AT_ADDRESS_LIMIT);
    first.authenticate();
    expect(await first.probe.outcome).toBe('connected');
  });

  it('counts the nearest untrusted entry only', async () => {
    const first = await holdUnauthenticated(behindProxy, { forwardedFor: '198.51.100.1, 203.0.113.11' });

    // The client wrote the entries left of its own address, so they cannot buy it another slot.
    expect(await connect(behindProxy, { forwardedFor: '198.51.100.2, 203.0.113.11' }).outcome).toEqual(REJECTED_AT_ADDRESS_LIMIT);
    expect(await connect(behindProxy, { forwardedFor: '203.0.113.11, 203.0.113.12' }).outcome).toBe('connected');
    // A second trusted proxy in the chain is skipped.
    expect(await connect(behindProxy, { forwardedFor: `203.0.113.11, ${PROXY_ADDRESS}` }).outcome).toEqual(REJECTED_AT_ADDRESS_LIMIT);
    first.authenticate();
    expect(await first.probe.outcome).toBe('connected');
  });

  it('counts malformed entries as the proxy', async () => {
    const first = await holdUnauthenticated(behindProxy, {});

    for (const forwardedFor of ['garbage', '203.0.113.21:4711', '[2001:db8::1]', '203.0.113.21, ', 'unknown']) {
      expect({ forwardedFor, outcome: await connect(behindProxy, { forwardedFor }).outcome }).toEqual({ forwardedFor, outcome: REJECTED_AT_ADDRESS_LIMIT });
    }
    expect(await connect(behindProxy, { forwardedFor: '203.0.113.21' }).outcome).toBe('connected');
    first.authenticate();
    expect(await first.probe.outcome).toBe('connected');
  });

  it('ignores the header from an untrusted peer', async () => {
    const first = await holdUnauthenticated(behindProxy, { forwardedFor: '203.0.113.31', localAddress: UNTRUSTED_PEER_ADDRESS });

    expect(await connect(behindProxy, { forwardedFor: '203.0.113.32', localAddress: UNTRUSTED_PEER_ADDRESS }).outcome).toEqual(REJECTED_AT_ADDRESS_LIMIT);
    // The untrusted peer's connections count under its own address, which the trusted proxy may also forward.
    expect(await connect(behindProxy, { forwardedFor: UNTRUSTED_PEER_ADDRESS }).outcome).toEqual(REJECTED_AT_ADDRESS_LIMIT);
    expect(await connect(behindProxy, { forwardedFor: '203.0.113.31' }).outcome).toBe('connected');
    first.authenticate();
    expect(await first.probe.outcome).toBe('connected');
  });
});

describe('client addresses in logs behind a trusted proxy', () => {
  it('logs the client and the proxy of an HTTP request', async () => {
    expect(await postWithoutKey(behindProxy, { forwardedFor: '198.51.100.9, 203.0.113.41' })).toBe(401);
    const forwarded = linesWith(behindProxyLogs, UNAUTHENTICATED_REQUEST_LOG).at(-1);
    expect(await postWithoutKey(behindProxy, {})).toBe(401);
    const direct = linesWith(behindProxyLogs, UNAUTHENTICATED_REQUEST_LOG).at(-1);

    expect(forwarded?.remoteAddress).toBe('203.0.113.41');
    expect(forwarded?.peerAddress).toBe(PROXY_ADDRESS);
    // A request that the proxy sends on its own behalf has no second address to log.
    expect(direct?.remoteAddress).toBe(PROXY_ADDRESS);
    expect(direct).not.toHaveProperty('peerAddress');
  });

  it('logs the client and the proxy of a graphql-ws connection', async () => {
    const probe = connect(behindProxy, { forwardedFor: '203.0.113.42' });
    expect(await probe.outcome).toBe('connected');
    const feed = behindProxy.app.services.connectionStatusFeed;
    const subscribersBefore = feed.subscriberCount;
    probe.client.subscribe({ query: 'subscription { pushConnectionStatus { change } }' }, { next: () => {}, error: () => {}, complete: () => {} });
    await waitFor(() => feed.subscriberCount > subscribersBefore, { description: 'the pushConnectionStatus subscription' });

    // DOCPUSH_MAX_WS_OPERATIONS is 1, so this operation is rejected, and the rejection logged.
    const rejected = await new Promise<unknown>((resolve) => {
      probe.client.subscribe({ query: '{ __typename }' }, { next: () => {}, error: resolve, complete: () => resolve(null) });
    });

    expect(rejected).toEqual([expect.objectContaining({ extensions: { code: 'TOO_MANY_OPERATIONS' } })]);
    const line = linesWith(behindProxyLogs, 'graphql-ws connection reached DOCPUSH_MAX_WS_OPERATIONS, so its further operations are rejected until some end').at(-1);
    expect(line?.remoteAddress).toBe('203.0.113.42');
    expect(line?.peerAddress).toBe(PROXY_ADDRESS);
  });
});

describe('IPv4-mapped DOCPUSH_TRUSTED_PROXIES entry', () => {
  it('trusts the proxy on an IPv4 listener', async () => {
    const logs = captureLogs();
    // HOST is 127.0.0.1, so the TCP peer is 127.0.0.1 and never ::ffff:127.0.0.1.
    const app = await startTestApp({ DOCPUSH_TRUSTED_PROXIES: `::ffff:${PROXY_ADDRESS}` }, { logger: logs.logger });
    try {
      expect(await postWithoutKey(app, { forwardedFor: '203.0.113.61' })).toBe(401);
    } finally {
      await app.stop();
    }

    const line = linesWith(logs, UNAUTHENTICATED_REQUEST_LOG).at(-1);
    expect(line?.remoteAddress).toBe('203.0.113.61');
    expect(line?.peerAddress).toBe(PROXY_ADDRESS);
  });
});

describe('X-Forwarded-For without DOCPUSH_TRUSTED_PROXIES', () => {
  it('is ignored by default', async () => {
    expect(direct.app.services.config.api.trustedProxies).toEqual([]);

    const first = await holdUnauthenticated(direct, { forwardedFor: '203.0.113.51' });
    expect(await connect(direct, { forwardedFor: '203.0.113.52' }).outcome).toEqual(REJECTED_AT_ADDRESS_LIMIT);
    first.authenticate();
    expect(await first.probe.outcome).toBe('connected');

    expect(await postWithoutKey(direct, { forwardedFor: '203.0.113.53' })).toBe(401);
    const line = linesWith(directLogs, UNAUTHENTICATED_REQUEST_LOG).at(-1);
    expect(line?.remoteAddress).toBe(PROXY_ADDRESS);
    expect(line).not.toHaveProperty('peerAddress');
    expect(directLogs.text()).not.toContain('203.0.113.5');
  });
});

describe('clientAddress', () => {
  const trusted = parseAddressList(['127.0.0.1', '10.0.0.0/8'], 'DOCPUSH_TRUSTED_PROXIES');

  it.each([
    ['a trusted peer without the header', '127.0.0.1', undefined, '127.0.0.1'],
    ['one forwarded client', '127.0.0.1', '203.0.113.1', '203.0.113.1'],
    ['an IPv4-mapped trusted peer', '::ffff:127.0.0.1', '203.0.113.1', '203.0.113.1'],
    ['an untrusted peer', '192.0.2.1', '203.0.113.1', '192.0.2.1'],
    ['entries the client wrote', '127.0.0.1', '198.51.100.1, 203.0.113.1', '203.0.113.1'],
    ['a trusted proxy in the chain', '127.0.0.1', '203.0.113.1,10.1.2.3', '203.0.113.1'],
    ['only trusted entries', '127.0.0.1', '10.0.0.1, 10.0.0.2', '10.0.0.1'],
    ['garbage left of the client', '127.0.0.1', 'garbage, 203.0.113.1', '203.0.113.1'],
    ['garbage right of the client', '127.0.0.1', '203.0.113.1, garbage', '127.0.0.1'],
    ['garbage left of trusted entries', '127.0.0.1', 'garbage, 10.0.0.1', '127.0.0.1'],
    ['an empty header', '127.0.0.1', '', '127.0.0.1'],
    ['an empty entry', '127.0.0.1', '203.0.113.1,,10.0.0.1', '127.0.0.1'],
    ['an address with a port', '127.0.0.1', '203.0.113.1:4711', '127.0.0.1'],
    ['a bracketed IPv6 address', '127.0.0.1', '[2001:db8::1]', '127.0.0.1'],
    ['an IPv6 client', '127.0.0.1', '2001:db8::1', '2001:db8::1'],
    ['a closed socket', undefined, '203.0.113.1', undefined],
  ])('handles %s', (_case, peer, header, expected) => {
    expect(clientAddress(peer, header, trusted)).toBe(expected);
  });

  it('matches IPv4 addresses to IPv4-mapped entries', () => {
    const mapped = parseAddressList(['::ffff:127.0.0.1', '::ffff:10.0.0.0/104'], 'DOCPUSH_TRUSTED_PROXIES');

    expect(clientAddress('127.0.0.1', '203.0.113.1', mapped)).toBe('203.0.113.1');
    expect(clientAddress('::ffff:127.0.0.1', '203.0.113.1', mapped)).toBe('203.0.113.1');
    expect(clientAddress('127.0.0.1', '203.0.113.1, 10.1.2.3', mapped)).toBe('203.0.113.1');
    expect(clientAddress('127.0.0.2', '203.0.113.1', mapped)).toBe('127.0.0.2');
  });

  it('reads at most MAX_FORWARDED_HOPS entries', () => {
    const proxies = (count: number) => Array.from({ length: count }, (_, index) => `10.0.${index >> 8}.${index & 255}`);

    expect(clientAddress('127.0.0.1', ['203.0.113.1', ...proxies(MAX_FORWARDED_HOPS - 1)].join(', '), trusted)).toBe('203.0.113.1');
    expect(clientAddress('127.0.0.1', ['203.0.113.1', ...proxies(MAX_FORWARDED_HOPS)].join(', '), trusted)).toBe('127.0.0.1');
  });

  it('trusts nothing with an empty list', () => {
    expect(clientAddress('127.0.0.1', '203.0.113.1', parseAddressList([], 'DOCPUSH_TRUSTED_PROXIES'))).toBe('127.0.0.1');
  });
});
