import type { EntityManager } from '@mikro-orm/postgresql';
import type { Document } from './document.entity';
import type { DocumentRecord, RecordPropertyData } from '../records/document-record.entity';
import type { RenderInput, RenderProperty } from '../rendering/document-content';
import type { Template } from '../catalog/template.entity';
import { User } from '../workspace/user.entity';

const USER_PROPERTY_TYPES = new Set(['user', 'user_list']);

/** Builds what the renderers need from a record, one of its documents and the document's template. */
export function buildRenderInput(record: DocumentRecord, document: Document, template: Template, userNames: Map<number, string>): RenderInput {
  return {
    record: {
      id: record.id,
      code: record.code,
      name: record.name,
      created: record.createdAt,
      lastModified: record.lastModifiedAt,
      properties: record.properties.map((property) => toRenderProperty(property, userNames)),
    },
    template: { id: template.id, name: template.name, layout: template.layout },
    document: { id: document.id, version: document.version, content: document.content },
  };
}

/** Loads the names of the users that the record's user and user_list properties point to. */
export async function loadPropertyUserNames(em: EntityManager, record: DocumentRecord): Promise<Map<number, string>> {
  const ids = new Set<number>();
  for (const property of record.properties) {
    if (!USER_PROPERTY_TYPES.has(property.type)) continue;
    const values = Array.isArray(property.value) ? property.value : [property.value];
    for (const value of values) if (Number.isSafeInteger(value)) ids.add(value as number);
  }
  if (ids.size === 0) return new Map();

  const users = await em.find(User, { id: { $in: [...ids] }, workspace: record.workspace.id }, { fields: ['id', 'name'] });
  return new Map(users.map((user) => [user.id, user.name]));
}

function toRenderProperty(property: RecordPropertyData, userNames: Map<number, string>): RenderProperty {
  if (USER_PROPERTY_TYPES.has(property.type)) {
    const ids = Array.isArray(property.value) ? property.value : [property.value];
    const names = ids.filter((id) => id !== null && id !== undefined).map((id) => userNames.get(id as number) ?? `user ${String(id)}`);
    return { name: property.name, value: names.join(', ') };
  }
  return { name: property.name, value: formatValue(property.value) };
}

/**
 * Turns a property value of any of Legito's shapes into display text: lists are joined with
 * commas, a choice item shows its label (else its value), a currency object its amount, and a
 * boolean "Yes" or "No". An unknown object is shown as JSON.
 */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (Array.isArray(value)) return value.map(formatValue).filter((text) => text !== '').join(', ');
  if (typeof value === 'object') {
    const object = value as Record<string, unknown>;
    if (typeof object.label === 'string') return object.label;
    if ('value' in object) return formatValue(object.value);
  }
  return JSON.stringify(value);
}
