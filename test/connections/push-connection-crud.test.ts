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
import { PushConnection } from '../../src/connections/push-connection.entity';
import { MAX_PREVIOUS_SIGNING_SECRETS } from '../../src/signing/webhook-signature';
import { waitFor } from '../support/wait';

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
    const deleter = new pg.Client({ connectionString: app.databaseUrl });
    await deleter.connect();
    try {
      // Holds the connection row, as a concurrent deletion does, until the mutation waits for it.
      await deleter.query('begin');
      await deleter.query('select id from push_connections where id = $1 for update', [Number(id)]);
      const deleterPid: number = (await deleter.query('select pg_backend_pid() as pid')).rows[0].pid;
      const changing = {
        enable: () => app.request(EnablePushConnectionDocument, { id }),
        disable: () => app.request(DisablePushConnectionDocument, { id }),
        rotate: () => app.request(RotatePushConnectionSecretDocument, { id }),
        delete: () => app.request(DeletePushConnectionDocument, { id }),
      }[action]();
      await waitFor(
        async () => {
          // The deleter is inside its transaction, where pg_stat_activity would keep returning the snapshot of its first read.
          await deleter.query('select pg_stat_clear_snapshot()');
          return (await deleter.query('select count(*)::int as n from pg_stat_activity where $1::int = any(pg_blocking_pids(pid))', [deleterPid])).rows[0].n > 0;
        },
        { description: `the ${action} mutation to wait for the connection row` },
      );
      await deleter.query('update push_connections set deleted_at = now(), enabled = false where id = $1', [Number(id)]);
      await deleter.query('commit');

      const result = await changing;

      expect(result.errors?.[0].extensions?.code).toBe('NOT_FOUND');
      const stored = await app.app.services.orm.em.fork().findOneOrFail(PushConnection, Number(id));
      expect(stored.enabled).toBe(false);
      expect(stored.deletedAt).not.toBeNull();
      expect(stored.disabledAt).toBeNull();
      expect(stored.signingSecrets).toHaveLength(1);
    } finally {
      await deleter.end();
    }
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
