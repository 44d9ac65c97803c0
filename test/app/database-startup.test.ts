import net from 'node:net';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import pino from 'pino';
import { loadConfig } from '../../src/config/config';
import { checkDatabase } from '../../src/database/database-check';
import { redactDatabaseUrl } from '../../src/database/database-url';
import { startAppOnDatabase } from '../support/test-app';
import { rejectionOf } from '../support/wait';
import { captureLogs } from '../security/security-support';

function adminUrl(): URL {
  const url = process.env.TEST_ADMIN_DATABASE_URL;
  if (!url) throw new Error('TEST_ADMIN_DATABASE_URL is not set: run the tests through Jest, whose global setup sets it.');
  return new URL(url);
}

/** Returns the admin URL with another database, and another user when given. */
function urlFor(database: string, user?: string): string {
  const url = adminUrl();
  url.pathname = `/${database}`;
  if (user) url.username = user;
  return url.toString();
}

async function adminQuery<T extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: adminUrl().toString() });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

async function databaseExists(name: string): Promise<boolean> {
  return (await adminQuery('select 1 from pg_database where datname = $1', [name])).length > 0;
}

/** Returns a port on 127.0.0.1 that nothing listens on: the kernel chose it, and the listener is closed again. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function logEntries(text: string): Array<{ level: number; msg: string; database?: string }> {
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { level: number; msg: string; database?: string });
}

const missingName = () => `docpush_missing_${randomBytes(4).toString('hex')}`;

describe('database that does not exist', () => {
  it('fails the start and names database, server and fix', async () => {
    const name = missingName();
    const server = `${adminUrl().hostname}:${adminUrl().port || 5432}`;

    const error = await rejectionOf(startAppOnDatabase(urlFor(name)));

    expect(error.message).toContain(`Database "${name}" does not exist on the PostgreSQL server ${server}`);
    expect(error.message).toContain('Correct the name in DATABASE_URL');
    expect(error.message).toContain('DOCPUSH_CREATE_DATABASE=true');
    expect(await databaseExists(name)).toBe(false);
  });

  it('is created with a warning when DOCPUSH_CREATE_DATABASE is true', async () => {
    const name = missingName();
    const logs = captureLogs();
    try {
      const app = await startAppOnDatabase(urlFor(name), { DOCPUSH_CREATE_DATABASE: 'true' }, { logger: logs.logger });
      await app.stop();

      expect(await databaseExists(name)).toBe(true);
      expect(app.firstAdminKey).not.toBeNull();
      const warning = logEntries(logs.text()).find((entry) => entry.database === name);
      expect(warning?.level).toBe(40);
      expect(warning?.msg).toContain('created the database named in DATABASE_URL');
    } finally {
      await adminQuery(`drop database if exists ${name} with (force)`);
    }
  });

  it('is created once when two processes race', async () => {
    const name = missingName();
    const logs = captureLogs();
    const options = { createMissing: true, logger: logs.logger };
    try {
      await Promise.all([checkDatabase(urlFor(name), options), checkDatabase(urlFor(name), options)]);

      expect(await databaseExists(name)).toBe(true);
      const levels = logEntries(logs.text())
        .filter((entry) => entry.database === name)
        .map((entry) => entry.level)
        .sort();
      expect(levels).toEqual([30, 40]);
    } finally {
      await adminQuery(`drop database if exists ${name} with (force)`);
    }
  });
});

describe('database connection failure at start-up', () => {
  it('names DATABASE_URL without password on a closed port', async () => {
    const port = await closedPort();
    const url = `postgres://docpush:s3cret-password@127.0.0.1:${port}/docpush`;

    const error = await rejectionOf(startAppOnDatabase(url));

    expect(error.message).toContain(`Could not connect to PostgreSQL at DATABASE_URL=postgres://docpush:***@127.0.0.1:${port}/docpush`);
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).toContain(`Nothing accepts connections at 127.0.0.1:${port}`);
    expect(error.message).not.toContain('s3cret-password');
  });

  it('names the user when authentication fails', async () => {
    const error = await rejectionOf(startAppOnDatabase(urlFor('postgres', 'docpush_no_such_role')));

    expect(error.message).toContain('Could not connect to PostgreSQL at DATABASE_URL=');
    expect(error.message).toContain('docpush_no_such_role');
    expect(error.message).toContain('Check the user name');
  });

  it('rejects a URL that does not parse', async () => {
    const error = await rejectionOf(startAppOnDatabase('postgres://docpush:s3cret-password@[bad/docpush'));

    expect(error.message).toContain('DATABASE_URL=[unparsable database URL] is invalid: Invalid URL.');
    expect(error.message).toContain('Use the form postgres://user:password@host:5432/database');
    expect(error.message).not.toContain('s3cret-password');
  });

  it('times out on a server that never responds', async () => {
    const heldSockets: net.Socket[] = [];
    const silent = net.createServer((socket) => heldSockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    try {
      const check = checkDatabase(`postgres://postgres@127.0.0.1:${port}/docpush`, { createMissing: false, logger: pino({ level: 'silent' }), connectTimeoutMs: 300 });
      const error = await rejectionOf(check);

      expect(error.message).toContain(`Could not connect to PostgreSQL at DATABASE_URL=postgres://postgres@127.0.0.1:${port}/docpush: timed out after 300 ms without a response.`);
      expect(heldSockets.length).toBe(1);
    } finally {
      for (const socket of heldSockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});

describe('search_path at start-up', () => {
  const silent = { createMissing: false, logger: pino({ level: 'silent' }) };

  /** Creates a scratch database with an empty schema docpush_app, and returns its URL with `searchPath`. */
  async function databaseWithSchema(name: string, searchPath: string): Promise<string> {
    await adminQuery(`create database ${name}`);
    const client = new pg.Client({ connectionString: urlFor(name) });
    await client.connect();
    await client.query('create schema docpush_app');
    await client.end();
    const url = new URL(urlFor(name));
    url.searchParams.set('options', `-c search_path=${searchPath}`);
    return url.toString();
  }

  /** Counts the tables in `schema` of the scratch database `name`. */
  async function tableCount(name: string, schema: string): Promise<number> {
    const client = new pg.Client({ connectionString: urlFor(name) });
    await client.connect();
    try {
      const { rows } = await client.query<{ count: string }>('select count(*) from information_schema.tables where table_schema = $1', [schema]);
      return Number(rows[0].count);
    } finally {
      await client.end();
    }
  }

  it('fails the start when the installation is in another schema', async () => {
    const name = missingName();
    const url = await databaseWithSchema(name, 'docpush_app,public');
    try {
      const installed = await startAppOnDatabase(urlFor(name));
      await installed.stop();

      const error = await rejectionOf(startAppOnDatabase(url));

      expect(error.message).toContain(
        'resolves table names in the schema "docpush_app", but public.mikro_orm_migrations records an installation whose tables are in the schema "public".',
      );
      expect(error.message).toContain('Set the search_path (in the options parameter of DATABASE_URL, or for the role or the database) back to the one');
      expect(await tableCount(name, 'docpush_app')).toBe(0);
    } finally {
      await adminQuery(`drop database ${name} with (force)`);
    }
  });

  it('fails the start when no schema exists', async () => {
    const name = missingName();
    const url = await databaseWithSchema(name, 'not_created');
    try {
      const error = await rejectionOf(startAppOnDatabase(url));

      expect(error.message).toContain('resolves table names in no existing schema, so docpush could not create its tables.');
      expect(await tableCount(name, 'public')).toBe(0);
    } finally {
      await adminQuery(`drop database ${name} with (force)`);
    }
  });

  it('fails the start without public in the search_path', async () => {
    const name = missingName();
    const url = await databaseWithSchema(name, 'docpush_app');
    try {
      const error = await rejectionOf(startAppOnDatabase(url));

      expect(error.message).toContain('gives a search_path without the schema "public", where MikroORM 6 keeps its log of applied migrations');
      expect(error.message).toContain('Add public to the search_path after the schema for the tables');
      expect(await tableCount(name, 'docpush_app')).toBe(0);
      expect(await tableCount(name, 'public')).toBe(0);
    } finally {
      await adminQuery(`drop database ${name} with (force)`);
    }
  });

  it('fails the start when the schema has its own migration log', async () => {
    const name = missingName();
    const url = await databaseWithSchema(name, 'docpush_app,public');
    const client = new pg.Client({ connectionString: urlFor(name) });
    await client.connect();
    await client.query('create table docpush_app.mikro_orm_migrations (id serial primary key, name varchar(255))');
    await client.end();
    try {
      const error = await rejectionOf(startAppOnDatabase(url));

      expect(error.message).toContain('resolves table names in the schema "docpush_app", which has its own mikro_orm_migrations table,');
      expect(error.message).toContain('Use a schema without that table, or put public first in the search_path.');
      expect(await tableCount(name, 'docpush_app')).toBe(1);
      expect(await tableCount(name, 'public')).toBe(0);
    } finally {
      await adminQuery(`drop database ${name} with (force)`);
    }
  });

  it('passes when public is the first existing schema', async () => {
    const name = missingName();
    const url = await databaseWithSchema(name, 'not_created,public,docpush_app');
    try {
      await expect(checkDatabase(url, silent)).resolves.toBeUndefined();
    } finally {
      await adminQuery(`drop database ${name} with (force)`);
    }
  });

  it('starts in the schema named like the user', async () => {
    // PostgreSQL's default search_path, "$user", public, selects a schema named like the user
    // where one exists.
    const name = missingName();
    const role = `${name}_owner`;
    const password = randomBytes(12).toString('hex');
    await adminQuery(`create role ${role} login password '${password}'`);
    await adminQuery(`create database ${name} owner ${role}`);
    const client = new pg.Client({ connectionString: urlFor(name) });
    await client.connect();
    await client.query(`create schema ${role} authorization ${role}`);
    await client.end();
    const url = new URL(urlFor(name, role));
    url.password = password;
    try {
      const first = await startAppOnDatabase(url.toString());
      await first.stop();
      const second = await startAppOnDatabase(url.toString());
      await second.stop();

      expect(first.firstAdminKey).not.toBeNull();
      expect(second.firstAdminKey).toBeNull();
      expect(await tableCount(name, role)).toBeGreaterThan(0);
      expect(await tableCount(name, 'public')).toBe(1);
    } finally {
      await adminQuery(`drop database ${name} with (force)`);
      await adminQuery(`drop role ${role}`);
    }
  });
});

describe('DOCPUSH_CREATE_DATABASE', () => {
  it('defaults to false', () => {
    expect(loadConfig({}).createMissingDatabase).toBe(false);
    expect(loadConfig({ DOCPUSH_CREATE_DATABASE: 'true' }).createMissingDatabase).toBe(true);
  });

  it('rejects a value that is not a boolean', () => {
    expect(() => loadConfig({ DOCPUSH_CREATE_DATABASE: 'sometimes' })).toThrow(
      'DOCPUSH_CREATE_DATABASE="sometimes" is invalid: expected true or false (1, 0, yes and no are accepted too).',
    );
  });
});

describe('redactDatabaseUrl', () => {
  it('hides the password of user info and query', () => {
    expect(redactDatabaseUrl('postgres://app:pw1@db.example:5432/docpush?password=pw2&sslmode=require')).toBe(
      'postgres://app:***@db.example:5432/docpush?password=***&sslmode=require',
    );
  });

  it('returns a placeholder for an unparsable URL', () => {
    expect(redactDatabaseUrl('not a url pw1')).toBe('[unparsable database URL]');
  });
});
