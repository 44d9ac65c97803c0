/**
 * Every element that an API client sees in introspection carries a description, and every
 * operation names the API key role that it needs. The rule runs on the schema built from the
 * resolvers, so a new type, field, argument or enum value without one fails here.
 */
import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isObjectType,
  isSpecifiedScalarType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import { buildDocpushSchema } from '../../src/graphql/schema';
import { NEEDS_ADMIN_KEY, NEEDS_ANY_KEY } from '../../src/graphql/auth-checker';

let schema: GraphQLSchema;

beforeAll(async () => {
  schema = await buildDocpushSchema();
});

function rootTypes(): GraphQLNamedType[] {
  return [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter((type) => type !== null && type !== undefined);
}

function hasDescription(element: { description?: string | null }): boolean {
  return typeof element.description === 'string' && element.description.trim() !== '';
}

/** Lists `Type`, `Type.field`, `Type.field(argument)` and `Enum.VALUE` of every element without a description. */
function undescribedElements(): string[] {
  const roots = new Set(rootTypes());
  const undescribed: string[] = [];

  for (const type of Object.values(schema.getTypeMap())) {
    if (isIntrospectionType(type) || isSpecifiedScalarType(type)) continue;
    // type-graphql 2.0 has no option to describe Query, Mutation and Subscription themselves;
    // their fields carry the descriptions.
    if (!roots.has(type) && !hasDescription(type)) undescribed.push(type.name);

    if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
      const fields: Array<GraphQLField<unknown, unknown> | GraphQLInputField> = Object.values(type.getFields());
      for (const field of fields) {
        if (!hasDescription(field)) undescribed.push(`${type.name}.${field.name}`);
        const args: readonly GraphQLArgument[] = 'args' in field ? field.args : [];
        for (const arg of args) {
          if (!hasDescription(arg)) undescribed.push(`${type.name}.${field.name}(${arg.name})`);
        }
      }
    }

    if (isEnumType(type)) {
      for (const value of type.getValues()) {
        if (!hasDescription(value)) undescribed.push(`${type.name}.${value.name}`);
      }
    }
  }
  return undescribed.sort();
}

describe('schema descriptions', () => {
  it('describes every type, field, argument and enum value', () => {
    expect(undescribedElements()).toEqual([]);
  });

  it('names the needed key role in every operation', () => {
    const withoutRole = rootTypes()
      .flatMap((type) => (isObjectType(type) ? Object.values(type.getFields()).map((field) => ({ name: `${type.name}.${field.name}`, field })) : []))
      .filter(({ field }) => !field.description?.endsWith(NEEDS_ADMIN_KEY) && !field.description?.endsWith(NEEDS_ANY_KEY))
      .map(({ name }) => name);

    expect(withoutRole).toEqual([]);
  });
});
