import type { FragmentDefinitionNode, GraphQLResolveInfo, SelectionSetNode } from 'graphql';
import type { PushLogType } from './push-log.type';

/** The columns of the push_logs table. */
export const PUSH_LOG_COLUMNS = [
  'id',
  'workspace_id',
  'connection_id',
  'connection_name',
  'event_id',
  'event_type',
  'message_id',
  'attempt',
  'request_url',
  'request_headers',
  'request_body',
  'response_code',
  'response_headers',
  'response_body',
  'response_body_encoding',
  'response_body_truncated',
  'response_body_incomplete',
  'response_error',
  'duration_ms',
  'outcome',
  'is_test',
  'created_at',
] as const;

export type PushLogColumn = (typeof PUSH_LOG_COLUMNS)[number];

export const ALL_PUSH_LOG_COLUMNS: ReadonlySet<PushLogColumn> = new Set(PUSH_LOG_COLUMNS);

/**
 * The columns that toPushLogType reads for each field of PushLogType. The record type makes the
 * compiler reject a new field of PushLogType until its columns are listed here.
 */
const FIELD_COLUMNS: Readonly<Record<keyof PushLogType, readonly PushLogColumn[]>> = {
  id: ['id'],
  connectionId: ['connection_id'],
  connectionName: ['connection_name'],
  eventId: ['event_id'],
  eventType: ['event_type'],
  messageId: ['message_id'],
  attempt: ['attempt'],
  requestUrl: ['request_url'],
  requestHeaders: ['request_headers'],
  requestBody: ['request_body'],
  responseCode: ['response_code'],
  responseHeaders: ['response_headers'],
  responseBody: ['response_body'],
  responseBodyEncoding: ['response_body_encoding'],
  responseBodyTruncated: ['response_body_truncated'],
  responseBodyIncomplete: ['response_body_incomplete'],
  responseError: ['response_error'],
  durationMs: ['duration_ms'],
  outcome: ['outcome'],
  isTest: ['is_test'],
  createdAt: ['created_at'],
};

/** FIELD_COLUMNS as a map, so that a field named like an Object.prototype member is not found. */
const COLUMNS_BY_FIELD: ReadonlyMap<string, readonly PushLogColumn[]> = new Map(Object.entries(FIELD_COLUMNS));

/**
 * Returns the push_logs columns that the selection set of a field of type PushLog reads: the
 * columns of each selected field, under any alias and through named and inline fragments.
 * Fields with @skip or @include count as selected whatever their condition, so the result may
 * contain more columns than an execution reads, never fewer. Returns every column when the
 * selection names a field or fragment that this function does not know.
 */
export function selectedPushLogColumns(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>): ReadonlySet<PushLogColumn> {
  const columns = new Set<PushLogColumn>();
  const visitedFragments = new Set<string>();
  for (const node of info.fieldNodes) {
    if (!node.selectionSet || !addSelectedColumns(node.selectionSet, info.fragments, visitedFragments, columns)) return ALL_PUSH_LOG_COLUMNS;
  }
  return columns;
}

/** Adds the columns of the selection set to `columns`, and returns false when it meets a field or fragment it does not know. */
function addSelectedColumns(
  selectionSet: SelectionSetNode,
  fragments: Record<string, FragmentDefinitionNode>,
  visitedFragments: Set<string>,
  columns: Set<PushLogColumn>,
): boolean {
  for (const selection of selectionSet.selections) {
    if (selection.kind === 'Field') {
      if (selection.name.value === '__typename') continue;
      const fieldColumns = COLUMNS_BY_FIELD.get(selection.name.value);
      if (!fieldColumns) return false;
      for (const column of fieldColumns) columns.add(column);
      continue;
    }

    // Validation allows only fragments on PushLog inside a PushLog field, so the type condition needs no check.
    if (selection.kind === 'InlineFragment') {
      if (!addSelectedColumns(selection.selectionSet, fragments, visitedFragments, columns)) return false;
      continue;
    }

    const name = selection.name.value;
    if (visitedFragments.has(name)) continue;
    visitedFragments.add(name);
    const fragment = Object.hasOwn(fragments, name) ? fragments[name] : undefined;
    if (!fragment || !addSelectedColumns(fragment.selectionSet, fragments, visitedFragments, columns)) return false;
  }
  return true;
}
