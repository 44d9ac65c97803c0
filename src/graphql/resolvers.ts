import { PushConnectionResolver } from '../connections/push-connection.resolver';
import { PushLogResolver } from '../delivery/push-log.resolver';
import { PushMessageResolver } from '../delivery/push-message.resolver';
import { PushConnectionStatusResolver } from '../delivery/connection-status.resolver';
import { UserResolver } from '../workspace/user.resolver';
import { WorkspaceResolver } from '../workspace/workspace.resolver';
import { ApiKeyResolver } from '../workspace/api-key.resolver';
import { TemplateSuiteResolver } from '../catalog/template-suite.resolver';
import { TemplateResolver } from '../catalog/template.resolver';
import { DocumentRecordTypeResolver } from '../catalog/document-record-type.resolver';
import { DocumentRecordResolver } from '../records/document-record.resolver';
import { DocumentRecordEventResolver } from '../records/document-record-event.resolver';
import { DocumentResolver } from '../documents/document.resolver';
import { UploadedFileResolver } from '../documents/uploaded-file.resolver';

/** Every resolver class of the API; add new feature resolvers here. */
export const RESOLVERS = [
  PushConnectionResolver,
  PushLogResolver,
  PushMessageResolver,
  PushConnectionStatusResolver,
  UserResolver,
  WorkspaceResolver,
  ApiKeyResolver,
  TemplateSuiteResolver,
  TemplateResolver,
  DocumentRecordTypeResolver,
  DocumentRecordResolver,
  DocumentRecordEventResolver,
  DocumentResolver,
  UploadedFileResolver,
];
