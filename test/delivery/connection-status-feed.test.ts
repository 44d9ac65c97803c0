import pg from 'pg';
import { print } from 'graphql';
import { startTestApp, dataOf, type TestApp } from '../support/test-app';
import { waitFor } from '../support/wait';
import { subscribeAttached } from '../support/feed-subscribers';
import {
  CreatePushConnectionDocument,
  DisablePushConnectionDocument,
  EnablePushConnectionDocument,
  PushConnectionStatusDocument,
  type PushConnectionStatusSubscription,
} from '../generated/graphql';
import { DocumentRecordEventType } from '../../src/records/event-type';
import { CONNECTION_STATUS_CHANNEL, MAX_NOTICE_REASON_CHARS, notifyConnectionStatus, PushConnectionStatusChange } from '../../src/delivery/connection-status';
import { LOAD_FAILED_MESSAGE, type ConnectionStatusEvent } from '../../src/delivery/connection-status.feed';
import { collectSubscription } from '../reliability/reliability-support';
import { createOtherWorkspace } from '../security/security-support';

/** Repeater, which backs the feed's iterators, keeps at most this many values for a consumer that does not read. */
const REPEATER_QUEUE_LIMIT = 1024;

let app: TestApp;
let workspaceId: number;
let connectionId: number;
let notifier: pg.Client;

/** PostgreSQL rejects a NOTIFY payload of this many bytes or more. */
const NOTIFY_PAYLOAD_LIMIT_BYTES = 8000;

type StatusEvent = PushConnectionStatusSubscription['pushConnectionStatus'];

beforeAll(async () => {
  app = await startTestApp();
  connectionId = await createConnection('CRM');
  workspaceId = (await app.app.services.orm.em.fork().getConnection().execute('select workspace_id from push_connections where id = ?', [connectionId]))[0]
    .workspace_id as number;
  notifier = new pg.Client({ connectionString: app.databaseUrl });
  await notifier.connect();
});

afterAll(async () => {
  await notifier?.end();
  await app?.stop();
});

async function createConnection(name: string): Promise<number> {
  const created = dataOf(
    await app.request(CreatePushConnectionDocument, {
      input: { name, url: 'http://127.0.0.1:9/webhook', eventTypes: [DocumentRecordEventType.DocumentRecordUpdated] },
    }),
  );
  return Number(created.createPushConnection.id);
}

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

describe('ConnectionStatusFeed load failure', () => {
  it('ends subscriptions when connections cannot be read', async () => {
    const feed = app.app.services.connectionStatusFeed;
    const subscribersBefore = feed.subscriberCount;
    const subscription = feed.subscribe({ workspaceId });
    const first = subscription.next().then(
      (result) => ({ result, error: null }),
      (error: unknown) => ({ result: null, error }),
    );
    await waitFor(() => feed.subscriberCount > subscribersBefore, { description: 'the subscriber' });
    // Hides the table from the feed's load for the duration of one notice.
    await notifier.query('alter table push_connections rename to push_connections_hidden');
    try {
      const notice = JSON.stringify({ connectionId, workspaceId, change: PushConnectionStatusChange.DISABLED, sequence: 'load-failure' });
      await notifier.query('select pg_notify($1, $2)', [CONNECTION_STATUS_CHANNEL, notice]);

      const { result, error } = await first;

      expect(result).toBeNull();
      expect((error as { code?: string }).code).toBe('SUBSCRIPTION_ENDED');
      expect((error as Error).message).toBe(LOAD_FAILED_MESSAGE);
    } finally {
      await notifier.query('alter table push_connections_hidden rename to push_connections');
      await subscription.return?.(undefined);
    }
  });
});

describe('pushConnectionStatus load failure', () => {
  it('ends only the workspace of the changes', async () => {
    const other = await createOtherWorkspace(app, 'Unaffected workspace');
    const otherConnectionId = dataOf(
      await app.request(
        CreatePushConnectionDocument,
        { input: { name: 'Unaffected', url: 'http://127.0.0.1:9/webhook', eventTypes: [DocumentRecordEventType.DocumentRecordUpdated] } },
        other.adminKey,
      ),
    ).createPushConnection.id;
    const feed = app.app.services.connectionStatusFeed;
    const subscribersBefore = feed.subscriberCount;
    const affected = collectSubscription(app.wsClient(), PushConnectionStatusDocument, {});
    const unaffected = collectSubscription(app.wsClient(other.adminKey), PushConnectionStatusDocument, {});
    await waitFor(() => feed.subscriberCount >= subscribersBefore + 2, { description: 'a subscriber in each workspace' });

    // Hides the table from the feed's load while it handles a change of the first workspace.
    await notifier.query('alter table push_connections rename to push_connections_hidden');
    try {
      const notice = JSON.stringify({ connectionId, workspaceId, change: PushConnectionStatusChange.DISABLED, sequence: 'workspace-load-failure' });
      await notifier.query('select pg_notify($1, $2)', [CONNECTION_STATUS_CHANNEL, notice]);
      await expect(affected.waitForCount(1)).rejects.toThrow(LOAD_FAILED_MESSAGE);
    } finally {
      await notifier.query('alter table push_connections_hidden rename to push_connections');
    }

    dataOf(await app.request(EnablePushConnectionDocument, { id: otherConnectionId }, other.adminKey));
    const [event] = await unaffected.waitForCount(1);
    expect(event.pushConnectionStatus.connectionId).toBe(otherConnectionId);
    expect(event.pushConnectionStatus.change).toBe('ENABLED');
    unaffected.unsubscribe();
    // The next tests count the feed's subscribers, so this one waits until both have detached.
    await waitFor(() => feed.subscriberCount === subscribersBefore, { description: 'both subscribers to detach' });
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
    const unsubscribe = await subscribeAttached(
      app.app.services.connectionStatusFeed,
      () =>
        client.subscribe<PushConnectionStatusSubscription>(
          { query: print(PushConnectionStatusDocument) },
          { next: (result) => (result.data ? changes.push(result.data.pushConnectionStatus.change) : errors.push(result.errors)), error: (error) => errors.push(error), complete: () => {} },
        ),
      { name: 'pushConnectionStatus' },
    );

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

describe('pushConnectionStatus event state', () => {
  it('matches its change in a burst of toggles', async () => {
    const toggled = await createConnection('Toggled');
    const marker = await createConnection('Marker');
    const events: StatusEvent[] = [];
    const errors: unknown[] = [];
    const client = app.wsClient();
    const unsubscribe = await subscribeAttached(
      app.app.services.connectionStatusFeed,
      () =>
        client.subscribe<PushConnectionStatusSubscription>(
          { query: print(PushConnectionStatusDocument) },
          { next: (result) => (result.data ? events.push(result.data.pushConnectionStatus) : errors.push(result.errors)), error: (error) => errors.push(error), complete: () => {} },
        ),
      { name: 'pushConnectionStatus' },
    );

    // Several clients toggle at once, so changes commit back to back while earlier ones are still being streamed.
    const clients = 10;
    const togglesPerClient = 30;
    await Promise.all(Array.from({ length: clients }, () => toggleRepeatedly(String(toggled), togglesPerClient)));
    // Events stream in commit order, so once the marker's change arrives, every toggle's has arrived.
    dataOf(await app.request(EnablePushConnectionDocument, { id: String(marker) }));
    await waitFor(() => events.some((event) => event.connectionId === String(marker)), { description: 'the status change of the marker connection' });
    unsubscribe();

    expect(errors).toEqual([]);
    const toggleEvents = events.filter((event) => event.connectionId === String(toggled));
    expect(toggleEvents.length).toBeGreaterThanOrEqual(togglesPerClient);
    expect(toggleEvents.filter((event) => !stateMatchesChange(event))).toEqual([]);
  });

  it('notice stays under the NOTIFY limit', async () => {
    const longName = '\u{1F4E6}'.repeat(200);
    const id = await createConnection(longName);
    const em = app.app.services.orm.em.fork();
    // Control characters take 6 bytes each in JSON, the most that any character takes.
    await em.execute(`update push_connections set enabled = false, disabled_reason = repeat(chr(1), 10000), disabled_at = now() where id = ?`, [id]);
    const received = new Promise<string>((resolve) => {
      notifier.on('notification', (message) => {
        if (message.channel === CONNECTION_STATUS_CHANNEL && message.payload && (JSON.parse(message.payload) as { connectionId: number }).connectionId === id) {
          resolve(message.payload);
        }
      });
    });
    await notifier.query(`listen ${CONNECTION_STATUS_CHANNEL}`);

    await em.transactional((tx) => notifyConnectionStatus(tx, id, PushConnectionStatusChange.DISABLED_BY_DOCPUSH));

    const payload = await received;
    await notifier.query(`unlisten ${CONNECTION_STATUS_CHANNEL}`);
    expect(Buffer.byteLength(payload)).toBeLessThan(NOTIFY_PAYLOAD_LIMIT_BYTES);
    expect(payload).not.toContain('\u{1F4E6}');
    const notice = JSON.parse(payload) as { enabled: boolean; disabledReason: string; disabledAtMs: number; failingSinceMs: number | null };
    expect(notice.enabled).toBe(false);
    expect(notice.disabledReason).toBe('\u0001'.repeat(MAX_NOTICE_REASON_CHARS));
    expect(notice.disabledAtMs).toEqual(expect.any(Number));
    expect(notice.failingSinceMs).toBeNull();
  });
});

/** Enables and disables the connection in turn, `count` requests in all, each after the previous one's response. */
async function toggleRepeatedly(id: string, count: number): Promise<void> {
  for (let index = 0; index < count; index++) {
    if (index % 2 === 0) dataOf(await app.request(EnablePushConnectionDocument, { id }));
    else dataOf(await app.request(DisablePushConnectionDocument, { id }));
  }
}

/** Returns whether the event of an admin change shows the status that the change sets. */
function stateMatchesChange(event: StatusEvent): boolean {
  if (event.change === PushConnectionStatusChange.ENABLED) return event.enabled && event.disabledAt === null && event.disabledReason === null && event.failingSince === null;
  if (event.change === PushConnectionStatusChange.DISABLED) return !event.enabled && event.disabledAt !== null && event.disabledReason === null;
  return false;
}
