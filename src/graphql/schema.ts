import 'reflect-metadata';
import { buildSchema, type NonEmptyArray } from 'type-graphql';
import type { GraphQLSchema } from 'graphql';
import { createPubSub } from '@graphql-yoga/subscription';
import { authChecker } from './auth-checker';
import { rejectUnstorableArguments } from './reject-nul.middleware';
import { RESOLVERS } from './resolvers';

/** Builds the executable schema from the type-graphql resolvers. */
export function buildDocpushSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: RESOLVERS as unknown as NonEmptyArray<Function>,
    authChecker,
    authMode: 'error',
    validate: false,
    // Runs for query, mutation and subscription fields and for field resolvers. Every object
    // type sets `simpleResolvers: true`, because type-graphql 2.0 would otherwise run global
    // middlewares on each plain field as well, through an async chain: a promise per field of
    // every object returned, and plain fields have no arguments to check.
    globalMiddlewares: [rejectUnstorableArguments],
    // Subscriptions use their own `subscribe` functions fed by PostgreSQL NOTIFY; type-graphql
    // still requires a PubSub to build any subscription field.
    pubSub: createPubSub(),
  });
}
