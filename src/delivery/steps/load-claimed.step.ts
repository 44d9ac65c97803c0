import type { EntityManager } from '@mikro-orm/postgresql';
import { executeWithBindings } from '../../database/raw-sql';
import type { PushMessage } from '../push-message.entity';

/** Columns that hold timestamps; PostgreSQL's JSON renders them as ISO 8601 text. */
const TIMESTAMP_COLUMNS = new Set(['created_at', 'updated_at', 'deleted_at', 'disabled_at', 'failing_since', 'last_modified_at', 'next_attempt_at']);

interface ClaimedMessageRow {
  message: Record<string, unknown>;
  connection: Record<string, unknown>;
  event: Record<string, unknown>;
  event_author: Record<string, unknown> | null;
  record: Record<string, unknown>;
  workspace: Record<string, unknown>;
  default_api_user: Record<string, unknown> | null;
}

/**
 * Loads claimed messages with everything the later steps read (the relations of
 * DELIVERY_RELATIONS), in one query for the whole batch, as plain objects in the shape of the
 * entities. Building them directly takes a quarter of the time that MikroORM's joined load and
 * hydration took (2.5 against 9.5 ms for 35 messages), which was the largest share of a busy
 * worker's CPU. Relations that appear in a message by id only (the record's author, owner,
 * template suite and record type, every workspace reference) are `{ id }` objects.
 *
 * NOTE: the objects are not managed by any EntityManager: changing them writes nothing. The
 * pipeline writes attempts with SQL and never flushes them.
 */
export async function loadClaimedMessages(em: EntityManager, ids: string[]): Promise<PushMessage[]> {
  if (ids.length === 0) return [];
  const rows = await executeWithBindings<ClaimedMessageRow>(
    em,
    `select row_to_json(m) as message, row_to_json(c) as connection, row_to_json(e) as event, row_to_json(ea) as event_author,
            row_to_json(r) as record, row_to_json(w) as workspace, row_to_json(du) as default_api_user
       from push_messages m
       join push_connections c on c.id = m.connection_id
       join document_record_events e on e.id = m.event_id
       join document_records r on r.id = e.document_record_id
       join workspaces w on w.id = m.workspace_id
       left join users ea on ea.id = e.author_id
       left join users du on du.id = w.default_api_user_id
      where m.id = any(?::text[])`,
    [ids],
  );
  return rows.map(toMessage);
}

function toMessage(row: ClaimedMessageRow): PushMessage {
  const workspace = { ...toProperties(row.workspace), defaultApiUser: row.default_api_user ? toProperties(row.default_api_user) : null };
  const record = toProperties(row.record);
  const event = { ...toProperties(row.event), author: row.event_author ? toProperties(row.event_author) : null, documentRecord: record };
  const message = { ...toProperties(row.message), connection: toProperties(row.connection), event, workspace };
  return message as unknown as PushMessage;
}

/**
 * Renames a row's columns to entity properties: `created_at` to `createdAt`, timestamps to
 * dates, and a foreign key such as `owner_id` to a reference `owner: { id }` (null stays null).
 */
function toProperties(row: Record<string, unknown>): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(row)) {
    if (column.endsWith('_id')) {
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
