import type { DocumentRecordPersonInput, WorkflowStageInput } from './document-record.input';
import type { RecordPersonData, WorkflowStageData } from './document-record.entity';
import { ValidationError } from '../common/errors';
import { checkEmail, checkName, checkOptionalLabel, checkOptionalText, MAX_NAME_LENGTH } from '../common/input-checks';

/** Legito allows at most three persons on a record. */
export const MAX_PERSONS = 3;

/** Maximum number of events that one recordDocumentEvents call records. */
export const MAX_EVENTS_PER_BATCH = 100;

/** The largest event `parameters` object as UTF-8 JSON; Legito documents only ids, dates and links there. */
export const MAX_PARAMETERS_BYTES = 64 * 1024;

const MAX_COLOR_LENGTH = 32;

/**
 * Checks a workflow stage and drops the fields that are not set, as Legito leaves them out.
 * `storedStage` is the record's stage before an update. Its negative position, which earlier
 * builds stored, may be sent back with the same stage id, so that such a record stays editable.
 */
export function checkWorkflowStage(stage: WorkflowStageInput, storedStage: WorkflowStageData | null = null): WorkflowStageData {
  if (stage.id <= 0) throw new ValidationError('workflowStage.id', `workflowStage.id is ${stage.id}: give a positive integer.`);
  const keepsStoredPosition = storedStage !== null && storedStage.id === stage.id && storedStage.position === stage.position;
  if (stage.position !== undefined && stage.position !== null && stage.position < 0 && !keepsStoredPosition) {
    throw new ValidationError(
      'workflowStage.position',
      `workflowStage.position is ${stage.position}: give the stage's place in the stage list as 0 or more, or omit it.`,
    );
  }
  const name = checkName('workflowStage.name', stage.name, 'Ready to sign');
  const color = checkOptionalText('workflowStage.color', stage.color, MAX_COLOR_LENGTH);

  const data: WorkflowStageData = { id: stage.id, name };
  for (const key of OPTIONAL_STAGE_KEYS) {
    const value = key === 'color' ? color : stage[key];
    if (value !== undefined && value !== null) Object.assign(data, { [key]: value });
  }
  return data;
}

const OPTIONAL_STAGE_KEYS = [
  'workflowRevisionId', 'workflowElementId', 'workflowElementPersistId', 'position', 'start', 'color',
  'notify', 'locked', 'sign', 'share', 'shareExternal', 'download',
] as const satisfies ReadonlyArray<keyof WorkflowStageData>;

/**
 * Checks the persons of a record: at most three, texts up to 200 characters, emails of the form
 * name@example.com, and at least one of definition, name and email in each person.
 */
export function checkPersons(persons: DocumentRecordPersonInput[]): RecordPersonData[] {
  if (persons.length > MAX_PERSONS) {
    throw new ValidationError('persons', `persons has ${persons.length} entries; a record names at most ${MAX_PERSONS} persons.`);
  }
  return persons.map((person, index) => {
    const path = `persons[${index}]`;
    const checked = {
      definition: checkOptionalLabel(`${path}.definition`, person.definition, MAX_NAME_LENGTH),
      name: checkOptionalLabel(`${path}.name`, person.name, MAX_NAME_LENGTH),
      email: person.email?.trim() ? checkEmail(`${path}.email`, person.email) : null,
    };
    if (checked.definition === null && checked.name === null && checked.email === null) {
      throw new ValidationError(
        path,
        `${path} ${describePerson(person)} is empty: give at least one of definition, name and email, or remove the entry from persons.`,
      );
    }
    return checked;
  });
}

/** Maximum number of characters of a rejected person that an error message quotes. */
const MAX_QUOTED_PERSON_LENGTH = 100;

/**
 * Returns a person input as JSON for an error message, such as {} or {"name":"  "}, with only the
 * fields that were given, cut to MAX_QUOTED_PERSON_LENGTH characters with "…" after the cut.
 */
function describePerson(person: DocumentRecordPersonInput): string {
  const givenFields = Object.fromEntries(Object.entries({ ...person }).filter(([, value]) => value !== undefined));
  const json = JSON.stringify(givenFields);
  return json.length > MAX_QUOTED_PERSON_LENGTH ? `${json.slice(0, MAX_QUOTED_PERSON_LENGTH)}…` : json;
}

/** Legito's share permissions, the values of the `sharePermission` event parameter. */
const SHARE_PERMISSIONS = ['MANAGE', 'EDIT', 'READ', 'LIST'];

const isPositiveId = (value: unknown): boolean => Number.isSafeInteger(value) && (value as number) > 0;

/**
 * The parameters that Legito's DocumentRecordEvent defines, with the value each one takes. Each
 * may also be null. Other keys pass unchecked, because that schema allows them.
 */
const PARAMETER_SHAPES: Record<string, { test: (value: unknown) => boolean; expected: string }> = {
  ownerId: { test: isPositiveId, expected: 'a user id (positive integer)' },
  workflowStageId: { test: isPositiveId, expected: 'a workflow stage id (positive integer)' },
  shareUserId: { test: isPositiveId, expected: 'a user id (positive integer)' },
  shareUserGroupId: { test: isPositiveId, expected: 'a user group id (positive integer)' },
  fileId: { test: isPositiveId, expected: 'a file id (positive integer)' },
  templateId: { test: isPositiveId, expected: 'a template id (positive integer)' },
  documentVersionId: { test: isPositiveId, expected: 'a document version id (positive integer)' },
  sharePermission: { test: (value) => SHARE_PERMISSIONS.includes(value as string), expected: `one of ${SHARE_PERMISSIONS.join(', ')}` },
  externalLink: { test: (value) => typeof value === 'string', expected: 'a string' },
  date: { test: isIsoDateTime, expected: 'an ISO 8601 date-time string such as 2026-01-31T08:00:00+01:00' },
};

/**
 * Checks an event's parameters: their size, and the type of each parameter that Legito's
 * DocumentRecordEvent defines, so pushed events keep that shape. Null and omitted parameters
 * become an empty object.
 */
export function checkParameters(parameters: Record<string, unknown> | null | undefined): Record<string, unknown> {
  if (!parameters) return {};
  const bytes = Buffer.byteLength(JSON.stringify(parameters), 'utf8');
  if (bytes > MAX_PARAMETERS_BYTES) {
    throw new ValidationError('parameters', `parameters is ${bytes} bytes as JSON; the maximum is ${MAX_PARAMETERS_BYTES}. Send ids, not file contents.`);
  }
  for (const [key, shape] of Object.entries(PARAMETER_SHAPES)) {
    const value = parameters[key];
    if (value === undefined || value === null || shape.test(value)) continue;
    const field = `parameters.${key}`;
    throw new ValidationError(field, `${field} is ${JSON.stringify(value)}: give ${shape.expected}, or null.`);
  }
  return parameters;
}

/**
 * An ISO 8601 date, optionally with a time and a UTC offset, such as 2026-01-31 or
 * 2026-01-31T08:00:00+01:00. The time may end after the hour or the minute, a fraction of a
 * second follows a dot or a comma, and the offset may leave out its minutes or its colon.
 * Groups: 1-3 date, 4-7 hour, minute, second and fraction, 8-10 offset sign, hours and minutes.
 */
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2})(?::(\d{2})(?::(\d{2})([.,]\d{1,9})?)?)?(?:Z|([+-])(\d{2})(?::?(\d{2}))?)?)?$/i;

const MINUTES_PER_DAY = 24 * 60;

/** Reports whether `value` is an ISO 8601 date or date-time string naming a day, time and offset that exist. */
export function isIsoDateTime(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const match = ISO_DATE_TIME.exec(value);
  if (!match) return false;

  const [year, month, day] = [1, 2, 3].map((group) => Number(match[group]));
  if (!isExistingDay(year, month, day)) return false;
  if (match[4] === undefined) return true;

  const offsetMinutes = readOffsetMinutes(match[8], match[9], match[10]);
  if (offsetMinutes === null) return false;
  const [hour, minute, second] = [4, 5, 6].map((group) => Number(match[group] ?? 0));
  // 24:00 and 24:00:00 are the end of the day, the same instant as 00:00 of the next one.
  if (hour === 24) return match[5] !== undefined && minute === 0 && second === 0 && match[7] === undefined;
  if (hour > 23 || minute > 59 || second > 60) return false;
  // A leap second is 23:59:60 UTC, which an offset moves to another local minute. A time without
  // an offset is checked as if it were UTC.
  return second < 60 || isLastMinuteOfUtcDay(hour * 60 + minute - offsetMinutes);
}

function isExistingDay(year: number, month: number, day: number): boolean {
  const start = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not read the years 0 to 99 as 1900 to 1999.
  start.setUTCFullYear(year, month - 1, day);
  return start.getUTCFullYear() === year && start.getUTCMonth() === month - 1 && start.getUTCDate() === day;
}

/**
 * Returns the offset in minutes east of UTC, 0 for Z or no offset, or null when its hours are
 * over 23 or its minutes over 59.
 */
function readOffsetMinutes(sign: string | undefined, hours: string | undefined, minutes: string | undefined): number | null {
  if (sign === undefined) return 0;
  const [offsetHours, offsetMinutes] = [Number(hours), Number(minutes ?? 0)];
  if (offsetHours > 23 || offsetMinutes > 59) return null;
  return (sign === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes);
}

/** Reports whether a minute counted from 00:00 UTC, possibly of the day before or after, is 23:59 UTC. */
function isLastMinuteOfUtcDay(utcMinute: number): boolean {
  return ((utcMinute % MINUTES_PER_DAY) + MINUTES_PER_DAY) % MINUTES_PER_DAY === MINUTES_PER_DAY - 1;
}
