import { ValidationError } from '../common/errors';

const MS_PER_UNIT: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

// A number with an optional fraction, then an optional unit. Units are lower case only, so
// "5M" is rejected rather than guessed to mean minutes or months.
const DURATION_PATTERN = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/;

const EXPECTED_FORM =
  'a duration such as 250ms, 5s, 5m, 2h or 1d (units ms, s, m, h, d), or a whole number of milliseconds';

/**
 * Parses a duration such as `250ms`, `5s`, `1.5m`, `2h`, `1d` or a bare whole number of
 * milliseconds (`1500`), and returns whole milliseconds (fractions are rounded).
 * Zero is accepted. `field` names the setting (usually the environment variable) in the
 * ValidationError that an invalid value raises.
 */
export function parseDuration(text: string, field: string): number {
  const milliseconds = toMilliseconds(text);
  if (milliseconds === undefined) {
    throw new ValidationError(field, `${field} must be ${EXPECTED_FORM}; got ${JSON.stringify(text)}.`);
  }
  return milliseconds;
}

/**
 * Parses a comma-separated list of durations (`5s,5m,30m`) into milliseconds, in order.
 * Spaces around items are ignored. An empty list or an empty item raises a ValidationError
 * that names `field`, the whole value and the position of the bad item.
 */
export function parseDurationList(text: string, field: string): number[] {
  const items = text.split(',').map((item) => item.trim());
  if (items.length === 1 && items[0] === '') {
    throw new ValidationError(field, `${field} must be a comma-separated list of durations such as 5s,5m,30m; got an empty value.`);
  }

  return items.map((item, index) => {
    const position = `item ${index + 1} of ${JSON.stringify(text)}`;
    if (item === '') {
      throw new ValidationError(field, `${field} has an empty ${position}; remove the extra comma.`);
    }
    const milliseconds = toMilliseconds(item);
    if (milliseconds === undefined) {
      throw new ValidationError(field, `${field} has an invalid ${position}: ${JSON.stringify(item)} must be ${EXPECTED_FORM}.`);
    }
    return milliseconds;
  });
}

/** Returns the duration in whole milliseconds, or undefined when the text is not a valid duration. */
function toMilliseconds(text: string): number | undefined {
  const match = DURATION_PATTERN.exec(text.trim());
  if (match === null) return undefined;

  const [, amount, unit] = match;
  // A bare number counts as milliseconds only when it is whole: "1.5" is more likely a
  // forgotten unit than a sub-millisecond duration.
  if (unit === undefined && amount.includes('.')) return undefined;

  const milliseconds = Math.round(Number(amount) * MS_PER_UNIT[unit ?? 'ms']);
  // Values past 2^53 ms (about 285,000 years) lose precision, so they are rejected too.
  return Number.isSafeInteger(milliseconds) ? milliseconds : undefined;
}
