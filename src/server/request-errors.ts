import type { ErrorRequestHandler } from 'express';
import type { Logger } from '../common/logger';
import { databaseUnavailableMessage, isDatabaseUnavailable } from '../database/database-unavailable';

/** The fields that body-parser (express.json) sets on the errors it raises. */
interface BodyParserError extends Error {
  type?: string;
  status?: number;
  limit?: number;
  length?: number;
  received?: number;
  charset?: string;
  encoding?: string;
}

interface GraphQLErrorBody {
  errors: Array<{ message: string; extensions: { code: string } }>;
}

/**
 * Responds to errors raised before GraphQL sees a request (body too large, malformed JSON, an
 * unsupported encoding, a compressed body that does not decompress) with a GraphQL-shaped body
 * `{ errors: [{ message, extensions: { code } }] }`,
 * a database that cannot serve the request (such as the API key lookup) with 503
 * `SERVICE_UNAVAILABLE`, and any other error with a generic 500. Express's default handler would
 * respond with an HTML page that carries the stack trace outside production.
 */
export function createRequestErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, request, response, next) => {
    if (response.headersSent) {
      next(error);
      return;
    }
    const { status, body } = describeRequestError(error as BodyParserError, request.headers['content-encoding']);
    if (status >= 500) logger.error({ err: error, method: request.method, path: request.path }, 'request failed before GraphQL execution');
    else logger.info({ status, code: body.errors[0].extensions.code, method: request.method, path: request.path }, 'request rejected before GraphQL execution');
    response.status(status).json(body);
  };
}

function describeRequestError(error: BodyParserError, contentEncoding: string | undefined): { status: number; body: GraphQLErrorBody } {
  const reply = (status: number, code: string, message: string) => ({ status, body: { errors: [{ message, extensions: { code } }] } });

  switch (error?.type) {
    case 'entity.too.large': {
      const size = error.length !== undefined ? `${error.length} bytes` : `more than ${error.limit} bytes`;
      return reply(
        413,
        'BAD_USER_INPUT',
        `The request body is ${size}; the limit is ${error.limit} bytes (DOCPUSH_REQUEST_BODY_LIMIT). ` +
          'Send less data per request, such as fewer or smaller files, or ask the operator to raise the limit.',
      );
    }
    case 'entity.parse.failed':
      return reply(400, 'BAD_REQUEST', 'The request body is not valid JSON: send {"query": "...", "variables": {...}} with Content-Type: application/json.');
    case 'charset.unsupported':
      return reply(415, 'BAD_REQUEST', `The request charset ${JSON.stringify(error.charset)} is not supported: send the body as UTF-8.`);
    case 'encoding.unsupported':
      return reply(415, 'BAD_REQUEST', `The Content-Encoding ${JSON.stringify(error.encoding)} is not supported: send the body uncompressed, or compressed with gzip, deflate or br.`);
    case 'request.aborted':
    case 'request.size.invalid':
      return reply(400, 'BAD_REQUEST', 'The request body ended before its declared Content-Length: send the whole body.');
    default:
      if (isDecompressionError(error, contentEncoding)) {
        return reply(
          400,
          'BAD_REQUEST',
          `The request body is not valid ${JSON.stringify(contentEncoding)} data (${error.message}): ` +
            'compress the whole JSON body with the Content-Encoding that the request names, or send it uncompressed without Content-Encoding.',
        );
      }
      if (isDatabaseUnavailable(error)) return reply(503, 'SERVICE_UNAVAILABLE', databaseUnavailableMessage(error));
      return reply(500, 'INTERNAL_SERVER_ERROR', 'Internal server error; the server log has the details.');
  }
}

/**
 * Reports whether `error` is the rejection of a compressed body by its decompression stream, such
 * as gzip data cut short. body-parser 2.4 passes such an error on with status 400 and without the
 * `type` that its own errors and those of raw-body carry.
 */
function isDecompressionError(error: BodyParserError, contentEncoding: string | undefined): boolean {
  const compressed = contentEncoding !== undefined && contentEncoding.toLowerCase() !== 'identity';
  return compressed && error?.type === undefined && error?.status === 400;
}
