import { startTestApp, dataOf, type TestApp } from '../support/test-app';
import { PushLogsDocument, PushMessagesDocument } from '../generated/graphql';
import { bearer, postGraphQL } from '../security/security-support';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  await app?.stop();
});

/**
 * Times that the DateTimeISO scalar accepts but PostgreSQL cannot compare with a timestamp,
 * because in UTC they fall in year 0 or after year 9999.
 */
const OUT_OF_RANGE_TIMES = [
  ['year 0', '0000-06-01T00:00:00Z', '0000-06-01T00:00:00.000Z'],
  ['year 1 east of UTC', '0001-01-01T00:00:00+01:00', '0000-12-31T23:00:00.000Z'],
  ['year 9999 west of UTC', '9999-12-31T23:59:59-14:00', '+010000-01-01T13:59:59.000Z'],
] as const;

describe('time range filters', () => {
  it.each(OUT_OF_RANGE_TIMES)('pushLogs reject %s', async (_label, sent, inUtc) => {
    for (const field of ['from', 'to'] as const) {
      const result = await app.request(PushLogsDocument, { filter: { [field]: sent } });

      expect(result.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: `filter.${field}` });
      expect(result.errors?.[0].message).toBe(
        `filter.${field} is ${inUtc} in UTC, outside the times that can be stored: give a time from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z, or omit filter.${field}.`,
      );
    }
  });

  it.each(OUT_OF_RANGE_TIMES)('pushMessages reject %s', async (_label, sent, inUtc) => {
    for (const field of ['from', 'to'] as const) {
      const result = await app.request(PushMessagesDocument, { filter: { [field]: sent } });

      expect(result.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: `filter.${field}` });
      expect(result.errors?.[0].message).toContain(`filter.${field} is ${inUtc} in UTC`);
    }
  });

  it('accepts the first and last storable times', async () => {
    const filter = { from: '0001-01-01T00:00:00Z', to: '9999-12-31T23:59:59.999Z' };

    const logs = dataOf(await app.request(PushLogsDocument, { filter })).pushLogs;
    const messages = dataOf(await app.request(PushMessagesDocument, { filter })).pushMessages;

    expect(logs.totalCount).toBe(0);
    expect(messages.totalCount).toBe(0);
  });
});

describe('invalid time', () => {
  const TIME_FIX = 'Give a date and time with a UTC offset, such as 2026-12-04T19:48:09Z or 2026-12-04T20:48:09.250+01:00.';

  it.each([
    ['a date without a time', '2026-12-04', 'DateTime cannot represent an invalid date-time-string 2026-12-04.'],
    ['a time without an offset', '2026-12-04T19:48:09', 'DateTime cannot represent an invalid date-time-string 2026-12-04T19:48:09.'],
    ['a Unix time in milliseconds', 1796522270689, 'DateTime cannot represent non string or Date type 1796522270689.'],
  ])('names the form to use for %s', async (_label, from, rejection) => {
    const result = await app.request(PushLogsDocument, { filter: { from: from as string } });

    expect(result.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'filter.from' });
    expect(result.errors?.[0].message).toContain(`${rejection} ${TIME_FIX}`);
  });

  it('names the form to use for a literal', async () => {
    const result = await postGraphQL(app.url, '{ pushLogs(filter: { to: "yesterday" }) { totalCount } }', {}, bearer(app.adminKey));

    expect(result.body.errors?.[0].extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED', field: 'filter.to' });
    expect(result.body.errors?.[0].message).toBe(`DateTime cannot represent an invalid date-time-string yesterday. ${TIME_FIX}`);
  });

  it('accepts the times that the fix gives', async () => {
    for (const from of ['2026-12-04T19:48:09Z', '2026-12-04T20:48:09.250+01:00']) {
      const result = await app.request(PushLogsDocument, { filter: { from } });

      expect(result.errors).toBeUndefined();
    }
  });
});
