import { DocumentRecordType } from './document-record-type.entity';
import type { DocumentRecordTypeInput } from './document-record-type.input';
import { checkName } from '../common/input-checks';
import type { WorkspaceScope } from '../common/workspace-scope';
import { findPage } from '../graphql/page-query';
import type { Page } from '../graphql/pagination';

/** Manages the document record types of one workspace. */
export class DocumentRecordTypeService {
  constructor(private readonly scope: WorkspaceScope) {}

  get(id: string | number): Promise<DocumentRecordType> {
    return this.scope.get(DocumentRecordType, 'Document record type', id);
  }

  list(first: number, after?: string | null): Promise<Page<DocumentRecordType>> {
    return findPage(this.scope.em, DocumentRecordType, 'documentRecordTypes', { workspace: this.scope.workspaceId }, { first, after });
  }

  async create(input: DocumentRecordTypeInput): Promise<DocumentRecordType> {
    const name = checkName('name', input.name, 'Contract');

    const recordType = this.scope.em.create(DocumentRecordType, { workspace: this.scope.workspace, name });
    await this.scope.em.flush();
    return recordType;
  }

  async update(id: string, input: DocumentRecordTypeInput): Promise<DocumentRecordType> {
    const recordType = await this.get(id);
    const name = checkName('name', input.name, 'Contract');

    recordType.name = name;
    await this.scope.em.flush();
    return recordType;
  }
}
