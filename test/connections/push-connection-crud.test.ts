import { startTestApp, dataOf, type TestApp } from '../support/test-app';
import {
  CreatePushConnectionDocument,
  PushConnectionDocument,
  PushConnectionsDocument,
  UpdatePushConnectionDocument,
  EnablePushConnectionDocument,
  DisablePushConnectionDocument,
  DeletePushConnectionDocument,
  RotatePushConnectionSecretDocument,
} from '../generated/graphql';
import pg from 'pg';
import type { ExecutionResult } from 'graphql';
import { PushConnection } from '../../src/connections/push-connection.entity';
import { MAX_PREVIOUS_SIGNING_SECRETS } from '../../src/signing/webhook-signature';
import { waitFor } from '../support/wait';
import { recordEvent, seedRecord, seedWorkspace } from '../support/fixtures';
import { DocumentRecordEventType } from '../../src/records/event-type';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  await app?.stop();
});

const validInput = {
  name: 'CRM sync',
  url: 'http://127.0.0.1:9/webhook',
  eventTypes: ['DocumentRecordUpdated' as const],
};

/**
 * Holds the row of connection `id` from another session until `mutation` waits for it, then runs
 * `change` in that session and commits, as a concurrent request would.
 */
async function raceOnConnectionRow<T>(id: string, mutation: () => Promise<T>, change: (client: pg.Client) => Promise<unknown>): Promise<T> {
  const other = new pg.Client({ connectionString: app.databaseUrl });
  await other.connect();
  try {
    await other.query('begin');
    await other.query('select id from push_connections where id = $1 for update', [Number(id)]);
    const otherPid: number = (await other.query('select pg_backend_pid() as pid')).rows[0].pid;
    const running = mutation();
    await waitFor(
      async () => {
        await other.query('select pg_stat_clear_snapshot()');
        return (await other.query('select count(*)::int as n from pg_stat_activity where $1::int = any(pg_blocking_pids(pid))', [otherPid])).rows[0].n > 0;
      },
      { description: 'the mutation to wait for the connection row' },
    );
    await change(other);
    await other.query('commit');
    return await running;
  } finally {
    await other.end();
  }
}

describe('push connection mutations', () => {
  it('creates a disabled connection with Legito defaults', async () => {
    const created = dataOf(await app.request(CreatePushConnectionDocument, { input: validInput })).createPushConnection;

    expect(created.enabled).toBe(false);
    expect(created.systemName).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(created.templateSuiteAll).toBe(true);
    expect(created.documentRecordTypeAll).toBe(true);
    expect(created.attachFilesUploaded).toBe(false);
    expect(created.attachFilesGenerated).toBe(false);
    expect(created.fileTypes).toEqual(['docx', 'pdf']);
    expect(created.signingSecret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  });

  it('reads, updates, enables and deletes a connection', async () => {
    const { id } = dataOf(await app.request(CreatePushConnectionDocument, { input: validInput })).createPushConnection;

    const updated = dataOf(await app.request(UpdatePushConnectionDocument, { id, input: { name: 'Renamed', fileTypes: ['pdfa'] } }));
    expect(updated.updatePushConnection.name).toBe('Renamed');
    expect(updated.updatePushConnection.url).toBe(validInput.url);
    expect(updated.updatePushConnection.fileTypes).toEqual(['pdfa']);

    const enabled = dataOf(await app.request(EnablePushConnectionDocument, { id }));
    expect(enabled.enablePushConnection.enabled).toBe(true);

    dataOf(await app.request(DeletePushConnectionDocument, { id }));
    const afterDelete = await app.request(PushConnectionDocument, { id });
    expect(afterDelete.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it.each(['enable', 'disable', 'rotate', 'delete'] as const)('does not %s a connection deleted meanwhile', async (action) => {
    const { id } = dataOf(await app.request(CreatePushConnectionDocument, { input: validInput })).createPushConnection;
    if (action === 'disable') dataOf(await app.request(EnablePushConnectionDocument, { id }));
    const changing: () => Promise<ExecutionResult> = {
      enable: () => app.request(EnablePushConnectionDocument, { id }),
      disable: () => app.request(DisablePushConnectionDocument, { id }),
      rotate: () => app.request(RotatePushConnectionSecretDocument, { id }),
      delete: () => app.request(DeletePushConnectionDocument, { id }),
    }[action];

    const result = await raceOnConnectionRow(id, changing, (other) =>
      other.query('update push_connections set deleted_at = now(), enabled = false where id = $1', [Number(id)]),
    );

    expect(result.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const stored = await app.app.services.orm.em.fork().findOneOrFail(PushConnection, Number(id));
    expect(stored.enabled).toBe(false);
    expect(stored.deletedAt).not.toBeNull();
    expect(stored.disabledAt).toBeNull();
    expect(stored.signingSecrets).toHaveLength(1);
  });

  it('deletes a connection enabled meanwhile as disabled', async () => {
    const { id } = dataOf(await app.request(CreatePushConnectionDocument, { input: validInput })).createPushConnection;

    const result = await raceOnConnectionRow(
      id,
      () => app.request(DeletePushConnectionDocument, { id }),
      (other) => other.query('update push_connections set enabled = true where id = $1', [Number(id)]),
    );

    expect(result.errors).toBeUndefined();
    const stored = await app.app.services.orm.em.fork().findOneOrFail(PushConnection, Number(id));
    expect(stored.deletedAt).not.toBeNull();
    expect(stored.enabled).toBe(false);
  });

  it('keeps retry times when enabled meanwhile', async () => {
    const { id } = dataOf(await app.request(CreatePushConnectionDocument, { input: validInput })).createPushConnection;
    const seeded = await seedWorkspace(app);
    const { eventId } = await recordEvent(app, await seedRecord(app, seeded), DocumentRecordEventType.DocumentRecordUpdated, null);
    const em = app.app.services.orm.em.fork();
    const [message] = await em.execute<Array<{ id: string; next_attempt_at: Date }>>(
      `insert into push_messages (id, workspace_id, connection_id, event_id, state, attempts, next_attempt_at, is_test, created_at, updated_at)
       values (docpush_new_message_id(), ?, ?, ?, 'RETRY_SCHEDULED', 1, now() + interval '1 hour', false, now(), now())
       returning id, next_attempt_at`,
      [seeded.workspaceId, Number(id), eventId],
    );

    const result = await raceOnConnectionRow(
      id,
      () => app.request(EnablePushConnectionDocument, { id }),
      (other) => other.query('update push_connections set enabled = true where id = $1', [Number(id)]),
    );

    expect(dataOf(result).enablePushConnection.enabled).toBe(true);
    const [stored] = await em.execute<Array<{ next_attempt_at: Date }>>('select next_attempt_at from push_messages where id = ?', [message.id]);
    expect(new Date(stored.next_attempt_at).getTime()).toBe(new Date(message.next_attempt_at).getTime());
  });

  it('pages through connections newest first', async () => {
    for (let i = 0; i < 3; i += 1) {
      dataOf(await app.request(CreatePushConnectionDocument, { input: { ...validInput, name: `page ${i}` } }));
    }
    const first = dataOf(await app.request(PushConnectionsDocument, { first: 2 })).pushConnections;
    expect(first.edges).toHaveLength(2);
    expect(first.pageInfo.hasNextPage).toBe(true);

    const second = dataOf(await app.request(PushConnectionsDocument, { first: 100, after: first.pageInfo.endCursor })).pushConnections;
    const seen = [...first.edges, ...second.edges].map((edge) => Number(edge.node.id));
    expect(seen).toEqual([...seen].sort((a, b) => b - a));
    expect(seen).toHaveLength(first.totalCount);
  });

  it('keeps every secret of concurrent rotations', async () => {
    const { id } = dataOf(await app.request(CreatePushConnectionDocument, { input: validInput })).createPushConnection;

    // As many rotations as the limit on previous secrets allows, so that none is dropped.
    const rotations = MAX_PREVIOUS_SIGNING_SECRETS;
    const results = await Promise.all(Array.from({ length: rotations }, () => app.request(RotatePushConnectionSecretDocument, { id })));

    const returned = results.map((result) => dataOf(result).rotatePushConnectionSecret.signingSecret);
    const stored = await app.app.services.orm.em.fork().findOneOrFail(PushConnection, Number(id));
    const opened = stored.signingSecrets.map((secret) => app.app.services.secretBox.open(secret.sealed));
    expect(new Set(returned).size).toBe(rotations);
    expect(opened).toHaveLength(rotations + 1);
    for (const secret of returned) expect(opened).toContain(secret);
    expect(stored.signingSecrets.filter((secret) => secret.expiresAt === null)).toHaveLength(1);
    // A secret that a later rotation replaced expires no earlier than the one before it.
    const expiries = stored.signingSecrets.filter((secret) => secret.expiresAt !== null).map((secret) => Date.parse(secret.expiresAt!));
    expect(expiries).toEqual([...expiries].sort((a, b) => a - b));
  });

  it('rejects a page larger than 100', async () => {
    const result = await app.request(PushConnectionsDocument, { first: 101 });
    expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });
});
