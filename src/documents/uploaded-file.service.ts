import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { UploadedFile } from './uploaded-file.entity';
import type { UploadFileInput } from './document.input';
import { checkFileName, checkMimeType, decodeStrictBase64, fileNameKey } from './file-input.check';
import { checkRecordExists, findActingUser, lockRecordForChange } from './record-access';
import { ConflictError, NotFoundError } from '../common/errors';
import { WorkspaceScope } from '../common/workspace-scope';
import { DocumentRecordEventType } from '../records/event-type';
import { recordEventWithMessages } from '../records/event-recorder.service';
import { findPage } from '../graphql/page-query';
import type { Page } from '../graphql/pagination';

/** Maximum number of uploaded files of one document record. */
export const MAX_FILES_PER_RECORD = 1000;

/** A stored or deleted file and the push messages of its event; enqueue them after the commit. */
export interface FileChange {
  file: UploadedFile;
  messageIds: string[];
}

/**
 * Manages the files uploaded to one workspace's records. An upload or a deletion stores the
 * change, its FileUpload or FileDeleted event and the event's push messages in one transaction.
 * The event's parameters name the file (`fileId`, `fileName`, `size`), because after a deletion
 * the message no longer carries it.
 */
export class UploadedFileService {
  constructor(
    private readonly scope: WorkspaceScope,
    private readonly uploadLimitBytes: number,
  ) {}

  /**
   * Lists one page of a record's files, newest first, without their bytes (a lazy column). An
   * unknown record is NOT_FOUND naming `documentRecordId`.
   */
  async listOfRecord(documentRecordId: string, first: number, after?: string | null): Promise<Page<UploadedFile>> {
    const recordId = await checkRecordExists(this.scope, documentRecordId);
    return findPage(this.scope.em, UploadedFile, 'files', { workspace: this.scope.workspaceId, documentRecord: recordId }, { first, after });
  }

  async upload(input: UploadFileInput, actingUserId?: string | null): Promise<FileChange> {
    const fileName = checkFileName('fileName', input.fileName);
    const mimeType = checkMimeType('mimeType', input.mimeType);
    const data = decodeStrictBase64('contentBase64', input.contentBase64, this.uploadLimitBytes);

    return this.inTransaction(async (scope, tx) => {
      const record = await lockRecordForChange(scope, 'documentRecordId', input.documentRecordId);
      await checkRoomForFile(tx, record.id, fileName);
      const author = await findActingUser(scope, actingUserId);

      const file = tx.create(UploadedFile, {
        workspace: scope.workspace,
        documentRecord: record,
        fileName,
        mimeType,
        size: data.length,
        sha256: createHash('sha256').update(data).digest('hex'),
        data,
      });
      await tx.flush();
      const { messageIds } = await recordEventWithMessages(tx, {
        record,
        type: DocumentRecordEventType.FileUpload,
        author,
        parameters: fileParameters(file),
      });
      return { file, messageIds };
    });
  }

  /** Deletes the file and its bytes; messages queued earlier no longer carry it when they are delivered. */
  async delete(id: string, actingUserId?: string | null): Promise<FileChange> {
    return this.inTransaction(async (scope, tx) => {
      const found = await scope.get(UploadedFile, 'File', id);
      const record = await lockRecordForChange(scope, 'id', found.documentRecord.id);
      // Read again under the record lock: a concurrent deletion of the same file ends as NOT_FOUND here.
      const file = await tx.findOne(UploadedFile, found.id, { refresh: true });
      if (!file) throw NotFoundError.of('File', id);
      const author = await findActingUser(scope, actingUserId);

      const parameters = fileParameters(file);
      tx.remove(file);
      const { messageIds } = await recordEventWithMessages(tx, {
        record,
        type: DocumentRecordEventType.FileDeleted,
        author,
        parameters,
      });
      return { file, messageIds };
    });
  }

  private inTransaction<T>(work: (scope: WorkspaceScope, tx: EntityManager) => Promise<T>): Promise<T> {
    return this.scope.em.transactional((tx) => work(new WorkspaceScope(tx, this.scope.workspaceId), tx));
  }
}

/** Returns the event parameters that identify an uploaded file. */
function fileParameters(file: UploadedFile): { fileId: number; fileName: string; size: number } {
  return { fileId: file.id, fileName: file.fileName, size: file.size };
}

/**
 * Rejects an upload to a record that has MAX_FILES_PER_RECORD files already, or a file whose name
 * another file of the record has, ignoring letter case and Unicode normal form (fileNameKey).
 * Every message of a connection that attaches uploaded files reads the record's whole file list,
 * so the list stays bounded. Pushed messages carry a record's files side by side, and listeners
 * often save them by name.
 */
async function checkRoomForFile(em: EntityManager, recordId: number, fileName: string): Promise<void> {
  const files = await em.find(UploadedFile, { documentRecord: recordId }, { fields: ['id', 'fileName'] });
  if (files.length >= MAX_FILES_PER_RECORD) {
    throw new ConflictError(
      `Document record ${recordId} has ${files.length} uploaded files, the maximum: delete files it no longer needs with deleteFile, then upload again.`,
      'documentRecordId',
    );
  }
  const key = fileNameKey(fileName);
  const clash = files.find((file) => fileNameKey(file.fileName) === key);
  if (clash) {
    throw new ConflictError(
      `Document record ${recordId} already has file ${clash.id} named ${JSON.stringify(clash.fileName)}: rename the upload, or delete that file first.`,
      'fileName',
    );
  }
}
