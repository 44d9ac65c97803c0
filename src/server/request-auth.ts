import type { Request, RequestHandler, Response } from 'express';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AppServices } from '../app/app-services';
import type { Caller } from '../graphql/context';
import { UnauthenticatedError } from '../common/errors';
import { MISSING_KEY_MESSAGE, authenticate } from '../workspace/auth.service';
import type { AddressResolver } from './client-address';

/** Result of requireApiKey, kept in `response.locals` for the GraphQL context. */
export interface AuthenticatedRequest {
  /** The EntityManager fork that looked up the key, which the request's resolvers then use. */
  em: EntityManager;
  caller: Caller;
}

const LOCALS_KEY = 'docpushAuth';

/**
 * Creates the middleware that authenticates every GraphQL HTTP request before its body is read.
 * A missing, malformed, unknown or revoked key gets 401 with a GraphQL-shaped body
 * (`extensions.code` UNAUTHENTICATED). Such a request has no body parsed and no variables
 * walked, and gets no field served, not even `__typename` or introspection. Other errors, such
 * as an unreachable database, go to the Express error handler.
 */
export function requireApiKey(services: AppServices, addressesOf: AddressResolver): RequestHandler {
  return async (request, response, next) => {
    const em = services.orm.em.fork();
    let caller: Caller | null;
    try {
      caller = await authenticate(em, request.headers.authorization, services.apiKeyCache);
    } catch (error) {
      if (error instanceof UnauthenticatedError) {
        rejectUnauthenticated(services, addressesOf, request, response, error.message);
        return;
      }
      next(error);
      return;
    }
    if (caller === null) {
      rejectUnauthenticated(services, addressesOf, request, response, MISSING_KEY_MESSAGE);
      return;
    }
    const authenticated: AuthenticatedRequest = { em, caller };
    response.locals[LOCALS_KEY] = authenticated;
    next();
  };
}

/** Returns what requireApiKey stored for this request. */
export function authenticatedRequestOf(response: Response): AuthenticatedRequest {
  const authenticated = response.locals[LOCALS_KEY] as AuthenticatedRequest | undefined;
  if (!authenticated) throw new Error('requireApiKey must run before the GraphQL handler.');
  return authenticated;
}

function rejectUnauthenticated(services: AppServices, addressesOf: AddressResolver, request: Request, response: Response, message: string): void {
  // Debug level, because every client without a key, scanners included, would repeat this line at info.
  services.logger.debug({ reason: message, method: request.method, ...addressesOf(request) }, 'rejected a GraphQL request without a valid API key');
  // RFC 9110 (section 15.5.2) requires a WWW-Authenticate challenge on every 401.
  response
    .status(401)
    .set('www-authenticate', 'Bearer realm="docpush"')
    .json({ errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] });
}
