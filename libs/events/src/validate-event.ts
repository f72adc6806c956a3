import type { CanonicalEvent } from './canonical-event';
import { COMMON_DATA_FIELDS, DATA_FIELDS, type FieldSpec } from './data-fields';
import type { FieldError, FieldErrorCode } from './field-error';
import { storableText, storageProblem } from './storable';
import { parseTimestamp, timestampProblem } from './time-format';

export interface ValidEvent {
  ok: true;
  event: CanonicalEvent;
  timeMs: number; // epoch ms of `time`
}

// id and source are echoed when they are valid, so a rejection can still be traced to its producer.
export interface InvalidEvent {
  ok: false;
  id?: string;
  source?: string;
  errors: FieldError[];
}

export type EventValidation = ValidEvent | InvalidEvent;

export const MAX_ID_LENGTH = 256;

const REQUIRED = 'is required';
const ENVELOPE_ID_REASON = `expected a non-empty string of at most ${MAX_ID_LENGTH} characters`;
// How much of an unknown type is echoed back in its error.
const ECHO_LENGTH = 64;

// A Map, not the Record itself: a type such as "constructor" must not find Object.prototype.
const FIELDS_BY_TYPE: ReadonlyMap<string, readonly FieldSpec[]> = new Map(Object.entries(DATA_FIELDS));

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEnvelopeId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_ID_LENGTH;
}

// an id worth echoing in answers and dead letters: valid, and storable as it is
const isEchoable = (value: unknown): value is string => isEnvelopeId(value) && storableText(value) === value;

function idCode(value: unknown): FieldErrorCode {
  return typeof value === 'string' ? 'invalid_value' : 'invalid_type';
}

// The error list is created on the first error only: valid events allocate nothing but the result.
function add(errors: FieldError[] | undefined, field: string, code: FieldErrorCode, reason: string): FieldError[] {
  const list = errors ?? [];
  list.push({ field, code, reason });
  return list;
}

function checkFields(
  errors: FieldError[] | undefined,
  data: JsonObject,
  specs: readonly FieldSpec[],
): FieldError[] | undefined {
  let list = errors;
  for (const spec of specs) {
    const value = data[spec.name];
    const unmeasured = spec.unmeasurable === true && isNamedUnmeasured(data, spec.name);
    // Absent means absent: null is a wrong value, not a missing one.
    if (value === undefined) {
      if (spec.required && !unmeasured) list = add(list, spec.path, 'missing', REQUIRED);
      continue;
    }
    if (unmeasured) list = add(list, 'data.unmeasured', 'invalid_value', `names ${spec.path}, which is present`);
    const problem = spec.check(value);
    if (problem !== undefined) list = add(list, spec.path, problem.code, problem.reason);
    if (spec.with !== undefined && data[spec.with] === undefined) {
      list = add(list, `data.${spec.with}`, 'missing', `is required with ${spec.path}`);
    }
  }
  return list;
}

const isNamedUnmeasured = (data: JsonObject, name: string): boolean => {
  const names = data.unmeasured;
  return Array.isArray(names) && names.includes(name);
};

function validate(input: unknown): EventValidation {
  if (!isObject(input))
    return { ok: false, errors: [{ field: 'event', code: 'invalid_type', reason: 'expected a JSON object' }] };
  const { specversion, id, source, type, time, subject, data } = input;
  let errors: FieldError[] | undefined;

  if (specversion === undefined) errors = add(errors, 'specversion', 'missing', REQUIRED);
  else if (specversion !== '1.0') errors = add(errors, 'specversion', 'invalid_value', 'expected "1.0"');

  if (id === undefined) errors = add(errors, 'id', 'missing', REQUIRED);
  else if (!isEnvelopeId(id)) errors = add(errors, 'id', idCode(id), ENVELOPE_ID_REASON);

  if (source === undefined) errors = add(errors, 'source', 'missing', REQUIRED);
  else if (!isEnvelopeId(source)) errors = add(errors, 'source', idCode(source), ENVELOPE_ID_REASON);

  let typeFields: readonly FieldSpec[] | undefined;
  if (type === undefined) errors = add(errors, 'type', 'missing', REQUIRED);
  else if (typeof type !== 'string') errors = add(errors, 'type', 'invalid_type', 'expected an event type string');
  else {
    typeFields = FIELDS_BY_TYPE.get(type);
    if (typeFields === undefined) {
      errors = add(errors, 'type', 'unknown_type', `unknown event type ${JSON.stringify(type.slice(0, ECHO_LENGTH))}`);
    }
  }

  let timeMs = Number.NaN;
  if (time === undefined) errors = add(errors, 'time', 'missing', REQUIRED);
  else if (typeof time !== 'string')
    errors = add(errors, 'time', 'invalid_type', 'expected an RFC 3339 timestamp string');
  else {
    timeMs = parseTimestamp(time);
    if (Number.isNaN(timeMs)) errors = add(errors, 'time', 'invalid_value', timestampProblem(time));
  }

  if (subject !== undefined && typeof subject !== 'string')
    errors = add(errors, 'subject', 'invalid_type', 'expected a string');

  if (data === undefined) errors = add(errors, 'data', 'missing', REQUIRED);
  else if (!isObject(data)) errors = add(errors, 'data', 'invalid_type', 'expected an object');
  else {
    errors = checkFields(errors, data, COMMON_DATA_FIELDS);
    // An unknown type has no field list: its data is checked for the common fields only.
    if (typeFields !== undefined) errors = checkFields(errors, data, typeFields);
  }

  // what the log could not keep as sent comes first, unless the field's own rule already names it
  // (an amount of Infinity is not a non-negative finite number)
  const unstorable = storageProblem(input);
  if (unstorable !== undefined && errors?.some((e) => e.field === unstorable.field) !== true)
    errors = [unstorable, ...(errors ?? [])];
  if (errors === undefined) return { ok: true, event: input as unknown as CanonicalEvent, timeMs };
  const failure: InvalidEvent = { ok: false, errors };
  if (isEchoable(id)) failure.id = id;
  if (isEchoable(source)) failure.source = source;
  return failure;
}

// Checks a parsed JSON value against contract v1.1 (docs/events.md) and collects every error. Never
// throws: a getter or Proxy that throws on read is reported as an unreadable event.
export function validateEvent(input: unknown): EventValidation {
  try {
    return validate(input);
  } catch {
    return { ok: false, errors: [{ field: 'event', code: 'unreadable', reason: 'could not be read' }] };
  }
}
