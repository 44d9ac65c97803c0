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
  type SelectionNode,
  type ValueNode,
} from 'graphql';

/**
 * Returns a BAD_USER_INPUT error for the first variable of `operation` whose value is null where
 * the argument, input field or directive argument that uses it needs a value, or null.
 *
 * Validation lets a variable of a nullable type fill a non-null position that has a default,
 * such as `users(first: $first)` with `$first: Int` and `first: Int! = 20`. A null value there
 * makes graphql-js 16 fail the field at execution with an error that has no extensions.code,
 * which clients would receive as INTERNAL_SERVER_ERROR. A variable of a non-null type is left
 * to variable coercion, which rejects a null value with its own error. A field or fragment that
 * @skip or @include leaves out is not checked, because graphql-js never reads its arguments.
 */
export function checkNullVariables(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>> | null | undefined,
): GraphQLError | null {
  const values = variables ?? {};
  const nullVariables = findNullVariables(operation, values);
  if (nullVariables.size === 0) return null;

  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  // The operation, then each fragment that an included spread names, once. A spread of a fragment
  // that the document does not define is left out, because validation has reported it.
  const pending: Array<OperationDefinitionNode | FragmentDefinitionNode> = [operation];
  const queued = new Set<string>();
  const isLeftOut = (node: SelectionNode) => isLeftOutBy(node, operation, values);

  const typeInfo = new TypeInfo(schema);
  let error: GraphQLError | null = null;
  const visitor = visitWithTypeInfo(typeInfo, {
    Field: (node) => (isLeftOut(node) ? false : undefined),
    InlineFragment: (node) => (isLeftOut(node) ? false : undefined),
    FragmentSpread(node) {
      if (isLeftOut(node)) return false;
      const fragment = fragments.get(node.name.value);
      if (fragment && !queued.has(node.name.value)) {
        queued.add(node.name.value);
        pending.push(fragment);
      }
      return undefined;
    },
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
  for (let index = 0; index < pending.length; index += 1) {
    visit(pending[index], visitor);
    if (error) return error;
  }
  return null;
}

/**
 * Returns whether @skip or @include leaves `node` out of the result, with an `if` that is a
 * literal or a variable whose value or default is true or false. An `if` of another value leaves
 * the node in, so that the Variable visitor reports a null one.
 */
function isLeftOutBy(node: SelectionNode, operation: OperationDefinitionNode, values: Readonly<Record<string, unknown>>): boolean {
  return (node.directives ?? []).some((directive) => {
    const name = directive.name.value;
    if (name !== 'skip' && name !== 'include') return false;
    const condition = directive.arguments?.find((argument) => argument.name.value === 'if')?.value;
    const value = condition === undefined ? undefined : booleanOf(condition, operation, values);
    return name === 'skip' ? value === true : value === false;
  });
}

/** Returns the boolean value of `value` in this request, or undefined when it is not a boolean. */
function booleanOf(value: ValueNode, operation: OperationDefinitionNode, values: Readonly<Record<string, unknown>>): boolean | undefined {
  if (value.kind === Kind.BOOLEAN) return value.value;
  if (value.kind !== Kind.VARIABLE) return undefined;
  const name = value.name.value;
  if (Object.hasOwn(values, name)) return typeof values[name] === 'boolean' ? (values[name] as boolean) : undefined;
  const definition = operation.variableDefinitions?.find((candidate) => candidate.variable.name.value === name);
  return definition?.defaultValue?.kind === Kind.BOOLEAN ? definition.defaultValue.value : undefined;
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
