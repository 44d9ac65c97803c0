import http from 'node:http';
import express from 'express';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import type { GraphQLSchema } from 'graphql';
import type { AppServices } from '../app/app-services';
import type { RequestContext } from '../graphql/context';
import { createErrorFormatter } from '../graphql/format-error';
import { authenticate } from '../workspace/auth.service';
import { GraphQLError } from 'graphql';
import { DocpushError } from '../common/errors';

export const GRAPHQL_PATH = '/graphql';

/** Largest GraphQL request body; file uploads travel as Base64 inside it. */
const MAX_BODY_BYTES = 40 * 1024 * 1024;

export interface RunningHttpServer {
  server: http.Server;
  port: number;
  stop(): Promise<void>;
}

/** Serves GraphQL over HTTP (POST /graphql) and graphql-ws (same path) on one port. */
export async function startHttpServer(schema: GraphQLSchema, services: AppServices): Promise<RunningHttpServer> {
  const app = express();
  const server = http.createServer(app);
  const wsServer = new WebSocketServer({ server, path: GRAPHQL_PATH });
  const wsCleanup = useServer(
    {
      schema,
      context: (ctx) => (ctx.extra as { context?: RequestContext }).context,
      onConnect: async (ctx) => {
        const authorization = readConnectionAuthorization(ctx.connectionParams);
        try {
          const em = services.orm.em.fork();
          const caller = await authenticate(em, authorization);
          if (!caller) return false;
          (ctx.extra as { context?: RequestContext }).context = { em, caller, services, logger: services.logger };
          return true;
        } catch (error) {
          if (error instanceof DocpushError) return false;
          throw error;
        }
      },
      onSubscribe: (ctx) => {
        const context = (ctx.extra as { context?: RequestContext }).context;
        if (context) context.em = services.orm.em.fork();
      },
    },
    wsServer,
  );

  const apollo = new ApolloServer<RequestContext>({
    schema,
    formatError: createErrorFormatter(services.logger),
    includeStacktraceInErrorResponses: false,
    // main.ts owns SIGINT/SIGTERM and stops every part in order; Apollo's own handlers would race it.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: server }),
      ApolloServerPluginLandingPageDisabled(),
      { async serverWillStart() { return { async drainServer() { await wsCleanup.dispose(); } }; } },
    ],
  });
  await apollo.start();

  app.use(
    GRAPHQL_PATH,
    express.json({ limit: MAX_BODY_BYTES }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const em = services.orm.em.fork();
        const caller = await authenticate(em, req.headers.authorization).catch((error: unknown) => {
          if (error instanceof DocpushError) throw withHttpStatus(error.toGraphQLError(), 401);
          throw error;
        });
        return { em, caller, services, logger: services.logger };
      },
    }),
  );

  await new Promise<void>((resolve) => server.listen(services.config.port, services.config.host, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : services.config.port;

  return { server, port, stop: () => apollo.stop() };
}

function readConnectionAuthorization(params: Record<string, unknown> | undefined): string | undefined {
  const value = params?.authorization ?? params?.Authorization;
  return typeof value === 'string' ? value : undefined;
}

/** Apollo Server answers errors raised while building the context with this HTTP status. */
function withHttpStatus(error: GraphQLError, status: number): GraphQLError {
  return new GraphQLError(error.message, { extensions: { ...error.extensions, http: { status } } });
}
