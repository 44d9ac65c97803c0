import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import WebSocket, { WebSocketServer } from 'ws';
import { startTestApp, type TestApp } from '../support/test-app';
import { WsSessions } from '../../src/server/ws-sessions';

let app: TestApp;
let wsServer: WebSocketServer;
let sessions: WsSessions;

beforeAll(async () => {
  app = await startTestApp();
  wsServer = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(wsServer, 'listening');
  sessions = new WsSessions({ orm: app.app.services.orm, logger: pino({ level: 'silent' }), recheckIntervalMs: 3_600_000 });
}, 60_000);

afterAll(async () => {
  await sessions?.stop();
  await new Promise<void>((resolve) => (wsServer ? wsServer.close(() => resolve()) : resolve()));
  await app?.stop();
});

/** Opens a client socket and returns it with the server's end of the connection. */
async function connect(): Promise<{ client: WebSocket; server: WebSocket }> {
  const accepted = once(wsServer, 'connection') as Promise<[WebSocket]>;
  const client = new WebSocket(`ws://127.0.0.1:${(wsServer.address() as AddressInfo).port}`);
  const [server] = await accepted;
  await once(client, 'open');
  return { client, server };
}

describe('WsSessions', () => {
  it('forgets a socket when it closes', async () => {
    const { client, server } = await connect();
    sessions.add(1, server);
    expect(sessions.size).toBe(1);

    const closed = once(server, 'close');
    client.close();
    await closed;

    expect(sessions.size).toBe(0);
  });

  it('skips a socket that closed before registration', async () => {
    // A client that leaves while connection_init is being authenticated closes the socket
    // before onConnect registers it.
    const { client, server } = await connect();
    const closed = once(server, 'close');
    client.terminate();
    await closed;

    sessions.add(2, server);

    expect(sessions.size).toBe(0);
    expect(sessions.closeKey(2, 'revoked')).toBe(0);
  });
});
