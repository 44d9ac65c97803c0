/**
 * deliveryLog after the process's LISTEN connection is lost. The test keeps the listener from
 * reconnecting by disallowing new connections to the test database, writes push log rows in
 * that time, whose notifications no listener receives, then allows connections again.
 */
import pg from 'pg';
import { parse } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { startTestApp, type TestApp } from '../support/test-app';
import { startListener, type TestListener } from '../support/listener';
import { seedWorkspace, seedRecord, recordEvent, type SeededWorkspace } from '../support/fixtures';
import { findListenBackendPids } from '../support/listen-backends';
import { countActiveQueries } from '../support/test-database';
import { waitFor } from '../support/wait';
import { subscribeAttached } from '../support/feed-subscribers';
import { DocumentRecordEventType } from '../../src/records/event-type';
import { DELIVERY_LOG_CHANNEL, MAX_CATCH_UP_ROWS, deliveryLogNotifications } from '../../src/delivery/delivery-log.feed';
import { collectSubscription, createEnabledConnection, createWatchedConnection, endStatusSubscriptions, WAIT_TIMEOUT_MS } from '../reliability/reliability-support';
import { createOtherWorkspace } from '../security/security-support';
import { DeliveryLogDocument } from '../generated/graphql';

/** A subscription that selects no large field. */
const SUMMARY_SUBSCRIPTION = parse('subscription { deliveryLog { id outcome } }') as TypedDocumentNode<
  { deliveryLog: { id: string; outcome: string } },
  Record<string, never>
>;

/** A subscription that selects one large field, responseBody. */
const RESPONSE_SUBSCRIPTION = parse('subscription { deliveryLog { id responseBody } }') as TypedDocumentNode<
  { deliveryLog: { id: string; responseBody: string } },
  Record<string, never>
>;

let app: TestApp;
let seeded: SeededWorkspace;
let listener: TestListener;
/** A connection to the test database, opened before connections are disallowed. */
let client: pg.Client;
/** A connection to the server's postgres database, because a database cannot disallow connections to itself. */
let admin: pg.Client;
let databaseName: string;

beforeAll(async () => {
  app = await startTestApp();
  seeded = await seedWorkspace(app);
  listener = await startListener();
  client = new pg.Client({ connectionString: app.databaseUrl });
  await client.connect();
  databaseName = (await client.query<{ name: string }>('select current_database() as name')).rows[0].name;
  const adminUrl = new URL(app.databaseUrl);
  adminUrl.pathname = '/postgres';
  admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
});

afterEach(async () => {
  await endStatusSubscriptions(app);
});

afterAll(async () => {
  await admin?.query(`alter database "${databaseName}" allow_connections true`).catch(() => undefined);
  await admin?.end();
  await client?.end();
  await listener?.close();
  await app?.stop();
});

/** Delivers one event to a new connection and a new subscriber, and returns both with the streamed row's id. */
async function deliverOneStreamed() {
  const connection = await createEnabledConnection(app, { url: listener.url });
  const stream = await subscribeAttached(app.app.services.deliveryLogFeed, () => collectSubscription(app.wsClient(), DeliveryLogDocument, { connectionId: connection.id }), {
    name: 'deliveryLog',
  });
  const record = await seedRecord(app, seeded);
  await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author);
  const [first] = await stream.waitForCount(1);
  return { connection, stream, firstId: first.deliveryLog.id };
}

/**
 * Terminates the LISTEN connection while new connections are disallowed, runs `write` once the
 * listener has noticed the loss, and allows connections again.
 */
async function whileListenIsLost(write: () => Promise<void>): Promise<void> {
  const [listenPid] = await findListenBackendPids(app.databaseUrl);
  await admin.query(`alter database "${databaseName}" allow_connections false`);
  await admin.query('select pg_terminate_backend($1)', [listenPid]);
  await waitFor(() => !app.app.services.channelListener.connected, { description: 'the lost LISTEN connection' });
  await write();
  await admin.query(`alter database "${databaseName}" allow_connections true`);
}

/**
 * Inserts `count` copies of push log row `id`, created now a microsecond apart because copies of
 * one attempt need times of their own, and returns the new ids in ascending order. The copies
 * belong to `workspaceId` when it is given, else to the row's workspace.
 */
async function copyLogRow(id: string, count: number, workspaceId?: number): Promise<string[]> {
  const columns = (
    await client.query<{ name: string }>(
      `select column_name as name from information_schema.columns where table_name = 'push_logs' and column_name not in ('id', 'created_at', 'workspace_id') order by ordinal_position`,
    )
  ).rows.map((row) => `"${row.name}"`);
  const list = columns.join(', ');
  const inserted = await client.query<{ id: string }>(
    `insert into push_logs (${list}, workspace_id, created_at)
     select ${list}, coalesce($3::int, workspace_id), now() + n * interval '1 microsecond' from push_logs, generate_series(1, $2) n where id = $1
     returning id`,
    [id, count, workspaceId ?? null],
  );
  return inserted.rows.map((row) => String(row.id)).sort((a, b) => Number(a) - Number(b));
}

describe('deliveryLog after a lost LISTEN connection', () => {
  it('streams rows written meanwhile once', async () => {
    const { stream, firstId } = await deliverOneStreamed();
    let written: string[] = [];

    await whileListenIsLost(async () => {
      written = await copyLogRow(firstId, 5);
    });

    await stream.waitForCount(6, WAIT_TIMEOUT_MS);
    const streamedIds = stream.received.map((event) => event.deliveryLog.id);
    expect(streamedIds).toEqual([firstId, ...written]);
    stream.unsubscribe();
  });

  it('streams a caught-up row once', async () => {
    const { stream, firstId } = await deliverOneStreamed();
    let missed: string[] = [];

    await whileListenIsLost(async () => {
      missed = await copyLogRow(firstId, 2);
    });
    await stream.waitForCount(1 + missed.length, WAIT_TIMEOUT_MS);

    // A transaction that commits while the listener reconnects is read by the catch-up and also
    // notified on the new LISTEN connection. Its notification is sent here after the catch-up,
    // followed by one for a new row, which arrives after the duplicate has been handled.
    for (const payload of deliveryLogNotifications(missed.map(Number))) {
      await client.query(`select pg_notify('${DELIVERY_LOG_CHANNEL}', $1)`, [payload]);
    }
    const [latest] = await copyLogRow(firstId, 1);
    await client.query(`select pg_notify('${DELIVERY_LOG_CHANNEL}', $1)`, [deliveryLogNotifications([Number(latest)])[0]]);

    await stream.waitForCount(2 + missed.length, WAIT_TIMEOUT_MS);
    const streamedIds = stream.received.map((event) => event.deliveryLog.id);
    expect(streamedIds).toEqual([firstId, ...missed, latest]);
    stream.unsubscribe();
  });

  it('counts only missed rows against the limit', async () => {
    const { stream, firstId } = await deliverOneStreamed();
    // More rows than the limit, streamed before the loss: the catch-up reads them again but skips them.
    const streamedBefore = await copyLogRow(firstId, MAX_CATCH_UP_ROWS + 100);
    for (const payload of deliveryLogNotifications(streamedBefore.map(Number))) {
      await client.query(`select pg_notify('${DELIVERY_LOG_CHANNEL}', $1)`, [payload]);
    }
    await stream.waitForCount(1 + streamedBefore.length, WAIT_TIMEOUT_MS);
    let missed: string[] = [];

    await whileListenIsLost(async () => {
      missed = await copyLogRow(firstId, 5);
    });

    await stream.waitForCount(1 + streamedBefore.length + missed.length, WAIT_TIMEOUT_MS);
    const streamedIds = stream.received.map((event) => event.deliveryLog.id);
    expect(streamedIds).toEqual([firstId, ...streamedBefore, ...missed]);
    stream.unsubscribe();
  });

  it('streams a held catch-up to new clients', async () => {
    const feed = app.app.services.deliveryLogFeed;
    const { stream, firstId } = await deliverOneStreamed();
    stream.unsubscribe();
    await waitFor(() => feed.subscriberCount === 0, { description: 'the earlier subscribers to leave' });
    const other = await createOtherWorkspace(app, 'Catch-up workspace');
    const summary = collectSubscription(app.wsClient(other.adminKey), SUMMARY_SUBSCRIPTION, {});
    const locker = new pg.Client({ connectionString: app.databaseUrl });
    await locker.connect();
    let responses: ReturnType<typeof collectSubscription<{ deliveryLog: { id: string; responseBody: string } }, Record<string, never>>> | undefined;
    try {
      await waitFor(() => feed.subscriberCount === 1, { description: 'the summary subscriber' });
      let missed: string[] = [];

      await whileListenIsLost(async () => {
        missed = await copyLogRow(firstId, 2, other.workspaceId);
        // The lock blocks the catch-up, which starts with the summary subscriber only, until the second client subscribes.
        await locker.query('begin');
        await locker.query('lock table push_logs in access exclusive mode');
      });
      await waitFor(async () => (await countActiveQueries(client, 'from push_logs p where p.workspace_id')) > 0, { description: 'the held catch-up' });
      responses = collectSubscription(app.wsClient(other.adminKey), RESPONSE_SUBSCRIPTION, {});
      await waitFor(() => feed.subscriberCount === 2, { description: 'the responseBody subscriber' });
      await locker.query('rollback');

      await summary.waitForCount(missed.length, WAIT_TIMEOUT_MS);
      const [latest] = await copyLogRow(firstId, 1, other.workspaceId);
      await client.query(`select pg_notify('${DELIVERY_LOG_CHANNEL}', $1)`, [deliveryLogNotifications([Number(latest)])[0]]);

      // The catch-up emits before the later load, so a client that has the latest row has every caught-up one.
      const summaryEvents = await summary.waitForCount(missed.length + 1, WAIT_TIMEOUT_MS);
      const responsesReceived = responses.received;
      await waitFor(() => responsesReceived.some((event) => event.deliveryLog.id === latest), { description: 'the latest row for the responseBody client' });
      const { rows } = await client.query<{ response_body: string }>('select response_body from push_logs where id = $1', [firstId]);
      expect(summaryEvents.map((event) => event.deliveryLog.id)).toEqual([...missed, latest]);
      expect(responses.received).toEqual([...missed, latest].map((id) => ({ deliveryLog: { id, responseBody: rows[0].response_body } })));
    } finally {
      await locker.query('rollback');
      await locker.end();
      summary.unsubscribe();
      responses?.unsubscribe();
    }
  });

  it('ends subscriptions past the catch-up limit', async () => {
    const { stream, firstId } = await deliverOneStreamed();

    await whileListenIsLost(async () => {
      await copyLogRow(firstId, MAX_CATCH_UP_ROWS + 1);
    });

    await expect(stream.waitForCount(MAX_CATCH_UP_ROWS + 10, WAIT_TIMEOUT_MS)).rejects.toThrow(
      /The deliveryLog subscription ended because the server lost its database notifications for a while and more than 500 push log rows of this workspace were written meanwhile\. Read the rows with pushLogs\(filter: \{ from: \\?"/,
    );
  });

  it('applies the limit per workspace', async () => {
    const { stream: busyStream, firstId } = await deliverOneStreamed();
    const quiet = await createOtherWorkspace(app, 'Quiet workspace');
    const subscribersBefore = app.app.services.deliveryLogFeed.subscriberCount;
    const quietStream = collectSubscription(app.wsClient(quiet.adminKey), DeliveryLogDocument, {});
    await waitFor(() => app.app.services.deliveryLogFeed.subscriberCount > subscribersBefore, { description: 'the quiet workspace subscriber' });
    let quietRows: string[] = [];

    await whileListenIsLost(async () => {
      await copyLogRow(firstId, MAX_CATCH_UP_ROWS + 1);
      quietRows = await copyLogRow(firstId, 3, quiet.workspaceId);
    });

    await expect(busyStream.waitForCount(MAX_CATCH_UP_ROWS + 10, WAIT_TIMEOUT_MS)).rejects.toThrow(
      /more than 500 push log rows .*Read the rows with pushLogs\(filter: \{ from: \\?"/,
    );
    const received = await quietStream.waitForCount(quietRows.length, WAIT_TIMEOUT_MS);
    expect(received.map((event) => event.deliveryLog.id)).toEqual(quietRows);
    quietStream.unsubscribe();
  });
});

describe('pushConnectionStatus after a lost LISTEN connection', () => {
  it('ends with SUBSCRIPTION_ENDED', async () => {
    // The subscription has received the ENABLED event of the connection, so no earlier event can
    // arrive in place of the error.
    const { connection, status: stream } = await createWatchedConnection(app, { url: listener.url });

    // A status change while notifications are lost: the subscriber could never receive it.
    await whileListenIsLost(async () => {
      await client.query('update push_connections set enabled = false where id = $1', [Number(connection.id)]);
    });

    await expect(stream.waitForCount(1, WAIT_TIMEOUT_MS)).rejects.toThrow(
      'The pushConnectionStatus subscription ended because the server lost its database notifications for a while, so status changes may have been missed. ' +
        'Read the current state with pushConnections, then subscribe again.',
    );
  });
});
