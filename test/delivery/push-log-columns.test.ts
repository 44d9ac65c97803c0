import path from 'node:path';
import { readFileSync } from 'node:fs';
import { buildSchema, Kind, parse, type FieldNode, type FragmentDefinitionNode, type GraphQLObjectType, type OperationDefinitionNode } from 'graphql';
import { ALL_PUSH_LOG_COLUMNS, PUSH_LOG_COLUMNS, selectedPushLogColumns } from '../../src/delivery/push-log-columns';

/**
 * Returns the columns that the subscription's deliveryLog selection reads. Like graphql-js, it
 * passes every root deliveryLog field node, which validation allows under one response key only,
 * and the document's fragments.
 */
function columnsOf(subscription: string): string[] {
  const document = parse(subscription);
  const operation = document.definitions.find((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  const fieldNodes = operation!.selectionSet.selections.filter(
    (selection): selection is FieldNode => selection.kind === Kind.FIELD && selection.name.value === 'deliveryLog',
  );
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  }
  return [...selectedPushLogColumns({ fieldNodes, fragments })].sort();
}

describe('selectedPushLogColumns', () => {
  it('maps plain fields to their columns', () => {
    expect(columnsOf('subscription { deliveryLog { messageId attempt outcome } }')).toEqual(['attempt', 'message_id', 'outcome']);
  });

  it('maps aliased fields by field name', () => {
    expect(columnsOf('subscription { log: deliveryLog { sent: requestBody received: responseBody code: responseCode } }')).toEqual([
      'request_body',
      'response_body',
      'response_code',
    ]);
  });

  it('follows named and nested fragments', () => {
    const subscription = `
      subscription { deliveryLog { ...Summary } }
      fragment Summary on PushLog { id ...Request ...Request }
      fragment Request on PushLog { requestUrl requestHeaders }
    `;
    expect(columnsOf(subscription)).toEqual(['id', 'request_headers', 'request_url']);
  });

  it('follows inline fragments', () => {
    const subscription = `subscription { deliveryLog { ... on PushLog { responseBody } ... { durationMs } } }`;
    expect(columnsOf(subscription)).toEqual(['duration_ms', 'response_body']);
  });

  it('needs no column for __typename', () => {
    expect(columnsOf('subscription { deliveryLog { __typename } }')).toEqual([]);
  });

  it('counts fields under @skip and @include', () => {
    const subscription = `subscription ($full: Boolean!) {
      deliveryLog { messageId requestBody @include(if: $full) responseBody @skip(if: true) }
    }`;
    expect(columnsOf(subscription)).toEqual(['message_id', 'request_body', 'response_body']);
  });

  it('merges repeated deliveryLog fields', () => {
    expect(columnsOf('subscription { deliveryLog { messageId } deliveryLog { requestBody } }')).toEqual(['message_id', 'request_body']);
  });

  it('returns every column for unknown names', () => {
    const everyColumn = [...ALL_PUSH_LOG_COLUMNS].sort();
    expect(columnsOf('subscription { deliveryLog { messageId notAField } }')).toEqual(everyColumn);
    expect(columnsOf('subscription { deliveryLog { messageId ...Missing } }')).toEqual(everyColumn);
    expect(columnsOf('subscription { deliveryLog { constructor } }')).toEqual(everyColumn);
  });

  it('maps every PushLog field of the schema', () => {
    const schema = buildSchema(readFileSync(path.resolve(__dirname, '../../schema/schema.graphql'), 'utf8'));
    const fields = Object.keys((schema.getType('PushLog') as GraphQLObjectType).getFields());

    const columns = columnsOf(`subscription { deliveryLog { ${fields.join(' ')} } }`);

    // Only workspace_id has no field, and the feed reads it for every row.
    expect(columns).toEqual(PUSH_LOG_COLUMNS.filter((column) => column !== 'workspace_id').sort());
  });
});
