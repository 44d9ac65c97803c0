import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ApiKey, ApiKeyRole } from './api-key.entity';
import { Workspace } from './workspace.entity';
import type { CreateApiKeyInput } from './api-key.input';
import { createApiKey } from './workspace.service';
import { publishApiKeyRevoked } from './auth.service';
import { ConflictError } from '../common/errors';
import { checkName } from '../common/input-checks';
import type { Logger } from '../common/logger';
import type { WorkspaceScope } from '../common/workspace-scope';
import type { ApiKeyCache } from './api-key-cache';

/** Manages the API keys of one workspace. Keys are stored as hashes; the clear text leaves only on creation. */
export class ApiKeyService {
  constructor(
    private readonly scope: WorkspaceScope,
    private readonly logger: Logger,
    /** This process's cache of active keys, which a revocation empties of the key before returning. */
    private readonly cache?: ApiKeyCache,
  ) {}

  /** Returns every key of the workspace, revoked ones included, newest first. */
  list(): Promise<ApiKey[]> {
    return this.scope.em.find(ApiKey, { workspace: this.scope.workspaceId }, { orderBy: { id: 'desc' } });
  }

  async create(input: CreateApiKeyInput): Promise<{ apiKey: ApiKey; key: string }> {
    const name = checkName('name', input.name, 'CRM integration');

    const created = createApiKey(this.scope.em, this.scope.workspace, name, input.role);
    await this.scope.em.flush();
    this.logger.info({ workspaceId: this.scope.workspaceId, apiKeyId: created.apiKey.id, role: input.role }, 'api key created');
    return created;
  }

  /**
   * Revokes a key; requests with it fail with UNAUTHENTICATED from then on, in other API processes
   * once the revocation notice reaches them (see ApiKeyCache). Revoking a revoked key
   * changes nothing. The last active ADMIN key cannot be revoked, because nobody could then manage
   * the workspace; the workspace row is locked so two concurrent revocations cannot both pass.
   */
  async revoke(id: string): Promise<ApiKey> {
    const apiKey = await this.scope.get(ApiKey, 'API key', id);
    if (apiKey.revokedAt) return apiKey;

    const revokedNow = await this.scope.em.transactional(async (tx) => {
      await tx.findOneOrFail(Workspace, this.scope.workspaceId, { lockMode: LockMode.PESSIMISTIC_WRITE });
      // Read again under the workspace lock, so that of concurrent revocations only the first one
      // sets the time and sends the notice, and the others return its time as a later call does.
      await tx.refresh(apiKey);
      if (apiKey.revokedAt) return false;
      if (apiKey.role === ApiKeyRole.ADMIN) await this.checkOtherAdminKeyExists(tx, apiKey);
      apiKey.revokedAt = new Date();
      // Delivered on commit: every API process then closes the key's open graphql-ws connections.
      await publishApiKeyRevoked(tx, apiKey.id);
      return true;
    });
    if (!revokedNow) return apiKey;
    // Other processes evict the key when the notice arrives; this one must not wait for it.
    this.cache?.evictKey(apiKey.id);
    this.logger.info({ workspaceId: this.scope.workspaceId, apiKeyId: apiKey.id }, 'api key revoked');
    return apiKey;
  }

  private async checkOtherAdminKeyExists(tx: EntityManager, apiKey: ApiKey): Promise<void> {
    const others = await tx.count(ApiKey, {
      workspace: this.scope.workspaceId,
      role: ApiKeyRole.ADMIN,
      revokedAt: null,
      id: { $ne: apiKey.id },
    });
    if (others === 0) {
      throw new ConflictError(`API key ${apiKey.id} is the last active ADMIN key of this workspace: create another ADMIN key first, then revoke this one.`, 'id');
    }
  }
}
