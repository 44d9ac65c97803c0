import { startTestApp, dataOf, type TestApp } from '../support/test-app';
import { countRows, expectFieldError, onlyError } from '../records/api-assertions';
import { ApiKey } from '../../src/workspace/api-key.entity';
import {
  ApiKeysDocument,
  CreateApiKeyDocument,
  CreateUserDocument,
  RevokeApiKeyDocument,
  SetDefaultApiUserDocument,
  UsersDocument,
  WorkspaceDocument,
  type ApiKeyRole,
} from '../generated/graphql';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  await app?.stop();
});

async function createKey(name: string, role: ApiKeyRole, adminKey = app.adminKey) {
  return dataOf(await app.request(CreateApiKeyDocument, { input: { name, role } }, adminKey)).createApiKey;
}

describe('API keys', () => {
  it('shows the key only once', async () => {
    const created = await createKey('CRM integration', 'MEMBER');

    expect(created.key).toMatch(/^dpk_[A-Za-z0-9_-]{43}$/);
    expect(created.apiKey).toMatchObject({ name: 'CRM integration', role: 'MEMBER', prefix: created.key.slice(0, 12), revokedAt: null, lastUsedAt: null });

    const listed = dataOf(await app.request(ApiKeysDocument, {})).apiKeys;
    expect(listed.map((key) => key.id)).toContain(created.apiKey.id);
    expect(JSON.stringify(listed)).not.toContain(created.key);
    expect(JSON.stringify(listed)).not.toContain(created.key.slice(12));
  });

  it('new key authenticates and records use', async () => {
    const created = await createKey('Reader', 'MEMBER');

    const workspace = dataOf(await app.request(WorkspaceDocument, {}, created.key)).workspace;

    expect(workspace.id).toBeTruthy();
    const listed = dataOf(await app.request(ApiKeysDocument, {})).apiKeys.find((key) => key.id === created.apiKey.id);
    expect(listed?.lastUsedAt).not.toBeNull();
  });

  it('rejects blank and long names', async () => {
    const before = await countRows(app, ApiKey);

    expectFieldError(await app.request(CreateApiKeyDocument, { input: { name: ' ', role: 'ADMIN' } }), 'name');
    expectFieldError(await app.request(CreateApiKeyDocument, { input: { name: 'k'.repeat(201), role: 'ADMIN' } }), 'name');

    expect(await countRows(app, ApiKey)).toBe(before);
  });

  it('forbids admin operations to a MEMBER key', async () => {
    const member = await createKey('Member', 'MEMBER');
    const before = await countRows(app, ApiKey);

    const attempts = [
      await app.request(ApiKeysDocument, {}, member.key),
      await app.request(CreateApiKeyDocument, { input: { name: 'Escalation', role: 'ADMIN' } }, member.key),
      await app.request(RevokeApiKeyDocument, { id: member.apiKey.id }, member.key),
      await app.request(CreateUserDocument, { input: { name: 'Blocked', email: 'blocked@example.com' } }, member.key),
      await app.request(SetDefaultApiUserDocument, { userId: '1' }, member.key),
    ];

    for (const result of attempts) {
      const error = onlyError(result);
      expect(error.extensions?.code).toBe('FORBIDDEN');
      expect(error.message).toContain('MEMBER');
    }
    expect(await countRows(app, ApiKey)).toBe(before);
    expect(dataOf(await app.request(UsersDocument, { first: 1 }, member.key)).users.totalCount).toBeGreaterThan(0);
  });

  it('revoked key is UNAUTHENTICATED next', async () => {
    const created = await createKey('Short-lived', 'MEMBER');
    dataOf(await app.request(WorkspaceDocument, {}, created.key));

    const revoked = dataOf(await app.request(RevokeApiKeyDocument, { id: created.apiKey.id })).revokeApiKey;

    expect(revoked.revokedAt).not.toBeNull();
    const next = await app.request(WorkspaceDocument, {}, created.key);
    expect(onlyError(next).extensions?.code).toBe('UNAUTHENTICATED');
    expect(JSON.stringify(next)).not.toContain(created.key);
  });

  it('second revocation keeps the first time', async () => {
    const created = await createKey('Twice', 'MEMBER');
    const first = dataOf(await app.request(RevokeApiKeyDocument, { id: created.apiKey.id })).revokeApiKey;

    const second = dataOf(await app.request(RevokeApiKeyDocument, { id: created.apiKey.id })).revokeApiKey;

    expect(second.revokedAt).toBe(first.revokedAt);
  });

  it('concurrent revocations keep one time', async () => {
    const created = await createKey('Revoked at once', 'MEMBER');

    const results = await Promise.all([1, 2, 3, 4].map(() => app.request(RevokeApiKeyDocument, { id: created.apiKey.id })));

    const stored = await app.app.services.orm.em.fork().findOneOrFail(ApiKey, Number(created.apiKey.id));
    for (const result of results) expect(new Date(dataOf(result).revokeApiKey.revokedAt!)).toEqual(stored.revokedAt);
  });

  it('reports an unknown key id as NOT_FOUND', async () => {
    expectFieldError(await app.request(RevokeApiKeyDocument, { id: '987654' }), 'id', 'NOT_FOUND');
  });

  it('keeps the last active ADMIN key', async () => {
    const successor = await createKey('Successor admin', 'ADMIN');
    const initialId = dataOf(await app.request(ApiKeysDocument, {})).apiKeys.find((key) => key.name === 'Initial admin key')!.id;
    dataOf(await app.request(RevokeApiKeyDocument, { id: initialId }, successor.key));

    const error = expectFieldError(await app.request(RevokeApiKeyDocument, { id: successor.apiKey.id }, successor.key), 'id', 'CONFLICT');

    expect(error.message).toContain('last active ADMIN key');
    expect(onlyError(await app.request(WorkspaceDocument, {}, app.adminKey)).extensions?.code).toBe('UNAUTHENTICATED');
    expect(dataOf(await app.request(WorkspaceDocument, {}, successor.key)).workspace.id).toBeTruthy();
  });
});
