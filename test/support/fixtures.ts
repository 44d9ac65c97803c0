import type { TestApp } from './test-app';
import { User } from '../../src/workspace/user.entity';
import { Workspace } from '../../src/workspace/workspace.entity';
import { TemplateSuite } from '../../src/catalog/template-suite.entity';
import { DocumentRecordType } from '../../src/catalog/document-record-type.entity';
import { DocumentRecord } from '../../src/records/document-record.entity';
import { DocumentRecordEventType } from '../../src/records/event-type';
import { recordEventWithMessages } from '../../src/records/event-recorder.service';
import { newRecordCode } from '../../src/common/ids';

/** Rows that delivery tests need, written straight through the ORM of the running app. */
export interface SeededWorkspace {
  workspaceId: number;
  author: User;
  defaultApiUser: User;
  suite: TemplateSuite;
  otherSuite: TemplateSuite;
  recordType: DocumentRecordType;
  otherRecordType: DocumentRecordType;
}

export async function seedWorkspace(app: TestApp): Promise<SeededWorkspace> {
  const em = app.app.services.orm.em.fork();
  const workspace = await em.findOneOrFail(Workspace, { id: { $gt: 0 } }, { populate: ['defaultApiUser'], orderBy: { id: 'asc' } });
  const author = em.create(User, { workspace, name: 'Jana Nováková', email: 'jana@example.com', position: 'Counsel', customData: 'team=legal' });
  const suite = em.create(TemplateSuite, { workspace, name: 'Service agreements' });
  const otherSuite = em.create(TemplateSuite, { workspace, name: 'NDAs' });
  const recordType = em.create(DocumentRecordType, { workspace, name: 'Contract' });
  const otherRecordType = em.create(DocumentRecordType, { workspace, name: 'Invoice' });
  await em.flush();
  return { workspaceId: workspace.id, author, defaultApiUser: workspace.defaultApiUser!, suite, otherSuite, recordType, otherRecordType };
}

export async function seedUser(app: TestApp, seeded: SeededWorkspace, name: string): Promise<User> {
  const em = app.app.services.orm.em.fork();
  const user = em.create(User, { workspace: seeded.workspaceId, name, email: `user-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com` });
  await em.flush();
  return user;
}

export async function seedRecord(
  app: TestApp,
  seeded: SeededWorkspace,
  options: { suite?: TemplateSuite | null; recordType?: DocumentRecordType | null; name?: string } = {},
): Promise<DocumentRecord> {
  const em = app.app.services.orm.em.fork();
  const record = em.create(DocumentRecord, {
    workspace: seeded.workspaceId,
    code: newRecordCode(),
    name: options.name ?? 'Service Agreement',
    templateSuite: options.suite === undefined ? seeded.suite.id : (options.suite?.id ?? null),
    documentRecordType: options.recordType === undefined ? seeded.recordType.id : (options.recordType?.id ?? null),
    author: seeded.author.id,
    owner: seeded.author.id,
    workflowStage: { id: 1, name: 'Draft', position: 1, start: true, color: '#74c078' },
    properties: [{ id: 15, name: 'Contract value', type: 'number', value: 1500 }],
    persons: [{ definition: 'Customer', name: 'ACME s.r.o.', email: 'legal@acme.example' }],
  });
  await em.flush();
  return record;
}

/** Records an event exactly as the API does (one transaction, then enqueue) and returns its message ids. */
export async function recordEvent(
  app: TestApp,
  record: DocumentRecord,
  type: DocumentRecordEventType,
  author: User | null,
  parameters: Record<string, unknown> = {},
): Promise<{ eventId: number; messageIds: string[] }> {
  const em = app.app.services.orm.em.fork();
  const { event, messageIds } = await em.transactional(async (tx) => {
    const managed = await tx.findOneOrFail(DocumentRecord, record.id, { populate: ['templateSuite', 'documentRecordType'] });
    return recordEventWithMessages(tx, { record: managed, type, author: author ? tx.getReference(User, author.id) : null, parameters });
  });
  await app.app.services.deliveryQueue.enqueue(messageIds);
  return { eventId: event.id, messageIds };
}
