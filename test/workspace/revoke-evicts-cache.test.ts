import pino from 'pino';
import { ApiKeyCache } from '../../src/workspace/api-key-cache';
import { ApiKeyRevocationListener } from '../../src/workspace/api-key-revocation.listener';
import { ApiKeyService } from '../../src/workspace/api-key.service';
import { ApiKeyRole } from '../../src/workspace/api-key.entity';
import { authenticate } from '../../src/workspace/auth.service';
import { PgChannelListener } from '../../src/common/pg-channel-listener';
import { UnauthenticatedError } from '../../src/common/errors';
import { WorkspaceScope } from '../../src/common/workspace-scope';
import { hashApiKey } from '../../src/security/api-key';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { startTestApp, type TestApp } from '../support/test-app';

const silent = pino({ level: 'silent' });

let app: TestApp;
let quietDatabase: TestDatabase;
let channelListener: PgChannelListener;
let revocations: ApiKeyRevocationListener;
let cache: ApiKeyCache;

beforeAll(async () => {
  app = await startTestApp();
  // The cache listens on a database where no revocation notice is sent, so only the revoking
  // service itself can evict a key from it.
  quietDatabase = await createTestDatabase();
  cache = new ApiKeyCache({ ttlMs: 3_600_000, maxEntries: 100 });
  channelListener = new PgChannelListener({ connectionString: quietDatabase.url, logger: silent });
  revocations = new ApiKeyRevocationListener({ listener: channelListener, consumers: [cache], logger: silent });
  await channelListener.start();
  await revocations.start();
});

afterAll(async () => {
  await revocations?.stop();
  await channelListener?.stop();
  await quietDatabase?.drop();
  await app?.stop();
});

describe('revoking a cached key', () => {
  it('evicts it before the notice arrives', async () => {
    const em = app.app.services.orm.em.fork();
    const admin = await authenticate(em, `Bearer ${app.adminKey}`);
    if (!admin) throw new Error('The admin key of the test app was not accepted.');
    const service = new ApiKeyService(new WorkspaceScope(em, admin.workspaceId), silent, cache);
    const { apiKey, key } = await service.create({ name: 'cached then revoked', role: ApiKeyRole.MEMBER });
    const authorization = `Bearer ${key}`;

    const before = await authenticate(app.app.services.orm.em.fork(), authorization, cache);
    expect(before?.apiKeyId).toBe(apiKey.id);
    expect(cache.find(hashApiKey(key), Date.now())).toBeDefined();

    await service.revoke(String(apiKey.id));

    expect(cache.find(hashApiKey(key), Date.now())).toBeUndefined();
    await expect(authenticate(app.app.services.orm.em.fork(), authorization, cache)).rejects.toThrow(UnauthenticatedError);
  });
});
