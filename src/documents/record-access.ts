import { LockMode } from '@mikro-orm/core';
import { NotFoundError, ValidationError, quoteId } from '../common/errors';
import { findOptionalReferenced } from '../common/input-checks';
import { parseId, type WorkspaceScope } from '../common/workspace-scope';
import { DocumentRecord } from '../records/document-record.entity';
import { deletedRecordError, lockedRecordError } from '../records/record-state';
import { User } from '../workspace/user.entity';

/**
 * Loads a record of this workspace and locks its row until the transaction ends, so changes to
 * its documents and files, and the checks before them, run one at a time per record. Raises
 * BAD_USER_INPUT naming `field` for an unknown id, and CONFLICT when the record is deleted or locked.
 * Call it inside a transaction. The row is read fresh, because the transaction shares the
 * request's identity map, where MikroORM 6 would keep a loaded suite that another request has
 * removed since.
 */
export async function lockRecordForChange(scope: WorkspaceScope, field: string, id: string | number): Promise<DocumentRecord> {
  const numericId = parseId(String(id));
  const record = Number.isSafeInteger(numericId) && numericId > 0
    ? await scope.em.findOne(DocumentRecord, { id: numericId, workspace: scope.workspaceId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true })
    : null;
  if (!record) {
    throw new ValidationError(field, `${field} ${quoteId(id)} matches no document record of this workspace: pass the id of an existing record.`);
  }
  if (record.deleted) throw deletedRecordError(record.id, field, 'change its documents and files');
  if (record.locked) throw lockedRecordError(record.id, field, 'change its documents and files');
  return record;
}

/** Loads the acting user named by the optional `actingUserId` argument, or null when it is omitted. */
export function findActingUser(scope: WorkspaceScope, actingUserId: string | null | undefined): Promise<User | null> {
  return findOptionalReferenced(scope, User, 'actingUserId', 'user', actingUserId);
}

/** Returns the numeric id of a record of this workspace; an unknown record is NOT_FOUND naming `documentRecordId`. */
export async function checkRecordExists(scope: WorkspaceScope, documentRecordId: string): Promise<number> {
  const recordId = parseId(documentRecordId);
  const exists = Number.isSafeInteger(recordId) && recordId > 0
    && (await scope.em.count(DocumentRecord, { id: recordId, workspace: scope.workspaceId })) > 0;
  if (!exists) {
    throw NotFoundError.of('Document record', documentRecordId, 'documentRecordId');
  }
  return recordId;
}
