import { isIsoDateTime } from '../../src/records/record-fields';

describe('isIsoDateTime', () => {
  it.each([
    ['date only', '2026-01-31'],
    ['year 99', '0099-12-31'],
    ['29 February of a leap year', '2028-02-29'],
    ['full time with offset', '2026-01-31T08:00:00+01:00'],
    ['lowercase t and z', '2026-01-31t08:00:00z'],
    ['space before the time', '2026-01-31 08:00:00Z'],
    ['offset without colon', '2026-01-31T08:00:00+0100'],
    ['hours-only positive offset', '2026-01-31T08:00:00+01'],
    ['hours-only negative offset', '2026-01-31T08:00:00-05'],
    ['largest offset', '2026-01-31T08:00:00-23:59'],
    ['fraction after a dot', '2026-01-31T08:00:00.123456789Z'],
    ['fraction after a comma', '2026-01-31T08:00:00,5'],
    ['hours only', '2026-01-31T08'],
    ['hours only with offset', '2026-01-31T08+01'],
    ['hours and minutes', '2026-01-31T08:30'],
    ['hours and minutes with Z', '2026-01-31T08:30Z'],
    ['end of day 24:00', '2026-01-31T24:00'],
    ['end of day 24:00:00', '2026-01-31T24:00:00'],
    ['end of day with offset', '2026-01-31T24:00:00+01:00'],
    ['leap second at UTC', '2016-12-31T23:59:60Z'],
    ['leap second without offset', '2016-12-31T23:59:60'],
    ['leap second in another zone', '1990-12-31T15:59:60-08:00'],
    ['leap second east of UTC', '2017-01-01T00:59:60+01:00'],
  ])('accepts %s: %s', (_label, value) => {
    expect(isIsoDateTime(value)).toBe(true);
  });

  it.each([
    ['words', 'tomorrow'],
    ['a number', 1767168000000],
    ['30 February', '2026-02-30'],
    ['29 February of a common year', '2026-02-29'],
    ['month 13', '2026-13-01'],
    ['hour 25', '2026-01-31T25:00'],
    ['minute 60', '2026-01-31T08:60'],
    ['second 61', '2026-01-31T23:59:61Z'],
    ['second 60 before another minute', '2026-01-31T08:00:60Z'],
    ['second 60 at local 23:59 with an offset', '2016-12-31T23:59:60+01:00'],
    ['hour 24 alone', '2026-01-31T24'],
    ['24:00 with a fraction', '2026-01-31T24:00:00.0'],
    ['24 with minutes', '2026-01-31T24:30'],
    ['24 with seconds', '2026-01-31T24:00:01'],
    ['offset hours over 23', '2026-01-31T08:00:00+24:00'],
    ['offset +99:99', '2026-01-31T08:00:00+99:99'],
    ['offset minutes over 59', '2026-01-31T08:00:00+01:60'],
    ['offset with one digit', '2026-01-31T08:00:00+1'],
    ['offset with a dangling colon', '2026-01-31T08:00:00+01:'],
    ['offset on a date', '2026-01-31+01:00'],
    ['fraction without digits', '2026-01-31T08:00:00.'],
    ['fraction on minutes', '2026-01-31T08:30.5'],
    ['T without a time', '2026-01-31T'],
    ['single-digit hour', '2026-01-31T8:00'],
  ])('rejects %s: %j', (_label, value) => {
    expect(isIsoDateTime(value)).toBe(false);
  });
});
