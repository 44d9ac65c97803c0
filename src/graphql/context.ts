import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../common/logger';
import { WorkspaceScope } from '../common/workspace-scope';
import { UnauthenticatedError } from '../common/errors';
import { MISSING_KEY_MESSAGE } from '../workspace/auth.service';
import type { ApiKeyRole } from '../workspace/api-key.entity';
import type { AppServices } from '../app/app-services';

/** The authenticated API key behind a request or a subscription. */
export interface Caller {
  apiKeyId: number;
  workspaceId: number;
  role: ApiKeyRole;
}

/** Context of every resolver: a fresh EntityManager fork, the caller and the services. */
export interface RequestContext {
  em: EntityManager;
  caller: Caller | null;
  services: AppServices;
  logger: Logger;
}

/** Returns the caller's workspace scope; resolvers reach data only through it. */
export function scopeOf(context: RequestContext): WorkspaceScope {
  if (!context.caller) throw new UnauthenticatedError(MISSING_KEY_MESSAGE);
  return new WorkspaceScope(context.em, context.caller.workspaceId);
}
