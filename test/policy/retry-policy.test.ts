import {
  DEFAULT_RETRY_POLICY,
  DEFAULT_RETRY_SCHEDULE_MS,
  decideRetry,
  maxRetryDelaysMs,
  parseRetryAfter,
  type RetryDecision,
  type RetryInput,
} from '../../src/delivery/retry-policy';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const NOW = new Date('2026-01-01T00:00:00Z');

/** Builds the input for a failed attempt with a 500 and no jitter (random 0.5). */
function failure(overrides: Partial<RetryInput> = {}): RetryInput {
  return {
    attempt: 1,
    statusCode: 500,
    retryAfter: undefined,
    timedOut: false,
    now: NOW,
    random: () => 0.5,
    config: DEFAULT_RETRY_POLICY,
    ...overrides,
  };
}

function reasonOf(decision: RetryDecision): string {
  if (decision.kind === 'retry') throw new Error(`Expected no retry, got ${JSON.stringify(decision)}`);
  return decision.reason;
}

function delayOf(decision: RetryDecision): number {
  if (decision.kind !== 'retry') throw new Error(`Expected a retry, got ${JSON.stringify(decision)}`);
  return decision.delayMs;
}

describe('DEFAULT_RETRY_SCHEDULE_MS', () => {
  it('lists 5s, 5m, 30m, 2h, 5h, 10h, 10h', () => {
    expect(DEFAULT_RETRY_SCHEDULE_MS).toEqual([5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR]);
    expect(DEFAULT_RETRY_POLICY.jitter).toBe(0.2);
  });
});

describe('decideRetry', () => {
  it('retries after the step for each attempt', () => {
    DEFAULT_RETRY_SCHEDULE_MS.forEach((stepMs, index) => {
      const decision = decideRetry(failure({ attempt: index + 1 }));

      expect(decision).toEqual({ kind: 'retry', delayMs: stepMs, retryAt: new Date(NOW.getTime() + stepMs) });
    });
  });

  it('shortens by 20% with random 0', () => {
    DEFAULT_RETRY_SCHEDULE_MS.forEach((stepMs, index) => {
      expect(delayOf(decideRetry(failure({ attempt: index + 1, random: () => 0 })))).toBe(Math.round(stepMs * 0.8));
    });
  });

  it('lengthens by 20% with random 1', () => {
    DEFAULT_RETRY_SCHEDULE_MS.forEach((stepMs, index) => {
      expect(delayOf(decideRetry(failure({ attempt: index + 1, random: () => 1 })))).toBe(Math.round(stepMs * 1.2));
    });
  });

  it('gives up once the schedule is exhausted', () => {
    const decision = decideRetry(failure({ attempt: 8 }));

    expect(decision.kind).toBe('give_up');
    expect(reasonOf(decision)).toContain('after 8 attempts');
    expect(reasonOf(decision)).toContain('allows 7 retries');
  });

  it('gives up on a timed-out last attempt', () => {
    expect(decideRetry(failure({ attempt: 9, statusCode: null, timedOut: true })).kind).toBe('give_up');
  });

  it('follows a custom schedule', () => {
    const config = { scheduleMs: [1 * SECOND], jitter: 0 };

    expect(delayOf(decideRetry(failure({ attempt: 1, config })))).toBe(SECOND);
    expect(decideRetry(failure({ attempt: 2, config }))).toEqual({
      kind: 'give_up',
      reason: 'Delivery failed after 2 attempts, and the retry schedule allows 1 retry.',
    });
  });

  it('disables the connection on 410', () => {
    const decision = decideRetry(failure({ statusCode: 410 }));

    expect(decision.kind).toBe('disable_connection');
    expect(reasonOf(decision)).toContain('410 Gone');
    expect(reasonOf(decision)).toContain('Enable the connection again');
  });

  it('disables the connection on 410 after the schedule', () => {
    expect(decideRetry(failure({ attempt: 8, statusCode: 410 })).kind).toBe('disable_connection');
  });

  it.each([200, 201, 204, 299])('throws for success status %i', (statusCode) => {
    expect(() => decideRetry(failure({ statusCode }))).toThrow(/success/);
  });

  it.each([301, 400, 404, 500, 502])('retries status %i', (statusCode) => {
    expect(decideRetry(failure({ statusCode })).kind).toBe('retry');
  });

  it.each([0, -1, 1.5, Number.NaN])('throws for attempt %p', (attempt) => {
    expect(() => decideRetry(failure({ attempt }))).toThrow(/attempt/);
  });

  it('never shortens a timed-out retry', () => {
    const input = { statusCode: null, timedOut: true };

    expect(delayOf(decideRetry(failure({ ...input, attempt: 2, random: () => 0 })))).toBe(5 * MINUTE);
    expect(delayOf(decideRetry(failure({ ...input, attempt: 2, random: () => 1 })))).toBe(6 * MINUTE);
  });

  it('never shortens a retry after 429', () => {
    expect(delayOf(decideRetry(failure({ statusCode: 429, attempt: 3, random: () => 0 })))).toBe(30 * MINUTE);
    expect(delayOf(decideRetry(failure({ statusCode: 429, attempt: 3, random: () => 1 })))).toBe(36 * MINUTE);
  });

  it('shortens a retry after a refused connection', () => {
    const decision = decideRetry(failure({ statusCode: null, timedOut: false, attempt: 2, random: () => 0 }));

    expect(delayOf(decision)).toBe(4 * MINUTE);
  });

  it('waits for Retry-After seconds on 503', () => {
    const decision = decideRetry(failure({ statusCode: 503, retryAfter: '120' }));

    expect(decision).toEqual({ kind: 'retry', delayMs: 120 * SECOND, retryAt: new Date(NOW.getTime() + 120 * SECOND) });
  });

  it('waits for a Retry-After date on 429', () => {
    const decision = decideRetry(failure({ statusCode: 429, retryAfter: 'Thu, 01 Jan 2026 00:10:00 GMT' }));

    expect(delayOf(decision)).toBe(10 * MINUTE);
  });

  it('keeps a longer step over a short Retry-After', () => {
    const decision = decideRetry(failure({ statusCode: 503, retryAfter: '60', attempt: 3, random: () => 1 }));

    expect(delayOf(decision)).toBe(36 * MINUTE);
  });

  it('adds no jitter to Retry-After', () => {
    expect(delayOf(decideRetry(failure({ statusCode: 503, retryAfter: '120', random: () => 0 })))).toBe(120 * SECOND);
    expect(delayOf(decideRetry(failure({ statusCode: 503, retryAfter: '120', random: () => 1 })))).toBe(120 * SECOND);
  });

  it('lets jitter shorten a 503 step beyond a short Retry-After', () => {
    const decision = decideRetry(failure({ statusCode: 503, retryAfter: '60', attempt: 3, random: () => 0 }));

    expect(delayOf(decision)).toBe(24 * MINUTE);
  });

  it('caps Retry-After at the longest step', () => {
    const decision = decideRetry(failure({ statusCode: 503, retryAfter: String(7 * 24 * 3600) }));

    expect(delayOf(decision)).toBe(10 * HOUR);
  });

  it('falls back to the schedule on an invalid Retry-After', () => {
    expect(delayOf(decideRetry(failure({ statusCode: 503, retryAfter: 'soon' })))).toBe(5 * SECOND);
    expect(delayOf(decideRetry(failure({ statusCode: 503, retryAfter: '-30' })))).toBe(5 * SECOND);
  });

  it('ignores Retry-After on other statuses', () => {
    expect(delayOf(decideRetry(failure({ statusCode: 500, retryAfter: '3600' })))).toBe(5 * SECOND);
    expect(delayOf(decideRetry(failure({ statusCode: 502, retryAfter: '3600' })))).toBe(5 * SECOND);
  });

  it('rejects jitter of 1 or more', () => {
    const config = { scheduleMs: DEFAULT_RETRY_SCHEDULE_MS, jitter: 1 };

    expect(() => decideRetry(failure({ config }))).toThrow(/jitter/);
  });

  it('rejects a negative schedule step', () => {
    const config = { scheduleMs: [5 * SECOND, -1], jitter: 0.2 };

    expect(() => decideRetry(failure({ config }))).toThrow(/non-negative/);
  });

  it('rejects random values outside 0 to 1', () => {
    expect(() => decideRetry(failure({ random: () => 1.5 }))).toThrow(/random/);
    expect(() => decideRetry(failure({ random: () => Number.NaN }))).toThrow(/random/);
  });
});

describe('maxRetryDelaysMs', () => {
  const WEEK_SECONDS = String(7 * 24 * 3600);

  it('gives 10 h or the step at +20% for the default schedule', () => {
    expect(maxRetryDelaysMs(DEFAULT_RETRY_POLICY)).toEqual([10 * HOUR, 10 * HOUR, 10 * HOUR, 10 * HOUR, 10 * HOUR, 12 * HOUR, 12 * HOUR]);
  });

  it('matches the longest delay of decideRetry', () => {
    const maxDelaysMs = maxRetryDelaysMs(DEFAULT_RETRY_POLICY);

    DEFAULT_RETRY_SCHEDULE_MS.forEach((_stepMs, index) => {
      const attempt = index + 1;
      const delaysMs = [
        delayOf(decideRetry(failure({ attempt, random: () => 1 }))),
        delayOf(decideRetry(failure({ attempt, random: () => 1, statusCode: null, timedOut: true }))),
        delayOf(decideRetry(failure({ attempt, random: () => 1, statusCode: 429, retryAfter: WEEK_SECONDS }))),
        delayOf(decideRetry(failure({ attempt, random: () => 1, statusCode: 503, retryAfter: WEEK_SECONDS }))),
      ];

      expect(Math.max(...delaysMs)).toBe(maxDelaysMs[index]);
    });
  });

  it('spreads a one-step schedule by the jitter', () => {
    expect(maxRetryDelaysMs({ scheduleMs: [10 * SECOND], jitter: 0.5 })).toEqual([15 * SECOND]);
    expect(maxRetryDelaysMs({ scheduleMs: [1 * SECOND, 1 * SECOND], jitter: 0 })).toEqual([1 * SECOND, 1 * SECOND]);
  });
});

describe('parseRetryAfter', () => {
  it.each([
    ['120', 120 * SECOND],
    [' 5 ', 5 * SECOND],
    ['0', 0],
  ])('reads delay-seconds %j', (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });

  it.each([
    ['IMF-fixdate', 'Thu, 01 Jan 2026 00:01:00 GMT'],
    ['RFC 850 date', 'Thursday, 01-Jan-26 00:01:00 GMT'],
    ['asctime date', 'Thu Jan  1 00:01:00 2026'],
  ])('reads an %s', (_form, value) => {
    expect(parseRetryAfter(value, NOW)).toBe(MINUTE);
  });

  it('reads a date equal to now as 0', () => {
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:00 GMT', NOW)).toBe(0);
  });

  it('returns null for a past date', () => {
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:59:59 GMT', NOW)).toBeNull();
  });

  it('reads a two-digit year over 50 years ahead as past', () => {
    // 77 would be 2077, 51 years after 2026, so it means 1977.
    expect(parseRetryAfter('Saturday, 01-Jan-77 00:00:00 GMT', NOW)).toBeNull();
    expect(parseRetryAfter('Friday, 01-Jan-76 00:00:00 GMT', NOW)).toBe(Date.UTC(2076, 0, 1) - NOW.getTime());
  });

  it.each([
    undefined,
    '',
    'soon',
    '-5',
    '1.5',
    '5s',
    'Fri, 31 Feb 2026 00:00:00 GMT',
    'Thu, 01 Jan 2026 24:00:00 GMT',
    'Thu, 01 Jan 2026 00:01:00 UTC',
    '2026-01-01T00:01:00Z',
  ])('returns null for %j', (value) => {
    expect(parseRetryAfter(value, NOW)).toBeNull();
  });
});
