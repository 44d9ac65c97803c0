import { LockMode, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Document } from '../documents/document.entity';
import { ConflictError } from '../common/errors';
import { Template } from './template.entity';
import { TemplateSuite } from './template-suite.entity';
import type { CreateTemplateInput, UpdateTemplateInput } from './template.input';
import { applyLayoutInput } from './template-layout';
import { checkName, findReferenced } from '../common/input-checks';
import { WorkspaceScope } from '../common/workspace-scope';
import { DEFAULT_LAYOUT } from '../rendering/document-content';
import { findPage } from '../graphql/page-query';
import type { Page } from '../graphql/pagination';

/** Manages the templates of one workspace; each belongs to a template suite of the same workspace. */
export class TemplateService {
  constructor(private readonly scope: WorkspaceScope) {}

  get(id: string | number): Promise<Template> {
    return this.scope.get(Template, 'Template', id);
  }

  /** Lists templates newest first, of one template suite when `templateSuiteId` is given. */
  async list(templateSuiteId: string | null | undefined, first: number, after?: string | null): Promise<Page<Template>> {
    const where: FilterQuery<Template> = { workspace: this.scope.workspaceId };
    if (templateSuiteId !== null && templateSuiteId !== undefined) {
      // An unknown or malformed suite id is NOT_FOUND, as the record id of `files` and the connection id of `pushLogs` are.
      // The filter takes the id, not the entity, because the filter is part of the page's cursors.
      where.templateSuite = (await this.scope.get(TemplateSuite, 'Template suite', templateSuiteId, {}, 'templateSuiteId')).id;
    }
    return findPage(this.scope.em, Template, 'templates', where, { first, after });
  }

  async create(input: CreateTemplateInput): Promise<Template> {
    const name = checkName('name', input.name, 'Purchase agreement');
    const layout = applyLayoutInput(DEFAULT_LAYOUT, input.layout);
    const templateSuite = await findReferenced(this.scope, TemplateSuite, 'templateSuiteId', 'template suite', input.templateSuiteId);

    const template = this.scope.em.create(Template, { workspace: this.scope.workspace, templateSuite, name, layout });
    await this.scope.em.flush();
    return template;
  }

  async update(id: string, input: UpdateTemplateInput): Promise<Template> {
    const found = await this.get(id);
    const name = isSet(input.name) ? checkName('name', input.name, 'Purchase agreement') : undefined;

    return this.scope.em.transactional(async (tx) => {
      // Locked before documents are counted: createDocument reads the template FOR SHARE, so no
      // document of it is added between the count and the move.
      const template = await tx.findOneOrFail(Template, found.id, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
      const layout = applyLayoutInput(template.layout, input.layout);
      const templateSuite = isSet(input.templateSuiteId)
        ? await findReferenced(new WorkspaceScope(tx, this.scope.workspaceId), TemplateSuite, 'templateSuiteId', 'template suite', input.templateSuiteId)
        : template.templateSuite;
      await checkSuiteChangeAllowed(tx, template, templateSuite);

      Object.assign(template, { name: name ?? template.name, layout, templateSuite });
      return template;
    });
  }
}

/**
 * Rejects moving a template that has documents to another suite. Every document comes from a
 * template of its record's suite, as createDocument requires, and updateDocumentRecord keeps a
 * record with documents in its suite, so the move would leave those records with documents of
 * a suite they do not use.
 */
async function checkSuiteChangeAllowed(tx: EntityManager, template: Template, suite: TemplateSuite): Promise<void> {
  const currentId = template.templateSuite.id;
  if (suite.id === currentId) return;
  const documents = await tx.count(Document, { template: template.id });
  if (documents === 0) return;
  throw new ConflictError(
    `templateSuiteId cannot change from ${currentId} to ${suite.id}: template ${template.id} has ${documents} document(s) in document records of ` +
      `template suite ${currentId}. Keep templateSuiteId ${currentId}, or create a new template in template suite ${suite.id}.`,
    'templateSuiteId',
  );
}

function isSet<T>(value: T | null | undefined): value is T {
  return value !== undefined && value !== null;
}
