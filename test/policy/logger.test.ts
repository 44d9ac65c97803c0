import { Writable } from 'node:stream';
import pino from 'pino';
import pg from 'pg';
import { DriverException } from '@mikro-orm/core';
import { serializeError } from '../../src/common/logger';

describe('error serializer', () => {
  it('drops the SQL and parameters of database errors', () => {
    const original = Object.assign(new Error('value too long for type character varying(200)'), { code: '22001' });
    const error = new DriverException(original);
    error.message = `insert into "users" ("name") values ('secret-user-data') - value too long for type character varying(200)`;

    const serialized = serializeError(error) as Record<string, unknown>;

    expect(serialized.message).toBe('value too long for type character varying(200)');
    expect(JSON.stringify(serialized)).not.toContain('secret-user-data');
  });

  it('drops the client of a pool error', () => {
    // pg-pool sets err.client on the errors of idle connections before it emits them.
    const client = new pg.Client({ connectionString: 'postgres://docpush@127.0.0.1:1/docpush' });
    const error = Object.assign(new Error('Connection terminated unexpectedly'), { client, code: 'ECONNRESET' });

    const serialized = serializeError(error) as Record<string, unknown>;

    expect(serialized).not.toHaveProperty('client');
    expect(serialized).toMatchObject({ message: 'Connection terminated unexpectedly', code: 'ECONNRESET' });
    expect(JSON.stringify(serialized)).not.toContain('secretKey');
  });

  it('keeps other errors whole', () => {
    const chunks: string[] = [];
    const sink = new Writable({ write: (chunk, _encoding, done) => (chunks.push(String(chunk)), done()) });
    const logger = pino({ serializers: { err: serializeError } }, sink);

    logger.error({ err: new TypeError('boom') }, 'failed');

    expect(JSON.parse(chunks[0]).err).toMatchObject({ type: 'TypeError', message: 'boom' });
  });
});
