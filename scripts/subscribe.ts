import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

/**
 * Prints each push log entry of the workspace as docpush writes it, through the `deliveryLog`
 * subscription over graphql-ws. It shows new attempts only, so start it before the events.
 * Usage: DOCPUSH_KEY=dpk_... [DOCPUSH_URL=http://127.0.0.1:4000/graphql] npx ts-node --transpile-only scripts/subscribe.ts
 */
const key = process.env.DOCPUSH_KEY;
if (!key) {
  process.stderr.write('DOCPUSH_KEY is missing: set it to an ADMIN API key, such as the one printed on the first start.\n');
  process.exit(1);
}
const url = (process.env.DOCPUSH_URL ?? 'http://127.0.0.1:4000/graphql').replace(/^http/, 'ws');

const client = createClient({
  url,
  webSocketImpl: WebSocket,
  connectionParams: { authorization: `Bearer ${key}` },
  // Exits when the connection closes (a wrong key, a server stop) instead of reconnecting, which would skip the entries written meanwhile without a word.
  retryAttempts: 0,
  on: { connected: () => process.stdout.write(`subscribed to deliveryLog at ${url}; waiting for attempts (Ctrl-C stops)\n`) },
});

client.subscribe(
  { query: 'subscription { deliveryLog { messageId eventType attempt responseCode outcome responseError createdAt } }' },
  {
    next: (result) => process.stdout.write(`${JSON.stringify(result.data?.deliveryLog ?? result)}\n`),
    error: (error) => {
      process.stderr.write(`subscription failed: ${describeFailure(error)}\n`);
      process.exit(1);
    },
    complete: () => process.exit(0),
  },
);

/** Describes what ended the subscription: a close of the socket (wrong key, server stopped), an error, or GraphQL errors. */
function describeFailure(error: unknown): string {
  if (error instanceof Error) return error.message;
  const closed = error as { code?: unknown; reason?: unknown };
  if (typeof closed.code === 'number') return `the server closed the connection (${closed.code}${closed.reason ? `: ${String(closed.reason)}` : ''})`;
  return JSON.stringify(error);
}
