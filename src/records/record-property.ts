import { ValidationError } from '../common/errors';
import { MAX_NAME_LENGTH, rejectBlankName, rejectControlCharacters, rejectLongMarkRun } from '../common/input-checks';
import type { RecordPropertyData } from './document-record.entity';
import { isIsoDateTime } from './record-fields';

/** Legito's property types; each fixes the shape of the property's `value`. */
export const PROPERTY_TYPES = [
  'system',
  'text',
  'textarea',
  'date',
  'date_list',
  'number',
  'currency',
  'checkbox',
  'checkbox_list',
  'selectbox',
  'selectbox_multiple',
  'user',
  'user_list',
  'user_group',
  'user_group_list',
  'list_record',
  'list_record_list',
] as const;
export type PropertyType = (typeof PROPERTY_TYPES)[number];

/** Legito's system property kinds, allowed in `systemType`. */
const SYSTEM_TYPES = [
  'files', 'external_link', 'summary', 'total_value', 'signing_date', 'expiration_date', 'payment_date', 'delivery_date',
  'notification', 'categories', 'labels', 'confidential', 'notes', 'id', 'created', 'modified', 'last_activity',
];

/** The keys of a property in Legito's DocumentRecord resource. */
const PROPERTY_KEYS = ['id', 'name', 'propertyGroupId', 'priority', 'type', 'system', 'systemType', 'systemName', 'value'];

/** Maximum number of properties of one record. */
export const MAX_PROPERTIES = 500;

/**
 * Maximum size of a record's properties as UTF-8 JSON. Every event stores a copy of its record
 * (the snapshot that its messages push), so without this limit one request of a few kilobytes,
 * 100 events of one large record, would write 100 copies of it.
 */
export const MAX_PROPERTIES_BYTES = 256 * 1024;

const isInteger = (value: unknown): boolean => Number.isSafeInteger(value);
const isString = (value: unknown): boolean => typeof value === 'string';
const isDate = isIsoDateTime;
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const orNull = (test: (value: unknown) => boolean) => (value: unknown) => value === null || test(value);
const listOf = (test: (value: unknown) => boolean) => (value: unknown) => Array.isArray(value) && value.every(test);

/** Reports whether `value` is a choice item: optional integer id and priority, optional string systemName, value, label and color. */
function isChoiceItem(value: unknown): boolean {
  if (!isObject(value)) return false;
  const { id, systemName, label, priority, color } = value;
  return [id, priority].every((field) => field === undefined || isInteger(field))
    && [systemName, value.value, label, color].every((field) => field === undefined || isString(field));
}

function isCurrency(value: unknown): boolean {
  if (!isObject(value)) return false;
  const amount = value.value;
  const currencyId = value.currencyId;
  return (amount === undefined || amount === null || (typeof amount === 'number' && Number.isFinite(amount)))
    && (currencyId === undefined || currencyId === null || isInteger(currencyId));
}

/**
 * The value shape of each property type, as Legito's PropertyValue* schemas define it; null is
 * allowed only where those schemas mark the value nullable.
 */
const VALUE_SHAPES: Record<PropertyType, { test: (value: unknown) => boolean; expected: string }> = {
  // NOTE: a system property's value shape depends on its systemType (twelve shapes), so any JSON value passes here.
  system: { test: () => true, expected: 'any JSON value' },
  text: { test: orNull(isString), expected: 'a string or null' },
  textarea: { test: orNull(isString), expected: 'a string or null' },
  date: { test: orNull(isDate), expected: 'an ISO 8601 date-time string or null' },
  date_list: { test: orNull(listOf(isDate)), expected: 'a list of ISO 8601 date-time strings, or null' },
  number: { test: orNull((value) => typeof value === 'number' && Number.isFinite(value)), expected: 'a number or null' },
  currency: { test: isCurrency, expected: 'an object {value: number or null, currencyId: integer or null}' },
  checkbox: { test: isChoiceItem, expected: 'a choice item object {id, systemName, value, label, priority, color}' },
  checkbox_list: { test: listOf(isChoiceItem), expected: 'a list of choice item objects' },
  selectbox: { test: isChoiceItem, expected: 'a choice item object {id, systemName, value, label, priority, color}' },
  selectbox_multiple: { test: isChoiceItem, expected: 'a choice item object {id, systemName, value, label, priority, color}' },
  user: { test: isInteger, expected: 'a user id (integer)' },
  user_list: { test: listOf(isInteger), expected: 'a list of user ids (integers)' },
  user_group: { test: isInteger, expected: 'a user group id (integer)' },
  user_group_list: { test: listOf(isInteger), expected: 'a list of user group ids (integers)' },
  list_record: { test: isInteger, expected: 'a custom list record id (integer)' },
  list_record_list: { test: listOf(isInteger), expected: 'a list of custom list record ids (integers)' },
};

/**
 * Checks a record's properties against the shape of Legito's DocumentRecord.properties, so every
 * pushed message stays valid for Legito listeners. Raises BAD_USER_INPUT naming the property's
 * path, such as `properties[2].value`. Ids must be unique within the record.
 */
export function checkProperties(field: string, properties: Array<Record<string, unknown>>): RecordPropertyData[] {
  if (properties.length > MAX_PROPERTIES) {
    throw new ValidationError(field, `${field} has ${properties.length} entries; the maximum is ${MAX_PROPERTIES}.`);
  }
  const bytes = Buffer.byteLength(JSON.stringify(properties), 'utf8');
  if (bytes > MAX_PROPERTIES_BYTES) {
    throw new ValidationError(
      field,
      `${field} is ${bytes} bytes as JSON; the maximum is ${MAX_PROPERTIES_BYTES}. Keep long texts and files out of properties: upload files with uploadFile.`,
    );
  }
  const seenIds = new Set<unknown>();
  return properties.map((property, index) => {
    const path = `${field}[${index}]`;
    checkProperty(path, property);
    if (seenIds.has(property.id)) throw new ValidationError(`${path}.id`, `${path}.id ${String(property.id)} is used by an earlier property: give each property its own id.`);
    seenIds.add(property.id);
    return property as unknown as RecordPropertyData;
  });
}

function checkProperty(path: string, property: Record<string, unknown>): void {
  const unknownKey = Object.keys(property).find((key) => !PROPERTY_KEYS.includes(key));
  if (unknownKey) {
    throw new ValidationError(`${path}.${unknownKey}`, `${path}.${unknownKey} is not a property key: use only ${PROPERTY_KEYS.join(', ')}.`);
  }
  if (!isInteger(property.id) || (property.id as number) <= 0) {
    throw new ValidationError(
      `${path}.id`,
      `${path}.id is ${describeGiven(property.id)}: give the property a positive integer id, unique within the record, such as 1.`,
    );
  }
  if (typeof property.name !== 'string' || property.name.length > MAX_NAME_LENGTH) {
    throw new ValidationError(`${path}.name`, `${path}.name is ${describeGiven(property.name)}: give a name of 1 to ${MAX_NAME_LENGTH} characters.`);
  }
  rejectBlankName(`${path}.name`, property.name, `give a name of 1 to ${MAX_NAME_LENGTH} characters`);
  rejectControlCharacters(`${path}.name`, property.name);
  if (!(PROPERTY_TYPES as readonly unknown[]).includes(property.type)) {
    const fix = `use one of ${PROPERTY_TYPES.join(', ')}`;
    if (property.type === undefined) throw new ValidationError(`${path}.type`, `${path}.type is missing: ${fix}.`);
    throw new ValidationError(`${path}.type`, `${path}.type ${JSON.stringify(property.type)} is not a property type: ${fix}.`);
  }
  checkOptionalKeys(path, property);

  const shape = VALUE_SHAPES[property.type as PropertyType];
  if (!('value' in property) || !shape.test(property.value)) {
    const received = 'value' in property ? JSON.stringify(property.value) : 'missing';
    throw new ValidationError(`${path}.value`, `${path}.value is ${received}, but a ${String(property.type)} property needs ${shape.expected}.`);
  }
  // Property tables render every text of a value, so the limit on combining marks of document
  // content applies to them too.
  for (const text of collectStrings(property.value)) rejectLongMarkRun(`${path}.value`, text);
}

/** Returns a property key's value as JSON for an error message, or "missing" when the key is absent. */
function describeGiven(value: unknown): string {
  return value === undefined ? 'missing' : JSON.stringify(value);
}

/** Returns every string in a JSON value, at any depth of its lists and objects. */
function collectStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(collectStrings);
  if (isObject(value)) return Object.values(value).flatMap(collectStrings);
  return [];
}

function checkOptionalKeys(path: string, property: Record<string, unknown>): void {
  const { propertyGroupId, priority, system, systemType, systemName } = property;
  if (propertyGroupId !== undefined && !isInteger(propertyGroupId)) {
    throw new ValidationError(`${path}.propertyGroupId`, `${path}.propertyGroupId is ${JSON.stringify(propertyGroupId)}: give an integer or omit it.`);
  }
  if (priority !== undefined && !isInteger(priority)) {
    throw new ValidationError(`${path}.priority`, `${path}.priority is ${JSON.stringify(priority)}: give an integer or omit it.`);
  }
  if (system !== undefined && typeof system !== 'boolean') {
    throw new ValidationError(`${path}.system`, `${path}.system is ${JSON.stringify(system)}: give true, false, or omit it.`);
  }
  if (systemType !== undefined && systemType !== null && !SYSTEM_TYPES.includes(systemType as string)) {
    throw new ValidationError(`${path}.systemType`, `${path}.systemType ${JSON.stringify(systemType)} is unknown: use one of ${SYSTEM_TYPES.join(', ')}, or null.`);
  }
  if (systemName !== undefined && !isString(systemName)) {
    throw new ValidationError(`${path}.systemName`, `${path}.systemName is ${JSON.stringify(systemName)}: give a string (a UUID) or omit it.`);
  }
}
