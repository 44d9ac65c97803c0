import {
  BREAK,
  GraphQLError,
  Kind,
  TypeInfo,
  isNonNullType,
  visit,
  visitWithTypeInfo,
  type ASTNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/**
 * Returns a BAD_USER_INPUT error for the first variable of `operation` whose value is null where
 * the argument, input field or directive argument that uses it needs a value, or null.
 *
 * Validation lets a variable of a nullable type fill a non-null position that has a default,
 * such as `users(first: $first)` with `$first: Int` and `first: Int! = 20`. A null value there
 * makes graphql-js 16 fail the field at execution with an error that has no extensions.code,
 * which clients would receive as INTERNAL_SERVER_ERROR. A variable of a non-null type is left
 * to variable coercion, which rejects a null value with its own error.
 */
export function checkNullVariables(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>> | null | undefined,
): GraphQLError | null {
  const nullVariables = findNullVariables(operation, variables ?? {});
  if (nullVariables.size === 0) return null;

  const typeInfo = new TypeInfo(schema);
  let error: GraphQLError | null = null;
  const visitor = visitWithTypeInfo(typeInfo, {
    Variable(node, _key, parent, path, ancestors) {
      const name = node.name.value;
      const fromDefault = nullVariables.get(name);
      // The definition `$first: Int` is a Variable node too, whose input type is that nullable type.
      const type = typeInfo.getInputType();
      if (fromDefault === undefined || !type || !isNonNullType(type)) return undefined;

      const field = positionOf(path, [...ancestors, parent!]);
      const fix = fromDefault ? `give $${name} a value, or a default other than null` : `give $${name} a value, or leave it out of the variables to use the default`;
      error = new GraphQLError(`Variable "$${name}" is null, but ${field} needs a value of type ${String(type)}: ${fix}.`, {
        nodes: node,
        extensions: { code: 'BAD_USER_INPUT', field, http: { status: 400 } },
      });
      return BREAK;
    },
  });
  for (const definition of [operation, ...usedFragments(document, operation.selectionSet)]) {
    visit(definition, visitor);
    if (error) return error;
  }
  return null;
}

/**
 * Returns the variables of a nullable type whose value is null, each with true when the value
 * comes from the variable's default (`$first: Int = null`) and false when the request gives it.
 */
function findNullVariables(operation: OperationDefinitionNode, variables: Readonly<Record<string, unknown>>): Map<string, boolean> {
  const found = new Map<string, boolean>();
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.type.kind === Kind.NON_NULL_TYPE) continue;
    const name = definition.variable.name.value;
    if (Object.hasOwn(variables, name)) {
      if (variables[name] === null) found.set(name, false);
    } else if (definition.defaultValue?.kind === Kind.NULL) {
      found.set(name, true);
    }
  }
  return found;
}

/**
 * Returns the fragments that `selectionSet` spreads, directly or through other fragments. A
 * fragment that the document does not define is left out, because validation has reported it.
 */
function usedFragments(document: DocumentNode, selectionSet: SelectionSetNode): FragmentDefinitionNode[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const used = new Map<string, FragmentDefinitionNode>();
  const pending: SelectionSetNode[] = [selectionSet];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    visit(next, {
      FragmentSpread(spread) {
        const fragment = fragments.get(spread.name.value);
        if (!fragment || used.has(spread.name.value)) return;
        used.set(spread.name.value, fragment);
        pending.push(fragment.selectionSet);
      },
    });
  }
  return [...used.values()];
}

/**
 * Returns the path of the position of a Variable node in the argument that contains it, such as
 * `first`, `inputs[1].authorId` or `@include(if:)`. Inside the `input` argument the path leaves
 * `input.` out, as docpush's own errors do (`attachFilesGenerated`).
 */
function positionOf(path: readonly (string | number)[], containers: readonly (ASTNode | readonly ASTNode[])[]): string {
  let position = '';
  // containers[i] contains the node or array at key path[i]; the last key leads to the variable itself.
  for (let index = 0; index < path.length; index += 1) {
    const container = containers[index];
    const key = path[index];
    const child = Array.isArray(container) ? container[key as number] : (container as unknown as Record<string, unknown>)[key];
    if (isNode(child, Kind.ARGUMENT)) {
      const directive = containers.slice(0, index).findLast((ancestor) => isNode(ancestor, Kind.DIRECTIVE));
      position = directive ? `@${directive.name.value}(${child.name.value}:)` : child.name.value;
    } else if (isNode(child, Kind.OBJECT_FIELD)) {
      position = position === 'input' ? child.name.value : `${position}.${child.name.value}`;
    } else if (Array.isArray(container) && isNode(containers[index - 1], Kind.LIST)) {
      position = `${position}[${key}]`;
    }
  }
  return position;
}

function isNode<K extends Kind>(value: unknown, kind: K): value is Extract<ASTNode, { kind: K }> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && (value as ASTNode).kind === kind;
}
