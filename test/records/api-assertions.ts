import type { ExecutionResult } from 'graphql';
import type { EntityName } from '@mikro-orm/core';
import type { TestApp } from '../support/test-app';

/** Returns the single error of a failed request, failing the test when there is not exactly one. */
export function onlyError(result: ExecutionResult<unknown>) {
  expect(result.errors).toHaveLength(1);
  return result.errors![0];
}

/** Asserts that a request failed with `code` and `extensions.field` = `field`, and returns the error. */
export function expectFieldError(result: ExecutionResult<unknown>, field: string, code = 'BAD_USER_INPUT') {
  const error = onlyError(result);
  expect(error.extensions?.code).toBe(code);
  expect(error.extensions?.field).toBe(field);
  expect(result.data ?? null).toBeNull();
  return error;
}

/** Counts every row of an entity, across workspaces, to prove that a failed request stored nothing. */
export function countRows<T extends object>(app: TestApp, entity: EntityName<T>): Promise<number> {
  return app.app.services.orm.em.fork().count(entity, {});
}
