import { Writable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import pino from 'pino';
import { parse, print } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { MikroORM } from '@mikro-orm/postgresql';
import { startTestApp, type TestApp } from '../support/test-app';
import { seedWorkspace } from '../support/fixtures';
import { waitFor } from '../support/wait';
import { countActiveQueries } from '../support/test-database';
import { collectSubscription } from '../reliability/reliability-support';
import { DeliveryLogDocument, type DeliveryLogSubscription } from '../generated/graphql';
import { ormOptions } from '../../src/database/orm';
import { createWorkspace } from '../../src/workspace/workspace.service';
import { DeliveryOutcome, PushLog } from '../../src/delivery/push-log.entity';
import { DocumentRecordEventType } from '../../src/records/event-type';
import { DELIVERY_LOG_CHANNEL, DeliveryLogFeed, deliveryLogNotifications, type DeliveryLogFilter } from '../../src/delivery/delivery-log.feed';
import { PUSH_LOG_COLUMNS, type PushLogColumn } from '../../src/delivery/push-log-columns';

/** PostgreSQL's NOTIFY payload limit in a default build: a payload must be shorter than this. */
const POSTGRES_PAYLOAD_LIMIT_BYTES = 8000;

/** The columns that the feed reads only for subscribers that select them. */
const LARGE_COLUMNS: readonly PushLogColumn[] = ['request_headers', 'request_body', 'response_headers', 'response_body'];
const LARGE_PROPERTIES = ['requestHeaders', 'requestBody', 'responseHeaders', 'responseBody'];

/** The columns of the benchmark's subscription, `deliveryLog { messageId attempt outcome }`. */
const SUMMARY_COLUMNS: ReadonlySet<PushLogColumn> = new Set(['message_id', 'attempt', 'outcome']);

/** Large column values that differ from the defaults of insertPushLogs. */
const LARGE_VALUES = {
  requestHeaders: { 'content-type': 'application/json', 'webhook-id': 'msg_large' },
  requestBody: '{"event":{"id":41}}',
  responseHeaders: { 'content-type': 'text/plain' },
  responseBody: 'accepted',
};

interface SummaryEvent {
  log: { __typename: string; logId: string; messageId: string; try: number; outcome: string };
}

/** A subscription that selects no large column, through an alias, a named fragment and an inline fragment. */
const SUMMARY_SUBSCRIPTION = parse(`
  subscription {
    log: deliveryLog { __typename ...Summary }
  }
  fragment Summary on PushLog { logId: id messageId ... on PushLog { try: attempt } outcome }
`) as TypedDocumentNode<SummaryEvent, Record<string, never>>;

interface BodiesEvent {
  deliveryLog: { id: string; sent: string; received: string };
}

/** A subscription that selects both bodies, under aliases, through a named and an inline fragment. */
const BODIES_SUBSCRIPTION = parse(`
  subscription {
    deliveryLog { id ...Request ... on PushLog { received: responseBody } }
  }
  fragment Request on PushLog { sent: requestBody }
`) as TypedDocumentNode<BodiesEvent, Record<string, never>>;

interface ResponseEvent {
  deliveryLog: { id: string; responseCode: number; responseBody: string };
}

/** A subscription that selects one large field, responseBody. */
const RESPONSE_SUBSCRIPTION = parse(`
  subscription {
    deliveryLog { id responseCode responseBody }
  }
`) as TypedDocumentNode<ResponseEvent, Record<string, never>>;

let app: TestApp;
let workspaceA: number;
let workspaceB: number;
let notifier: pg.Client;
/** A feed of its own, with a logger that keeps every line. It shares the app's LISTEN connection. */
let feed: DeliveryLogFeed;
let feedOrm: MikroORM;
let logText: () => string;
/** Log lines written before the current test began. */
let earlierLogLines = 0;
/** Log lines of the app, at level debug. */
let appLogText: () => string;

beforeAll(async () => {
  const appLogs = captureLogs();
  appLogText = appLogs.text;
  app = await startTestApp({}, { logger: appLogs.logger });
  workspaceA = (await seedWorkspace(app)).workspaceId;
  workspaceB = (await createWorkspace(app.app.services.orm.em.fork(), 'Second workspace')).workspace.id;

  notifier = new pg.Client({ connectionString: app.databaseUrl });
  await notifier.connect();

  const captured = captureLogs();
  logText = captured.text;
  feedOrm = await MikroORM.init(ormOptions(app.databaseUrl));
  feed = new DeliveryLogFeed(app.app.services.channelListener, feedOrm, captured.logger);
  await feed.start();
});

afterAll(async () => {
  await feed?.stop();
  await feedOrm?.close(true);
  await notifier?.end();
  await app?.stop();
});

beforeEach(() => {
  earlierLogLines = logLines().length;
});

describe('deliveryLogNotifications', () => {
  it('keeps 5,000 ids below the payload limit', async () => {
    const smallIds = Array.from({ length: 5000 }, (_, index) => index + 1);
    const largeIds = Array.from({ length: 5000 }, (_, index) => Number.MAX_SAFE_INTEGER - index);

    for (const ids of [smallIds, largeIds]) {
      const payloads = deliveryLogNotifications(ids);
      expect(payloads.length).toBeGreaterThan(1);
      for (const payload of payloads) {
        expect(Buffer.byteLength(payload, 'utf8')).toBeLessThan(POSTGRES_PAYLOAD_LIMIT_BYTES);
        const parsed = JSON.parse(payload) as { ids: number[] };
        expect(Object.keys(parsed)).toEqual(['ids']);
        expect(parsed.ids).toEqual([...parsed.ids].sort((a, b) => a - b));
      }
      const covered = payloads.flatMap((payload) => (JSON.parse(payload) as { ids: number[] }).ids);
      expect(covered).toEqual([...ids].sort((a, b) => a - b));

      // PostgreSQL itself accepts every payload.
      await notifier.query('select pg_notify($1, payload) from unnest($2::text[]) as payload', ['docpush_payload_size_check', payloads]);
    }
  });

  it('sorts and deduplicates ids', () => {
    expect(deliveryLogNotifications([30, 10, 20, 10])).toEqual(['{"ids":[10,20,30]}']);
  });

  it('returns no payload for no ids', () => {
    expect(deliveryLogNotifications([])).toEqual([]);
  });

  it('rejects ids that are not positive safe integers', () => {
    for (const id of [0, -4, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1]) {
      expect(() => deliveryLogNotifications([1, id])).toThrow(RangeError);
    }
  });
});

describe('DeliveryLogFeed', () => {
  it('streams a burst of id lists in id order', async () => {
    const subscriber = await subscribe({ workspaceId: workspaceA });
    const ids = await insertPushLogs(workspaceA, 2000);

    await notify(deliveryLogNotifications(ids));

    await waitFor(() => subscriber.received.length >= ids.length, { description: `${ids.length} streamed push logs` });
    expect(subscriber.received.map((log) => log.id)).toEqual(ids);
    const loads = pushLogLoads();
    expect(loads.length).toBeGreaterThanOrEqual(Math.ceil(ids.length / 500));
    expect(loads.length).toBeLessThanOrEqual(Math.ceil(ids.length / 500) + 4);
    await subscriber.close();
  });

  it('coalesces single-id notifications into few loads', async () => {
    const subscriber = await subscribe({ workspaceId: workspaceA });
    const ids = await insertPushLogs(workspaceA, 1000);

    // The form that earlier versions send, one notification per row.
    await notify(ids.map((id) => JSON.stringify({ id, workspaceId: workspaceA })));

    await waitFor(() => subscriber.received.length >= ids.length, { description: `${ids.length} streamed push logs` });
    expect(subscriber.received.map((log) => log.id)).toEqual(ids);
    expect(pushLogLoads().length).toBeLessThanOrEqual(10);
    await subscriber.close();
  });

  it('streams rows only to their workspace', async () => {
    const subscriberA = await subscribe({ workspaceId: workspaceA });
    const subscriberB = await subscribe({ workspaceId: workspaceB });
    const idsB = await insertPushLogs(workspaceB, 5);
    const idsA = await insertPushLogs(workspaceA, 5);

    // B's rows come first, so they are emitted before A's rows arrive.
    await notify([...deliveryLogNotifications(idsB), ...deliveryLogNotifications(idsA)]);

    await waitFor(() => subscriberA.received.length >= idsA.length, { description: "workspace A's push logs" });
    await waitFor(() => subscriberB.received.length >= idsB.length, { description: "workspace B's push logs" });
    expect(subscriberA.received.map((log) => log.id)).toEqual(idsA);
    expect(subscriberB.received.map((log) => log.id)).toEqual(idsB);
    await subscriberA.close();
    await subscriberB.close();
  });

  it('loads only rows of subscribed workspaces', async () => {
    const subscriber = await subscribe({ workspaceId: workspaceA });
    const idsB = await insertPushLogs(workspaceB, 3);
    const idsA = await insertPushLogs(workspaceA, 3);

    await notify(deliveryLogNotifications([...idsB, ...idsA]));

    await waitFor(() => subscriber.received.length >= idsA.length, { description: "workspace A's push logs" });
    expect(subscriber.received.map((log) => log.id)).toEqual(idsA);
    const loads = pushLogLoads();
    expect(loads).toHaveLength(1);
    expect(loads[0]).toEqual({ requested: 6, loaded: 3 });
    await subscriber.close();
  });

  it('ends subscriptions after a failed load', async () => {
    const subscriber = await subscribe({ workspaceId: workspaceA });
    const lostIds = await insertPushLogs(workspaceA, 3);
    const laterIds = await insertPushLogs(workspaceA, 2);
    const lostRows = await app.app.services.orm.em.fork().find(PushLog, { id: { $in: lostIds } });

    await notifier.query('alter table push_logs rename to push_logs_hidden');
    try {
      await notify(deliveryLogNotifications(lostIds));
      await waitFor(() => subscriber.ended() !== null, { description: 'the end of the subscription' });
    } finally {
      await notifier.query('alter table push_logs_hidden rename to push_logs');
    }

    expect(subscriber.received).toEqual([]);
    const message = (subscriber.ended() as Error).message;
    expect(message).toContain('The deliveryLog subscription ended because the server could not read new push log rows from its database.');
    const from = new Date(/pushLogs\(filter: \{ from: "([^"]+)" \}\)/.exec(message)![1]);
    for (const row of lostRows) expect(row.createdAt.getTime()).toBeGreaterThanOrEqual(from.getTime());
    const failure = logLines().find((line) => line.msg === 'failed to load notified push log rows; ending the deliveryLog subscriptions');
    expect(failure).toMatchObject({ level: 50, count: 3, firstId: lostIds[0], lastId: lostIds[2] });

    // A new subscription streams again.
    const again = await subscribe({ workspaceId: workspaceA });
    await notify(deliveryLogNotifications(laterIds));
    await waitFor(() => again.received.length >= laterIds.length, { description: 'push logs after subscribing again' });
    expect(again.received.map((log) => log.id)).toEqual(laterIds);
    await again.close();
  });

  it('ignores invalid payloads and keeps streaming', async () => {
    const subscriber = await subscribe({ workspaceId: workspaceA });
    const ids = await insertPushLogs(workspaceA, 2);

    await notify(['not json', '{"ids":["1"]}', '{"ids":[0]}', '{"workspaceId":1}', ...deliveryLogNotifications(ids)]);

    await waitFor(() => subscriber.received.length >= ids.length, { description: 'push logs after invalid payloads' });
    expect(subscriber.received.map((log) => log.id)).toEqual(ids);
    // Repeats within the warning interval are counted, not logged.
    const warnings = logLines().filter((line) => line.msg === 'ignored an invalid delivery log notification');
    expect(warnings).toHaveLength(1);
    expect(warnings[0].err.message).toContain('not json');
    await subscriber.close();
  });

  it('ends only a subscriber that reads too slowly', async () => {
    const fast = await subscribe({ workspaceId: workspaceA });
    const subscribersBefore = feed.subscriberCount;
    const slow = feed.subscribe({ workspaceId: workspaceA });
    // The first next() starts the subscription; the test reads nothing more until the burst is over.
    const firstOfSlow = slow.next();
    await waitFor(() => feed.subscriberCount > subscribersBefore, { description: 'the slow subscriber' });
    const ids = await insertPushLogs(workspaceA, 1500);

    await notify(deliveryLogNotifications(ids));

    await waitFor(() => fast.received.length >= ids.length, { description: `${ids.length} push logs for the fast subscriber` });
    expect(fast.received.map((log) => log.id)).toEqual(ids);
    expect(feed.subscriberCount).toBe(subscribersBefore);
    expect(logText()).toContain('ended a deliveryLog subscription whose client read too slowly');

    // The slow subscriber still reads the rows that were waiting for it, in order, then the error.
    const slowIds = [(await firstOfSlow).value!.id];
    let ended: unknown = null;
    try {
      for await (const log of slow) slowIds.push(log.id);
    } catch (error) {
      ended = error;
    }
    expect(slowIds.length).toBeGreaterThan(1000);
    expect(slowIds).toEqual(ids.slice(0, slowIds.length));
    // The message names the creation time of the first row the slow subscriber missed.
    const firstMissed = fast.received[slowIds.length];
    expect((ended as Error).message).toBe(
      'The deliveryLog subscription ended because its client read push logs more slowly than they were written. ' +
        `Read the rows it missed with pushLogs(filter: { from: "${new Date(firstMissed.createdAt).toISOString()}" }), then subscribe again.`,
    );
    await fast.close();
  });

  it('applies the connection and outcome filters', async () => {
    const subscriber = await subscribe({ workspaceId: workspaceA, connectionId: 7, outcome: DeliveryOutcome.FAILED });
    const otherConnection = await insertPushLogs(workspaceA, 2, { connectionId: 8, outcome: DeliveryOutcome.FAILED });
    const succeeded = await insertPushLogs(workspaceA, 2, { connectionId: 7, outcome: DeliveryOutcome.SUCCEEDED });
    const matching = await insertPushLogs(workspaceA, 2, { connectionId: 7, outcome: DeliveryOutcome.FAILED });

    await notify(deliveryLogNotifications([...otherConnection, ...succeeded, ...matching]));

    await waitFor(() => subscriber.received.length >= matching.length, { description: 'the matching push logs' });
    expect(subscriber.received.map((log) => log.id)).toEqual(matching);
    await subscriber.close();
  });

  it('reads large columns only for workspaces that select them', async () => {
    const summaryA = await subscribe({ workspaceId: workspaceA }, SUMMARY_COLUMNS);
    const fullA = await subscribe({ workspaceId: workspaceA });
    const summaryB = await subscribe({ workspaceId: workspaceB }, SUMMARY_COLUMNS);
    const idsA = await insertPushLogs(workspaceA, 2, LARGE_VALUES);
    const idsB = await insertPushLogs(workspaceB, 2, LARGE_VALUES);

    await notify(deliveryLogNotifications([...idsA, ...idsB]));

    await waitFor(() => fullA.received.length >= idsA.length && summaryA.received.length >= idsA.length && summaryB.received.length >= idsB.length, {
      description: 'the push logs of both workspaces',
    });
    expect(fullA.received.map((log) => log.id)).toEqual(idsA);
    for (const log of fullA.received) expect(log).toMatchObject({ ...LARGE_VALUES, attempt: 1, outcome: DeliveryOutcome.SUCCEEDED });
    expect(summaryA.received.map((log) => log.id)).toEqual(idsA);
    expect(summaryA.received.map((log) => log.messageId)).toEqual(fullA.received.map((log) => log.messageId));
    expect(summaryB.received.map((log) => log.id)).toEqual(idsB);
    for (const log of summaryB.received) {
      expect(log).toMatchObject({ workspace: { id: workspaceB }, attempt: 1, outcome: DeliveryOutcome.SUCCEEDED });
      expect(log.messageId).toMatch(/^feed-test-/);
      for (const property of LARGE_PROPERTIES) expect(log).not.toHaveProperty(property);
    }
    expect(largeColumnsOfLoads(logLines().slice(earlierLogLines))).toEqual([LARGE_COLUMNS]);
    await Promise.all([summaryA.close(), fullA.close(), summaryB.close()]);
  });

  it('completes rows for mid-load subscribers', async () => {
    const summary = await subscribe({ workspaceId: workspaceA }, SUMMARY_COLUMNS);
    const earlyIds = await insertPushLogs(workspaceA, 3, LARGE_VALUES);
    const locker = new pg.Client({ connectionString: app.databaseUrl });
    await locker.connect();
    let full: Subscriber | undefined;
    try {
      // The lock blocks the load of earlyIds, which reads no large column, until the full subscriber is in place.
      await locker.query('begin');
      await locker.query('lock table push_logs in access exclusive mode');
      await notify(deliveryLogNotifications(earlyIds));
      await waitFor(async () => (await countActiveQueries(notifier, 'from push_logs l where l.id = any')) > 0, { description: 'the held load' });
      full = await subscribe({ workspaceId: workspaceA });
    } finally {
      await locker.query('rollback');
      await locker.end();
    }

    const laterIds = await insertPushLogs(workspaceA, 2, LARGE_VALUES);
    await notify(deliveryLogNotifications(laterIds));

    // The feed emits the held load before the later one, so a full subscriber that has the later rows has every earlier one.
    await waitFor(() => full.received.length >= laterIds.length, { description: 'the rows of the later load' });
    await waitFor(() => summary.received.length >= earlyIds.length + laterIds.length, { description: 'every row for the summary subscriber' });
    expect(full.received.map((log) => log.id)).toEqual([...earlyIds, ...laterIds]);
    for (const log of full.received) expect(log).toMatchObject(LARGE_VALUES);
    expect(summary.received.map((log) => log.id)).toEqual([...earlyIds, ...laterIds]);
    expect(largeColumnsOfLoads(logLines().slice(earlierLogLines))).toEqual([[], LARGE_COLUMNS]);
    const reloads = logLines()
      .slice(earlierLogLines)
      .filter((line) => line.msg === 'loaded the large columns of new subscribers');
    expect(reloads).toHaveLength(1);
    expect(reloads[0]).toMatchObject({ requested: earlyIds.length, loaded: earlyIds.length, workspaceIds: [workspaceA], largeColumns: LARGE_COLUMNS });
    await Promise.all([summary.close(), full.close()]);
  });

  it('completes rows after a reload finds none', async () => {
    const summaryA = await subscribe({ workspaceId: workspaceA }, SUMMARY_COLUMNS);
    const summaryB = await subscribe({ workspaceId: workspaceB }, SUMMARY_COLUMNS);
    const [deletedId] = await insertPushLogs(workspaceA, 1, LARGE_VALUES);
    const [keptId] = await insertPushLogs(workspaceB, 1, LARGE_VALUES);
    const loadLocker = new pg.Client({ connectionString: app.databaseUrl });
    const reloadLocker = new pg.Client({ connectionString: app.databaseUrl });
    await Promise.all([loadLocker.connect(), reloadLocker.connect()]);
    let fullA: Subscriber | undefined;
    let fullB: Subscriber | undefined;
    try {
      // The first lock holds the load, which reads no large column, until the full subscriber of workspace A is in place.
      await loadLocker.query('begin');
      await loadLocker.query('lock table push_logs in access exclusive mode');
      await notify(deliveryLogNotifications([deletedId, keptId]));
      await waitFor(async () => (await countActiveQueries(notifier, 'from push_logs l where l.id = any')) > 0, { description: 'the held load' });
      fullA = await subscribe({ workspaceId: workspaceA });

      // The second lock queues behind the held load, so it holds the reload of workspace A's row.
      // Meanwhile that row is deleted and a full subscriber of workspace B joins.
      await reloadLocker.query('begin');
      const reloadLock = reloadLocker.query('lock table push_logs in access exclusive mode');
      await waitFor(async () => (await countActiveQueries(notifier, 'lock table push_logs')) > 0, { description: 'the queued second lock' });
      await loadLocker.query('rollback');
      await reloadLock;
      await reloadLocker.query('delete from push_logs where id = $1', [deletedId]);
      await waitFor(async () => (await countActiveQueries(notifier, 'from push_logs l where l.id = any')) > 0, { description: 'the held reload' });
      fullB = await subscribe({ workspaceId: workspaceB });
      await reloadLocker.query('commit');
    } finally {
      await Promise.all([loadLocker.query('rollback'), reloadLocker.query('rollback')]);
      await Promise.all([loadLocker.end(), reloadLocker.end()]);
    }

    const [laterId] = await insertPushLogs(workspaceB, 1, LARGE_VALUES);
    await notify(deliveryLogNotifications([laterId]));

    // The feed emits the held load before the later one, so a full subscriber that has the later row has every earlier one.
    await waitFor(() => fullB.received.some((log) => log.id === laterId), { description: 'the later row for the full subscriber of workspace B' });
    expect(fullB.received.map((log) => log.id)).toEqual([keptId, laterId]);
    for (const log of fullB.received) expect(log).toMatchObject(LARGE_VALUES);
    expect(summaryB.received.map((log) => log.id)).toEqual([keptId, laterId]);
    // The deleted row reached the subscriber that selects no large column, and no other.
    expect(summaryA.received.map((log) => log.id)).toEqual([deletedId]);
    expect(fullA.received).toEqual([]);
    await Promise.all([summaryA.close(), summaryB.close(), fullA.close(), fullB.close()]);
  });
});

describe('DeliveryLogFeed without access to the large columns', () => {
  let role: string;
  let restrictedOrm: MikroORM;
  let restrictedFeed: DeliveryLogFeed;
  let restrictedLogText: () => string;

  beforeAll(async () => {
    // A role that may read every push_logs column but the large ones, so that a load that reads them fails.
    role = `docpush_test_feed_${process.pid}_${randomBytes(4).toString('hex')}`;
    const readable = PUSH_LOG_COLUMNS.filter((column) => !LARGE_COLUMNS.includes(column));
    // A password of its own, because the embedded PostgreSQL authenticates by password, unlike a trust setup.
    const password = randomBytes(12).toString('hex');
    await notifier.query(`create role ${role} login password '${password}'`);
    await notifier.query(`grant select (${readable.join(', ')}) on push_logs to ${role}`);
    const url = new URL(app.databaseUrl);
    url.username = role;
    url.password = password;
    const captured = captureLogs();
    restrictedLogText = captured.text;
    restrictedOrm = await MikroORM.init(ormOptions(url.toString()));
    restrictedFeed = new DeliveryLogFeed(app.app.services.channelListener, restrictedOrm, captured.logger);
    await restrictedFeed.start();
  });

  afterAll(async () => {
    await restrictedFeed?.stop();
    await restrictedOrm?.close(true);
    await notifier.query(`drop owned by ${role}`);
    await notifier.query(`drop role if exists ${role}`);
  });

  it('streams rows to summary subscribers', async () => {
    const subscriber = await subscribe({ workspaceId: workspaceA }, SUMMARY_COLUMNS, restrictedFeed);
    const ids = await insertPushLogs(workspaceA, 3, LARGE_VALUES);

    await notify(deliveryLogNotifications(ids));

    await waitFor(
      () => {
        const failure = restrictedLogText()
          .split('\n')
          .find((line) => line.includes('failed to load notified push log rows'));
        if (failure) throw new Error(`The feed failed to load the rows: ${failure}`);
        return subscriber.received.length >= ids.length;
      },
      { description: 'push logs read without the large columns' },
    );
    expect(subscriber.received.map((log) => log.id)).toEqual(ids);
    expect(subscriber.received.map((log) => log.attempt)).toEqual([1, 1, 1]);
    await subscriber.close();
  });
});

describe('deliveryLog subscription', () => {
  it('streams a burst over graphql-ws in id order', async () => {
    const feedOfApp = app.app.services.deliveryLogFeed;
    const subscribersBefore = feedOfApp.subscriberCount;
    const client = app.wsClient();
    const received: DeliveryLogSubscription['deliveryLog'][] = [];
    const failures: unknown[] = [];
    const unsubscribe = client.subscribe<DeliveryLogSubscription>(
      { query: print(DeliveryLogDocument) },
      {
        next: (value) => {
          if (value.data) received.push(value.data.deliveryLog);
        },
        error: (error) => failures.push(error),
        complete: () => undefined,
      },
    );
    await waitFor(() => feedOfApp.subscriberCount > subscribersBefore, { description: 'the deliveryLog subscriber' });
    const ids = await insertPushLogs(workspaceA, 1200);

    await notify(deliveryLogNotifications(ids));

    await waitFor(() => received.length >= ids.length || failures.length > 0, { description: `${ids.length} push logs over graphql-ws` });
    expect(failures).toEqual([]);
    expect(received.map((log) => Number(log.id))).toEqual(ids);
    unsubscribe();
  });

  it('streams the fields selected through fragments and aliases', async () => {
    const feedOfApp = app.app.services.deliveryLogFeed;
    await waitFor(() => feedOfApp.subscriberCount === 0, { description: 'the earlier subscribers to leave' });
    const summary = collectSubscription(app.wsClient(), SUMMARY_SUBSCRIPTION, {});
    const bodies = collectSubscription(app.wsClient(), BODIES_SUBSCRIPTION, {});
    try {
      await waitFor(() => feedOfApp.subscriberCount === 2, { description: 'both deliveryLog subscribers' });
      const appLinesBefore = appLogLines().length;
      const [id] = await insertPushLogs(workspaceA, 1, LARGE_VALUES);

      await notify(deliveryLogNotifications([id]));

      const [summaryEvent] = await summary.waitForCount(1);
      const [bodiesEvent] = await bodies.waitForCount(1);
      expect(summaryEvent).toEqual({
        log: { __typename: 'PushLog', logId: String(id), messageId: expect.stringMatching(/^feed-test-/), try: 1, outcome: 'SUCCEEDED' },
      });
      expect(bodiesEvent).toEqual({ deliveryLog: { id: String(id), sent: LARGE_VALUES.requestBody, received: LARGE_VALUES.responseBody } });
      expect(largeColumnsOfLoads(appLogLines().slice(appLinesBefore))).toEqual([['request_body', 'response_body']]);
    } finally {
      summary.unsubscribe();
      bodies.unsubscribe();
    }
  });

  it('streams a held load to new clients', async () => {
    const feedOfApp = app.app.services.deliveryLogFeed;
    await waitFor(() => feedOfApp.subscriberCount === 0, { description: 'the earlier subscribers to leave' });
    const summary = collectSubscription(app.wsClient(), SUMMARY_SUBSCRIPTION, {});
    const locker = new pg.Client({ connectionString: app.databaseUrl });
    await locker.connect();
    let responses: ReturnType<typeof collectSubscription<ResponseEvent, Record<string, never>>> | undefined;
    try {
      await waitFor(() => feedOfApp.subscriberCount === 1, { description: 'the summary subscriber' });
      const appLinesBefore = appLogLines().length;
      const [heldId] = await insertPushLogs(workspaceA, 1, LARGE_VALUES);

      // The lock blocks the load of the row, which reads no large column, until the second client subscribes.
      await locker.query('begin');
      await locker.query('lock table push_logs in access exclusive mode');
      await notify(deliveryLogNotifications([heldId]));
      await waitFor(async () => (await countActiveQueries(notifier, 'from push_logs l where l.id = any')) > 0, { description: 'the held load' });
      responses = collectSubscription(app.wsClient(), RESPONSE_SUBSCRIPTION, {});
      await waitFor(() => feedOfApp.subscriberCount === 2, { description: 'the responseBody subscriber' });
      await locker.query('rollback');

      await summary.waitForCount(1);
      const [laterId] = await insertPushLogs(workspaceA, 1, LARGE_VALUES);
      await notify(deliveryLogNotifications([laterId]));

      // The feed emits the held load before the later one, so a client that has the later row has every earlier one.
      const summaryEvents = await summary.waitForCount(2);
      const responsesReceived = responses.received;
      await waitFor(() => responsesReceived.some((event) => event.deliveryLog.id === String(laterId)), { description: 'the later row for the responseBody client' });
      expect(summaryEvents.map((event) => event.log.logId)).toEqual([String(heldId), String(laterId)]);
      expect(summaryEvents[0]).toEqual({
        log: { __typename: 'PushLog', logId: String(heldId), messageId: expect.stringMatching(/^feed-test-/), try: 1, outcome: 'SUCCEEDED' },
      });
      expect(responses.received).toEqual([
        { deliveryLog: { id: String(heldId), responseCode: 200, responseBody: LARGE_VALUES.responseBody } },
        { deliveryLog: { id: String(laterId), responseCode: 200, responseBody: LARGE_VALUES.responseBody } },
      ]);
      expect(largeColumnsOfLoads(appLogLines().slice(appLinesBefore))).toEqual([[], ['response_body']]);
      const reloads = appLogLines()
        .slice(appLinesBefore)
        .filter((line) => line.msg === 'loaded the large columns of new subscribers');
      expect(reloads).toHaveLength(1);
      expect(reloads[0]).toMatchObject({ requested: 1, loaded: 1, largeColumns: ['response_body'] });
    } finally {
      await locker.query('rollback');
      await locker.end();
      summary.unsubscribe();
      responses?.unsubscribe();
    }
  });

  it('reads no large column for summary subscriptions', async () => {
    const feedOfApp = app.app.services.deliveryLogFeed;
    await waitFor(() => feedOfApp.subscriberCount === 0, { description: 'the earlier subscribers to leave' });
    const summary = collectSubscription(app.wsClient(), SUMMARY_SUBSCRIPTION, {});
    try {
      await waitFor(() => feedOfApp.subscriberCount === 1, { description: 'the deliveryLog subscriber' });
      const appLinesBefore = appLogLines().length;
      const ids = await insertPushLogs(workspaceA, 2, LARGE_VALUES);

      await notify(deliveryLogNotifications(ids));

      const events = await summary.waitForCount(ids.length);
      expect(events.map((event) => event.log.logId)).toEqual(ids.map(String));
      expect(largeColumnsOfLoads(appLogLines().slice(appLinesBefore))).toEqual([[]]);
    } finally {
      summary.unsubscribe();
    }
  });
});

interface Subscriber {
  received: PushLog[];
  /** The error that ended the subscription, or null while it runs or after it ended without one. */
  ended(): unknown;
  close(): Promise<void>;
}

/**
 * Subscribes to `target`, the test's feed by default, with the columns that `columns` names
 * (every column by default), reads every row into `received`, and waits until the subscription is in place.
 */
async function subscribe(filter: DeliveryLogFilter, columns?: ReadonlySet<PushLogColumn>, target: DeliveryLogFeed = feed): Promise<Subscriber> {
  const subscribersBefore = target.subscriberCount;
  const iterator = target.subscribe(filter, columns);
  const received: PushLog[] = [];
  let endError: unknown = null;
  const reading = (async () => {
    try {
      for await (const log of iterator) received.push(log);
    } catch (error) {
      endError = error;
    }
  })();
  await waitFor(() => target.subscriberCount > subscribersBefore, { description: 'the feed subscriber' });
  return {
    received,
    ended: () => endError,
    close: async () => {
      await iterator.return?.();
      await reading;
    },
  };
}

let insertedLogs = 0;

/** Writes `count` push log rows, each of its own message, and returns their ids in ascending order. */
async function insertPushLogs(
  workspaceId: number,
  count: number,
  overrides: Partial<Pick<PushLog, 'connectionId' | 'outcome' | 'requestHeaders' | 'requestBody' | 'responseHeaders' | 'responseBody'>> = {},
): Promise<number[]> {
  const em = app.app.services.orm.em.fork();
  const logs = Array.from({ length: count }, (_, index) =>
    em.create(PushLog, {
      workspace: workspaceId,
      connectionId: overrides.connectionId ?? 1,
      connectionName: 'CRM',
      eventId: index + 1,
      eventType: DocumentRecordEventType.DocumentRecordUpdated,
      // One attempt has one row per time, so rows written in the same millisecond need message ids of their own.
      messageId: `feed-test-${workspaceId}-${++insertedLogs}`,
      attempt: 1,
      requestUrl: 'https://hooks.example.com/docpush',
      requestHeaders: overrides.requestHeaders ?? {},
      requestBody: overrides.requestBody ?? '{}',
      responseCode: 200,
      responseHeaders: overrides.responseHeaders ?? {},
      responseBody: overrides.responseBody ?? '',
      durationMs: 12,
      outcome: overrides.outcome ?? DeliveryOutcome.SUCCEEDED,
    }),
  );
  await em.flush();
  return logs.map((log) => log.id).sort((a, b) => a - b);
}

/** Sends the payloads on the delivery log channel in one transaction, in order. */
async function notify(payloads: string[]): Promise<void> {
  await notifier.query('select pg_notify($1, payload) from unnest($2::text[]) as payload', [DELIVERY_LOG_CHANNEL, payloads]);
}

/** Returns the loads of push log rows that the test's feed logged since the test began. */
function pushLogLoads(): Array<{ requested: number; loaded: number }> {
  return logLines()
    .slice(earlierLogLines)
    .filter((line) => line.msg === 'loaded notified push log rows')
    .map((line) => ({ requested: line.requested, loaded: line.loaded }));
}

/** Returns the large columns that each load in `lines` read, one list per load. */
function largeColumnsOfLoads(lines: Array<Record<string, any>>): string[][] {
  return lines.filter((line) => line.msg === 'loaded notified push log rows').map((line) => line.largeColumns as string[]);
}

function logLines(): Array<Record<string, any>> {
  return parseLogLines(logText());
}

function appLogLines(): Array<Record<string, any>> {
  return parseLogLines(appLogText());
}

function parseLogLines(text: string): Array<Record<string, any>> {
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Record<string, any>);
}

/** Creates a pino logger that keeps every line in memory. */
function captureLogs(): { logger: pino.Logger; text(): string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), text: () => chunks.join('') };
}
