import http from 'node:http';
import express from 'express';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { GraphQLError, parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { AppServices } from '../app/app-services';
import type { RequestContext } from '../graphql/context';
import { createErrorFormatter } from '../graphql/format-error';
import { MAX_QUERY_TOKENS, checkQueryCost, checkVariableListSizes, queryLimitRules, type QueryLimits } from '../graphql/query-limits';
import { introspectionRules } from '../graphql/introspection';
import { findConditionalSubscriptionRoot } from '../graphql/subscription-root-rule';
import { checkNullVariables } from '../graphql/null-variables';
import { createRequestErrorHandler } from './request-errors';
import { authenticatedRequestOf, requireApiKey } from './request-auth';
import { startGraphqlWs } from './graphql-ws.server';
import { createAddressResolver } from './client-address';
import { WsSessions } from './ws-sessions';
import { ApiKeyRevocationListener } from '../workspace/api-key-revocation.listener';
import { createMonitoringRouter } from '../observability/monitoring.routes';
import { listen } from './listen';

export const GRAPHQL_PATH = '/graphql';

export interface RunningHttpServer {
  server: http.Server;
  port: number;
  /** The open graphql-ws connections, by API key. */
  sessions: WsSessions;
  stop(): Promise<void>;
}

/** Serves GraphQL over HTTP (POST /graphql) and graphql-ws (same path) on one port. */
export async function startHttpServer(schema: GraphQLSchema, services: AppServices): Promise<RunningHttpServer> {
  const { config, logger } = services;
  const limits: QueryLimits = { maxDepth: config.api.maxQueryDepth, maxAliases: config.api.maxQueryAliases, maxComplexity: config.api.maxQueryComplexity };
  const formatError = createErrorFormatter(logger, schema);

  const app = express();
  app.disable('x-powered-by');
  const server = http.createServer(app);

  const sessions = new WsSessions({ orm: services.orm, logger, recheckIntervalMs: config.api.authRecheckIntervalMs });
  const revocations = new ApiKeyRevocationListener({
    listener: services.channelListener,
    consumers: [services.apiKeyCache, sessions],
    logger,
  });
  // Listening starts before graphql-ws accepts connections, so every open connection can be closed by a notice.
  await revocations.start();
  sessions.start();
  const addressesOf = createAddressResolver(config.api.trustedProxies);
  const ws = startGraphqlWs({ server, path: GRAPHQL_PATH, schema, services, sessions, limits, formatError, addressesOf });

  const apollo = new ApolloServer<RequestContext>({
    schema,
    formatError,
    logger,
    includeStacktraceInErrorResponses: false,
    // DOCPUSH_GRAPHQL_INTROSPECTION decides, through introspectionRules, with the same rule over
    // HTTP and graphql-ws. Apollo's own rule, which NODE_ENV=production adds when this is left
    // unset, would tell clients to change an ApolloServer option.
    introspection: true,
    validationRules: [...introspectionRules(config.api.introspection), ...queryLimitRules(limits)],
    parseOptions: { maxTokens: MAX_QUERY_TOKENS },
    // main.ts owns SIGINT/SIGTERM and stops every part in order; Apollo's own handlers would race it.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: server }),
      ApolloServerPluginLandingPageDisabled(),
      queryCostPlugin(schema, limits.maxComplexity),
      subscriptionsOverWebSocketOnly,
      {
        async serverWillStart() {
          return {
            async drainServer() {
              await ws.dispose();
              // Ending the subscription reports the connection as down to the key cache, which empties and stops serving.
              await revocations.stop();
              await sessions.stop();
            },
          };
        },
      },
    ],
  });
  try {
    await apollo.start();
  } catch (error) {
    await Promise.all([ws.dispose(), revocations.stop(), sessions.stop()]);
    throw error;
  }

  // Probes and scrapes carry no API key, so the monitoring routes come before the GraphQL handler.
  app.use(createMonitoringRouter(services.monitoring, logger));
  app.use(
    GRAPHQL_PATH,
    // The key is checked before the body is parsed, so a request without a valid key costs no JSON parsing.
    requireApiKey(services, addressesOf),
    express.json({ limit: config.api.maxRequestBodyBytes }),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        rejectConditionalSubscriptionRoot(graphqlQueryOf(req));
        const { em, caller } = authenticatedRequestOf(res);
        return { em, caller, services, logger };
      },
    }),
  );
  app.use(createRequestErrorHandler(logger));

  try {
    await listen(server, config.host, config.port);
  } catch (error) {
    // Stopping Apollo runs drainServer above, which closes graphql-ws, the revocation listener and the sessions' re-check timer.
    await apollo.stop();
    throw error;
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;

  return { server, port, sessions, stop: () => apollo.stop() };
}

/**
 * Rejects an operation with a list in its variables longer than MAX_VARIABLE_LIST_ITEMS, whose
 * estimated cost, with its variables, is above the limit, or with a null variable where a value is
 * needed, before it runs, with HTTP status 400. The checks run only for requests that
 * requireApiKey let through.
 */
function queryCostPlugin(schema: GraphQLSchema, maxComplexity: number): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, operation }) {
          const error =
            checkVariableListSizes(request.variables) ??
            checkQueryCost(schema, document, request.operationName, request.variables, maxComplexity) ??
            (operation ? checkNullVariables(schema, document, operation, request.variables) : null);
          if (error) throw error;
        },
      };
    },
  };
}

/** Rejects a subscription sent as an HTTP request with an error that points to graphql-ws. */
const subscriptionsOverWebSocketOnly: ApolloServerPlugin<RequestContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation }) {
        if (operation?.operation !== 'subscription') return;
        throw new GraphQLError(`Subscriptions run over graphql-ws only: open a WebSocket to ${GRAPHQL_PATH} and send the subscription there.`, {
          extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
        });
      },
    };
  },
};

/**
 * Rejects a document with @skip or @include in the top level selection of a subscription with
 * GRAPHQL_VALIDATION_FAILED and HTTP status 400, the error that graphql-ws returns for it.
 * Apollo Server 5.5 validates every document with graphql-js's specifiedRules, whose
 * SingleFieldSubscriptionsRule throws on such a directive with a variable `if`. Apollo Server
 * turns that throw, and a throw from any plugin hook that runs before validation, into a 500
 * response and an error log line. An error thrown by the context function gets the status of its
 * `http` extension instead, so this check runs there, before Apollo Server parses the document.
 */
function rejectConditionalSubscriptionRoot(query: string | null): void {
  // Both words appear literally in any such document, so most requests skip the second parse.
  if (query === null || !query.includes('subscription') || !(query.includes('skip') || query.includes('include'))) return;
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: MAX_QUERY_TOKENS });
  } catch {
    // Apollo Server parses the document again and returns the syntax error.
    return;
  }
  const error = findConditionalSubscriptionRoot(document);
  if (!error) return;
  throw new GraphQLError(error.message, { nodes: error.nodes, extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } } });
}

/** Returns the GraphQL document text of an HTTP request, from the JSON body of a POST or the `query` parameter of a GET, or null. */
function graphqlQueryOf(request: express.Request): string | null {
  if (request.method === 'GET') {
    // Apollo Server reads the parameters with URLSearchParams. Express's query parser stops after
    // 1000 parameters, so request.query would miss a `query` parameter after them and let its
    // document reach Apollo Server unchecked. Apollo Server rejects a repeated `query` itself.
    const queries = searchParamsOf(request.url).getAll('query');
    return queries.length === 1 ? queries[0] : null;
  }
  const body: unknown = request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const query = (body as { query?: unknown }).query;
  return typeof query === 'string' ? query : null;
}

/** Returns the parameters of a request target's query string, without its fragment, as Node's url.parse(target).search yields them. */
function searchParamsOf(target: string): URLSearchParams {
  const [withoutFragment] = target.split('#', 1);
  const queryStart = withoutFragment.indexOf('?');
  return new URLSearchParams(queryStart === -1 ? '' : withoutFragment.slice(queryStart + 1));
}
