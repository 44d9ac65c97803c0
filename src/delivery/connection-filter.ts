import { PushConnection } from '../connections/push-connection.entity';
import { NotFoundError } from '../common/errors';
import { parseId, type WorkspaceScope } from '../common/workspace-scope';

/**
 * Checks the push connection id of a list filter (`field`, such as `filter.connectionId`) and
 * returns it as a number. An id that matches no connection of this workspace is NOT_FOUND, and
 * so is a malformed id such as "abc" and an id of another workspace. Deleted connections are
 * found as well, because their logs and messages are kept.
 */
export async function checkFilteredConnectionId(scope: WorkspaceScope, field: string, connectionId: string): Promise<number> {
  const notFound = () => connectionNotFound(connectionId, field, 'include every connection');
  const id = parseConnectionId(connectionId);
  if (id === null) throw notFound();

  const found = await scope.em.count(PushConnection, { id, workspace: scope.workspaceId });
  if (found === 0) throw notFound();
  return id;
}

/**
 * Finds the connection that a subscription streams. A malformed, unknown, deleted or foreign id
 * is NOT_FOUND naming `connectionId`, the same error as an unknown id over HTTP.
 */
export async function findStreamedConnection(scope: WorkspaceScope, connectionId: string): Promise<PushConnection> {
  const notFound = () => connectionNotFound(connectionId, 'connectionId', 'stream every connection');
  const id = parseConnectionId(connectionId);
  if (id === null) throw notFound();

  const connection = await scope.em.findOne(PushConnection, { id, workspace: scope.workspaceId, deletedAt: null });
  if (!connection) throw notFound();
  return connection;
}

/** Returns the decimal id of a push connection as a number, or null when no connection can have it. */
function parseConnectionId(connectionId: string): number | null {
  const id = parseId(connectionId);
  return Number.isSafeInteger(id) ? id : null;
}

/**
 * Creates the NOT_FOUND error of the connection id in argument `field`. `withoutFilter` is the
 * effect of leaving the argument out, such as "stream every connection".
 */
function connectionNotFound(connectionId: string, field: string, withoutFilter: string): NotFoundError {
  return new NotFoundError(
    `Push connection ${JSON.stringify(connectionId)} was not found in this workspace: pass the id of one of its connections (pushConnections lists them), or leave ${field} out to ${withoutFilter}.`,
    field,
  );
}
