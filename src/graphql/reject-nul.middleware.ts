import type { MiddlewareFn } from 'type-graphql';
import { ValidationError } from '../common/errors';

/** Maximum argument nesting. Deeper values are rejected before any resolver runs. */
const MAX_ARGUMENT_DEPTH = 32;

/** A UTF-16 surrogate without its pair: not valid Unicode, and rejected by PostgreSQL's `jsonb`. */
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Rejects arguments that PostgreSQL cannot store: text with a NUL character (U+0000), which
 * neither `text` nor `jsonb` accepts, text with an unpaired surrogate, which `jsonb` rejects, and
 * values nested deeper than MAX_ARGUMENT_DEPTH. Runs
 * before every resolver, so each field reports BAD_USER_INPUT with the argument's path instead
 * of a database error.
 */
export const rejectUnstorableArguments: MiddlewareFn = async ({ args }, next) => {
  for (const [name, value] of Object.entries(args)) {
    // Field paths leave out the `input` argument itself, as the services' own errors do (`name`, `headers[0].value`).
    const path = name === 'input' ? '' : name;
    // The items of a list argument, such as the inputs of recordDocumentEvents, count their depth
    // from 0 as a single `input` does, so a batch accepts every value that one event accepts.
    if (Array.isArray(value)) value.forEach((item, index) => findUnstorable(item, `${path}[${index}]`, 0));
    else findUnstorable(value, path, 0);
  }
  return next();
};

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function findUnstorable(value: unknown, path: string, depth: number): void {
  if (depth > MAX_ARGUMENT_DEPTH) {
    throw new ValidationError(path, `${path} is nested more than ${MAX_ARGUMENT_DEPTH} levels deep; flatten the value.`);
  }
  if (typeof value === 'string') {
    if (value.includes('\u0000')) throw new ValidationError(path, `${path} contains a NUL character (U+0000), which cannot be stored; remove it.`);
    if (UNPAIRED_SURROGATE.test(value)) {
      throw new ValidationError(path, `${path} contains an unpaired UTF-16 surrogate (U+D800 to U+DFFF), which is not valid Unicode; send whole characters.`);
    }
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => findUnstorable(item, `${path}[${index}]`, depth + 1));
    return;
  }
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('\u0000')) throw new ValidationError(path || 'input', `${path || 'input'} has a key with a NUL character (U+0000), which cannot be stored; remove it.`);
      if (UNPAIRED_SURROGATE.test(key)) {
        throw new ValidationError(path || 'input', `${path || 'input'} has a key with an unpaired UTF-16 surrogate, which is not valid Unicode; send whole characters.`);
      }
      findUnstorable(item, join(path, key), depth + 1);
    }
  }
}
