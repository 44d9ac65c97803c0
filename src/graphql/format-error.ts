import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { DocpushError } from '../common/errors';
import type { Logger } from '../common/logger';

/**
 * Maps errors to what clients receive. Our own errors keep their message, code and field. Any
 * other error thrown by a resolver is logged and replaced by a generic message, so no stack
 * trace, SQL or secret leaves the server.
 */
export function createErrorFormatter(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof DocpushError) {
      const extensions: Record<string, unknown> = { code: original.code };
      if (original.field) extensions.field = original.field;
      return { message: original.message, locations: formatted.locations, path: formatted.path, extensions };
    }

    const code = formatted.extensions?.code;
    if (code && code !== 'INTERNAL_SERVER_ERROR') {
      // Parse and validation errors from graphql-js and Apollo Server are safe to show as they are.
      return { message: withFix(formatted.message), locations: formatted.locations, path: formatted.path, extensions: { code } };
    }

    logger.error({ err: original, path: formatted.path }, 'resolver failed');
    return {
      message: 'Internal server error; the server log has the details.',
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}

/** graphql-js 16 names the token limit but not the way around it. Its message reads "more that". */
const TOKEN_LIMIT_MESSAGE = /^Syntax Error: Document contains more th(?:at|an) \d+ tokens\. Parsing aborted\.$/;

function withFix(message: string): string {
  if (!TOKEN_LIMIT_MESSAGE.test(message)) return message;
  return `${message} Send a shorter query: pass long values as variables, and split a large operation into several requests.`;
}
