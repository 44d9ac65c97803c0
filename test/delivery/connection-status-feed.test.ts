import pg from 'pg';
import { print } from 'graphql';
import { startTestApp, dataOf, type TestApp } from '../support/test-app';
import { waitFor } from '../support/wait';
import { CreatePushConnectionDocument, PushConnectionStatusDocument, type PushConnectionStatusSubscription } from '../generated/graphql';
import { DocumentRecordEventType } from '../../src/records/event-type';
import { CONNECTION_STATUS_CHANNEL, PushConnectionStatusChange } from '../../src/delivery/connection-status';
import type { ConnectionStatusEvent } from '../../src/delivery/connection-status.feed';

/** Repeater, which backs the feed's iterators, keeps at most this many values for a consumer that does not read. */
const REPEATER_QUEUE_LIMIT = 1024;

let app: TestApp;
let workspaceId: number;
let connectionId: number;
let notifier: pg.Client;

beforeAll(async () => {
  app = await startTestApp();
  const created = dataOf(
    await app.request(CreatePushConnectionDocument, {
      input: { name: 'CRM', url: 'http://127.0.0.1:9/webhook', eventTypes: [DocumentRecordEventType.DocumentRecordUpdated] },
    }),
  );
  connectionId = Number(created.createPushConnection.id);
  workspaceId = (await app.app.services.orm.em.fork().getConnection().execute('select workspace_id from push_connections where id = ?', [connectionId]))[0]
    .workspace_id as number;
  notifier = new pg.Client({ connectionString: app.databaseUrl });
  await notifier.connect();
});

afterAll(async () => {
  await notifier?.end();
  await app?.stop();
});

describe('ConnectionStatusFeed', () => {
  it('ends only a subscriber that reads too slowly', async () => {
    const feed = app.app.services.connectionStatusFeed;
    const subscribersBefore = feed.subscriberCount;
    // The slow subscriber registers first, so that the fast one comes after it in every emit.
    const slow = feed.subscribe({ workspaceId });
    const firstOfSlow = slow.next();
    await waitFor(() => feed.subscriberCount > subscribersBefore, { description: 'the slow subscriber' });
    const fast = feed.subscribe({ workspaceId });
    const received: ConnectionStatusEvent[] = [];
    const fastDone = (async () => {
      for await (const event of fast) received.push(event);
    })();
    await waitFor(() => feed.subscriberCount > subscribersBefore + 1, { description: 'the fast subscriber' });
    try {
      await expectSlowSubscriberEnded(slow, firstOfSlow, received, subscribersBefore);
    } finally {
      // Detaches both even when a check failed, so that the next test starts without them.
      await slow.return?.(undefined);
      await fast.return?.(undefined);
      await fastDone;
    }
  });
});

async function expectSlowSubscriberEnded(
  slow: AsyncIterableIterator<ConnectionStatusEvent>,
  firstOfSlow: Promise<IteratorResult<ConnectionStatusEvent>>,
  received: ConnectionStatusEvent[],
  subscribersBefore: number,
): Promise<void> {
  const feed = app.app.services.connectionStatusFeed;
  const count = REPEATER_QUEUE_LIMIT + 100;
  // PostgreSQL delivers identical payloads of one transaction once, so each notice gets a sequence number.
  const notices = Array.from({ length: count }, (_, index) => JSON.stringify({ connectionId, workspaceId, change: PushConnectionStatusChange.ENABLED, sequence: index }));
  await notifier.query('select pg_notify($1, notice) from unnest($2::text[]) as notice', [CONNECTION_STATUS_CHANNEL, notices]);

  await waitFor(() => received.length >= count, { description: `${count} status changes for the fast subscriber` });
  expect(received).toHaveLength(count);
  expect(feed.subscriberCount).toBe(subscribersBefore + 1);

  // The slow subscriber reads the changes that were waiting for it, then the error.
  let slowCount = (await firstOfSlow).done ? 0 : 1;
  let ended: unknown = null;
  try {
    for await (const _event of slow) slowCount += 1;
  } catch (error) {
    ended = error;
  }
  expect(slowCount).toBeGreaterThan(REPEATER_QUEUE_LIMIT - 1);
  expect(slowCount).toBeLessThan(count);
  expect((ended as { code?: string }).code).toBe('SUBSCRIPTION_ENDED');
  expect((ended as Error).message).toBe(
    'The pushConnectionStatus subscription ended because its client read status changes more slowly than they were made. ' +
      'Read the current state with pushConnections, then subscribe again.',
  );
}

describe('pushConnectionStatus subscription', () => {
  it('streams changes in commit order', async () => {
    const client = app.wsClient();
    const changes: string[] = [];
    const errors: unknown[] = [];
    const subscribersBefore = app.app.services.connectionStatusFeed.subscriberCount;
    const unsubscribe = client.subscribe<PushConnectionStatusSubscription>(
      { query: print(PushConnectionStatusDocument) },
      { next: (result) => (result.data ? changes.push(result.data.pushConnectionStatus.change) : errors.push(result.errors)), error: (error) => errors.push(error), complete: () => {} },
    );
    await waitFor(() => app.app.services.connectionStatusFeed.subscriberCount > subscribersBefore, { description: 'the status subscription' });

    // Each change commits in a transaction of its own, microseconds after the one before, so
    // their notifications arrive together and their loads would overlap.
    const pairs = 300;
    await notifier.query(
      `do $$
       begin
         for i in 1..${pairs} loop
           update push_connections set enabled = true where id = ${connectionId};
           perform pg_notify('${CONNECTION_STATUS_CHANNEL}', json_build_object('connectionId', ${connectionId}, 'workspaceId', ${workspaceId}, 'change', 'ENABLED')::text);
           commit;
           update push_connections set enabled = false where id = ${connectionId};
           perform pg_notify('${CONNECTION_STATUS_CHANNEL}', json_build_object('connectionId', ${connectionId}, 'workspaceId', ${workspaceId}, 'change', 'DISABLED')::text);
           commit;
         end loop;
       end $$`,
    );

    await waitFor(() => changes.length >= 2 * pairs, { description: `${2 * pairs} status changes` });
    expect(errors).toEqual([]);
    const expected = Array.from({ length: 2 * pairs }, (_, index) => (index % 2 === 0 ? 'ENABLED' : 'DISABLED'));
    expect(changes).toEqual(expected);
    unsubscribe();
  });
});
