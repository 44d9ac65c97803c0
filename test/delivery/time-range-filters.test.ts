import { startTestApp, dataOf, type TestApp } from '../support/test-app';
import { PushLogsDocument, PushMessagesDocument } from '../generated/graphql';

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
