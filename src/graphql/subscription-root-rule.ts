import {
  GraphQLError,
  Kind,
  SingleFieldSubscriptionsRule,
  specifiedRules,
  type ASTVisitor,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

type FragmentLookup = (name: string) => FragmentDefinitionNode | null | undefined;

/**
 * Rejects `@skip` and `@include` in the top-level selection of a subscription, and otherwise runs
 * graphql-js's SingleFieldSubscriptionsRule. That rule of graphql 16.x collects the root fields
 * without variable values, so a directive whose `if` is a variable makes it throw instead of
 * reporting an error, which would close the whole graphql-ws connection with 4500. A subscription
 * must select its one root field whatever its variables are.
 */
export const subscriptionRootFieldRule: ValidationRule = (context: ValidationContext): ASTVisitor => {
  // graphql 16.x returns a visitor with a plain OperationDefinition function, which reads only its node.
  const singleField = SingleFieldSubscriptionsRule(context) as { OperationDefinition(node: OperationDefinitionNode): void };
  return {
    OperationDefinition(node) {
      if (node.operation !== 'subscription') return;
      const error = conditionalRootError(node, (name) => context.getFragment(name));
      if (error) {
        context.reportError(error);
        return;
      }
      singleField.OperationDefinition(node);
    },
  };
};

/**
 * Returns the error that subscriptionRootFieldRule reports for the first subscription in the
 * document that uses @skip or @include in its top level selection, or null. It runs none of
 * SingleFieldSubscriptionsRule's checks, so a caller that cannot replace that rule, such as the
 * HTTP handler, can check a document before that rule runs.
 */
export function findConditionalSubscriptionRoot(document: DocumentNode): GraphQLError | null {
  // A later fragment of the same name replaces an earlier one, as in graphql-js's ValidationContext.
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION || definition.operation !== 'subscription') continue;
    const error = conditionalRootError(definition, (name) => fragments.get(name));
    if (error) return error;
  }
  return null;
}

/** Returns the error for a subscription with @skip or @include in its top level selection, or null. */
function conditionalRootError(node: OperationDefinitionNode, getFragment: FragmentLookup): GraphQLError | null {
  const conditional = findConditionalSelection(node.selectionSet, getFragment, new Set());
  if (!conditional) return null;
  return new GraphQLError(
    `${operationLabel(node)} must not use @skip or @include in its top level selection. Select the field without them, ` +
      'and complete the subscription when its events are no longer needed.',
    { nodes: conditional },
  );
}

/** graphql-js's specified rules, with SingleFieldSubscriptionsRule replaced by subscriptionRootFieldRule. */
export const docpushSpecifiedRules: readonly ValidationRule[] = specifiedRules.map((rule) =>
  rule === SingleFieldSubscriptionsRule ? subscriptionRootFieldRule : rule,
);

/** Returns the first selection in the set, or in a fragment it spreads, that has @skip or @include, or null. */
function findConditionalSelection(selectionSet: SelectionSetNode, getFragment: FragmentLookup, visited: Set<string>): SelectionNode | null {
  for (const selection of selectionSet.selections) {
    if (selection.directives?.some((directive) => directive.name.value === 'skip' || directive.name.value === 'include')) return selection;
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      const found = findConditionalSelection(selection.selectionSet, getFragment, visited);
      if (found) return found;
    }
    if (selection.kind === Kind.FRAGMENT_SPREAD && !visited.has(selection.name.value)) {
      visited.add(selection.name.value);
      const fragment = getFragment(selection.name.value);
      const found = fragment ? findConditionalSelection(fragment.selectionSet, getFragment, visited) : null;
      if (found) return found;
    }
  }
  return null;
}

function operationLabel(node: OperationDefinitionNode): string {
  return node.name ? `Subscription "${node.name.value}"` : 'Anonymous Subscription';
}
