import { GraphQLError, type ASTVisitor, type ValidationContext, type ValidationRule } from 'graphql';

/**
 * Rejects every operation that selects `__schema` or `__type`, the fields of introspection, when
 * DOCPUSH_GRAPHQL_INTROSPECTION is false. `__typename` stays allowed, as in Apollo Server's own
 * rule, because clients add it to selections for caching.
 */
export const noIntrospectionRule: ValidationRule = (context: ValidationContext): ASTVisitor => ({
  Field(field) {
    const name = field.name.value;
    if (name !== '__schema' && name !== '__type') return;
    context.reportError(
      new GraphQLError(
        `GraphQL introspection is disabled on this server (DOCPUSH_GRAPHQL_INTROSPECTION=false), but the operation selects ${name}. ` +
          'Use the SDL committed in the docpush repository (schema/schema.graphql), or ask the operator to set DOCPUSH_GRAPHQL_INTROSPECTION=true.',
        { nodes: field },
      ),
    );
  },
});

/** Returns the rules that enforce DOCPUSH_GRAPHQL_INTROSPECTION: none when introspection is allowed. */
export function introspectionRules(introspection: boolean): ValidationRule[] {
  return introspection ? [] : [noIntrospectionRule];
}
