import {
  GraphQLError,
  Kind,
  getNullableType,
  isListType,
  isObjectType,
  visit,
  type GraphQLCompositeType,
  type ASTVisitor,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import { MAX_PAGE_SIZE } from './pagination';

/** Limits on the shape and size of one GraphQL operation, from the `DOCPUSH_MAX_QUERY_*` settings. */
export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxComplexity: number;
}

/**
 * Most lexical tokens a query document may have; the parser stops there. The largest operation
 * of the API, and the standard introspection query of graphql-js 16, have well under 1,000.
 * Long values belong in variables, which do not count.
 */
export const MAX_QUERY_TOKENS = 5000;

/**
 * Assumed length of a list field without a `first` argument (apiKeys, persons, the lists of
 * introspection). It is an estimate: such lists are small in practice, but not capped.
 */
const UNPAGED_LIST_SIZE = 10;

/**
 * Most selections the cost estimate walks, counting each fragment spread anew. Nested fragment
 * spreads can multiply a short document into millions of selections; past this many, the
 * operation is rejected as too costly without walking further.
 */
const MAX_COST_NODES = 20_000;

/** The message graphql-query-complexity 2.0.0 throws when it stops at its node limit. */
const NODE_LIMIT_MESSAGE = 'Query exceeds the maximum allowed number of nodes.';

/**
 * Maximum number of items of one list in an operation's variables. Coercing variables walks every
 * item before a resolver can check a list's own limit (recordDocumentEvents takes 100): 200,000
 * event inputs took about 3.4 s of server CPU before their rejection, in one measurement on the
 * 2-core development machine.
 */
export const MAX_VARIABLE_LIST_ITEMS = 10_000;

/**
 * Returns a BAD_USER_INPUT error (HTTP status 400) for the first list in `variables` longer than
 * MAX_VARIABLE_LIST_ITEMS, naming its path in the message, or null. The walk uses its own stack, so deeply
 * nested values cannot overflow the call stack.
 */
export function checkVariableListSizes(variables: Record<string, unknown> | null | undefined): GraphQLError | null {
  const pending: Array<{ path: string; value: unknown }> = Object.entries(variables ?? {}).map(([name, value]) => ({ path: `$${name}`, value }));
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { path, value } = next;
    if (Array.isArray(value)) {
      if (value.length > MAX_VARIABLE_LIST_ITEMS) {
        return new GraphQLError(
          `Variable ${path} is a list of ${value.length} items; a list in the variables may have at most ${MAX_VARIABLE_LIST_ITEMS}. Send the items in several requests.`,
          // Apollo Server 5 sends an error raised by a plugin hook with status 500 unless the error sets its own.
          { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } },
        );
      }
      value.forEach((item, index) => pending.push({ path: `${path}[${index}]`, value: item }));
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) pending.push({ path: `${path}.${key}`, value: item });
    }
  }
  return null;
}

/** Builds the validation rules that reject operations nested too deep or with too many aliases. */
export function queryLimitRules(limits: QueryLimits): ValidationRule[] {
  return [depthLimitRule(limits.maxDepth), aliasLimitRule(limits.maxAliases)];
}

/**
 * Rejects an operation whose fields nest deeper than `maxDepth`, counting through fragments.
 * Introspection fields (`__schema`, `__type`, `__typename`) are not counted, so that the standard
 * introspection query passes; the complexity limit still bounds them.
 */
function depthLimitRule(maxDepth: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    const measure = createDepthMeasure(fragments);

    return {
      OperationDefinition(operation) {
        const depth = measure(operation.selectionSet);
        if (depth > maxDepth) {
          const name = operation.name ? `Operation "${operation.name.value}"` : 'The operation';
          context.reportError(
            new GraphQLError(
              `${name} nests fields ${depth} levels deep; the limit is ${maxDepth} (DOCPUSH_MAX_QUERY_DEPTH). ` +
                'Select fewer nested levels, and fetch deeper objects in a separate request by their id.',
              { nodes: operation },
            ),
          );
        }
      },
    };
  };
}

/**
 * Returns a function that measures the depth of a selection set. The depth below each fragment
 * is computed once, so fragments spread many times cost no more than fragments spread once. A
 * fragment cycle counts as depth 0, because the standard NoFragmentCycles rule reports it.
 */
function createDepthMeasure(fragments: Map<string, FragmentDefinitionNode>): (selectionSet: SelectionSetNode) => number {
  const fragmentDepths = new Map<string, number>();
  const visiting = new Set<string>();

  const fragmentDepth = (name: string): number => {
    const known = fragmentDepths.get(name);
    if (known !== undefined) return known;
    const fragment = fragments.get(name);
    if (!fragment || visiting.has(name)) return 0;
    visiting.add(name);
    const depth = measure(fragment.selectionSet);
    visiting.delete(name);
    fragmentDepths.set(name, depth);
    return depth;
  };

  const measure = (selectionSet: SelectionSetNode): number => {
    let deepest = 0;
    for (const selection of selectionSet.selections) {
      let depth = 0;
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value.startsWith('__')) continue;
        depth = 1 + (selection.selectionSet ? measure(selection.selectionSet) : 0);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        depth = measure(selection.selectionSet);
      } else {
        depth = fragmentDepth(selection.name.value);
      }
      deepest = Math.max(deepest, depth);
    }
    return deepest;
  };
  return measure;
}

/** Rejects a document with more than `maxAliases` aliased fields, the means to repeat one field many times. */
function aliasLimitRule(maxAliases: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    let aliases = 0;
    return {
      Field(field) {
        if (field.alias) aliases += 1;
      },
      Document: {
        leave() {
          if (aliases > maxAliases) {
            context.reportError(
              new GraphQLError(
                `The request uses ${aliases} field aliases; the limit is ${maxAliases} (DOCPUSH_MAX_QUERY_ALIASES). ` +
                  'Split the work into several requests, or use list fields with paging.',
              ),
            );
          }
        },
      },
    };
  };
}

/**
 * Estimates the cost of a field: 1 for the field, plus the cost of its selections times the
 * number of items it may return. A page returns `first` items, capped at MAX_PAGE_SIZE because
 * a larger `first` is rejected with its own error. The `edges` list of a page adds no factor of
 * its own, since `first` already counts its items. Any other list counts UNPAGED_LIST_SIZE.
 */
const pageAwareEstimator: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  const first = args.first;
  if (typeof first === 'number' && Number.isFinite(first)) return 1 + Math.min(Math.max(first, 1), MAX_PAGE_SIZE) * childComplexity;
  if (!isListType(getNullableType(field.type)) || isPageEdges(type, field.name)) return 1 + childComplexity;
  return 1 + UNPAGED_LIST_SIZE * childComplexity;
};

/** True for the `edges` field of a Relay-style connection type (one with `edges` and `pageInfo`). */
function isPageEdges(parentType: GraphQLCompositeType, fieldName: string): boolean {
  return fieldName === 'edges' && isObjectType(parentType) && 'pageInfo' in parentType.getFields();
}

/**
 * Returns the estimated cost of the operation with its variables: Infinity when the estimate
 * stopped at MAX_COST_NODES, or null when the variables do not fit the operation, an error that
 * execution reports in its own words.
 */
export function estimateQueryCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
): number | null {
  const memo = documentCostMemo(schema, document);
  const key = costKey(memo.costVariables, operationName, variables);
  const known = memo.costs.get(key);
  if (known !== undefined) return known;
  const cost = computeQueryCost(schema, document, operationName, variables);
  // A null estimate is not kept, because it can come from a variable the cost does not depend on.
  // Keeping it would let a later request with the same page sizes skip the check.
  if (cost !== null && memo.costs.size < MAX_COSTS_PER_DOCUMENT) memo.costs.set(key, cost);
  return cost;
}

/**
 * Costs already estimated for one parsed document, by operation name and the values of the
 * variables the estimate depends on. Apollo Server's default document store keeps one parsed
 * document per query text, so a client that sends the same query with new values reuses the estimate.
 */
interface DocumentCostMemo {
  /** Variables used in a `first` argument or in a directive (`@skip`, `@include`), sorted. */
  costVariables: string[];
  costs: Map<string, number>;
}

/** Maximum number of estimates kept per document. Requests beyond it are estimated each time. */
const MAX_COSTS_PER_DOCUMENT = 64;

const costMemos = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, DocumentCostMemo>>();

function documentCostMemo(schema: GraphQLSchema, document: DocumentNode): DocumentCostMemo {
  let bySchema = costMemos.get(schema);
  if (!bySchema) {
    bySchema = new WeakMap();
    costMemos.set(schema, bySchema);
  }
  let memo = bySchema.get(document);
  if (!memo) {
    memo = { costVariables: findCostVariables(document), costs: new Map() };
    bySchema.set(document, memo);
  }
  return memo;
}

/** Names the variables that can change the estimate: those of `first` arguments and of directive arguments. */
function findCostVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  let inDirective = 0;
  let inFirst = 0;
  visit(document, {
    Directive: {
      enter: () => {
        inDirective += 1;
      },
      leave: () => {
        inDirective -= 1;
      },
    },
    Argument: {
      enter: (argument) => {
        if (argument.name.value === 'first') inFirst += 1;
      },
      leave: (argument) => {
        if (argument.name.value === 'first') inFirst -= 1;
      },
    },
    Variable: (variable) => {
      if (inDirective > 0 || inFirst > 0) names.add(variable.name.value);
    },
  });
  return [...names].sort();
}

function costKey(costVariables: string[], operationName: string | null | undefined, variables: Record<string, unknown> | null | undefined): string {
  return JSON.stringify([operationName ?? null, ...costVariables.map((name) => variables?.[name] ?? null)]);
}

function computeQueryCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
): number | null {
  try {
    return getComplexity({
      schema,
      query: document,
      operationName: operationName ?? undefined,
      variables: variables ?? {},
      estimators: [pageAwareEstimator],
      maxQueryNodes: MAX_COST_NODES,
    });
  } catch (error) {
    if (error instanceof GraphQLError && error.message === NODE_LIMIT_MESSAGE) return Infinity;
    return null;
  }
}

/**
 * Returns a BAD_USER_INPUT error when the operation's estimated cost is above the limit, else
 * null. An operation that selects a page of pages (records, each with its events) multiplies
 * the two page sizes, and this limit is what stops that from loading millions of rows.
 */
export function checkQueryCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
  maxComplexity: number,
): GraphQLError | null {
  const cost = estimateQueryCost(schema, document, operationName, variables);
  if (cost === null || cost <= maxComplexity) return null;
  const costText = Number.isFinite(cost) ? String(cost) : `above ${maxComplexity} (more than ${MAX_COST_NODES} selections after expanding fragments)`;
  return new GraphQLError(
    `The operation's estimated cost is ${costText}; the limit is ${maxComplexity} (DOCPUSH_MAX_QUERY_COMPLEXITY). ` +
      'Each field costs 1, and a page multiplies the cost of its fields by its size. Ask for smaller pages (lower first) or fewer fields.',
    { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } },
  );
}
