import { ValidationError } from '../../src/common/errors';
import { parseDuration, parseDurationList } from '../../src/config/duration';

describe('parseDuration', () => {
  it.each([
    ['250ms', 250],
    ['5s', 5_000],
    ['5m', 300_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['1.5m', 90_000],
    ['1500', 1_500],
    ['0', 0],
    [' 15 s ', 15_000],
  ])('parses %j', (text, expected) => {
    expect(parseDuration(text, 'DOCPUSH_TIMEOUT')).toBe(expected);
  });

  it.each(['', 'five seconds', '5 sec', '5M', '-5s', '1.5', '5s5m', 's', '1e3', '9'.repeat(20) + 'd'])(
    'rejects %j',
    (text) => {
      expect(() => parseDuration(text, 'DOCPUSH_TIMEOUT')).toThrow(ValidationError);
    },
  );

  it('names the field, the value and the form', () => {
    const error = thrownBy(() => parseDuration('5 sec', 'DOCPUSH_DELIVERY_TIMEOUT'));

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('DOCPUSH_DELIVERY_TIMEOUT');
    expect(error.message).toContain('DOCPUSH_DELIVERY_TIMEOUT');
    expect(error.message).toContain('"5 sec"');
    expect(error.message).toContain('250ms, 5s, 5m, 2h or 1d');
  });
});

describe('parseDurationList', () => {
  it('parses items in order', () => {
    expect(parseDurationList('5s,5m,30m', 'DOCPUSH_RETRY_SCHEDULE')).toEqual([5_000, 300_000, 1_800_000]);
  });

  it('ignores spaces around items', () => {
    expect(parseDurationList(' 5s , 2h ', 'DOCPUSH_RETRY_SCHEDULE')).toEqual([5_000, 7_200_000]);
  });

  it('parses a single item', () => {
    expect(parseDurationList('10h', 'DOCPUSH_RETRY_SCHEDULE')).toEqual([36_000_000]);
  });

  it('rejects an empty value', () => {
    const error = thrownBy(() => parseDurationList('  ', 'DOCPUSH_RETRY_SCHEDULE'));

    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toContain('DOCPUSH_RETRY_SCHEDULE');
    expect(error.message).toContain('empty value');
  });

  it('rejects an empty item', () => {
    const error = thrownBy(() => parseDurationList('5s,,5m', 'DOCPUSH_RETRY_SCHEDULE'));

    expect(error.message).toContain('empty item 2 of "5s,,5m"');
  });

  it('names the invalid item and its position', () => {
    const error = thrownBy(() => parseDurationList('5s,5 min,30m', 'DOCPUSH_RETRY_SCHEDULE'));

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('DOCPUSH_RETRY_SCHEDULE');
    expect(error.message).toContain('item 2 of "5s,5 min,30m"');
    expect(error.message).toContain('"5 min"');
  });
});

function thrownBy(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('Expected the action to throw, but it returned normally.');
}
