import { registerEnumType } from 'type-graphql';
import { FILE_TYPES } from '../rendering/document-content';

/** The GraphQL enum of Legito's generated file types, with Legito's lower-case names. */
export const FileTypeEnum = Object.fromEntries(FILE_TYPES.map((type) => [type, type])) as { [K in (typeof FILE_TYPES)[number]]: K };

registerEnumType(FileTypeEnum, { name: 'FileType', description: 'A format that generated documents are rendered to.' });
