import { GraphQLError } from 'graphql';

/** `extensions.code` of an operation rejected because its graphql-ws connection runs too many already. */
const TOO_MANY_OPERATIONS = 'TOO_MANY_OPERATIONS';

/**
 * Admits operation `id` on one graphql-ws connection and returns null, or returns the error that
 * rejects it when the connection already runs `max` operations. `accepted` contains the ids that
 * this function admitted on the connection, and `running` is graphql-ws's `ctx.subscriptions`.
 *
 * graphql-ws 6.4.2 removes an id from `ctx.subscriptions` however its operation ends: when it
 * finishes or fails, when onSubscribe returns errors, when the client sends `complete`, and when
 * the socket closes. So this function drops accepted ids that `running` no longer contains, and
 * no path can leave a stale count. The onComplete hook would not do: it does not fire when
 * onSubscribe returns errors or when execution throws, and after a client `complete` it fires
 * only once the operation's stream has returned.
 *
 * Call it before onSubscribe first awaits anything. graphql-ws removes the id of a client `complete`
 * before it handles the next message, so a client may complete one operation and start another at once.
 *
 * NOTE: a query or mutation that the client completes keeps executing until it ends, although its
 * slot is free again at once. Each one is still bounded by the query limits of HTTP requests.
 */
export function admitOperation(accepted: Set<string>, running: Readonly<Record<string, unknown>>, id: string, max: number): GraphQLError | null {
  // graphql-ws closes the socket with 4409 when a subscribe reuses the id of a running
  // operation, so an accepted entry for this id belongs to an operation that has ended.
  accepted.delete(id);
  for (const other of accepted) {
    if (!(other in running)) accepted.delete(other);
  }

  if (accepted.size >= max) return tooManyOperationsError(accepted.size, max);
  accepted.add(id);
  return null;
}

function tooManyOperationsError(runningCount: number, max: number): GraphQLError {
  return new GraphQLError(
    `This connection already runs ${runningCount} operations; the limit is ${max} per connection (DOCPUSH_MAX_WS_OPERATIONS). ` +
      'Complete subscriptions that you no longer need, or open another connection.',
    { extensions: { code: TOO_MANY_OPERATIONS } },
  );
}
