import { GraphQLError, isEnumType, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { DocpushError } from '../common/errors';
import type { Logger } from '../common/logger';
import { databaseUnavailableMessage, isDatabaseUnavailable } from '../database/database-unavailable';
import { literalPathOf, withoutInputPrefix } from './literal-path';

/**
 * Maps errors to what clients receive. Our own errors keep their message and their extensions:
 * code, field and, for a batch, the rejected items. An invalid variable, and an invalid value
 * written in the query document, get the path of the value as their field. A database that
 * cannot serve the request gives SERVICE_UNAVAILABLE. Any other error thrown by a resolver is logged and replaced by a
 * generic message, so no stack trace, SQL or secret leaves the server. `schema` supplies the values of an enum that a
 * rejected value was not close to.
 */
export function createErrorFormatter(logger: Logger, schema: GraphQLSchema) {
  const withFix = (message: string) => withIntFix(withDateTimeFix(withEnumValues(schema, withTokenLimitFix(message))));
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    // graphql-ws reports an error thrown by a subscription's event stream as a GraphQLError
    // without a path, which unwrapResolverError leaves wrapped.
    const unwrapped = unwrapResolverError(error);
    const original = unwrapped instanceof GraphQLError && unwrapped.originalError instanceof DocpushError ? unwrapped.originalError : unwrapped;
    if (original instanceof DocpushError) {
      return { message: original.message, locations: formatted.locations, path: formatted.path, extensions: original.extensions() };
    }

    if (isUncodedRequestError(unwrapped)) {
      return { message: withPersistedQueryFix(unwrapped.message), extensions: { code: 'BAD_REQUEST' } };
    }

    const code = formatted.extensions?.code;
    if (code && code !== 'INTERNAL_SERVER_ERROR') {
      // Parse and validation errors from graphql-js and Apollo Server are safe to show as they are.
      const field = inputFieldOf(code, formatted, unwrapped);
      const extensions = field ? { code, field } : { code };
      return { message: withFix(formatted.message), locations: formatted.locations, path: formatted.path, extensions };
    }

    if (isDatabaseUnavailable(original)) {
      logger.warn({ err: original, path: formatted.path }, 'resolver failed because the database is unavailable or no pool connection was free in time');
      return { message: databaseUnavailableMessage(original), path: formatted.path, extensions: { code: 'SERVICE_UNAVAILABLE' } };
    }
    logger.error({ err: original, path: formatted.path }, 'resolver failed');
    return {
      message: 'Internal server error; the server log has the details.',
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}

/**
 * Reports whether `error` is one that Apollo Server raised about the request itself with a 4xx
 * HTTP status but without extensions.code. In Apollo Server 5.5 these are the errors of a
 * persisted query with another version than 1 or a hash that does not match its query text.
 * Apollo Server would report them as INTERNAL_SERVER_ERROR.
 */
function isUncodedRequestError(error: unknown): error is GraphQLError {
  if (!(error instanceof GraphQLError) || error.originalError !== undefined || error.extensions.code !== undefined) return false;
  const status = (error.extensions.http as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/** Fixes for Apollo Server 5.5's messages about an invalid `extensions.persistedQuery`, which name none. */
const PERSISTED_QUERY_FIXES: ReadonlyMap<string, string> = new Map([
  ['Unsupported persisted query version', 'Send extensions.persistedQuery.version 1, or leave extensions.persistedQuery out.'],
  [
    'provided sha does not match query',
    'Send the SHA-256 hash of the query text, in lower-case hex, as extensions.persistedQuery.sha256Hash, or leave extensions.persistedQuery out.',
  ],
]);

function withPersistedQueryFix(message: string): string {
  const fix = PERSISTED_QUERY_FIXES.get(message);
  return fix ? `${message}. ${fix}` : message;
}

/**
 * Returns the field of a BAD_USER_INPUT error, or the argument path of a GRAPHQL_VALIDATION_FAILED
 * error about a value written in the query document, or null. Both name a value's field alike.
 */
function inputFieldOf(code: unknown, formatted: GraphQLFormattedError, error: unknown): string | null {
  if (code === 'BAD_USER_INPUT') return fieldOf(formatted);
  if (code === 'GRAPHQL_VALIDATION_FAILED' && error instanceof GraphQLError) return literalPathOf(error);
  return null;
}

/** Returns the field that an error of invalid input names in its extensions, or else in its message as graphql-js writes it, or null. */
function fieldOf(formatted: GraphQLFormattedError): string | null {
  const field = formatted.extensions?.field;
  return typeof field === 'string' ? field : variableFieldOf(formatted.message);
}

/** graphql-js 16's messages for a variable that does not fit its type, with the path inside it when there is one. */
const INVALID_VARIABLE = /^Variable "\$(\w+)" (?:got invalid value .*? at "([^"]+)";|got invalid value|of (?:required |non-null )?type)/;

/**
 * Returns the field that graphql-js's message for an invalid variable names, such as
 * `inputs[1].type`, or null. Inside `$input` the path leaves `input.` out, as docpush's own
 * errors do (`eventTypes[0]`).
 */
function variableFieldOf(message: string): string | null {
  const match = INVALID_VARIABLE.exec(message);
  if (!match) return null;
  const [, variable, path] = match;
  if (!path) return variable;
  return variable === 'input' ? withoutInputPrefix(path) : path;
}

/** graphql-js 16 names the token limit but not the way around it. Its message reads "more that". */
const TOKEN_LIMIT_MESSAGE = /^Syntax Error: Document contains more th(?:at|an) \d+ tokens\. Parsing aborted\.$/;

function withTokenLimitFix(message: string): string {
  if (!TOKEN_LIMIT_MESSAGE.test(message)) return message;
  return `${message} Send a shorter query: pass long values as variables, and split a large operation into several requests.`;
}

/** graphql-js 16's message for a value outside an enum; it suggests a value only when one is close. */
const UNKNOWN_ENUM_VALUE = /does not exist in "(\w+)" enum\.(?!.*Did you mean)/;

/** Appends the enum's valid values to graphql-js's message for an unknown value that has no close match. */
function withEnumValues(schema: GraphQLSchema, message: string): string {
  const enumName = UNKNOWN_ENUM_VALUE.exec(message)?.[1];
  const type = enumName ? schema.getType(enumName) : undefined;
  if (!isEnumType(type)) return message;
  return `${message} Use one of: ${type.getValues().map((value) => value.name).join(', ')}.`;
}

/**
 * graphql-scalars 1.25's messages for an input that its DateTime scalar (DateTimeISO in the
 * schema) rejects, such as a date without a time. They name the value but not the form to use.
 */
const INVALID_DATE_TIME = /DateTime cannot represent (?:an invalid date-time-string|non string or Date type) /;

/** Appends the form of a valid time to graphql-scalars's message for an invalid DateTimeISO input. */
function withDateTimeFix(message: string): string {
  if (!INVALID_DATE_TIME.test(message)) return message;
  return `${asSentence(message)} Give a date and time with a UTC offset, such as 2026-12-04T19:48:09Z or 2026-12-04T20:48:09.250+01:00.`;
}

/** Returns `message` ending with a full stop, so that a fix can follow it as a sentence. */
function asSentence(message: string): string {
  return message.endsWith('.') ? message : `${message}.`;
}

/** graphql-js 16's messages for a value that its Int scalar rejects, which name neither the range nor a valid value. */
const INVALID_INT = /\bInt cannot represent non(?:-integer| 32-bit signed integer) value: /;

/** Appends the range of GraphQL's Int to graphql-js's message for an invalid Int input. */
function withIntFix(message: string): string {
  if (!INVALID_INT.test(message)) return message;
  return `${asSentence(message)} Give a whole number from -2147483648 to 2147483647, the range of GraphQL's Int type. The field's description may state a smaller range.`;
}
