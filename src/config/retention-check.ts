import { ValidationError } from '../common/errors';
import { maxRetryDelaysMs } from '../delivery/retry-policy';
import type { Config } from './config';
import type { Env } from './unknown-settings';

export type RetrySettings = Pick<Config['delivery'], 'retryScheduleMs' | 'retryJitter' | 'attemptTimeoutMs'>;

const SECOND_MS = 1_000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/**
 * Returns the longest time from a message's first attempt to the end of its last retry, in
 * milliseconds: every retry delay at its maximum, plus one attempt time-out per attempt.
 * NOTE: a message can stay unfinished longer than this. The span leaves out a due message's wait
 * for a claim and a free slot, attachments rendered before the request's time-out starts, and the
 * takeover of an abandoned attempt after DOCPUSH_JOB_LOCK_LIFETIME. Messages of a disabled
 * connection also wait until it is enabled again.
 */
export function maxRetrySpanMs(settings: RetrySettings): number {
  const delaysMs = maxRetryDelaysMs({ scheduleMs: settings.retryScheduleMs, jitter: settings.retryJitter });
  const attempts = settings.retryScheduleMs.length + 1;
  return delaysMs.reduce((sum, delayMs) => sum + delayMs, 0) + attempts * settings.attemptTimeoutMs;
}

/**
 * Rejects a retention period shorter than the retry span of maxRetrySpanMs. A shorter period
 * lets the purge delete the push logs of a message that still retries and clear its event's
 * record snapshot. Its later attempts would then push the record as it is then instead of as it
 * was at the event.
 */
export function checkRetentionOutlastsRetries(env: Env, retentionMs: number, settings: RetrySettings): void {
  const spanMs = maxRetrySpanMs(settings);
  if (retentionMs >= spanMs) return;

  const retries = settings.retryScheduleMs.length;
  const delaysMs = spanMs - (retries + 1) * settings.attemptTimeoutMs;
  const schedule = settings.retryScheduleMs.map(formatDuration).join(',');
  throw new ValidationError(
    'DOCPUSH_LOG_RETENTION',
    `${describeSetting(env, 'DOCPUSH_LOG_RETENTION', formatDuration(retentionMs), retentionMs)} is shorter than ` +
      `the longest time a message can keep retrying, ${spanMs} ms (${formatDuration(spanMs)}). ` +
      `That span is the ${retries === 1 ? 'retry delay' : `${retries} retry delays`} of ` +
      `${describeSetting(env, 'DOCPUSH_RETRY_SCHEDULE', schedule)} at ${retries === 1 ? 'its' : 'their'} maximum with ` +
      `${describeSetting(env, 'DOCPUSH_RETRY_JITTER', String(settings.retryJitter))} and a long Retry-After ` +
      `(${delaysMs} ms in all), plus ${describeSetting(env, 'DOCPUSH_ATTEMPT_TIMEOUT', formatDuration(settings.attemptTimeoutMs))} ` +
      `for each of ${retries + 1} attempts. ` +
      'A shorter retention purges the push logs of a message that still retries and clears the record copy of its event, ' +
      'so its later attempts push the record as it is then. ' +
      `Raise DOCPUSH_LOG_RETENTION to at least ${roundUpDuration(spanMs)}, or shorten DOCPUSH_RETRY_SCHEDULE.`,
  );
}

/**
 * Formats a setting as it was given, such as `NAME="1h" (3600000 ms)`, or as
 * `NAME (default 30d, 2592000000 ms)` when it is unset. `valueMs` adds the value in milliseconds.
 */
function describeSetting(env: Env, name: string, valueInUse: string, valueMs?: number): string {
  const raw = env[name];
  const inMs = valueMs === undefined ? '' : `${valueMs} ms`;
  if (raw === undefined || raw === '') return `${name} (default ${shorten(valueInUse)}${inMs && `, ${inMs}`})`;
  return `${name}=${JSON.stringify(shorten(raw))}${inMs && ` (${inMs})`}`;
}

/** Maximum length of a setting value that the error quotes in full. A schedule of thousands of steps would fill the log line. */
const MAX_QUOTED_VALUE_LENGTH = 120;

/** Cuts a value longer than MAX_QUOTED_VALUE_LENGTH and appends `…` and its full length. */
function shorten(value: string): string {
  if (value.length <= MAX_QUOTED_VALUE_LENGTH) return value;
  return `${value.slice(0, MAX_QUOTED_VALUE_LENGTH)}… (${value.length} characters)`;
}

/** Formats milliseconds in days, hours, minutes, seconds and milliseconds, such as `3d 2h 2m`, `5s` or `6s 600ms`. */
function formatDuration(totalMs: number): string {
  const parts: string[] = [];
  let restMs = totalMs;
  for (const [unitMs, unit] of [[DAY_MS, 'd'], [HOUR_MS, 'h'], [MINUTE_MS, 'm'], [SECOND_MS, 's'], [1, 'ms']] as const) {
    const count = Math.floor(restMs / unitMs);
    restMs -= count * unitMs;
    if (count > 0) parts.push(`${count}${unit}`);
  }
  return parts.length > 0 ? parts.join(' ') : '0ms';
}

/**
 * Rounds a duration up to a value that DOCPUSH_LOG_RETENTION accepts, such as `75h`: whole days
 * from 10 days on, else whole hours, minutes or seconds, the largest unit it reaches. Below 10
 * days it stops at hours, because rounding 3 days 2 hours up to 4 days would add almost a day.
 */
function roundUpDuration(totalMs: number): string {
  if (totalMs >= 10 * DAY_MS) return `${Math.ceil(totalMs / DAY_MS)}d`;
  for (const [unitMs, unit] of [[HOUR_MS, 'h'], [MINUTE_MS, 'm'], [SECOND_MS, 's']] as const) {
    if (totalMs >= unitMs) return `${Math.ceil(totalMs / unitMs)}${unit}`;
  }
  return `${totalMs}ms`;
}
