import { Webhook } from 'standardwebhooks';
import { startTestApp, dataOf, type TestApp } from '../support/test-app';
import { startListener, type TestListener } from '../support/listener';
import { seedWorkspace, seedRecord, recordEvent, type SeededWorkspace } from '../support/fixtures';
import { validatePushResponse } from '../support/push-response-schema';
import { waitFor } from '../support/wait';
import { DocumentRecordEventType } from '../../src/records/event-type';
import {
  CreatePushConnectionDocument,
  DeletePushConnectionDocument,
  DisablePushConnectionDocument,
  EnablePushConnectionDocument,
  PushLogsDocument,
  PushMessagesDocument,
  RecoverFailedMessagesDocument,
  ResendPushMessageDocument,
  SampleIsolationRecordDocument,
  SampleIsolationRecordsDocument,
  SendTestMessageDocument,
} from '../generated/graphql';
import { bearer, createOtherWorkspace, okData, postGraphQL } from '../security/security-support';
import {
  createEnabledConnection,
  deleteAllConnections,
  fetchLogsOfMessage,
  fetchMessage,
  startHoldingListener,
  waitForMessageState,
  WAIT_TIMEOUT_MS,
} from './reliability-support';

// Each test waits for deliveries with deadlines of its own; this bounds the whole test.
jest.setTimeout(90_000);

const DAY_MS = 24 * 60 * 60 * 1000;

let app: TestApp;
let seeded: SeededWorkspace;
let listener: TestListener;
let failing = false;

beforeAll(async () => {
  app = await startTestApp({ DOCPUSH_RETRY_SCHEDULE: '100ms', DOCPUSH_RETRY_JITTER: '0' });
  seeded = await seedWorkspace(app);
  listener = await startListener((_request, response) => {
    response.writeHead(failing ? 500 : 200);
    response.end(failing ? 'down' : 'ok');
  });
});

beforeEach(() => {
  failing = false;
});

afterEach(async () => {
  await deleteAllConnections(app);
});

afterAll(async () => {
  await listener?.close();
  await app?.stop();
});

async function pushOneEvent(): Promise<string> {
  const record = await seedRecord(app, seeded);
  const { messageIds } = await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author);
  expect(messageIds).toHaveLength(1);
  return messageIds[0];
}

function requestsOf(messageId: string) {
  return listener.requests.filter((request) => request.headers['webhook-id'] === messageId);
}

function errorOf(result: { errors?: ReadonlyArray<{ message: string; extensions?: Record<string, unknown> }> }) {
  expect(result.errors).toHaveLength(1);
  return { code: result.errors![0].extensions?.code, field: result.errors![0].extensions?.field, message: result.errors![0].message };
}

describe('resendPushMessage', () => {
  it('attempts a delivered message again with the same id', async () => {
    await createEnabledConnection(app, { url: listener.url });
    const messageId = await pushOneEvent();
    await waitForMessageState(app, messageId, 'SUCCEEDED');

    const resent = dataOf(await app.request(ResendPushMessageDocument, { id: messageId })).resendPushMessage;
    expect(resent.id).toBe(messageId);
    // The response is the message before the queued attempt, as the schema describes.
    expect(resent.state).toBe('SUCCEEDED');
    expect(resent.attempts).toBe(1);
    await waitFor(() => requestsOf(messageId).length === 2, { timeoutMs: WAIT_TIMEOUT_MS, description: 'the resent request' });

    const message = await waitForMessageState(app, messageId, 'SUCCEEDED');
    expect(message.attempts).toBe(2);
    expect((await fetchLogsOfMessage(app, messageId)).map((log) => log.attempt)).toEqual([1, 2]);
    const [first, second] = requestsOf(messageId);
    expect(second.body).toBe(first.body);
  });

  it('attempts a failed message again', async () => {
    failing = true;
    await createEnabledConnection(app, { url: listener.url });
    const messageId = await pushOneEvent();
    expect((await waitForMessageState(app, messageId, 'FAILED')).attempts).toBe(2);

    failing = false;
    dataOf(await app.request(ResendPushMessageDocument, { id: messageId }));
    const message = await waitForMessageState(app, messageId, 'SUCCEEDED');
    expect(message.attempts).toBe(3);
    expect(message.lastError).toBeNull();
  });

  it('rejects unknown, in-flight and disabled cases', async () => {
    const unknown = errorOf(await app.request(ResendPushMessageDocument, { id: 'msg_00000000000000000000000000' }));
    expect(unknown.code).toBe('NOT_FOUND');

    const holding = await startHoldingListener();
    try {
      const connection = await createEnabledConnection(app, { url: holding.url });
      const messageId = await pushOneEvent();
      await waitFor(() => holding.heldResponses.length === 1, { timeoutMs: WAIT_TIMEOUT_MS, description: 'the attempt to be in flight' });
      const inFlight = errorOf(await app.request(ResendPushMessageDocument, { id: messageId }));
      expect(inFlight.code).toBe('CONFLICT');
      expect(inFlight.message).toMatch(/being delivered right now/);

      holding.release(200);
      await waitForMessageState(app, messageId, 'SUCCEEDED');
      dataOf(await app.request(DisablePushConnectionDocument, { id: connection.id }));
      const disabled = errorOf(await app.request(ResendPushMessageDocument, { id: messageId }));
      expect(disabled.code).toBe('CONFLICT');
      expect(disabled.message).toMatch(/is disabled; enable it/);
    } finally {
      await holding.close();
    }
  });
});

describe('recoverFailedMessages', () => {
  it('gives each failed message since the time one more attempt', async () => {
    failing = true;
    const connection = await createEnabledConnection(app, { url: listener.url });
    const recent = [await pushOneEvent(), await pushOneEvent()];
    const old = await pushOneEvent();
    for (const id of [...recent, old]) await waitForMessageState(app, id, 'FAILED');
    await app.app.services.orm.em.fork().execute(`update push_messages set updated_at = ? where id = ?`, [new Date(Date.now() - 3 * DAY_MS), old]);
    const since = new Date(Date.now() - DAY_MS).toISOString();

    // Still failing: one more attempt each, then FAILED again without retries.
    const firstCount = dataOf(await app.request(RecoverFailedMessagesDocument, { connectionId: connection.id, since })).recoverFailedMessages;
    expect(firstCount).toBe(2);
    for (const id of recent) {
      await waitFor(async () => (await fetchMessage(app, id)).attempts === 3 && (await fetchMessage(app, id)).state === 'FAILED', {
        timeoutMs: WAIT_TIMEOUT_MS,
        description: `message ${id} to fail its recovery attempt`,
      });
    }

    failing = false;
    const secondCount = dataOf(await app.request(RecoverFailedMessagesDocument, { connectionId: connection.id, since })).recoverFailedMessages;
    expect(secondCount).toBe(2);
    for (const id of recent) expect((await waitForMessageState(app, id, 'SUCCEEDED')).attempts).toBe(4);
    const untouched = await fetchMessage(app, old);
    expect(untouched.state).toBe('FAILED');
    expect(untouched.attempts).toBe(2);
  });

  it('holds recovered messages of a disabled connection', async () => {
    failing = true;
    const connection = await createEnabledConnection(app, { url: listener.url });
    const messageId = await pushOneEvent();
    await waitForMessageState(app, messageId, 'FAILED');
    dataOf(await app.request(DisablePushConnectionDocument, { id: connection.id }));
    failing = false;

    const since = new Date(Date.now() - DAY_MS).toISOString();
    const count = dataOf(await app.request(RecoverFailedMessagesDocument, { connectionId: connection.id, since })).recoverFailedMessages;

    expect(count).toBe(1);
    // A message of another connection, recorded after the recovery, is claimed in the same claim
    // round as the recovered one or a later round, so once it is delivered the held one was passed over.
    await createEnabledConnection(app, { url: listener.url });
    const fenceId = await pushOneEvent();
    await waitForMessageState(app, fenceId, 'SUCCEEDED');
    expect((await fetchMessage(app, messageId)).state).toBe('PENDING');
    expect(requestsOf(messageId)).toHaveLength(2);
    dataOf(await app.request(EnablePushConnectionDocument, { id: connection.id }));
    expect((await waitForMessageState(app, messageId, 'SUCCEEDED')).attempts).toBe(3);
  });

  it('rejects a time more than 14 days back or in the future', async () => {
    const connection = await createEnabledConnection(app, { url: listener.url });
    const tooOld = errorOf(
      await app.request(RecoverFailedMessagesDocument, { connectionId: connection.id, since: new Date(Date.now() - 15 * DAY_MS).toISOString() }),
    );
    expect(tooOld).toMatchObject({ code: 'BAD_USER_INPUT', field: 'since' });
    expect(tooOld.message).toMatch(/more than 14 days ago/);

    const future = errorOf(
      await app.request(RecoverFailedMessagesDocument, { connectionId: connection.id, since: new Date(Date.now() + DAY_MS).toISOString() }),
    );
    expect(future).toMatchObject({ code: 'BAD_USER_INPUT', field: 'since' });

    const unknown = errorOf(await app.request(RecoverFailedMessagesDocument, { connectionId: '999999', since: new Date().toISOString() }));
    expect(unknown).toMatchObject({ code: 'NOT_FOUND', field: 'connectionId' });
    expect(unknown.message).toContain('"999999"');
  });
});

describe('sendTestMessage', () => {
  it('delivers a signed sample message and logs it as a test', async () => {
    const connection = await createEnabledConnection(app, { url: listener.url, eventTypes: ['WorkflowStatusChanged', 'DocumentRecordUpdated'] });
    const recordsBefore = dataOf(await app.request(SampleIsolationRecordsDocument, {})).documentRecords.totalCount;

    const sent = dataOf(await app.request(SendTestMessageDocument, { connectionId: connection.id })).sendTestMessage;
    expect(sent).toMatchObject({ isTest: true, eventType: 'WorkflowStatusChanged', connectionId: connection.id });
    await waitFor(() => requestsOf(sent.id).length === 1, { timeoutMs: WAIT_TIMEOUT_MS, description: 'the test message at the listener' });
    const [request] = requestsOf(sent.id);
    const body = JSON.parse(request.body);
    expect(body.eventType).toBe('WorkflowStatusChanged');
    expect(body.pushConnectionSystemName).toBe(connection.systemName);
    expect(body.documentRecord.name).toMatch(/Sample document record/);
    expect(validatePushResponse(body)).toEqual({ valid: true, errors: [] });
    expect(() => new Webhook(connection.signingSecret).verify(request.body, request.headers as Record<string, string>)).not.toThrow();
    expect(request.headers['docpush-test-message']).toBe('true');

    await waitForMessageState(app, sent.id, 'SUCCEEDED');
    const logs = dataOf(await app.request(PushLogsDocument, { filter: { messageId: sent.id } })).pushLogs.edges;
    expect(logs.map((edge) => edge.node.isTest)).toEqual([true]);
    const tests = dataOf(await app.request(PushMessagesDocument, { filter: { isTest: true, connectionId: connection.id } })).pushMessages;
    expect(tests.edges.map((edge) => edge.node.id)).toEqual([sent.id]);

    // The sample record belongs to no customer workspace.
    expect(dataOf(await app.request(SampleIsolationRecordsDocument, {})).documentRecords.totalCount).toBe(recordsBefore);
    const lookup = errorOf(await app.request(SampleIsolationRecordDocument, { id: String(body.documentRecord.id) }));
    expect(lookup.code).toBe('NOT_FOUND');

    // A second test message reuses the sample record.
    const again = dataOf(await app.request(SendTestMessageDocument, { connectionId: connection.id })).sendTestMessage;
    await waitFor(() => requestsOf(again.id).length === 1, { timeoutMs: WAIT_TIMEOUT_MS, description: 'the second test message' });
    expect(JSON.parse(requestsOf(again.id)[0].body).documentRecord.id).toBe(body.documentRecord.id);
  });

  it('names the owner in an owner-change sample', async () => {
    const connection = await createEnabledConnection(app, { url: listener.url, eventTypes: ['DocumentOwnerChanged'] });

    const sent = dataOf(await app.request(SendTestMessageDocument, { connectionId: connection.id })).sendTestMessage;
    await waitFor(() => requestsOf(sent.id).length === 1, { timeoutMs: WAIT_TIMEOUT_MS, description: 'the owner-change test message' });
    const body = JSON.parse(requestsOf(sent.id)[0].body);

    expect(body.eventType).toBe('DocumentOwnerChanged');
    expect(body.event.parameters.ownerId).toBe(body.documentRecord.ownerId);
    expect(typeof body.event.parameters.ownerId).toBe('number');
  });

  it('names the stage in a stage-change sample', async () => {
    const connection = await createEnabledConnection(app, { url: listener.url, eventTypes: ['WorkflowStatusChanged'] });

    const sent = dataOf(await app.request(SendTestMessageDocument, { connectionId: connection.id })).sendTestMessage;
    await waitFor(() => requestsOf(sent.id).length === 1, { timeoutMs: WAIT_TIMEOUT_MS, description: 'the stage-change test message' });
    const body = JSON.parse(requestsOf(sent.id)[0].body);

    expect(body.eventType).toBe('WorkflowStatusChanged');
    expect(body.event.parameters).toEqual({ workflowStageId: body.documentRecord.workflowStage.id });
    expect(typeof body.event.parameters.workflowStageId).toBe('number');
  });

  it('rejects a disabled connection', async () => {
    const connection = await createEnabledConnection(app, { url: listener.url });
    dataOf(await app.request(DisablePushConnectionDocument, { id: connection.id }));
    const rejected = errorOf(await app.request(SendTestMessageDocument, { connectionId: connection.id }));
    expect(rejected).toMatchObject({ code: 'CONFLICT', field: 'connectionId' });
  });

  it('rejects a connection never enabled', async () => {
    const created = dataOf(
      await app.request(CreatePushConnectionDocument, { input: { name: 'New listener', url: listener.url, eventTypes: ['DocumentRecordUpdated'] } }),
    ).createPushConnection;

    const rejected = errorOf(await app.request(SendTestMessageDocument, { connectionId: created.id }));
    expect(rejected).toMatchObject({ code: 'CONFLICT', field: 'connectionId' });
    expect(rejected.message).toBe(`Push connection ${created.id} is disabled; enable it before sending a test message.`);
    const messages = dataOf(await app.request(PushMessagesDocument, { filter: { connectionId: created.id } })).pushMessages;
    expect(messages.edges).toEqual([]);
  });

  it('names connectionId when the connection is unknown', async () => {
    const unknown = errorOf(await app.request(SendTestMessageDocument, { connectionId: '999999' }));

    expect(unknown).toMatchObject({ code: 'NOT_FOUND', field: 'connectionId' });
    expect(unknown.message).toContain('"999999"');
  });
});

describe('pushMessages', () => {
  it('pages through messages newest first', async () => {
    const connection = await createEnabledConnection(app, { url: listener.url });
    const ids = [await pushOneEvent(), await pushOneEvent(), await pushOneEvent()];
    for (const id of ids) await waitForMessageState(app, id, 'SUCCEEDED');

    const filter = { connectionId: connection.id, state: 'SUCCEEDED' as const };
    const first = dataOf(await app.request(PushMessagesDocument, { filter, first: 2 })).pushMessages;
    expect(first.totalCount).toBe(3);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = dataOf(await app.request(PushMessagesDocument, { filter, first: 2, after: first.pageInfo.endCursor })).pushMessages;
    expect([...first.edges, ...second.edges].map((edge) => edge.node.id)).toEqual([...ids].reverse());
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect(first.edges[0].node).toMatchObject({ attempts: 1, lastResponseCode: 200, nextAttemptAt: null, lastError: null, isTest: false });
    expect(requestsOf(ids[0])[0].headers).not.toHaveProperty('docpush-test-message');

    const badCursor = errorOf(await app.request(PushMessagesDocument, { filter, after: 'not-a-cursor' }));
    expect(badCursor).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('rejects an unknown connection id with NOT_FOUND', async () => {
    const missing = errorOf(await app.request(PushMessagesDocument, { filter: { connectionId: '987654321' } }));

    expect(missing).toEqual({
      code: 'NOT_FOUND',
      field: 'filter.connectionId',
      message:
        'Push connection "987654321" was not found in this workspace: pass the id of one of its connections (pushConnections lists them), or leave filter.connectionId out to include every connection.',
    });
  });

  it('treats a foreign connection as missing', async () => {
    const other = await createOtherWorkspace(app, 'Other workspace');
    const created = await postGraphQL(
      app.url,
      'mutation ($input: CreatePushConnectionInput!) { createPushConnection(input: $input) { id } }',
      { input: { name: 'Other listener', url: listener.url, eventTypes: ['DocumentRecordUpdated'] } },
      bearer(other.adminKey),
    );
    const foreignId: string = okData(created).createPushConnection.id;

    const foreign = errorOf(await app.request(PushMessagesDocument, { filter: { connectionId: foreignId } }));

    expect(foreign).toEqual({
      code: 'NOT_FOUND',
      field: 'filter.connectionId',
      message: `Push connection "${foreignId}" was not found in this workspace: pass the id of one of its connections (pushConnections lists them), or leave filter.connectionId out to include every connection.`,
    });
  });

  it('rejects a malformed connection id with NOT_FOUND', async () => {
    const malformed = errorOf(await app.request(PushMessagesDocument, { filter: { connectionId: 'conn-1' } }));

    expect(malformed).toEqual({
      code: 'NOT_FOUND',
      field: 'filter.connectionId',
      message:
        'Push connection "conn-1" was not found in this workspace: pass the id of one of its connections (pushConnections lists them), or leave filter.connectionId out to include every connection.',
    });
  });

  it('lists the messages of a deleted connection', async () => {
    const connection = await createEnabledConnection(app, { url: listener.url });
    const messageId = await pushOneEvent();
    await waitForMessageState(app, messageId, 'SUCCEEDED');

    dataOf(await app.request(DeletePushConnectionDocument, { id: connection.id }));
    const messages = dataOf(await app.request(PushMessagesDocument, { filter: { connectionId: connection.id } })).pushMessages;
    const logs = dataOf(await app.request(PushLogsDocument, { filter: { connectionId: connection.id } })).pushLogs;

    expect(messages.edges.map((edge) => edge.node.id)).toEqual([messageId]);
    expect(messages.edges[0].node.state).toBe('SUCCEEDED');
    expect(logs.edges.map((edge) => edge.node.messageId)).toEqual([messageId]);
  });
});
