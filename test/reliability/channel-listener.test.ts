import pg from 'pg';
import pino from 'pino';
import { LISTENER_APPLICATION_NAME, PgChannelListener, type ChannelHandlers } from '../../src/common/pg-channel-listener';
import type { RunningApp } from '../../src/app/app';
import { startAppOnDatabase, startTestApp, type TestApp } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { findListenBackends, findListenBackendPids, terminateBackend } from '../support/listen-backends';
import { waitFor } from '../support/wait';
import { startTcpProxy } from '../support/tcp-proxy';

const silent = pino({ level: 'silent' });

/** Handlers that keep every payload and every reported connection change. */
function recordingHandlers(): ChannelHandlers & { payloads: string[]; changes: boolean[] } {
  const payloads: string[] = [];
  const changes: boolean[] = [];
  return {
    payloads,
    changes,
    onPayload: (payload) => payloads.push(payload),
    onConnectionChange: (connected) => changes.push(connected),
  };
}

describe('PgChannelListener with several channels', () => {
  let database: TestDatabase;
  let notifier: pg.Client;
  let listener: PgChannelListener;

  beforeAll(async () => {
    database = await createTestDatabase();
    notifier = new pg.Client({ connectionString: database.url });
    await notifier.connect();
  });

  beforeEach(() => {
    listener = new PgChannelListener({ connectionString: database.url, logger: silent });
  });

  afterEach(async () => {
    await listener.stop();
    await waitFor(async () => (await findListenBackendPids(database.url)).length === 0, { description: 'the stopped listener to leave the database' });
  });

  afterAll(async () => {
    await notifier?.end();
    await database?.drop();
  });

  async function notify(channel: string, payload: string): Promise<void> {
    await notifier.query('select pg_notify($1, $2)', [channel, payload]);
  }

  it('listens on two channels over one backend', async () => {
    const first = recordingHandlers();
    const second = recordingHandlers();
    await listener.subscribe('shared_first', first);
    await listener.subscribe('shared_second', second);

    await listener.start();
    const backends = await findListenBackends(database.url);
    await notify('shared_first', 'to first');
    await notify('shared_second', 'to second');
    await waitFor(() => second.payloads.length === 1, { description: 'the notification on the second channel' });

    expect(backends).toHaveLength(1);
    expect(backends[0].applicationName).toBe(LISTENER_APPLICATION_NAME);
    expect(first.payloads).toEqual(['to first']);
    expect(second.payloads).toEqual(['to second']);
    expect(first.changes).toEqual([true]);
    expect(second.changes).toEqual([true]);
  });

  it('listens at once on a channel subscribed while connected', async () => {
    const early = recordingHandlers();
    await listener.subscribe('added_early', early);
    await listener.start();
    const backendsBefore = await findListenBackendPids(database.url);

    const late = recordingHandlers();
    await listener.subscribe('added_late', late);
    // Sent as soon as subscribe resolves, so it arrives only if LISTEN has run by then.
    await notify('added_late', 'after subscribe');
    await waitFor(() => late.payloads.length === 1, { description: 'the notification on the channel subscribed late' });

    expect(late.payloads).toEqual(['after subscribe']);
    expect(late.changes).toEqual([true]);
    expect(await findListenBackendPids(database.url)).toEqual(backendsBefore);
  });

  it('keeps the connection for other channels after an unsubscribe', async () => {
    const leaving = recordingHandlers();
    const staying = recordingHandlers();
    const subscription = await listener.subscribe('leaving_channel', leaving);
    await listener.subscribe('staying_channel', staying);
    await listener.start();

    subscription.unsubscribe();
    await notify('leaving_channel', 'too late');
    // Notifications arrive in commit order, so this one arrives after any on the other channel.
    await notify('staying_channel', 'still listening');
    await waitFor(() => staying.payloads.length === 1, { description: 'the notification on the remaining channel' });

    expect(listener.connected).toBe(true);
    expect(leaving.payloads).toEqual([]);
    expect(leaving.changes).toEqual([true, false]);
    expect(staying.changes).toEqual([true]);
  });

  it('listens on every channel again after its backend is terminated', async () => {
    const first = recordingHandlers();
    const second = recordingHandlers();
    await listener.subscribe('relisten_first', first);
    await listener.subscribe('relisten_second', second);
    await listener.start();
    const [backend] = await findListenBackendPids(database.url);

    await terminateBackend(database.url, backend);
    await waitFor(() => first.changes.length === 3 && second.changes.length === 3, { description: 'the listener to report the loss and the reconnect' });
    await notify('relisten_first', 'first after reconnect');
    await notify('relisten_second', 'second after reconnect');
    await waitFor(() => first.payloads.length === 1 && second.payloads.length === 1, { description: 'a notification on each channel after the reconnect' });

    expect(first.changes).toEqual([true, false, true]);
    expect(second.changes).toEqual([true, false, true]);
    expect(first.payloads).toEqual(['first after reconnect']);
    expect(second.payloads).toEqual(['second after reconnect']);
    const backendsAfter = await findListenBackendPids(database.url);
    expect(backendsAfter).toHaveLength(1);
    expect(backendsAfter).not.toContain(backend);
  });

  it('reconnects after a silently dropped connection', async () => {
    const target = new URL(database.url);
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const proxied = new URL(database.url);
    proxied.host = `127.0.0.1:${proxy.port}`;
    const checked = new PgChannelListener({ connectionString: proxied.toString(), logger: silent, healthCheck: { intervalMs: 100, timeoutMs: 300 } });
    const handlers = recordingHandlers();
    try {
      await checked.subscribe('silent_drop', handlers);
      await checked.start();
      await notify('silent_drop', 'before the drop');
      await waitFor(() => handlers.payloads.length === 1, { description: 'the notification before the drop' });
      const confirmedBeforeDrop = checked.lastConfirmedAt!;

      const droppedAt = Date.now();
      proxy.freeze();
      await waitFor(() => handlers.changes.length === 3, { description: 'the listener to report the loss and the reconnect' });
      await notify('silent_drop', 'after the reconnect');
      await waitFor(() => handlers.payloads.length === 2, { description: 'the notification after the reconnect' });

      expect(handlers.changes).toEqual([true, false, true]);
      expect(handlers.payloads).toEqual(['before the drop', 'after the reconnect']);
      expect(confirmedBeforeDrop).toBeLessThanOrEqual(droppedAt);
    } finally {
      await checked.stop();
      await proxy.close();
    }
  });

  it('reports the connection as down to every subscription at stop', async () => {
    const first = recordingHandlers();
    const second = recordingHandlers();
    await listener.subscribe('stopping_first', first);
    await listener.subscribe('stopping_second', second);
    await listener.start();

    await listener.stop();

    expect(listener.connected).toBe(false);
    expect(first.changes).toEqual([true, false]);
    expect(second.changes).toEqual([true, false]);
  });

  it('rejects an invalid channel name', async () => {
    await expect(listener.subscribe('Jobs; drop table x', recordingHandlers())).rejects.toThrow(
      'Channel name "Jobs; drop table x" is invalid: use lower-case letters, digits and underscores.',
    );
  });
});

describe('channel listener of each docpush process', () => {
  let app: TestApp;
  let worker: RunningApp;

  beforeAll(async () => {
    app = await startTestApp();
    worker = await startAppOnDatabase(app.databaseUrl, { DOCPUSH_ROLE: 'worker' });
  }, 30_000);

  afterAll(async () => {
    await worker?.stop();
    await app?.stop();
  });

  it('holds one LISTEN backend per process', async () => {
    // An 'all' process subscribes to five channels and a worker to two. Each process has one connection for all of them.
    const backends = await findListenBackends(app.databaseUrl);

    expect(backends).toHaveLength(2);
    for (const backend of backends) expect(backend.applicationName).toBe(LISTENER_APPLICATION_NAME);
  });
});
