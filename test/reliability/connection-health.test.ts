import { startTestApp, dataOf, type TestApp } from '../support/test-app';
import { startListener } from '../support/listener';
import { seedWorkspace, seedRecord, recordEvent, type SeededWorkspace } from '../support/fixtures';
import { waitFor } from '../support/wait';
import { DocumentRecordEventType } from '../../src/records/event-type';
import { PushConnection } from '../../src/connections/push-connection.entity';
import { updateConnectionHealth } from '../../src/delivery/steps/connection-health.step';
import { DisablePushConnectionDocument, EnablePushConnectionDocument, PushConnectionDocument, PushConnectionStatusDocument } from '../generated/graphql';
import {
  collectSubscription,
  createEnabledConnection,
  createWatchedConnection,
  deleteAllConnections,
  endStatusSubscriptions,
  fetchLogsOfMessage,
  waitForMessageState,
  WAIT_TIMEOUT_MS,
  type StatusSubscription,
} from './reliability-support';

// Each test waits for deliveries with deadlines of its own; this bounds the whole test.
jest.setTimeout(90_000);

const DISABLE_AFTER_MS = 800;

let app: TestApp;
let seeded: SeededWorkspace;

beforeAll(async () => {
  app = await startTestApp({
    DOCPUSH_DISABLE_AFTER: `${DISABLE_AFTER_MS}ms`,
    DOCPUSH_RETRY_SCHEDULE: Array(10).fill('150ms').join(','),
    DOCPUSH_RETRY_JITTER: '0',
  });
  seeded = await seedWorkspace(app);
});

afterEach(async () => {
  await endStatusSubscriptions(app);
  await deleteAllConnections(app);
});

afterAll(async () => {
  await app?.stop();
});

async function loadConnection(id: string | number): Promise<PushConnection> {
  return app.app.services.orm.em.fork().findOneOrFail(PushConnection, Number(id));
}

describe('automatic disabling', () => {
  it('disables a connection failing too long, and enabling resumes delivery', async () => {
    let failing = true;
    const listener = await startListener((_request, response) => {
      response.writeHead(failing ? 500 : 200);
      response.end(failing ? 'down' : 'ok');
    });
    try {
      const { connection, status } = await createWatchedConnection(app, { url: listener.url });
      const record = await seedRecord(app, seeded);
      const { messageIds } = await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author);
      const [messageId] = messageIds;

      const [disabled] = await status.waitForCount(1);
      expect(disabled.pushConnectionStatus).toMatchObject({ connectionId: connection.id, change: 'DISABLED_BY_DOCPUSH', enabled: false });
      expect(disabled.pushConnectionStatus.disabledReason).toMatch(/Every delivery attempt has failed since .*longer than 800ms/);

      const stored = dataOf(await app.request(PushConnectionDocument, { id: connection.id })).pushConnection;
      expect(stored.enabled).toBe(false);
      expect(stored.disabledReason).toBe(disabled.pushConnectionStatus.disabledReason);
      const logs = await fetchLogsOfMessage(app, messageId);
      const streakMs = new Date(stored.disabledAt!).getTime() - new Date(logs[0].createdAt).getTime();
      expect(streakMs).toBeGreaterThanOrEqual(DISABLE_AFTER_MS);
      expect(logs.length).toBeLessThan(10);
      expect((await loadConnection(connection.id)).failingSince).toEqual(new Date(disabled.pushConnectionStatus.failingSince!));
      expect(stored.failingSince).toBe(disabled.pushConnectionStatus.failingSince);

      // The message keeps waiting while the connection is disabled, and goes out once it is enabled.
      await waitForMessageState(app, messageId, 'RETRY_SCHEDULED');
      failing = false;
      dataOf(await app.request(EnablePushConnectionDocument, { id: connection.id }));
      const [, enabled] = await status.waitForCount(2);
      expect(enabled.pushConnectionStatus).toMatchObject({ change: 'ENABLED', enabled: true, disabledReason: null, failingSince: null });

      const delivered = await waitForMessageState(app, messageId, 'SUCCEEDED');
      expect(delivered.attempts).toBe(logs.length + 1);
      expect((await loadConnection(connection.id)).failingSince).toBeNull();
      expect(dataOf(await app.request(PushConnectionDocument, { id: connection.id })).pushConnection.failingSince).toBeNull();
      status.unsubscribe();
    } finally {
      await listener.close();
    }
  });

  it('rejects an unknown connection id with NOT_FOUND', async () => {
    const status = collectSubscription(app.wsClient(), PushConnectionStatusDocument, { connectionId: '999999' });
    await expect(status.waitForCount(1)).rejects.toThrow(/NOT_FOUND/);
  });

  it('streams admin disable and enable', async () => {
    const listener = await startListener();
    try {
      const { connection, status } = await createWatchedConnection(app, { url: listener.url });

      dataOf(await app.request(DisablePushConnectionDocument, { id: connection.id }));
      dataOf(await app.request(EnablePushConnectionDocument, { id: connection.id }));
      const events = await status.waitForCount(2);
      expect(events.map((event) => event.pushConnectionStatus.change)).toEqual(['DISABLED', 'ENABLED']);
      expect(events[0].pushConnectionStatus.disabledReason).toBeNull();
      status.unsubscribe();
    } finally {
      await listener.close();
    }
  });
});

describe('disabling a disabled connection', () => {
  /** Enables the connection and returns the status changes streamed up to that ENABLED event. */
  async function enableAndCollectChanges(connectionId: string, status: StatusSubscription): Promise<string[]> {
    dataOf(await app.request(EnablePushConnectionDocument, { id: connectionId }));
    const changes = () => status.received.map((event) => event.pushConnectionStatus.change);
    await waitFor(() => changes().includes('ENABLED'), { timeoutMs: WAIT_TIMEOUT_MS, description: 'the ENABLED status event' });
    status.unsubscribe();
    return changes();
  }

  it('keeps the reason and time of docpush', async () => {
    const { connection, status } = await createWatchedConnection(app, { url: 'http://127.0.0.1:9/webhook' });
    const goneAt = new Date('2026-03-02T08:00:00Z');
    const goneReason = 'The listener answered 410 Gone, so docpush disabled the connection.';
    await app.app.services.orm.em.fork().transactional((tx) =>
      updateConnectionHealth(tx, { connectionId: Number(connection.id), succeeded: false, goneReason, disableAfterMs: DISABLE_AFTER_MS, now: goneAt }),
    );

    const disabled = dataOf(await app.request(DisablePushConnectionDocument, { id: connection.id })).disablePushConnection;

    expect(disabled).toMatchObject({ enabled: false, disabledReason: goneReason, disabledAt: goneAt.toISOString() });
    const stored = await loadConnection(connection.id);
    expect(stored.disabledReason).toBe(goneReason);
    expect(stored.disabledAt).toEqual(goneAt);
    expect(await enableAndCollectChanges(connection.id, status)).toEqual(['DISABLED_BY_DOCPUSH', 'ENABLED']);
  });

  it('keeps the time of the first admin disable', async () => {
    const { connection, status } = await createWatchedConnection(app, { url: 'http://127.0.0.1:9/webhook' });
    const first = dataOf(await app.request(DisablePushConnectionDocument, { id: connection.id })).disablePushConnection;

    const second = dataOf(await app.request(DisablePushConnectionDocument, { id: connection.id })).disablePushConnection;

    expect(first.disabledAt).not.toBeNull();
    expect(second).toEqual(first);
    expect((await loadConnection(connection.id)).disabledAt).toEqual(new Date(first.disabledAt!));
    expect(await enableAndCollectChanges(connection.id, status)).toEqual(['DISABLED', 'ENABLED']);
  });
});

describe('failure streak rule', () => {
  const WINDOW_MS = 5 * 24 * 60 * 60 * 1000;
  const start = new Date('2026-03-02T08:00:00Z');
  const at = (fraction: number) => new Date(start.getTime() + fraction * WINDOW_MS);

  async function recordOutcome(connection: PushConnection, succeeded: boolean, now: Date) {
    const em = app.app.services.orm.em.fork();
    return em.transactional((tx) =>
      updateConnectionHealth(tx, { connectionId: connection.id, succeeded, goneReason: null, disableAfterMs: WINDOW_MS, now }),
    );
  }

  it('counts from the first failure after the last success', async () => {
    const listener = await startListener();
    try {
      const created = await createEnabledConnection(app, { url: listener.url });
      const connection = await loadConnection(created.id);

      expect(await recordOutcome(connection, false, at(0))).toBeNull();
      expect(await recordOutcome(connection, false, at(0.5))).toBeNull();
      expect((await loadConnection(created.id)).failingSince).toEqual(at(0));

      expect(await recordOutcome(connection, true, at(0.6))).toBeNull();
      expect((await loadConnection(created.id)).failingSince).toBeNull();

      expect(await recordOutcome(connection, false, at(1.2))).toBeNull();
      expect(await recordOutcome(connection, false, at(2.19))).toBeNull();
      expect((await loadConnection(created.id)).enabled).toBe(true);

      const disabled = await recordOutcome(connection, false, at(2.2));
      expect(disabled?.cause).toBe('failing');
      expect(disabled?.reason).toContain(at(1.2).toISOString());
      expect(disabled?.reason).toContain('longer than 5d');
      const stored = await loadConnection(created.id);
      expect(stored.enabled).toBe(false);
      expect(stored.disabledAt).toEqual(at(2.2));

      expect(await recordOutcome(connection, false, at(2.3))).toBeNull();
    } finally {
      await listener.close();
    }
  });
});
