import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { ApiKey, ApiKeyRole } from './api-key.entity';
import { CreatedApiKey } from './api-key.type';
import { CreateApiKeyInput } from './api-key.input';
import { ApiKeyService } from './api-key.service';
import { scopeOf, type RequestContext } from '../graphql/context';
import { NEEDS_ADMIN_KEY } from '../graphql/auth-checker';

function apiKeyService(context: RequestContext): ApiKeyService {
  return new ApiKeyService(scopeOf(context), context.logger, context.services.apiKeyCache);
}

@Resolver(() => ApiKey)
@Authorized(ApiKeyRole.ADMIN)
export class ApiKeyResolver {
  @Query(() => [ApiKey], { description: `API keys of the workspace, revoked ones included, newest first. Keys themselves are never listed. ${NEEDS_ADMIN_KEY}` })
  apiKeys(@Ctx() context: RequestContext) {
    return apiKeyService(context).list();
  }

  @Mutation(() => CreatedApiKey, { description: `Creates an API key. The response contains the key, which is never shown again. ${NEEDS_ADMIN_KEY}` })
  createApiKey(@Arg('input', { description: 'The new key.' }) input: CreateApiKeyInput, @Ctx() context: RequestContext) {
    return apiKeyService(context).create(input);
  }

  @Mutation(() => ApiKey, { description: `Revokes an API key at once. The last active ADMIN key cannot be revoked. ${NEEDS_ADMIN_KEY}` })
  revokeApiKey(@Arg('id', () => ID, { description: 'Id of an API key of this workspace.' }) id: string, @Ctx() context: RequestContext) {
    return apiKeyService(context).revoke(id);
  }
}
