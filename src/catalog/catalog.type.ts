import { TemplateSuite } from './template-suite.entity';
import { Template } from './template.entity';
import { DocumentRecordType } from './document-record-type.entity';
import { ConnectionType } from '../graphql/pagination';

export const TemplateSuiteConnection = ConnectionType(TemplateSuite, 'TemplateSuite');
export const TemplateConnection = ConnectionType(Template, 'Template');
export const DocumentRecordTypeConnection = ConnectionType(DocumentRecordType, 'DocumentRecordType');
