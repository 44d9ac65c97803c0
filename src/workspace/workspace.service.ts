import type { EntityManager } from '@mikro-orm/postgresql';
import { Workspace } from './workspace.entity';
import { User } from './user.entity';
import { ApiKey, ApiKeyRole } from './api-key.entity';
import { generateApiKey } from '../security/api-key';
import { findReferenced } from '../common/input-checks';
import type { WorkspaceScope } from '../common/workspace-scope';

export interface CreatedWorkspace {
  workspace: Workspace;
  defaultApiUser: User;
  adminKey: string;
}

/**
 * Creates a workspace with its default API user and an ADMIN key, in one transaction.
 * The key is returned in clear text this once; only its hash is stored.
 */
export async function createWorkspace(em: EntityManager, name: string): Promise<CreatedWorkspace> {
  return em.transactional(async (tx) => {
    const workspace = tx.create(Workspace, { name });
    const defaultApiUser = tx.create(User, { workspace, name: 'API', email: 'api@docpush.invalid' });
    workspace.defaultApiUser = defaultApiUser;
    const adminKey = createApiKey(tx, workspace, 'Initial admin key', ApiKeyRole.ADMIN);
    await tx.flush();
    return { workspace, defaultApiUser, adminKey: adminKey.key };
  });
}

/** Adds an API key to the workspace (flushed by the caller) and returns it with the clear-text key. */
export function createApiKey(em: EntityManager, workspace: Workspace, name: string, role: ApiKeyRole): { apiKey: ApiKey; key: string } {
  const generated = generateApiKey();
  const apiKey = em.create(ApiKey, { workspace, name, role, prefix: generated.prefix, hash: generated.hash });
  return { apiKey, key: generated.key };
}

/** Key of the advisory lock that lets one of several processes starting together create the first workspace. */
const FIRST_WORKSPACE_LOCK_KEY = 0x64707766;

/**
 * Creates the first workspace on an empty database and returns it, or returns null when one
 * already exists. The check and the insert run under a transaction-level advisory lock, because
 * processes started together reach this call at about the same time, and each would otherwise
 * create a workspace.
 */
export async function ensureFirstWorkspace(em: EntityManager): Promise<CreatedWorkspace | null> {
  return em.transactional(async (tx) => {
    await tx.execute('select pg_advisory_xact_lock(?)', [FIRST_WORKSPACE_LOCK_KEY]);
    if ((await tx.count(Workspace, {})) > 0) return null;
    return createWorkspace(tx, 'Default workspace');
  });
}

/** Reads and changes the settings of the caller's workspace. */
export class WorkspaceSettingsService {
  constructor(private readonly scope: WorkspaceScope) {}

  get(): Promise<Workspace> {
    return this.scope.em.findOneOrFail(Workspace, this.scope.workspaceId, { populate: ['defaultApiUser'] });
  }

  /** Names the user that acts where an action has no acting user. */
  async setDefaultApiUser(userId: string): Promise<Workspace> {
    const user = await findReferenced(this.scope, User, 'userId', 'user', userId);
    const workspace = await this.get();

    workspace.defaultApiUser = user;
    await this.scope.em.flush();
    return workspace;
  }
}
