/**
 * Retry decisions for failed deliveries. Everything here is pure: the caller passes the clock
 * and the random source, so the same inputs always give the same decision.
 */

const SECOND_MS = 1_000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;

/**
 * Delays before each retry, indexed by the number of attempts already made minus one: a quick
 * retry for a network blip, then exponential backoff. It follows the Standard Webhooks example
 * schedule up to 10 h, then repeats 10 h once where that example grows to 14, 20 and 24 h.
 * The 7 retries span about 27.6 h before jitter, so a message whose target stays down is
 * failed for good after 8 attempts, a little over a day after the first. A target that responds to
 * each attempt with 503 or 429 and a Retry-After of 10 h or more stretches this to 70 h, or up
 * to 74 h with jitter.
 */
export const DEFAULT_RETRY_SCHEDULE_MS: readonly number[] = [
  5 * SECOND_MS,
  5 * MINUTE_MS,
  30 * MINUTE_MS,
  2 * HOUR_MS,
  5 * HOUR_MS,
  10 * HOUR_MS,
  10 * HOUR_MS,
];

/**
 * ±20% spread on each delay, so that messages which failed together (one outage) do not all
 * retry in the same second and knock the recovering target over again.
 */
export const DEFAULT_RETRY_JITTER = 0.2;

export interface RetryPolicyConfig {
  /** Delay before retry n (n from 1), in milliseconds. Its length is the number of retries. */
  scheduleMs: readonly number[];
  /** Relative spread applied to each delay: 0.2 makes it anywhere from 80% to 120% of the step. */
  jitter: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicyConfig = {
  scheduleMs: DEFAULT_RETRY_SCHEDULE_MS,
  jitter: DEFAULT_RETRY_JITTER,
};

export interface RetryInput {
  /** Number of attempts made so far, including the one that just failed (1 after the first). */
  attempt: number;
  /** HTTP status of the failed attempt, or null when no response arrived (time-out, refused connection). */
  statusCode: number | null;
  /** Raw `Retry-After` response header, if any. */
  retryAfter: string | undefined;
  timedOut: boolean;
  now: Date;
  /** Returns a number from 0 to 1, such as Math.random. */
  random: () => number;
  config: RetryPolicyConfig;
}

export type RetryDecision =
  | { kind: 'retry'; delayMs: number; retryAt: Date }
  | { kind: 'give_up'; reason: string }
  | { kind: 'disable_connection'; reason: string };

/**
 * Decides what follows a failed delivery attempt: retry after a delay, give the message up,
 * or disable the whole connection. Throws when called for a 2xx (a success) or with an
 * invalid attempt count or config, because those are caller bugs.
 */
export function decideRetry(input: RetryInput): RetryDecision {
  const { attempt, statusCode, config } = input;
  validateRetryInput(input);

  // With 410 Gone the receiver says that it wants no more messages. Standard Webhooks
  // recommends disabling the endpoint, because every retry would be declined the same way.
  if (statusCode === 410) {
    return {
      kind: 'disable_connection',
      reason:
        'The listener returned 410 Gone, which asks the sender to stop, so docpush disabled the connection. ' +
        'Enable the connection again once the listener accepts deliveries.',
    };
  }

  const retriesAllowed = config.scheduleMs.length;
  if (attempt > retriesAllowed) {
    return {
      kind: 'give_up',
      reason: `Delivery failed after ${countOf(attempt, 'attempt', 'attempts')}, and the retry schedule allows ${countOf(retriesAllowed, 'retry', 'retries')}.`,
    };
  }

  const delayMs = Math.round(computeDelayMs(input));
  return { kind: 'retry', delayMs, retryAt: new Date(input.now.getTime() + delayMs) };
}

function countOf(count: number, singular: string, plural: string): string {
  return `${count} ${count === 1 ? singular : plural}`;
}

function computeDelayMs(input: RetryInput): number {
  const { attempt, statusCode, timedOut, config } = input;
  const stepMs = config.scheduleMs[attempt - 1];
  const randomValue = input.random();
  if (!(randomValue >= 0 && randomValue <= 1)) {
    throw new Error(`decideRetry needs random() to return a number from 0 to 1; got ${randomValue}.`);
  }
  let delayMs = stepMs * (1 + config.jitter * (2 * randomValue - 1));

  // A time-out or a 429 means the target is already overloaded or rate-limiting us, so jitter
  // may only spread those retries later, never bring one forward.
  if (timedOut || statusCode === 429) {
    delayMs = Math.max(delayMs, stepMs);
  }

  // Retry-After is honoured on 503 and 429, where it says how long the target expects to be
  // unavailable (RFC 9110) or rate-limited (RFC 6585). It is capped at the longest step so
  // that a receiver cannot park a message for days.
  if (statusCode === 429 || statusCode === 503) {
    const retryAfterMs = parseRetryAfter(input.retryAfter, input.now);
    if (retryAfterMs !== null) {
      delayMs = Math.max(delayMs, Math.min(retryAfterMs, Math.max(...config.scheduleMs)));
    }
  }
  return delayMs;
}

/**
 * Returns the longest delay that decideRetry can choose before each retry, in milliseconds. That
 * is the step at full jitter, or the longest step when a 429 or 503 carries a long Retry-After.
 * So a listener that responds to every attempt with 503 and `Retry-After: 86400` makes each retry
 * wait at least the longest step.
 */
export function maxRetryDelaysMs(config: RetryPolicyConfig): number[] {
  const longestStepMs = Math.max(...config.scheduleMs);
  return config.scheduleMs.map((stepMs) => Math.round(Math.max(stepMs * (1 + config.jitter), longestStepMs)));
}

function validateRetryInput({ attempt, statusCode, config }: RetryInput): void {
  if (statusCode !== null && statusCode >= 200 && statusCode <= 299) {
    throw new Error(`decideRetry was called for status ${statusCode}, a success; record it as delivered instead.`);
  }
  if (!Number.isInteger(attempt) || attempt < 1) {
    throw new Error(`decideRetry needs attempt to be a whole number of at least 1; got ${attempt}.`);
  }
  if (config.scheduleMs.some((stepMs) => !Number.isFinite(stepMs) || stepMs < 0)) {
    throw new Error(`Retry schedule steps must be non-negative milliseconds; got [${config.scheduleMs.join(', ')}].`);
  }
  // Jitter of 1 or more could make a delay zero or negative.
  if (!Number.isFinite(config.jitter) || config.jitter < 0 || config.jitter >= 1) {
    throw new Error(`Retry jitter must be at least 0 and below 1 (0.2 means ±20%); got ${config.jitter}.`);
  }
}

// Retry-After is either delay-seconds or an HTTP-date (RFC 9110, section 10.2.3). Recipients must
// accept all three HTTP-date forms (RFC 9110, section 5.6.7): IMF-fixdate, the obsolete RFC 850
// form and asctime.
const DELAY_SECONDS = /^\d+$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH = `(${MONTHS.join('|')})`;
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';
const IMF_FIXDATE = new RegExp(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`);
const RFC850_DATE = new RegExp(
  `^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`,
);
const ASCTIME_DATE = new RegExp(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ${MONTH} ( \\d|\\d{2}) ${TIME} (\\d{4})$`);

/**
 * Parses a `Retry-After` header value (delay-seconds or an HTTP-date) into milliseconds from
 * `now`. Returns null when the value is missing, malformed, or a date in the past.
 */
export function parseRetryAfter(value: string | undefined, now: Date): number | null {
  if (value === undefined) return null;
  const text = value.trim();

  if (DELAY_SECONDS.test(text)) {
    const delayMs = Number(text) * SECOND_MS;
    return Number.isFinite(delayMs) ? delayMs : null;
  }

  const dateMs = parseHttpDate(text, now);
  if (dateMs === null) return null;
  const delayMs = dateMs - now.getTime();
  return delayMs >= 0 ? delayMs : null;
}

/** Returns the epoch milliseconds of an HTTP-date in any of its three forms, or null. */
function parseHttpDate(text: string, now: Date): number | null {
  let match = IMF_FIXDATE.exec(text);
  if (match) {
    const [, day, month, year, hour, minute, second] = match;
    return utcMilliseconds(Number(year), month, Number(day), hour, minute, second);
  }

  match = RFC850_DATE.exec(text);
  if (match) {
    const [, day, month, twoDigitYear, hour, minute, second] = match;
    const year = expandTwoDigitYear(Number(twoDigitYear), now);
    return utcMilliseconds(year, month, Number(day), hour, minute, second);
  }

  match = ASCTIME_DATE.exec(text);
  if (match) {
    const [, month, day, hour, minute, second, year] = match;
    return utcMilliseconds(Number(year), month, Number(day.trim()), hour, minute, second);
  }
  return null;
}

/**
 * Reads a two-digit RFC 850 year as RFC 9110 requires: a year that would be more than 50 years
 * in the future means the most recent past year with the same last two digits.
 */
function expandTwoDigitYear(twoDigitYear: number, now: Date): number {
  const currentYear = now.getUTCFullYear();
  let year = currentYear - (currentYear % 100) + twoDigitYear;
  if (year > currentYear + 50) year -= 100;
  return year;
}

/** Builds a UTC timestamp and returns null for impossible dates such as 31 Feb or 25:00:00. */
function utcMilliseconds(year: number, monthName: string, day: number, hour: string, minute: string, second: string): number | null {
  const month = MONTHS.indexOf(monthName);
  const [hours, minutes, seconds] = [hour, minute, second].map(Number);
  // HTTP-date allows second 60 for a leap second. Date has none, so it counts as the next minute.
  if (hours > 23 || minutes > 59 || seconds > 60) return null;

  const startOfDayMs = Date.UTC(year, month, day);
  const startOfDay = new Date(startOfDayMs);
  const dayExists =
    startOfDay.getUTCFullYear() === year && startOfDay.getUTCMonth() === month && startOfDay.getUTCDate() === day;
  if (!dayExists) return null;
  return startOfDayMs + ((hours * 60 + minutes) * 60 + seconds) * SECOND_MS;
}
