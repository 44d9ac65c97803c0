import { Writable } from 'node:stream';
import pino from 'pino';
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

  it('keeps other errors whole', () => {
    const chunks: string[] = [];
    const sink = new Writable({ write: (chunk, _encoding, done) => (chunks.push(String(chunk)), done()) });
    const logger = pino({ serializers: { err: serializeError } }, sink);

    logger.error({ err: new TypeError('boom') }, 'failed');

    expect(JSON.parse(chunks[0]).err).toMatchObject({ type: 'TypeError', message: 'boom' });
  });
});
