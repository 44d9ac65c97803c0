import type { DocumentRecordPersonInput, WorkflowStageInput } from './document-record.input';
import type { RecordPersonData, WorkflowStageData } from './document-record.entity';
import { ValidationError } from '../common/errors';
import { checkEmail, checkName, checkOptionalText, MAX_NAME_LENGTH } from '../common/input-checks';

/** Legito allows at most three persons on a record. */
export const MAX_PERSONS = 3;

/** The largest event `parameters` object as UTF-8 JSON; Legito documents only ids, dates and links there. */
export const MAX_PARAMETERS_BYTES = 64 * 1024;

const MAX_COLOR_LENGTH = 32;

/** Checks a workflow stage and drops the fields that are not set, as Legito leaves them out. */
export function checkWorkflowStage(stage: WorkflowStageInput): WorkflowStageData {
  if (stage.id <= 0) throw new ValidationError('workflowStage.id', `workflowStage.id is ${stage.id}: give a positive integer.`);
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

/** Checks the persons of a record: at most three, texts up to 200 characters, emails of the form name@example.com. */
export function checkPersons(persons: DocumentRecordPersonInput[]): RecordPersonData[] {
  if (persons.length > MAX_PERSONS) {
    throw new ValidationError('persons', `persons has ${persons.length} entries; a record names at most ${MAX_PERSONS} persons.`);
  }
  return persons.map((person, index) => {
    const path = `persons[${index}]`;
    return {
      definition: checkOptionalText(`${path}.definition`, person.definition, MAX_NAME_LENGTH),
      name: checkOptionalText(`${path}.name`, person.name, MAX_NAME_LENGTH),
      email: person.email?.trim() ? checkEmail(`${path}.email`, person.email) : null,
    };
  });
}

/** Checks the size of an event's parameters; null and omitted become an empty object. */
export function checkParameters(parameters: Record<string, unknown> | null | undefined): Record<string, unknown> {
  if (!parameters) return {};
  const bytes = Buffer.byteLength(JSON.stringify(parameters), 'utf8');
  if (bytes > MAX_PARAMETERS_BYTES) {
    throw new ValidationError('parameters', `parameters is ${bytes} bytes as JSON; the maximum is ${MAX_PARAMETERS_BYTES}. Send ids, not file contents.`);
  }
  return parameters;
}
