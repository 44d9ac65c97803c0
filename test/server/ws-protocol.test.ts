import WebSocket from 'ws';
import { startTestApp, type TestApp } from '../support/test-app';
import { bearer, captureLogs } from '../security/security-support';

let app: TestApp;
let logs: ReturnType<typeof captureLogs>;

beforeAll(async () => {
  logs = captureLogs();
  app = await startTestApp({}, { logger: logs.logger });
});

afterAll(async () => {
  await app?.stop();
});

/**
 * Opens a graphql-transport-ws socket, authenticates it, sends `message` once the server
 * acknowledged, and returns the close code and reason.
 */
async function closeAfter(message: Record<string, unknown>): Promise<{ code: number; reason: string }> {
  const socket = new WebSocket(app.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
  socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: bearer(app.adminKey) } })));
  socket.once('message', () => socket.send(JSON.stringify(message)));
  return closed;
}

describe('graphql-ws message that only a server sends', () => {
  it.each([
    ['next', { type: 'next', id: '1', payload: { data: {} } }],
    ['error', { type: 'error', id: '1', payload: [{ message: 'from the client' }] }],
    ['connection_ack', { type: 'connection_ack' }],
  ])('closes the socket with 4400 for %s', async (type, message) => {
    const closed = await closeAfter(message);

    expect(closed).toEqual({ code: 4400, reason: `Unexpected message of type ${type} received` });
    expect(logs.text()).not.toContain('graphql-ws message handling failed');
  });
});
