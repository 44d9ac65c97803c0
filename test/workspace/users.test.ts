import { startTestApp, dataOf, type TestApp } from '../support/test-app';
import { countRows, expectFieldError, onlyError } from '../records/api-assertions';
import { User } from '../../src/workspace/user.entity';
import {
  CreateApiKeyDocument,
  CreateUserDocument,
  SetDefaultApiUserDocument,
  UpdateUserDocument,
  UserDocument,
  UsersDocument,
  WorkspaceDocument,
  type CreateUserInput,
  type UsersQuery,
} from '../generated/graphql';

let app: TestApp;
let memberKey: string;

beforeAll(async () => {
  app = await startTestApp();
  const created = dataOf(await app.request(CreateApiKeyDocument, { input: { name: 'Records app', role: 'MEMBER' } }));
  memberKey = created.createApiKey.key;
});

afterAll(async () => {
  await app?.stop();
});

async function createUser(input: CreateUserInput) {
  return dataOf(await app.request(CreateUserDocument, { input })).createUser;
}

describe('users', () => {
  it('creates a user and reads it back', async () => {
    const created = await createUser({ name: '  Jana Nováková ', email: 'jana@example.com', position: 'Counsel', customData: 'team=legal' });

    expect(created).toMatchObject({ name: 'Jana Nováková', email: 'jana@example.com', position: 'Counsel', customData: 'team=legal' });
    const read = dataOf(await app.request(UserDocument, { id: created.id })).user;
    expect(read).toEqual(created);
  });

  it.each([
    ['name', { name: '   ', email: 'empty-name@example.com' }],
    ['name', { name: 'x'.repeat(201), email: 'long-name@example.com' }],
    ['email', { name: 'No Email', email: 'not-an-email' }],
    ['email', { name: 'No Domain Dot', email: 'jana@localhost' }],
    ['email', { name: 'Spaces', email: 'jana novak@example.com' }],
    ['position', { name: 'Long Position', email: 'long-position@example.com', position: 'p'.repeat(201) }],
    ['name', { name: 'Jana\u0007Bell', email: 'bell-name@example.com' }],
    ['name', { name: 'Jana\nNovák', email: 'line-feed-name@example.com' }],
    ['name', { name: 'Jana\tNovák', email: 'tab-name@example.com' }],
    ['name', { name: '\u200B', email: 'zero-width-name@example.com' }],
    ['name', { name: 'Jana\u202ENovák', email: 'override-name@example.com' }],
    ['position', { name: 'Line Feed Position', email: 'line-feed-position@example.com', position: 'a\nb' }],
    ['position', { name: 'Override Position', email: 'override-position@example.com', position: 'Counsel\u202E' }],
    ['email', { name: 'Bell Email', email: 'bell\u0007@example.com' }],
    ['email', { name: 'Override Email', email: 'jana\u202E@example.com' }],
    ['email', { name: 'Isolate Email', email: '\u2067a\u2069@example.com' }],
    ['email', { name: 'Zero Width Email', email: '\u200B@example.com' }],
    ['email', { name: 'Mark Email', email: 'a\u200F@example.com' }],
    // The email check rejects IP-literal domains and quoted local parts on purpose, as its comment states.
    ['email', { name: 'Address Literal Email', email: 'jana@[192.0.2.1]' }],
    ['email', { name: 'Quoted Local Part Email', email: '"jana"@example.com' }],
    ['name', { name: '\u3164', email: 'hangul-filler-name@example.com' }],
    ['name', { name: '\uFE0F', email: 'variation-selector-name@example.com' }],
  ])('rejects invalid %s and stores nothing', async (field, input) => {
    const before = await countRows(app, User);

    const error = expectFieldError(await app.request(CreateUserDocument, { input }), field);

    expect(error.message).toContain(field);
    expect(await countRows(app, User)).toBe(before);
  });

  it('rejects a duplicate email in any case', async () => {
    await createUser({ name: 'Petr Dvořák', email: 'petr@example.com' });
    const before = await countRows(app, User);

    const error = expectFieldError(await app.request(CreateUserDocument, { input: { name: 'Petr 2', email: 'PETR@example.com' } }), 'email', 'CONFLICT');

    expect(error.message).toContain('PETR@example.com');
    expect(await countRows(app, User)).toBe(before);
  });

  it('keeps one of two concurrent users with one email', async () => {
    const before = await countRows(app, User);
    const requests = ['race@example.com', 'RACE@example.com', 'Race@Example.com'].map((email, index) =>
      app.request(CreateUserDocument, { input: { name: `Racer ${index}`, email } }),
    );

    const results = await Promise.all(requests);

    expect(results.filter((result) => !result.errors)).toHaveLength(1);
    expect(results.flatMap((result) => result.errors ?? []).map((error) => error.extensions?.code)).toEqual(['CONFLICT', 'CONFLICT']);
    expect(await countRows(app, User)).toBe(before + 1);
  });

  it('updates name and clears position', async () => {
    const user = await createUser({ name: 'Eva', email: 'eva@example.com', position: 'Clerk', customData: 'x' });

    const updated = dataOf(await app.request(UpdateUserDocument, { id: user.id, input: { name: 'Eva Svobodová', position: null } })).updateUser;

    expect(updated).toMatchObject({ id: user.id, name: 'Eva Svobodová', email: 'eva@example.com', position: null, customData: 'x' });
  });

  it.each([
    ['control character', 'Ivana', 'Ivana\u0085Nová', 'the control character U+0085 at character 6'],
    ['line separator', 'Irena', 'Irena\u2028Nová', 'the line separator U+2028 at character 6'],
    ['paragraph separator', 'Iveta', 'Iveta \u2029Nová', 'the paragraph separator U+2029 at character 7'],
  ])('rejects an update to a name with a %s', async (_kind, original, name, found) => {
    const user = await createUser({ name: original, email: `${original.toLowerCase()}@example.com` });

    const error = expectFieldError(await app.request(UpdateUserDocument, { id: user.id, input: { name } }), 'name');

    expect(error.message).toBe(`name contains ${found}: remove it, and write it on one line without tabs.`);
    expect(dataOf(await app.request(UserDocument, { id: user.id })).user.name).toBe(original);
  });

  it('keeps bidirectional marks in a name and position', async () => {
    const name = 'Dana \u200Fדנה\u200E Levi\u061C';

    const created = await createUser({ name, email: 'dana@example.com', position: 'יועצת\u200F משפטית' });

    expect(created.name).toBe(name);
    expect(created.position).toBe('יועצת\u200F משפטית');
  });

  it('keeps a closed isolate in a name', async () => {
    const name = 'Dana \u2067דנה\u2069 Levi';

    const created = await createUser({ name, email: 'dana.isolate@example.com' });

    expect(created.name).toBe(name);
  });

  it.each([
    ['pop directional formatting', 'Dana\u202C', 'U+202C POP DIRECTIONAL FORMATTING at character 5: remove it, because it changes'],
    ['left-to-right override', 'Dana\u202DLevi', 'U+202D LEFT-TO-RIGHT OVERRIDE at character 5: remove it, because it changes'],
    ['unclosed isolate', 'Dana \u2067דנה Levi', 'U+2067 RIGHT-TO-LEFT ISOLATE at character 6: close it with U+2069'],
    ['unmatched isolate end', 'Dana\u2069 Levi', 'U+2069 POP DIRECTIONAL ISOLATE at character 5: remove it, because no isolate before it is open'],
  ])('rejects a name with a %s', async (_kind, name, found) => {
    const error = expectFieldError(await app.request(CreateUserDocument, { input: { name, email: 'isolate@example.com' } }), 'name');

    expect(error.message).toContain(`name contains the bidirectional control character ${found}`);
  });

  it('stores an invisible position as null', async () => {
    const created = await createUser({ name: 'Vera', email: 'vera@example.com', position: ' \u200B\uFEFF ' });

    expect(created.position).toBeNull();
  });

  it('rejects a line feed in position', async () => {
    const user = await createUser({ name: 'Olga', email: 'olga@example.com', position: 'Counsel' });

    const error = expectFieldError(await app.request(UpdateUserDocument, { id: user.id, input: { position: 'Senior\nCounsel' } }), 'position');

    expect(error.message).toBe('position contains the control character U+000A at character 7: remove it, and write it on one line without tabs.');
    expect(dataOf(await app.request(UserDocument, { id: user.id })).user.position).toBe('Counsel');
  });

  it.each([
    ['a local part of 65 bytes', `${'l'.repeat(65)}@example.com`, 'email has 65 bytes before the "@" as UTF-8; an email address has at most 64 there (RFC 5321).'],
    ['a multi-byte local part of 66 bytes', `${'ž'.repeat(33)}@example.com`, 'email has 66 bytes before the "@" as UTF-8; an email address has at most 64 there (RFC 5321).'],
    ['an address of 255 bytes', `jana@${'d'.repeat(63)}.${'d'.repeat(63)}.${'d'.repeat(63)}.${'d'.repeat(55)}.cz`, 'email is 255 bytes long as UTF-8; an email address has at most 254 (RFC 5321).'],
    ['an address of 321 bytes', `jana@${'d'.repeat(313)}.cz`, 'email is 321 bytes long as UTF-8; an email address has at most 254 (RFC 5321).'],
  ])('rejects an email with %s', async (_case, email, message) => {
    const before = await countRows(app, User);

    const error = expectFieldError(await app.request(CreateUserDocument, { input: { name: 'Long Email', email } }), 'email');

    expect(error.message).toBe(`${message} Use a shorter address.`);
    expect(await countRows(app, User)).toBe(before);
  });

  it('accepts emails at RFC 5321 limits', async () => {
    const localPart = 'l'.repeat(64);
    const email = `${localPart}@${'d'.repeat(63)}.${'d'.repeat(63)}.${'d'.repeat(58)}.cz`;
    expect(Buffer.byteLength(email)).toBe(254);

    const created = await createUser({ name: 'Longest Email', email });

    expect(created.email).toBe(email);
  });

  it('accepts stored values sent back', async () => {
    const user = await createUser({ name: 'Stará', email: 'stara@example.com' });
    // These values pass no check now, so the test writes values stored before the checks into the row directly.
    const email = `${'l'.repeat(70)}@example.com`;
    const position = 'Senior\tCounsel';
    await app.app.services.orm.em.fork().nativeUpdate(User, { id: Number(user.id) }, { email, position });

    const result = await app.request(UpdateUserDocument, { id: user.id, input: { name: 'Stará Nová', email, position } });

    expect(dataOf(result).updateUser).toMatchObject({ name: 'Stará Nová', email, position });
  });

  it('checks a changed value again', async () => {
    const user = await createUser({ name: 'Zdena', email: 'zdena@example.com', position: 'Clerk' });

    const error = expectFieldError(await app.request(UpdateUserDocument, { id: user.id, input: { position: 'Senior\tClerk' } }), 'position');

    expect(error.message).toContain('position contains the control character U+0009');
  });

  it('rejects update to a taken email', async () => {
    const user = await createUser({ name: 'Karel', email: 'karel@example.com' });

    expectFieldError(await app.request(UpdateUserDocument, { id: user.id, input: { name: 'Changed', email: 'jana@example.com' } }), 'email', 'CONFLICT');

    const read = dataOf(await app.request(UserDocument, { id: user.id })).user;
    expect(read).toMatchObject({ name: 'Karel', email: 'karel@example.com' });
  });

  it('reports an unknown user id as NOT_FOUND', async () => {
    const error = expectFieldError(await app.request(UserDocument, { id: '999999' }), 'id', 'NOT_FOUND');
    expect(error.message).toBe('User "999999" was not found in this workspace: check the id, or list its users with the users query.');
  });

  it('pages users newest first', async () => {
    for (let i = 0; i < 5; i += 1) await createUser({ name: `Page user ${i}`, email: `page${i}@example.com` });
    const total = await countRows(app, User);

    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: UsersQuery['users'] = dataOf(await app.request(UsersDocument, { first: 3, after })).users;
      expect(page.totalCount).toBe(total);
      expect(page.edges.length).toBeLessThanOrEqual(3);
      seen.push(...page.edges.map((edge) => edge.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor!;
    }

    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    expect(seen.map(Number)).toEqual([...seen.map(Number)].sort((a, b) => b - a));
  });

  it('rejects bad page size and cursor', async () => {
    expectFieldError(await app.request(UsersDocument, { first: 101 }), 'first');
    expectFieldError(await app.request(UsersDocument, { first: 0 }), 'first');
    expectFieldError(await app.request(UsersDocument, { first: 5, after: 'not-a-cursor' }), 'after');
  });

  it('MEMBER key reads but cannot write', async () => {
    const read = await app.request(UsersDocument, { first: 1 }, memberKey);
    expect(dataOf(read).users.edges).toHaveLength(1);

    const before = await countRows(app, User);
    const create = await app.request(CreateUserDocument, { input: { name: 'Blocked', email: 'blocked@example.com' } }, memberKey);
    expect(onlyError(create).extensions?.code).toBe('FORBIDDEN');
    expect(await countRows(app, User)).toBe(before);

    const update = await app.request(UpdateUserDocument, { id: '1', input: { name: 'Blocked' } }, memberKey);
    expect(onlyError(update).extensions?.code).toBe('FORBIDDEN');
  });

  it('rejects a request without key', async () => {
    const result = await app.request(UsersDocument, { first: 1 }, null);
    expect(onlyError(result).extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('workspace', () => {
  it('replaces the default API user', async () => {
    const initial = dataOf(await app.request(WorkspaceDocument, {}, memberKey)).workspace;
    expect(initial.defaultApiUser).toMatchObject({ name: 'API' });

    const robot = await createUser({ name: 'Integration robot', email: 'robot@example.com' });
    const changed = dataOf(await app.request(SetDefaultApiUserDocument, { userId: robot.id })).setDefaultApiUser;

    expect(changed).toEqual({ id: initial.id, defaultApiUser: { id: robot.id } });
    const read = dataOf(await app.request(WorkspaceDocument, {})).workspace;
    expect(read.defaultApiUser?.id).toBe(robot.id);
  });

  it('rejects an unknown default API user', async () => {
    const before = dataOf(await app.request(WorkspaceDocument, {})).workspace.defaultApiUser?.id;

    const error = expectFieldError(await app.request(SetDefaultApiUserDocument, { userId: '424242' }), 'userId');

    expect(error.message).toContain('424242');
    expect(dataOf(await app.request(WorkspaceDocument, {})).workspace.defaultApiUser?.id).toBe(before);
  });

  it('forbids MEMBER keys to set it', async () => {
    const result = await app.request(SetDefaultApiUserDocument, { userId: '1' }, memberKey);
    expect(onlyError(result).extensions?.code).toBe('FORBIDDEN');
  });
});
