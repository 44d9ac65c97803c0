import type { Client } from 'graphql-ws';
import { Webhook } from 'standardwebhooks';
import { startTestApp, dataOf, type TestApp } from '../support/test-app';
import { startListener, type TestListener } from '../support/listener';
import { seedWorkspace, seedRecord, seedUser, recordEvent, type SeededWorkspace } from '../support/fixtures';
import { validatePushResponse } from '../support/push-response-schema';
import { waitFor } from '../support/wait';
import { subscribeAttached, waitForNoSubscribers } from '../support/feed-subscribers';
import { DocumentRecordEventType } from '../../src/records/event-type';
import {
  CreatePushConnectionDocument,
  EnablePushConnectionDocument,
  PushLogsDocument,
  DeliveryLogDocument,
  PushConnectionStatusDocument,
  PushConnectionDocument,
  type DeliveryLogSubscription,
  type CreatePushConnectionInput,
} from '../generated/graphql';
import { print } from 'graphql';

let app: TestApp;
let seeded: SeededWorkspace;
let listener: TestListener;

beforeAll(async () => {
  app = await startTestApp(process.env.TEST_LOG_LEVEL ? { LOG_LEVEL: process.env.TEST_LOG_LEVEL } : {});
  seeded = await seedWorkspace(app);
  listener = await startListener();
});

afterAll(async () => {
  await listener?.close();
  await app?.stop();
});

async function createEnabledConnection(input: Partial<CreatePushConnectionInput> & { url: string }) {
  const created = dataOf(
    await app.request(CreatePushConnectionDocument, {
      input: { name: 'Listener', eventTypes: ['DocumentRecordUpdated'], ...input },
    }),
  ).createPushConnection;
  dataOf(await app.request(EnablePushConnectionDocument, { id: created.id }));
  return created;
}

/** Subscribes to deliveryLog and collects what arrives until the test disposes the client. */
function collectDeliveryLog(client: Client, variables: { connectionId?: string; outcome?: 'SUCCEEDED' | 'FAILED' } = {}) {
  const received: DeliveryLogSubscription['deliveryLog'][] = [];
  let subscribed = false;
  const unsubscribe = client.subscribe<DeliveryLogSubscription>(
    { query: print(DeliveryLogDocument), variables },
    {
      next: (value) => {
        if (value.data) received.push(value.data.deliveryLog);
      },
      error: (error) => {
        throw new Error(`deliveryLog subscription failed: ${JSON.stringify(error)}`);
      },
      complete: () => undefined,
    },
  );
  subscribed = true;
  return { received, unsubscribe, subscribed };
}

describe('delivery of a matching event', () => {
  it('posts the exact message, logs the attempt and streams the log', async () => {
    const connection = await createEnabledConnection({
      url: listener.url,
      headers: [{ name: 'X-Actor', value: '{{LEGITO.currentUser.email}} via {{documentBuilder.event}}' }],
    });
    const client = app.wsClient();
    const stream = await subscribeAttached(app.app.services.deliveryLogFeed, () => collectDeliveryLog(client, { connectionId: connection.id }), { name: 'deliveryLog' });
    const record = await seedRecord(app, seeded);

    const sentAt = Date.now();
    const { eventId, messageIds } = await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author, {
      ownerId: seeded.author.id,
    });
    expect(messageIds).toHaveLength(1);

    const [request] = await listener.waitForRequests(1);
    expect(request.receivedAt - sentAt).toBeLessThan(1000);
    expect(request.method).toBe('POST');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-actor']).toBe('jana@example.com via DocumentRecordUpdated');
    expect(request.headers['webhook-id']).toBe(messageIds[0]);

    const body = JSON.parse(request.body);
    expect(body).toEqual({
      pushConnectionSystemName: connection.systemName,
      eventType: 'DocumentRecordUpdated',
      event: {
        id: eventId,
        type: 'DocumentRecordUpdated',
        created: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/),
        authorId: seeded.author.id,
        parameters: { ownerId: seeded.author.id },
      },
      documentRecord: {
        id: record.id,
        code: record.code,
        name: 'Service Agreement',
        created: expect.any(String),
        lastModified: expect.any(String),
        templateSuiteId: seeded.suite.id,
        documentRecordTypeId: seeded.recordType.id,
        authorId: seeded.author.id,
        ownerId: seeded.author.id,
        workflowStage: { id: 1, name: 'Draft', position: 1, start: true, color: '#74c078' },
        locked: false,
        deleted: false,
        properties: [{ id: 15, name: 'Contract value', type: 'number', value: 1500 }],
        persons: [{ definition: 'Customer', name: 'ACME s.r.o.', email: 'legal@acme.example' }],
        detailLink: `/document-records/${record.code}`,
      },
    });
    expect(body).not.toHaveProperty('files');
    expect(validatePushResponse(body)).toEqual({ valid: true, errors: [] });
    expect(() => new Webhook(connection.signingSecret).verify(request.body, request.headers as Record<string, string>)).not.toThrow();

    await waitFor(() => stream.received.length >= 1, { description: 'the deliveryLog subscription to stream the attempt' });
    const streamed = stream.received[0];
    expect(streamed).toMatchObject({ messageId: messageIds[0], attempt: 1, responseCode: 200, outcome: 'SUCCEEDED', responseBody: 'ok', responseError: '' });
    expect(streamed.requestBody).toBe(request.body);

    const logs = dataOf(await app.request(PushLogsDocument, { filter: { connectionId: connection.id } })).pushLogs;
    expect(logs.totalCount).toBe(1);
    expect(logs.edges[0].node).toMatchObject({ id: streamed.id, eventId: String(eventId), connectionName: 'Listener' });
    stream.unsubscribe();
  });

  it('logs a 500 answer as a failure with its body', async () => {
    const failing = await startListener((_request, response) => {
      response.writeHead(500, { 'content-type': 'text/plain' });
      response.end('database on fire');
    });
    try {
      const connection = await createEnabledConnection({ url: failing.url });
      const record = await seedRecord(app, seeded);
      await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author);

      await failing.waitForRequests(1);
      const log = await waitForFirstLog(connection.id);
      expect(log.outcome).toBe('FAILED');
      expect(log.responseCode).toBe(500);
      expect(log.responseBody).toBe('database on fire');
      expect(log.responseError).toMatch(/500/);
      expect(log.responseBodyIncomplete).toBe(false);
    } finally {
      await failing.close();
    }
  });

  it('logs a binary answer with NUL bytes as Base64 and streams it', async () => {
    const binary = Buffer.from([0x00, 0xff, 0x10, 0x00, 0x41]);
    const answering = await startListener((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      response.end(binary);
    });
    try {
      const connection = await createEnabledConnection({ url: answering.url, eventTypes: ['DocumentDownload'] });
      const stream = await subscribeAttached(app.app.services.deliveryLogFeed, () => collectDeliveryLog(app.wsClient(), { connectionId: connection.id }), {
        name: 'deliveryLog',
      });
      const record = await seedRecord(app, seeded);

      await recordEvent(app, record, DocumentRecordEventType.DocumentDownload, seeded.author);

      const log = await waitForFirstLog(connection.id);
      expect(log.outcome).toBe('SUCCEEDED');
      expect(log.responseBodyEncoding).toBe('base64');
      expect(Buffer.from(log.responseBody, 'base64').equals(binary)).toBe(true);
      await waitFor(() => stream.received.length > 0, { description: 'the streamed log row' });
      expect(stream.received[0].responseBody).toBe(log.responseBody);
      stream.unsubscribe();
    } finally {
      await answering.close();
    }
  });

  it('logs response code 0 when nothing listens on the port', async () => {
    const closed = await startListener();
    const url = closed.url;
    await closed.close();

    const connection = await createEnabledConnection({ url });
    const record = await seedRecord(app, seeded);
    await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author);

    const log = await waitForFirstLog(connection.id);
    expect(log.outcome).toBe('FAILED');
    expect(log.responseCode).toBe(0);
    expect(log.responseError).toMatch(/refused/i);
  });
});

type SubscriptionError = { message: string; extensions?: Record<string, unknown> };

/** Subscribes over a real graphql-ws client with this connectionId and returns the errors that end the subscription. */
function subscriptionErrors(document: typeof DeliveryLogDocument | typeof PushConnectionStatusDocument, connectionId: string): Promise<readonly SubscriptionError[]> {
  const client = app.wsClient();
  return new Promise((resolve, reject) => {
    client.subscribe(
      { query: print(document), variables: { connectionId } },
      {
        // graphql-ws sends an error raised while subscribing as a result with `errors`.
        next: (result) => (result.errors ? resolve(result.errors as never) : reject(new Error(`expected no data for connectionId ${JSON.stringify(connectionId)}`))),
        error: (error) => resolve(error as never),
        complete: () => reject(new Error('expected an error, got completion')),
      },
    );
  });
}

function deliveryLogErrors(connectionId: string): Promise<readonly SubscriptionError[]> {
  return subscriptionErrors(DeliveryLogDocument, connectionId);
}

describe('deliveryLog subscription', () => {
  it('rejects an unknown connection id with NOT_FOUND', async () => {
    const errors = await deliveryLogErrors('987654');

    expect(errors[0].extensions?.code).toBe('NOT_FOUND');
    expect(errors[0].extensions?.field).toBe('connectionId');
    expect(errors[0].message).toMatch(/"987654"/);
    expect(errors[0].message).toMatch(/leave connectionId out/);
  });

  it.each(['abc', '0', '-1', '1e0', '0x1', ' 1', '12345678901234567890'])('rejects malformed connection id %j', async (connectionId) => {
    await waitForNoSubscribers(app.app.services.deliveryLogFeed, { name: 'deliveryLog' });

    const errors = await deliveryLogErrors(connectionId);

    expect(errors).toHaveLength(1);
    expect(errors[0].extensions?.code).toBe('NOT_FOUND');
    expect(errors[0].extensions?.field).toBe('connectionId');
    expect(errors[0].message).toBe(
      `Push connection ${JSON.stringify(connectionId)} was not found in this workspace: pass the id of one of its connections (pushConnections lists them), or leave connectionId out to stream every connection.`,
    );
    expect(app.app.services.deliveryLogFeed.subscriberCount).toBe(0);
  });

  it('uses NOT_FOUND for malformed ids', async () => {
    const overHttp = await app.request(PushConnectionDocument, { id: 'abc' });

    const errors = await deliveryLogErrors('abc');

    expect(overHttp.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect(errors[0].extensions?.code).toBe(overHttp.errors?.[0].extensions?.code);
  });
});

describe('pushConnectionStatus subscription', () => {
  it('rejects an unknown connection id with NOT_FOUND', async () => {
    const errors = await subscriptionErrors(PushConnectionStatusDocument, '987654');

    expect(errors[0].extensions?.code).toBe('NOT_FOUND');
    expect(errors[0].extensions?.field).toBe('connectionId');
    expect(errors[0].message).toMatch(/"987654"/);
  });

  it.each(['abc', '0', '1e0'])('rejects malformed connection id %j', async (connectionId) => {
    const subscribersBefore = app.app.services.connectionStatusFeed.subscriberCount;

    const errors = await subscriptionErrors(PushConnectionStatusDocument, connectionId);

    expect(errors).toHaveLength(1);
    expect(errors[0].extensions?.code).toBe('NOT_FOUND');
    expect(errors[0].extensions?.field).toBe('connectionId');
    expect(errors[0].message).toContain(`Push connection ${JSON.stringify(connectionId)} was not found in this workspace`);
    expect(app.app.services.connectionStatusFeed.subscriberCount).toBe(subscribersBefore);
  });
});

describe('custom header variables', () => {
  it('resolve for the acting user, the default API user and the event', async () => {
    const headerListener = await startListener();
    try {
      await createEnabledConnection({
        url: headerListener.url,
        eventTypes: ['WorkflowStatusChanged'],
        headers: [
          { name: 'X-Current', value: '{{LEGITO.currentUser.name}} <{{LEGITO.currentUser.email}}> {{LEGITO.currentUser.position}}' },
          { name: 'X-Api-User', value: '{{LEGITO.currentUser.id}}', useDefaultApiUser: true },
          { name: 'X-Default', value: '{{LEGITO.defaultApiUser.name}}' },
          { name: 'X-Event', value: '{{documentBuilder.event}} #{{event.id}} by {{event.author.customData}}' },
          { name: 'X-Secret', value: 'token-{{event.documentRecordId}}', secret: true },
        ],
      });
      const record = await seedRecord(app, seeded);

      const acted = await recordEvent(app, record, DocumentRecordEventType.WorkflowStatusChanged, seeded.author);
      const [withActor] = await headerListener.waitForRequests(1);
      // Non-ASCII header text travels as UTF-8 bytes, which Node's HTTP server reads as Latin-1.
      expect(Buffer.from(withActor.headers['x-current'] as string, 'latin1').toString('utf8')).toBe('Jana Nováková <jana@example.com> Counsel');
      expect(withActor.headers['x-api-user']).toBe(String(seeded.defaultApiUser.id));
      expect(withActor.headers['x-default']).toBe('API');
      expect(withActor.headers['x-event']).toBe(`WorkflowStatusChanged #${acted.eventId} by team=legal`);
      expect(withActor.headers['x-secret']).toBe(`token-${record.id}`);

      await recordEvent(app, record, DocumentRecordEventType.WorkflowStatusChanged, null);
      const [, withoutActor] = await headerListener.waitForRequests(2);

      const jiri = await seedUser(app, seeded, 'Jiří Šťastný');
      await recordEvent(app, record, DocumentRecordEventType.WorkflowStatusChanged, jiri);
      const [, , withCzechName] = await headerListener.waitForRequests(3);
      expect(Buffer.from(withCzechName.headers['x-current'] as string, 'latin1').toString('utf8')).toMatch(/^Jiří Šťastný </);
      // HTTP drops the trailing space that the empty position and author leave.
      expect(withoutActor.headers['x-current']).toBe('API <api@docpush.invalid>');
      expect(withoutActor.headers['x-event']).toMatch(/^WorkflowStatusChanged #\d+ by$/);

      const log = (await fetchLogsFor(withActor.headers['webhook-id'] as string))[0];
      expect(log.requestHeaders['x-secret']).toBe('********');
      expect(log.requestHeaders['x-current']).toBe('Jana Nováková <jana@example.com> Counsel');
    } finally {
      await headerListener.close();
    }
  });
});

async function fetchLogsFor(messageId: string) {
  let logs: Awaited<ReturnType<typeof fetchLogs>> = [];
  await waitFor(
    async () => {
      logs = dataOf(await app.request(PushLogsDocument, { filter: { messageId } })).pushLogs.edges.map((edge) => edge.node);
      return logs.length > 0;
    },
    { description: `a push log row for message ${messageId}` },
  );
  return logs;
}

async function waitForFirstLog(connectionId: string) {
  let found: Awaited<ReturnType<typeof fetchLogs>>[number] | undefined;
  await waitFor(
    async () => {
      found = (await fetchLogs(connectionId)).find((log) => log.attempt === 1);
      return found !== undefined;
    },
    { description: `the first push log row of connection ${connectionId}` },
  );
  return found!;
}

async function fetchLogs(connectionId: string) {
  return dataOf(await app.request(PushLogsDocument, { filter: { connectionId } })).pushLogs.edges.map((edge) => edge.node);
}
