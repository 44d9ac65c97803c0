import { BREAK, GraphQLError, Kind, parse, visit, type ASTNode, type DocumentNode, type Source, type ValueNode } from 'graphql';
import { MAX_QUERY_TOKENS } from './query-limits';

/**
 * Returns the path of the argument value that a validation error reports, such as `first`,
 * `filter.from` or `headers[1].name`, or null when the error's first node is not part of an
 * argument's value or a variable's default value. graphql-js 16 reports an invalid value written
 * in the query document on the value's node. AST nodes have no link to their parent, so this
 * parses the document again from the error's source and searches it for the node at the same
 * offset. A variable's default value is named by the variable, as graphql-js names an invalid
 * variable.
 */
export function literalPathOf(error: GraphQLError): string | null {
  const target = error.nodes?.[0];
  if (!target?.loc || !error.source) return null;
  const document = parsedDocumentOf(error.source);
  if (document === null) return null;

  // The cast keeps TypeScript from narrowing it to null, because it misses the assignments in the visitor functions.
  let found = null as string | null;
  const search = (name: string, value: ValueNode | undefined) => {
    found = value ? pathInValue(value, name, target) : null;
    return found === null ? undefined : BREAK;
  };
  visit(document, {
    Argument: (argument) => search(argument.name.value, argument.value),
    VariableDefinition: (definition) => search(definition.variable.name.value, definition.defaultValue),
  });
  return found === null ? null : withoutInputPrefix(found);
}

/**
 * The parsed copy of each query document whose errors were searched. graphql-js reports up to 100
 * validation errors per document, and they share its Source, so the document is parsed once.
 */
const parsedDocuments = new WeakMap<Source, DocumentNode | null>();

function parsedDocumentOf(source: Source): DocumentNode | null {
  let document = parsedDocuments.get(source);
  if (document === undefined) {
    try {
      document = parse(source, { maxTokens: MAX_QUERY_TOKENS });
    } catch {
      // The document passed the parse before validation, so this is not expected, and the error then gets no field.
      document = null;
    }
    parsedDocuments.set(source, document);
  }
  return document;
}

/**
 * Returns a field path inside the `input` argument or variable without its leading `input.`, as
 * docpush's own errors name it (`eventTypes[0]`), and any other path unchanged.
 */
export function withoutInputPrefix(path: string): string {
  return path.startsWith('input.') ? path.slice('input.'.length) : path;
}

/** Returns the path of `target` inside `value`, whose own path is `path`, or null when `value` does not contain it. */
function pathInValue(value: ValueNode, path: string, target: ASTNode): string | null {
  if (isSameNode(value, target)) return path;
  if (value.kind === Kind.LIST) {
    for (const [index, item] of value.values.entries()) {
      const found = pathInValue(item, `${path}[${index}]`, target);
      if (found !== null) return found;
    }
  }
  if (value.kind === Kind.OBJECT) {
    for (const field of value.fields) {
      const fieldPath = `${path}.${field.name.value}`;
      // graphql-js reports an unknown input field on the field node, not on its value.
      if (isSameNode(field, target)) return fieldPath;
      const found = pathInValue(field.value, fieldPath, target);
      if (found !== null) return found;
    }
  }
  return null;
}

/** Reports whether `node` of the parsed copy is `target` of the validated document: the same kind at the same offset. */
function isSameNode(node: ASTNode, target: ASTNode): boolean {
  return node.kind === target.kind && node.loc?.start === target.loc?.start;
}
