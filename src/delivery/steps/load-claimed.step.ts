import { rowToProperties } from '../../database/row-mapping';
import type { PushMessage } from '../push-message.entity';

export interface ClaimedMessageRow {
  message: Record<string, unknown>;
  connection: Record<string, unknown>;
  event: Record<string, unknown>;
  event_author: Record<string, unknown> | null;
  /** The record's current row, read only for an event without a snapshot. */
  record: Record<string, unknown> | null;
  workspace: Record<string, unknown>;
  default_api_user: Record<string, unknown> | null;
}

/**
 * Returns the select of claimed messages with everything the later steps read (the relations of
 * DELIVERY_RELATIONS), reading the messages from `source` (a table or a CTE). toClaimedMessage
 * builds each row into plain objects in the shape of the entities. Building them directly takes
 * a quarter of the time that MikroORM's joined load and hydration took (2.5 against 9.5 ms for
 * 35 messages), which was the largest share of a busy worker's CPU. Relations that appear in a
 * message by id only (the record's author, owner, template suite and record type, every
 * workspace reference) are `{ id }` objects. An event with a record snapshot (which its own row
 * carries) reads no record row, and its `documentRecord` is built from the snapshot.
 *
 * NOTE: the objects are not managed by any EntityManager: changing them writes nothing. The
 * pipeline writes attempts with SQL and never flushes them.
 */
export function selectClaimedMessages(source: string): string {
  return `select row_to_json(m) as message, row_to_json(c) as connection, row_to_json(e) as event, row_to_json(ea) as event_author,
            row_to_json(r) as record, row_to_json(w) as workspace, row_to_json(du) as default_api_user
       from ${source} m
       join push_connections c on c.id = m.connection_id
       join document_record_events e on e.id = m.event_id
       left join document_records r on e.record_snapshot is null and r.id = e.document_record_id
       join workspaces w on w.id = m.workspace_id
       left join users ea on ea.id = e.author_id
       left join users du on du.id = w.default_api_user_id`;
}

/** Builds a message object from one row of selectClaimedMessages. */
export function toClaimedMessage(row: ClaimedMessageRow): PushMessage {
  const workspace = { ...rowToProperties(row.workspace), defaultApiUser: row.default_api_user ? rowToProperties(row.default_api_user) : null };
  const record = rowToProperties(row.record ?? (row.event.record_snapshot as Record<string, unknown>));
  const author = row.event_author ? rowToProperties(row.event_author) : null;
  // documentRecord is the snapshot already, so recordAtEvent uses it without mapping the snapshot again.
  const event = { ...rowToProperties(row.event), recordSnapshot: null, author, documentRecord: record };
  const message = { ...rowToProperties(row.message), connection: rowToProperties(row.connection), event, workspace };
  return message as unknown as PushMessage;
}
