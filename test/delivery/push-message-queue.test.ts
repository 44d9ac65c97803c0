import pg from 'pg';
import { startTestApp, type TestApp } from '../support/test-app';
import { waitFor } from '../support/wait';
import { DUE_MESSAGES_CHANNEL } from '../../src/delivery/delivery.dispatcher';
import { DocumentRecordEventType } from '../../src/records/event-type';
import { startListener, type TestListener } from '../support/listener';
import { seedWorkspace, seedRecord, recordEvent } from '../support/fixtures';
import { createEnabledConnection } from '../reliability/reliability-support';

// The API role starts no dispatcher, so only these tests notify on the channel.
let app: TestApp;
let listener: pg.Client;
let payloads: string[] = [];

/** Sent after the calls under test; notifications arrive in commit order, so it arrives last. */
const SENTINEL = 'sentinel';

beforeAll(async () => {
  app = await startTestApp({ DOCPUSH_ROLE: 'api' });
  listener = new pg.Client({ connectionString: app.databaseUrl });
  await listener.connect();
  listener.on('notification', (notification) => payloads.push(notification.payload ?? ''));
  await listener.query(`LISTEN ${DUE_MESSAGES_CHANNEL}`);
});

beforeEach(() => {
  payloads = [];
});

afterAll(async () => {
  await listener?.end();
  await app?.stop();
});

/** Returns the notifications that arrived before the sentinel. */
async function notificationsBeforeSentinel(): Promise<string[]> {
  await listener.query('select pg_notify($1, $2)', [DUE_MESSAGES_CHANNEL, SENTINEL]);
  await waitFor(() => payloads.includes(SENTINEL), { description: 'the sentinel notification' });
  return payloads.slice(0, payloads.indexOf(SENTINEL));
}

describe('PushMessageQueue.enqueue', () => {
  it('shares one NOTIFY between concurrent calls', async () => {
    const queue = app.app.services.deliveryQueue;

    await Promise.all(Array.from({ length: 50 }, (_, index) => queue.enqueue([`msg_${index}`])));

    expect(await notificationsBeforeSentinel()).toEqual(['']);
  });

  it('sends another NOTIFY for a call made after one started', async () => {
    const queue = app.app.services.deliveryQueue;

    const first = queue.enqueue(['msg_first']);
    await new Promise((resolve) => setImmediate(resolve));
    const second = queue.enqueue(['msg_second']);
    await Promise.all([first, second]);

    expect(await notificationsBeforeSentinel()).toEqual(['', '']);
  });

  it('notifies a later due time with that time', async () => {
    const at = new Date(Date.now() + 60_000);

    await app.app.services.deliveryQueue.enqueue(['msg_later'], at);

    expect(await notificationsBeforeSentinel()).toEqual([at.toISOString()]);
  });
});

describe('PushMessageQueue with a worker in the process', () => {
  let worker: TestApp;
  let webhook: TestListener;

  beforeAll(async () => {
    // Polls only hourly, so a delivery within seconds needs a wake-up.
    worker = await startTestApp({ DOCPUSH_ROLE: 'all', DOCPUSH_JOB_POLL_INTERVAL: '1h' });
    webhook = await startListener();
  });

  afterAll(async () => {
    await worker?.stop();
    await webhook?.close();
  });

  it('wakes the local dispatcher without NOTIFY', async () => {
    // With the process's LISTEN connection closed, the dispatcher hears no NOTIFY from here on.
    await worker.app.services.channelListener.stop();
    const seeded = await seedWorkspace(worker);
    await createEnabledConnection(worker, { name: 'Local wake', url: `${webhook.url}/hook`, eventTypes: ['DocumentRecordUpdated'] });
    const record = await seedRecord(worker, seeded);

    const { messageIds } = await recordEvent(worker, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author);

    const [request] = await webhook.waitForRequests(1, 5_000);
    expect(messageIds).toHaveLength(1);
    expect(request.headers['webhook-id']).toBe(messageIds[0]);
  });
});
