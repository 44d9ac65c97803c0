import { PushConnectionResolver } from '../connections/push-connection.resolver';
import { PushLogResolver } from '../delivery/push-log.resolver';
import { UserResolver } from '../workspace/user.resolver';
import { WorkspaceResolver } from '../workspace/workspace.resolver';
import { ApiKeyResolver } from '../workspace/api-key.resolver';
import { TemplateSuiteResolver } from '../catalog/template-suite.resolver';
import { TemplateResolver } from '../catalog/template.resolver';
import { DocumentRecordTypeResolver } from '../catalog/document-record-type.resolver';
import { DocumentRecordResolver } from '../records/document-record.resolver';
import { DocumentRecordEventResolver } from '../records/document-record-event.resolver';

/** Every resolver class of the API; add new feature resolvers here. */
export const RESOLVERS = [
  PushConnectionResolver,
  PushLogResolver,
  UserResolver,
  WorkspaceResolver,
  ApiKeyResolver,
  TemplateSuiteResolver,
  TemplateResolver,
  DocumentRecordTypeResolver,
  DocumentRecordResolver,
  DocumentRecordEventResolver,
];
