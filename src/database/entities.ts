import { Workspace } from '../workspace/workspace.entity';
import { User } from '../workspace/user.entity';
import { ApiKey } from '../workspace/api-key.entity';
import { TemplateSuite } from '../catalog/template-suite.entity';
import { Template } from '../catalog/template.entity';
import { DocumentRecordType } from '../catalog/document-record-type.entity';
import { DocumentRecord } from '../records/document-record.entity';
import { DocumentRecordEvent } from '../records/document-record-event.entity';
import { Document } from '../documents/document.entity';
import { UploadedFile } from '../documents/uploaded-file.entity';
import { PushConnection } from '../connections/push-connection.entity';
import { PushMessage } from '../delivery/push-message.entity';
import { PushLog } from '../delivery/push-log.entity';
import { TestMessageSample } from '../delivery/test-message-sample.entity';

/** Every MikroORM entity; listed explicitly so no folder scan depends on compiled or source paths. */
export const ENTITIES = [
  Workspace,
  User,
  ApiKey,
  TemplateSuite,
  Template,
  DocumentRecordType,
  DocumentRecord,
  DocumentRecordEvent,
  Document,
  UploadedFile,
  PushConnection,
  PushMessage,
  PushLog,
  TestMessageSample,
];
