import { parse } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { startTestApp, dataOf, type TestApp } from '../support/test-app';
import { startListener, type TestListener } from '../support/listener';
import { seedWorkspace, seedRecord, recordEvent, type SeededWorkspace } from '../support/fixtures';
import { waitFor } from '../support/wait';
import { DocumentRecordEventType } from '../../src/records/event-type';
import {
  CreatePushConnectionDocument,
  DeletePushConnectionDocument,
  EnablePushConnectionDocument,
  PushLogsDocument,
  type CreatePushConnectionInput,
  type PushLogFilter,
} from '../generated/graphql';
import { createOtherWorkspace, okData, postGraphQL, bearer } from '../security/security-support';

let app: TestApp;
let seeded: SeededWorkspace;
let okListener: TestListener;
let failingListener: TestListener;
let okConnectionId: string;
let failingConnectionId: string;
let startedAt: Date;

async function enabledConnection(url: string, name: string, eventTypes: CreatePushConnectionInput['eventTypes'] = ['FileUpload', 'FileDownload']): Promise<string> {
  const { id } = dataOf(await app.request(CreatePushConnectionDocument, { input: { name, url, eventTypes } })).createPushConnection;
  dataOf(await app.request(EnablePushConnectionDocument, { id }));
  return id;
}

async function logs(filter: PushLogFilter) {
  return dataOf(await app.request(PushLogsDocument, { filter, first: 100 })).pushLogs;
}

beforeAll(async () => {
  // The first retry comes after an hour, so each message has exactly one attempt during the test.
  app = await startTestApp({ DOCPUSH_RETRY_SCHEDULE: '1h' });
  seeded = await seedWorkspace(app);
  okListener = await startListener();
  failingListener = await startListener((_request, response) => {
    response.writeHead(503);
    response.end('maintenance');
  });
  okConnectionId = await enabledConnection(okListener.url, 'OK');
  failingConnectionId = await enabledConnection(failingListener.url, 'Failing');
  startedAt = new Date();

  const record = await seedRecord(app, seeded);
  await recordEvent(app, record, DocumentRecordEventType.FileUpload, seeded.author);
  await recordEvent(app, record, DocumentRecordEventType.FileDownload, seeded.author);
  await waitFor(async () => (await logs({})).totalCount >= 4, { description: 'four push log rows' });
});

afterAll(async () => {
  await okListener?.close();
  await failingListener?.close();
  await app?.stop();
});

describe('pushLogs filters', () => {
  it('filter by connection', async () => {
    const result = await logs({ connectionId: failingConnectionId });
    expect(result.totalCount).toBe(2);
    expect(result.edges.every((edge) => edge.node.connectionId === failingConnectionId)).toBe(true);
  });

  it('filter by event type', async () => {
    const result = await logs({ eventType: 'FileDownload' });
    expect(result.totalCount).toBe(2);
    expect(result.edges.every((edge) => edge.node.eventType === 'FileDownload')).toBe(true);
  });

  it('filter by outcome and response code', async () => {
    const failed = await logs({ outcome: 'FAILED' });
    const unavailable = await logs({ responseCode: 503 });
    const succeeded = await logs({ outcome: 'SUCCEEDED', connectionId: okConnectionId });

    expect(failed.totalCount).toBe(2);
    expect(unavailable.edges.map((edge) => edge.node.id).sort()).toEqual(failed.edges.map((edge) => edge.node.id).sort());
    expect(succeeded.totalCount).toBe(2);
  });

  it('filter by time range', async () => {
    const inRange = await logs({ from: startedAt.toISOString(), to: new Date(Date.now() + 60_000).toISOString() });
    const before = await logs({ to: startedAt.toISOString() });

    expect(inRange.totalCount).toBe(4);
    expect(before.totalCount).toBe(0);
  });

  it('rejects a reversed time range', async () => {
    const result = await app.request(PushLogsDocument, { filter: { from: new Date().toISOString(), to: startedAt.toISOString() } });
    expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.from' });
  });

  it.each(['', 'abc', 'msg_01jd5x7m3q8zp4n6r2t9v0w1yc'])('rejects the message id %j', async (messageId) => {
    const result = await app.request(PushLogsDocument, { filter: { messageId } });

    expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.messageId' });
    expect(result.errors?.[0].message).toContain(`filter.messageId ${JSON.stringify(messageId)} is not a push message id`);
  });

  it.each([-5, 1, 99, 1000, 99999])('rejects the response code %d', async (responseCode) => {
    const result = await app.request(PushLogsDocument, { filter: { responseCode } });

    expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.responseCode' });
    expect(result.errors?.[0].message).toBe(
      `filter.responseCode ${responseCode} is not a logged response code: give 0 (no response received) or an HTTP status from 100 to 999.`,
    );
  });

  it('accepts codes 0 and 999 and a message id', async () => {
    const noResponse = await logs({ responseCode: 0 });
    const nonStandard = await logs({ responseCode: 999 });
    const unknownMessage = await logs({ messageId: 'msg_01JD5X7M3Q8ZP4N6R2T9V0W1YC' });

    expect(noResponse.totalCount).toBe(0);
    expect(nonStandard.totalCount).toBe(0);
    expect(unknownMessage.totalCount).toBe(0);
  });
});

describe('pushLogs connection filter errors', () => {
  /** An id no push_connections row has. */
  const MISSING_ID = '987654321';

  function errorOf(result: { errors?: ReadonlyArray<{ message: string; extensions?: Record<string, unknown> }>; data?: unknown }) {
    expect(result.errors).toHaveLength(1);
    expect(result.data ?? null).toBeNull();
    return { code: result.errors![0].extensions?.code, field: result.errors![0].extensions?.field, message: result.errors![0].message };
  }

  // 9999999999 is beyond PostgreSQL's integer range, which no id column reaches.
  it.each([MISSING_ID, '9999999999'])('rejects the unknown connection id %s with NOT_FOUND', async (connectionId) => {
    const error = errorOf(await app.request(PushLogsDocument, { filter: { connectionId } }));

    expect(error.code).toBe('NOT_FOUND');
    expect(error.field).toBe('filter.connectionId');
    expect(error.message).toBe(
      `Push connection "${connectionId}" was not found in this workspace: pass the id of one of its connections (pushConnections lists them), or leave filter.connectionId out to include every connection.`,
    );
  });

  it('treats a foreign connection as missing', async () => {
    const other = await createOtherWorkspace(app, 'Other workspace');
    const created = await postGraphQL(
      app.url,
      'mutation ($input: CreatePushConnectionInput!) { createPushConnection(input: $input) { id } }',
      { input: { name: 'Other listener', url: okListener.url, eventTypes: ['FileUpload'] } },
      bearer(other.adminKey),
    );
    const foreignId: string = okData(created).createPushConnection.id;

    const foreign = errorOf(await app.request(PushLogsDocument, { filter: { connectionId: foreignId } }));
    const missing = errorOf(await app.request(PushLogsDocument, { filter: { connectionId: MISSING_ID } }));

    expect(foreign.code).toBe('NOT_FOUND');
    expect({ ...foreign, message: foreign.message.replace(foreignId, '<id>') }).toEqual({ ...missing, message: missing.message.replace(MISSING_ID, '<id>') });
  });

  it.each(['abc', '0', '-1', '1e0', '0x1', ' 1', '12345678901234567890'])('rejects the malformed id %j with NOT_FOUND', async (connectionId) => {
    const error = errorOf(await app.request(PushLogsDocument, { filter: { connectionId } }));
    const missing = errorOf(await app.request(PushLogsDocument, { filter: { connectionId: MISSING_ID } }));

    expect(error.code).toBe('NOT_FOUND');
    expect(error.field).toBe('filter.connectionId');
    expect(error.message).toBe(missing.message.replace(JSON.stringify(MISSING_ID), JSON.stringify(connectionId)));
  });
});

describe('pushLogs totalCount', () => {
  /** Runs `query` and returns the SQL statements that counted push log rows meanwhile. */
  async function countStatementsOf(query: string): Promise<string[]> {
    const knex = app.app.services.orm.em.getKnex();
    const statements: string[] = [];
    const onQuery = (data: { sql: string }) => statements.push(data.sql);
    knex.on('query', onQuery);
    try {
      dataOf(await app.request(parse(query) as TypedDocumentNode<unknown, Record<string, never>>));
    } finally {
      knex.off('query', onQuery);
    }
    return statements.filter((sql) => /count\(/i.test(sql) && sql.includes('push_logs'));
  }

  it('is not counted when not selected', async () => {
    expect(await countStatementsOf('{ pushLogs(first: 2) { edges { cursor } pageInfo { hasNextPage } } }')).toEqual([]);
  });

  it('is counted once when selected twice', async () => {
    const counts = await countStatementsOf('{ pushLogs(first: 2) { totalCount again: totalCount } }');

    expect(counts).toHaveLength(1);
  });
});

// Runs last: its connection and log would change the counts that the tests above expect.
describe('pushLogs of a deleted connection', () => {
  it('stay listed when filtered by the connection id', async () => {
    const deletedId = await enabledConnection(okListener.url, 'Deleted later', ['SignCompleted']);
    const record = await seedRecord(app, seeded);
    await recordEvent(app, record, DocumentRecordEventType.SignCompleted, seeded.author);
    await waitFor(async () => (await logs({ connectionId: deletedId })).totalCount === 1, { description: 'the push log row of the connection' });

    dataOf(await app.request(DeletePushConnectionDocument, { id: deletedId }));
    const afterDeletion = await logs({ connectionId: deletedId });

    expect(afterDeletion.totalCount).toBe(1);
    expect(afterDeletion.edges[0].node).toMatchObject({ connectionId: deletedId, connectionName: 'Deleted later', outcome: 'SUCCEEDED' });
  });
});
