import { PushConnection } from '../connections/push-connection.entity';
import { NotFoundError, ValidationError } from '../common/errors';
import { parseId, type WorkspaceScope } from '../common/workspace-scope';

/**
 * Checks the push connection id of a list filter (`field`, such as `filter.connectionId`) and
 * returns it as a number. A malformed id is BAD_USER_INPUT. An id that matches no connection of
 * this workspace is NOT_FOUND, and an id of another workspace gets the same error. Deleted
 * connections are found as well, because their logs and messages are kept.
 */
export async function checkFilteredConnectionId(scope: WorkspaceScope, field: string, connectionId: string): Promise<number> {
  const id = parseFilteredConnectionId(field, connectionId);

  const found = await scope.em.count(PushConnection, { id, workspace: scope.workspaceId });
  if (found === 0) {
    throw new NotFoundError(
      `Push connection ${JSON.stringify(connectionId)} was not found in this workspace: pass the id of one of its connections (pushConnections lists them), or leave ${field} out to include every connection.`,
      field,
    );
  }
  return id;
}

/** Parses the push connection id of a filter argument (`field`). A malformed id is BAD_USER_INPUT naming `field`. */
export function parseFilteredConnectionId(field: string, connectionId: string): number {
  const id = parseId(connectionId);
  if (!Number.isSafeInteger(id)) {
    throw new ValidationError(
      field,
      `${field}=${JSON.stringify(connectionId)} is not a valid id: pass the decimal id of a push connection, such as "42", as pushConnections returns it.`,
    );
  }
  return id;
}

/**
 * Finds the connection that a subscription streams. A malformed id is BAD_USER_INPUT and an
 * unknown, deleted or foreign id is NOT_FOUND, both naming `connectionId`.
 */
export async function findStreamedConnection(scope: WorkspaceScope, connectionId: string): Promise<PushConnection> {
  const id = parseFilteredConnectionId('connectionId', connectionId);
  const connection = await scope.em.findOne(PushConnection, { id, workspace: scope.workspaceId, deletedAt: null });
  if (!connection) {
    throw new NotFoundError(
      `Push connection ${JSON.stringify(connectionId)} was not found in this workspace: pass the id of one of its connections (pushConnections lists them), or leave connectionId out to stream every connection.`,
      'connectionId',
    );
  }
  return connection;
}
