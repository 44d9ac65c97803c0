import type { AuthChecker } from 'type-graphql';
import { ForbiddenError, UnauthenticatedError } from '../common/errors';
import type { RequestContext } from './context';

/** Closing sentence of the schema description of an operation that `@Authorized(ApiKeyRole.ADMIN)` guards. */
export const NEEDS_ADMIN_KEY = 'Needs an ADMIN key.';

/** Closing sentence of the schema description of an operation that `@Authorized()` guards. */
export const NEEDS_ANY_KEY = 'Needs an API key of either role, ADMIN or MEMBER.';

/**
 * Enforces `@Authorized(...roles)`: no caller is UNAUTHENTICATED, a caller without one of the
 * roles is FORBIDDEN. `@Authorized()` with no roles admits any valid key.
 */
export const authChecker: AuthChecker<RequestContext> = ({ context, info }, roles) => {
  const caller = context.caller;
  if (!caller) throw new UnauthenticatedError('An API key is required: send it as "Authorization: Bearer <key>".');
  if (roles.length > 0 && !roles.includes(caller.role)) {
    throw new ForbiddenError(`${info.parentType.name}.${info.fieldName} requires a key with role ${roles.join(' or ')}; this key has role ${caller.role}.`);
  }
  return true;
};
