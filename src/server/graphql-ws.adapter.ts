import type http from 'node:http';
import type { WebSocket, WebSocketServer } from 'ws';
import {
  CloseCode,
  DEPRECATED_GRAPHQL_WS_PROTOCOL,
  handleProtocols,
  makeServer,
  type ConnectionInitMessage,
  type Disposable,
  type ServerOptions,
} from 'graphql-ws';
import type { Logger } from '../common/logger';
import { peerAddressOnly, type AddressResolver, type RequestAddresses } from './client-address';

/** The socket and the HTTP upgrade request, which graphql-ws hooks receive as `ctx.extra`. */
export interface WsExtra {
  readonly socket: WebSocket;
  readonly request: http.IncomingMessage;
  /** The client and proxy addresses of the upgrade request, read when the socket opened, as log fields. */
  readonly addresses: RequestAddresses;
}

/** Interval of the keep-alive ping, and how long a pong may take before the socket is dropped (the graphql-ws default). */
const KEEP_ALIVE_MS = 12_000;

/** A close code and reason that reject a new connection before graphql-ws handles it. */
export interface ConnectionRejection {
  code: number;
  reason: string;
}

/** Close reason of internal errors; it carries no error message, which could reveal internals. */
const INTERNAL_ERROR_REASON = 'Internal server error';

/**
 * Serves the graphql-ws protocol on a `ws` server. It does what `useServer` of graphql-ws 6.4.2
 * (`graphql-ws/use/ws`) does, ping keep-alive included, but reports errors through the pino
 * logger. That adapter prints them with console.error and has no option to route them.
 * `admit` receives each new socket first and may reject it, which closes it before graphql-ws starts
 * its connection_init timer and this adapter its keep-alive. `addressesOf` gives the addresses
 * that `admit`, the hooks and the logs attribute the socket to.
 */
export function serveGraphqlWs<P extends ConnectionInitMessage['payload'], E extends Record<PropertyKey, unknown>>(
  options: ServerOptions<P, WsExtra & Partial<E>>,
  wsServer: WebSocketServer,
  logger: Logger,
  admit: (socket: WebSocket, request: http.IncomingMessage, addresses: RequestAddresses) => ConnectionRejection | null = () => null,
  addressesOf: AddressResolver = peerAddressOnly,
): Disposable {
  const server = makeServer(options);
  wsServer.options.handleProtocols = handleProtocols;

  let failed = false;
  wsServer.on('error', (error: NodeJS.ErrnoException) => {
    // ws re-emits the errors of the HTTP server it is attached to. A failed listen, such as a
    // taken port or a HOST that does not resolve, fails the server's start, which reports it.
    const startFailed = error.syscall === 'listen' || wsServer.options.server?.listening === false;
    if (failed || startFailed) return;
    failed = true;
    logger.error({ err: error }, 'graphql-ws server failed; closing its connections');
    for (const client of wsServer.clients) client.close(CloseCode.InternalServerError, INTERNAL_ERROR_REASON);
  });
  wsServer.on('connection', (socket, request) => {
    const addresses = addressesOf(request);
    const rejection = admit(socket, request, addresses);
    if (rejection) {
      // An 'error' event without a listener would crash the process, and the socket closes anyway.
      socket.on('error', () => socket.terminate());
      socket.close(rejection.code, rejection.reason);
      return;
    }
    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) => sendText(socket, data),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (handle) => socket.on('message', (data) => void handleMessage(socket, String(data), handle, logger, addresses)),
      },
      { socket, request, addresses } as WsExtra & Partial<E>,
    );
    watchConnection(socket, addresses, closed, logger);
  });

  return {
    dispose: async () => {
      for (const client of wsServer.clients) client.close(1001, 'Going away');
      wsServer.removeAllListeners();
      await new Promise<void>((resolve, reject) => wsServer.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

function sendText(socket: WebSocket, data: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.readyState !== socket.OPEN) {
      resolve();
      return;
    }
    socket.send(data, (error) => (error ? reject(error) : resolve()));
  });
}

/**
 * graphql-ws 6.4.2's error for a well-formed message of a type that only a server sends, such as
 * `next` or `connection_ack`. The protocol closes the socket with 4400 for such a message.
 */
const UNEXPECTED_MESSAGE_TYPE = /^Unexpected message of type [\w-]{1,40} received$/;

/**
 * Passes one message to graphql-ws. A message of a type that only a server sends closes the
 * connection with 4400, and any other error it raises (a hook that failed) with 4500.
 */
async function handleMessage(socket: WebSocket, data: string, handle: (data: string) => Promise<void>, logger: Logger, addresses: RequestAddresses): Promise<void> {
  try {
    await handle(data);
  } catch (error) {
    if (error instanceof Error && UNEXPECTED_MESSAGE_TYPE.test(error.message)) {
      logger.info({ reason: error.message, ...addresses }, 'closed a graphql-ws connection whose client sent a message type that only the server sends');
      socket.close(CloseCode.BadRequest, error.message);
      return;
    }
    logger.error({ err: error }, 'graphql-ws message handling failed; closing the connection');
    socket.close(CloseCode.InternalServerError, INTERNAL_ERROR_REASON);
  }
}

/** Logs socket errors, keeps the connection alive with pings, and notifies graphql-ws when it closes. */
function watchConnection(
  socket: WebSocket,
  addresses: RequestAddresses,
  closed: (code?: number, reason?: string) => Promise<void>,
  logger: Logger,
): void {
  socket.once('error', (error: Error & { code?: string }) => {
    // ws raises WS_ERR_* codes for frames that break the protocol or its limits, such as a
    // message above maxPayload. It has already closed the socket with the matching status.
    if (error.code?.startsWith('WS_ERR_')) {
      logger.info({ code: error.code, reason: error.message, ...addresses }, 'closed a graphql-ws connection whose client broke the WebSocket protocol or its limits');
    } else {
      logger.error({ err: error, ...addresses }, 'graphql-ws socket failed; closing the connection');
    }
    socket.close(CloseCode.InternalServerError, INTERNAL_ERROR_REASON);
  });

  const stopKeepAlive = startKeepAlive(socket);
  socket.once('close', (code, reason) => {
    stopKeepAlive();
    if (code === CloseCode.SubprotocolNotAcceptable && socket.protocol === DEPRECATED_GRAPHQL_WS_PROTOCOL) {
      logger.info({ protocol: socket.protocol, ...addresses }, 'rejected a client of the deprecated subscriptions-transport-ws protocol; it must use graphql-transport-ws');
    }
    closed(code, String(reason)).catch((error: unknown) => logger.error({ err: error }, 'graphql-ws failed to clean up a closed connection'));
  });
}

/** Pings the client every KEEP_ALIVE_MS and drops the socket when no pong arrives within as long; returns the function that stops it. */
function startKeepAlive(socket: WebSocket): () => void {
  let pongWait: NodeJS.Timeout | null = null;
  const pingInterval = setInterval(() => {
    if (socket.readyState !== socket.OPEN) return;
    pongWait = setTimeout(() => socket.terminate(), KEEP_ALIVE_MS);
    socket.once('pong', () => {
      if (pongWait) clearTimeout(pongWait);
      pongWait = null;
    });
    socket.ping();
  }, KEEP_ALIVE_MS);

  return () => {
    clearInterval(pingInterval);
    if (pongWait) clearTimeout(pongWait);
  };
}
