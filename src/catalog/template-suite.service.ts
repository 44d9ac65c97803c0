import { TemplateSuite } from './template-suite.entity';
import type { TemplateSuiteInput } from './template-suite.input';
import { checkName } from '../common/input-checks';
import type { WorkspaceScope } from '../common/workspace-scope';
import { findPage } from '../graphql/page-query';
import type { Page } from '../graphql/pagination';

/** Manages the template suites of one workspace. */
export class TemplateSuiteService {
  constructor(private readonly scope: WorkspaceScope) {}

  get(id: string | number): Promise<TemplateSuite> {
    return this.scope.get(TemplateSuite, 'Template suite', id);
  }

  list(first: number, after?: string | null): Promise<Page<TemplateSuite>> {
    return findPage(this.scope.em, TemplateSuite, 'templateSuites', { workspace: this.scope.workspaceId }, { first, after });
  }

  async create(input: TemplateSuiteInput): Promise<TemplateSuite> {
    const name = checkName('name', input.name, 'Sales contracts');

    const suite = this.scope.em.create(TemplateSuite, { workspace: this.scope.workspace, name });
    await this.scope.em.flush();
    return suite;
  }

  async update(id: string, input: TemplateSuiteInput): Promise<TemplateSuite> {
    const suite = await this.get(id);
    const name = checkName('name', input.name, 'Sales contracts');

    suite.name = name;
    await this.scope.em.flush();
    return suite;
  }
}
