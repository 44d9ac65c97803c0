import type http from 'node:http';
import { WebSocketServer, type ServerOptions as WsServerOptions, type WebSocket } from 'ws';
import { CloseCode, type Context, type Disposable, type SubscribePayload } from 'graphql-ws';
import { GraphQLError, getOperationAST, getVariableValues, parse, validate, type DocumentNode, type ExecutionArgs, type GraphQLFormattedError, type GraphQLSchema, type ValidationRule } from 'graphql';
import type { AppServices } from '../app/app-services';
import type { Caller, RequestContext } from '../graphql/context';
import { MAX_QUERY_TOKENS, checkQueryCost, checkVariableListSizes, queryLimitRules, type QueryLimits } from '../graphql/query-limits';
import { introspectionRules } from '../graphql/introspection';
import { docpushSpecifiedRules } from '../graphql/subscription-root-rule';
import { checkNullVariables } from '../graphql/null-variables';
import { UnauthenticatedError } from '../common/errors';
import { MALFORMED_KEY_MESSAGE, authenticate, isKeyActive } from '../workspace/auth.service';
import { revokedReason, type WsSessions } from './ws-sessions';
import { serveGraphqlWs, type ConnectionRejection, type WsExtra } from './graphql-ws.adapter';
import { admitOperation } from './ws-operation-limit';
import { MAX_CLOSE_REASON_BYTES, MAX_UNAUTHENTICATED_BYTES, REJECTION_LOG_INTERVAL_MS, UnauthenticatedConnections, keyLimitReason } from './ws-connection-limits';
import { throttledLogLine } from '../common/throttled-log';
import { databaseUnavailableMessage, isDatabaseUnavailable } from '../database/database-unavailable';
import type { AddressResolver, RequestAddresses } from './client-address';

type ErrorFormatter = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

/** Per-connection data that graphql-ws keeps besides the socket. */
interface ConnectionExtra extends Record<PropertyKey, unknown> {
  /** The caller that connection_init authenticated. */
  caller?: Caller;
  /** Ids of the operations that admitOperation accepted, some of which may have ended since. */
  acceptedOperationIds?: Set<string>;
  /** Whether the connection already logged that it reached DOCPUSH_MAX_WS_OPERATIONS, which it logs once. */
  operationLimitLogged?: boolean;
}

/**
 * Maximum wait for the client's close frame after the server sent its own, before ws drops the
 * TCP connection. The ws default is 30 s. A client that reads its socket replies within a round
 * trip, and a client that never replies would otherwise keep the socket and its buffers that long.
 */
const CLOSE_HANDSHAKE_TIMEOUT_MS = 1_000;

/** WebSocket close code 1013 (Try Again Later), after which the graphql-ws client (6.4.2) connects again. */
const TRY_AGAIN_LATER = 1013;
const DATABASE_UNAVAILABLE_REASON = 'Try Again Later: the database is unavailable. Connect again once /readyz reports ready.';
/** Marker that onConnect gets instead of a caller when the database could not check the key. */
const DATABASE_UNAVAILABLE = Symbol('database unavailable');

const MISSING_KEY_REASON = 'Unauthorized: send {"authorization": "Bearer <API key>"} as the connection_init payload.';
/** The HTTP message of a malformed key also explains the HTTP header, which would not fit in a close reason. */
const MALFORMED_KEY_REASON = 'Unauthorized: the API key is malformed; send {"authorization": "Bearer dpk_..."} as the connection_init payload.';

/**
 * Serves graphql-ws on `path` of the HTTP server. connection_init must carry a valid key, else
 * the socket closes with 4401 and a reason. A socket beyond DOCPUSH_MAX_WS_UNAUTHENTICATED_PER_ADDRESS
 * or DOCPUSH_MAX_WS_CONNECTIONS_PER_KEY closes with 4403 and a reason that names the setting. A
 * connection runs at most DOCPUSH_MAX_WS_OPERATIONS operations at once, and one more gets an
 * error while the socket stays open. Each operation passes
 * the token, depth, alias and cost limits and the introspection setting of HTTP requests, and
 * re-checks that the key is still active. Errors go through `formatError`, as on HTTP, so no
 * internal message leaves the server. While the database is unavailable, connection_init closes
 * the socket with 1013 (Try Again Later), and an operation gets SERVICE_UNAVAILABLE.
 */
export function startGraphqlWs(options: {
  server: http.Server;
  path: string;
  schema: GraphQLSchema;
  services: AppServices;
  sessions: WsSessions;
  limits: QueryLimits;
  formatError: ErrorFormatter;
  /** Attributes each socket to a client address, for DOCPUSH_MAX_WS_UNAUTHENTICATED_PER_ADDRESS and logs. */
  addressesOf: AddressResolver;
}): Disposable {
  const { services, sessions, schema, limits, formatError } = options;
  const maxOperations = services.config.api.maxWsOperations;
  // closeTimeout is an option of ws since 8.19.0, which @types/ws 8.18 does not declare.
  const serverOptions: WsServerOptions & { closeTimeout: number } = {
    server: options.server,
    path: options.path,
    maxPayload: services.config.api.maxRequestBodyBytes,
    closeTimeout: CLOSE_HANDSHAKE_TIMEOUT_MS,
  };
  const wsServer = new WebSocketServer(serverOptions);
  const logTooManyBytes = throttledLogLine(services.logger, 'closed an unauthenticated graphql-ws connection that sent too many bytes before connection_init', REJECTION_LOG_INTERVAL_MS);
  const unauthenticated = new UnauthenticatedConnections(services.config.api.maxWsUnauthenticatedPerAddress, (addresses) =>
    logTooManyBytes({ ...addresses, maxBytes: MAX_UNAUTHENTICATED_BYTES }),
  );
  const format = (errors: readonly GraphQLError[]) => errors.map((error) => formatError(error.toJSON(), error));
  const logDatabaseUnavailable = throttledLogLine(services.logger, 'graphql-ws request failed because the database is unavailable', REJECTION_LOG_INTERVAL_MS);
  const rules = [...docpushSpecifiedRules, ...introspectionRules(services.config.api.introspection), ...queryLimitRules(limits)];

  return serveGraphqlWs<Record<string, unknown>, ConnectionExtra>(
    {
      schema,
      onConnect: createOnConnect(services, sessions, unauthenticated, logDatabaseUnavailable),
      onSubscribe: async (ctx, id, payload) => {
        const caller = ctx.extra.caller!;
        // Checked before the first await, so a rejected operation costs no database query.
        const tooMany = admitOperation((ctx.extra.acceptedOperationIds ??= new Set()), ctx.subscriptions, id, maxOperations);
        if (tooMany) {
          logOperationLimitOnce(services, ctx.extra, maxOperations);
          return [tooMany];
        }
        const em = services.orm.em.fork();
        const active = await isKeyActive(em, caller.apiKeyId).catch((error: unknown) => {
          if (!isDatabaseUnavailable(error)) throw error;
          logDatabaseUnavailable({ err: error, apiKeyId: caller.apiKeyId, stage: 'subscribe' });
          return new GraphQLError(databaseUnavailableMessage(error), { extensions: { code: 'SERVICE_UNAVAILABLE' } });
        });
        // The connection and its other operations stay open, so the client can retry this one later.
        if (active instanceof GraphQLError) return [active];
        if (!active) {
          sessions.closeKey(caller.apiKeyId, revokedReason(caller.apiKeyId));
          return [new GraphQLError(revokedReason(caller.apiKeyId), { extensions: { code: 'UNAUTHENTICATED' } })];
        }
        const prepared = prepareOperation(schema, payload, rules, limits.maxComplexity);
        if (Array.isArray(prepared)) return prepared;
        const contextValue: RequestContext = { em, caller, services, logger: services.logger };
        return { ...(prepared as ExecutionArgs), contextValue };
      },
      onNext: (_ctx, _id, _payload, _args, result) => (result.errors ? { ...result, errors: format(result.errors) } : undefined),
      onError: (_ctx, _id, _payload, errors) => format(errors),
      onClose: (ctx) => ctx.extra.acceptedOperationIds?.clear(),
    },
    wsServer,
    services.logger,
    createAdmit(services, unauthenticated),
    options.addressesOf,
  );
}

type OnConnect = (ctx: Context<Record<string, unknown>, WsExtra & Partial<ConnectionExtra>>) => Promise<boolean>;

/**
 * Returns the onConnect hook, which authenticates connection_init and then admits the connection
 * unless its key has DOCPUSH_MAX_WS_CONNECTIONS_PER_KEY connections open in this process. The
 * count and the registration run without an await between them, so concurrent connection_init
 * messages of one key cannot pass the limit together.
 *
 * NOTE: each API process counts only its own connections, so behind a load balancer a key may
 * hold this many connections in each process.
 */
function createOnConnect(
  services: AppServices,
  sessions: WsSessions,
  unauthenticated: UnauthenticatedConnections,
  logDatabaseUnavailable: (fields: Record<string, unknown>) => void,
): OnConnect {
  const maxPerKey = services.config.api.maxWsConnectionsPerKey;
  const logRejection = throttledLogLine(services.logger, 'rejected a graphql-ws connection of an API key at DOCPUSH_MAX_WS_CONNECTIONS_PER_KEY', REJECTION_LOG_INTERVAL_MS);
  return async (ctx) => {
    const socket = ctx.extra.socket;
    const caller = await authenticateConnection(services, ctx.connectionParams).catch((error: unknown) => {
      if (error instanceof UnauthenticatedError) return error;
      if (isDatabaseUnavailable(error)) return DATABASE_UNAVAILABLE;
      throw error;
    });
    if (caller === DATABASE_UNAVAILABLE) {
      // The graphql-ws client gives up after 4500, the code of other errors in this hook.
      socket.close(TRY_AGAIN_LATER, DATABASE_UNAVAILABLE_REASON);
      logDatabaseUnavailable({ ...ctx.extra.addresses, stage: 'connection_init' });
      return false;
    }
    if (caller instanceof UnauthenticatedError || caller === null) {
      // graphql-ws would close with 4403 Forbidden; a missing or invalid key is 4401.
      socket.close(CloseCode.Unauthorized, unauthorizedReason(caller));
      return false;
    }
    if (sessions.countOf(caller.apiKeyId) >= maxPerKey) {
      socket.close(CloseCode.Forbidden, keyLimitReason(caller.apiKeyId, maxPerKey));
      logRejection({ apiKeyId: caller.apiKeyId, workspaceId: caller.workspaceId, ...ctx.extra.addresses, maxPerKey });
      return false;
    }
    ctx.extra.caller = caller;
    sessions.add(caller.apiKeyId, socket);
    unauthenticated.authenticated(socket);
    return true;
  };
}

/** Returns the function that rejects a new socket from an address with DOCPUSH_MAX_WS_UNAUTHENTICATED_PER_ADDRESS unauthenticated connections. */
function createAdmit(
  services: AppServices,
  unauthenticated: UnauthenticatedConnections,
): (socket: WebSocket, request: http.IncomingMessage, addresses: RequestAddresses) => ConnectionRejection | null {
  const maxPerAddress = services.config.api.maxWsUnauthenticatedPerAddress;
  const logRejection = throttledLogLine(services.logger, 'rejected a graphql-ws connection from an address at DOCPUSH_MAX_WS_UNAUTHENTICATED_PER_ADDRESS', REJECTION_LOG_INTERVAL_MS);
  return (socket, request, addresses) => {
    const reason = unauthenticated.admit(socket, addresses, request.socket);
    if (reason === null) return null;
    logRejection({ ...addresses, maxPerAddress });
    return { code: CloseCode.Forbidden, reason };
  };
}

/** Logs the first rejection of a connection for DOCPUSH_MAX_WS_OPERATIONS; later rejections on it are not logged. */
function logOperationLimitOnce(services: AppServices, extra: WsExtra & Partial<ConnectionExtra>, maxOperations: number): void {
  if (extra.operationLimitLogged) return;
  extra.operationLimitLogged = true;
  services.logger.warn(
    { apiKeyId: extra.caller?.apiKeyId, workspaceId: extra.caller?.workspaceId, ...extra.addresses, maxOperations },
    'graphql-ws connection reached DOCPUSH_MAX_WS_OPERATIONS, so its further operations are rejected until some end',
  );
}

function unauthorizedReason(error: UnauthenticatedError | null): string {
  if (error === null) return MISSING_KEY_REASON;
  if (error.message === MALFORMED_KEY_MESSAGE) return MALFORMED_KEY_REASON;
  // NOTE: slices characters, not bytes, which is only exact while UNAUTHENTICATED messages stay ASCII.
  const message = error.message.charAt(0).toLowerCase() + error.message.slice(1);
  return `Unauthorized: ${message}`.slice(0, MAX_CLOSE_REASON_BYTES);
}

async function authenticateConnection(services: AppServices, params: Record<string, unknown> | undefined): Promise<Caller | null> {
  const value = params?.authorization ?? params?.Authorization;
  return authenticate(services.orm.em.fork(), typeof value === 'string' ? value : undefined, services.apiKeyCache);
}

/** Parses and validates one operation with the rules and cost limit of HTTP requests. Returns its execution arguments, or the errors. */
function prepareOperation(schema: GraphQLSchema, payload: SubscribePayload, rules: readonly ValidationRule[], maxComplexity: number): ExecutionArgs | GraphQLError[] {
  let document: DocumentNode;
  try {
    document = parse(payload.query, { maxTokens: MAX_QUERY_TOKENS });
  } catch (error) {
    const message = error instanceof GraphQLError ? error.message : 'The query could not be parsed.';
    return [new GraphQLError(message, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } })];
  }

  const invalid = validate(schema, document, rules);
  if (invalid.length > 0) {
    return invalid.map((error) => new GraphQLError(error.message, { nodes: error.nodes, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }));
  }
  const listError = checkVariableListSizes(payload.variables);
  if (listError) return [listError];
  const requestErrors = checkOperationAndVariables(schema, document, payload);
  if (requestErrors) return requestErrors;
  const costError = checkQueryCost(schema, document, payload.operationName, payload.variables, maxComplexity);
  if (costError) return [costError];

  return { schema, document, operationName: payload.operationName, variableValues: payload.variables };
}

/**
 * Returns the errors of an operation name that selects no operation, of variables that do not
 * fit the operation, and of a null variable where a value is needed, with the codes that they get
 * over HTTP, or null. Execution would report them without a code, which the error formatter
 * turns into an internal error.
 */
function checkOperationAndVariables(schema: GraphQLSchema, document: DocumentNode, payload: SubscribePayload): GraphQLError[] | null {
  const operation = getOperationAST(document, payload.operationName);
  if (!operation) {
    const message = payload.operationName
      ? `Unknown operation named "${payload.operationName}".`
      : 'Must provide operation name if query contains multiple operations.';
    return [new GraphQLError(message, { extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } })];
  }
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], payload.variables ?? {});
  if (coerced.errors) return coerced.errors.map((error) => new GraphQLError(error.message, { nodes: error.nodes, extensions: { code: 'BAD_USER_INPUT' } }));
  const nullError = checkNullVariables(schema, document, operation, payload.variables);
  return nullError ? [nullError] : null;
}
