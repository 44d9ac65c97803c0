/** Columns that hold timestamps; PostgreSQL's JSON renders them as ISO 8601 text. */
const TIMESTAMP_COLUMNS = new Set(['created_at', 'updated_at', 'deleted_at', 'disabled_at', 'failing_since', 'last_modified_at', 'next_attempt_at']);

const NO_COLUMNS: ReadonlySet<string> = new Set();

/**
 * Renames a row's columns to entity properties: `created_at` to `createdAt`, timestamps to
 * dates, and a foreign key such as `owner_id` to a reference `owner: { id }` (null stays null).
 * Columns in `plainIdColumns` end in `_id` but are plain values, such as push_logs.message_id.
 */
export function rowToProperties(row: Record<string, unknown>, plainIdColumns: ReadonlySet<string> = NO_COLUMNS): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(row)) {
    if (column.endsWith('_id') && !plainIdColumns.has(column)) {
      properties[camelCase(column).slice(0, -2)] = value === null ? null : { id: value };
    } else if (TIMESTAMP_COLUMNS.has(column)) {
      properties[camelCase(column)] = value === null ? null : new Date(value as string);
    } else {
      properties[camelCase(column)] = value;
    }
  }
  return properties;
}

/** Property names by column name; the tables have a few dozen columns, and a claim maps thousands. */
const propertyNames = new Map<string, string>();

function camelCase(column: string): string {
  let name = propertyNames.get(column);
  if (name === undefined) {
    name = column.replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase());
    propertyNames.set(column, name);
  }
  return name;
}
