import { ValidationError } from '../common/errors';

/**
 * First and last times whose ISO 8601 UTC text PostgreSQL accepts. The DateTimeISO scalar also
 * accepts times that fall in year 0 or after year 9999 in UTC, such as 0001-01-01T00:00:00+01:00,
 * and PostgreSQL rejects their texts ("0000-…", "+010000-…").
 */
const EARLIEST_STORABLE = Date.parse('0001-01-01T00:00:00.000Z');
const LATEST_STORABLE = Date.parse('9999-12-31T23:59:59.999Z');

/**
 * Returns the createdAt condition of a list filter with `from` (inclusive) and `to`
 * (exclusive), or undefined when it has neither. Raises ValidationError for a reversed range
 * and for a time that PostgreSQL cannot compare.
 */
export function buildCreatedAtRange(filter: { from?: Date | null; to?: Date | null }): Record<string, Date> | undefined {
  const { from, to } = filter;
  if (from) checkStorable('filter.from', from);
  if (to) checkStorable('filter.to', to);
  if (from && to && from > to) {
    throw new ValidationError('filter.from', `filter.from (${from.toISOString()}) is after filter.to (${to.toISOString()}); swap them.`);
  }
  if (!from && !to) return undefined;
  return { ...(from ? { $gte: from } : {}), ...(to ? { $lt: to } : {}) };
}

function checkStorable(field: string, time: Date): void {
  const instant = time.getTime();
  if (instant >= EARLIEST_STORABLE && instant <= LATEST_STORABLE) return;
  throw new ValidationError(
    field,
    `${field} is ${time.toISOString()} in UTC, outside the times that can be stored: ` +
      `give a time from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z, or omit ${field}.`,
  );
}
