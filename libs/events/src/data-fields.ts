import type { EventType } from './event-types';
import { parseTimestamp, timestampProblem, isCalendarDate } from './time-format';

// What is wrong with one value, for its FieldError.
export interface FieldProblem {
  code: 'invalid_type' | 'invalid_value';
  reason: string;
}

// A check on one value: undefined when it is fine.
export type FieldCheck = (value: unknown) => FieldProblem | undefined;

export interface FieldSpec {
  name: string;
  path: string; // `data.<name>`, built once so that errors cost no string building
  required: boolean;
  check: FieldCheck;
  // an optional field that only comes with another (an amount with its currency): that one is then required
  with?: string;
  // a duration some producers cannot measure (a call's hold time in a telephony webhook): required, but
  // absent when the event names it in `data.unmeasured`, so no one counts an invented 0
  unmeasurable?: true;
}

export const MAX_COMMENT_LENGTH = 2000;

export const TICKET_CHANNELS = ['chat', 'phone', 'email', 'web'] as const;
export type TicketChannel = (typeof TICKET_CHANNELS)[number];

export const LEAD_STAGES = ['MQL', 'SQL'] as const;
export type LeadStage = (typeof LEAD_STAGES)[number];

const CURRENCY_CODE = /^[A-Z]{3}$/;

const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number';

// A value of the wrong JSON type is `invalid_type`; one of the right type that fails `test`, `invalid_value`.
function rule<T>(isType: (v: unknown) => v is T, test: (value: T) => boolean, reason: string): FieldCheck {
  const wrongType: FieldProblem = { code: 'invalid_type', reason };
  const wrongValue: FieldProblem = { code: 'invalid_value', reason };
  return (value) => (!isType(value) ? wrongType : test(value) ? undefined : wrongValue);
}

function oneOf(values: readonly string[]): FieldCheck {
  const allowed: ReadonlySet<unknown> = new Set(values);
  return rule(isString, (v) => allowed.has(v), `expected one of ${values.join(', ')}`);
}

const nonEmptyString = rule(isString, (v) => v.length > 0, 'expected a non-empty string');
const finiteNumber = rule(isNumber, (v) => Number.isFinite(v), 'expected a finite number');
// Amounts are decimal major units (1234.50) and durations are seconds; both may be fractional. Both are
// summed by the engine: at most MAX_MEASURE (1e15), so that any sum stays finite and exact to the cent
// (two amounts of 1e308 would sum to Infinity and be stored as null).
export const MAX_MEASURE = 1e15;
const nonNegative = rule(isNumber, (v) => Number.isFinite(v) && v >= 0, 'expected a non-negative finite number');
const tooLarge: FieldProblem = { code: 'invalid_value', reason: `expected at most ${MAX_MEASURE} (1e15)` };
const nonNegativeNumber: FieldCheck = (v) => nonNegative(v) ?? ((v as number) > MAX_MEASURE ? tooLarge : undefined);
const integerFromOne = rule(isNumber, (v) => Number.isInteger(v) && v >= 1, 'expected a positive integer');
const positiveInteger: FieldCheck = (v) => integerFromOne(v) ?? ((v as number) > MAX_MEASURE ? tooLarge : undefined);
const ratingScore = rule(isNumber, (v) => Number.isInteger(v) && v >= 1 && v <= 5, 'expected an integer from 1 to 5');
const boolean = rule(
  (v): v is boolean => typeof v === 'boolean',
  () => true,
  'expected true or false',
);
const currency = rule(
  isString,
  (v) => CURRENCY_CODE.test(v),
  'expected an ISO 4217 currency code of 3 upper-case letters',
);
const calendarDate = rule(isString, isCalendarDate, 'expected a valid calendar date YYYY-MM-DD');
const comment = rule(
  isString,
  (v) => v.length <= MAX_COMMENT_LENGTH,
  `expected a string of at most ${MAX_COMMENT_LENGTH} characters`,
);
const timestamp: FieldCheck = (v) => {
  if (typeof v !== 'string') return { code: 'invalid_type', reason: 'expected an RFC 3339 timestamp string' };
  return Number.isNaN(parseTimestamp(v)) ? { code: 'invalid_value', reason: timestampProblem(v) } : undefined;
};
const ticketChannel = oneOf(TICKET_CHANNELS);
const leadStage = oneOf(LEAD_STAGES);

function required(name: string, check: FieldCheck): FieldSpec {
  return { name, path: `data.${name}`, required: true, check };
}

function measure(name: string): FieldSpec {
  return { ...required(name, nonNegativeNumber), unmeasurable: true };
}

// `data.unmeasured`: the type's unmeasurable durations this event lacks, each named once
function unmeasuredOf(names: readonly string[]): FieldSpec {
  const allowed = new Set(names);
  const reason = `expected a non-empty list of distinct names among ${names.join(', ')}`;
  const list = rule(
    (v): v is unknown[] => Array.isArray(v),
    (v) => v.length > 0 && new Set(v).size === v.length && v.every((n) => typeof n === 'string' && allowed.has(n)),
    reason,
  );
  return optional('unmeasured', list);
}

function optional(name: string, check: FieldCheck, withField?: string): FieldSpec {
  const spec: FieldSpec = { name, path: `data.${name}`, required: false, check };
  if (withField !== undefined) spec.with = withField;
  return spec;
}

// Every event's data: the org, and the team / person it is attributed to where there is one.
export const COMMON_DATA_FIELDS: readonly FieldSpec[] = [
  required('orgId', nonEmptyString),
  optional('teamId', nonEmptyString),
  optional('agentId', nonEmptyString),
];

const money = [required('amount', nonNegativeNumber), required('currency', currency)];
// an amount that may be unknown yet (a deal's expected value): both or neither
const optionalMoney = [optional('amount', nonNegativeNumber, 'currency'), optional('currency', currency, 'amount')];

// The data fields of each type beyond COMMON_DATA_FIELDS; a Record so that a new type cannot be
// added to EVENT_TYPES without its fields.
export const DATA_FIELDS: Readonly<Record<EventType, readonly FieldSpec[]>> = {
  'crm.lead.created': [required('leadId', nonEmptyString)],
  'crm.lead.qualified': [required('leadId', nonEmptyString), required('stage', leadStage)],
  // v1.1: the start of a deal's lifecycle (cycle time, lead → deal conversion) and its stage moves
  'crm.deal.created': [
    required('dealId', nonEmptyString),
    ...optionalMoney,
    optional('stage', nonEmptyString),
    optional('leadId', nonEmptyString),
  ],
  'crm.deal.stage_changed': [
    required('dealId', nonEmptyString),
    required('stage', nonEmptyString),
    optional('previousStage', nonEmptyString),
    ...optionalMoney,
  ],
  'crm.deal.won': [
    required('dealId', nonEmptyString),
    ...money,
    required('sqlAt', timestamp),
    optional('industry', nonEmptyString),
  ],
  'crm.deal.lost': [required('dealId', nonEmptyString), optional('sqlAt', timestamp)],
  // pre-sales inquiry: the channel is the shop's own word (chat, WeChat, Taobao…), not the ticket list
  'crm.inquiry.received': [required('visitorId', nonEmptyString), required('channel', nonEmptyString)],
  'crm.order.paid': [required('orderId', nonEmptyString), required('visitorId', nonEmptyString), ...money],
  'ticket.created': [
    required('ticketId', nonEmptyString),
    required('channel', ticketChannel),
    optional('priority', nonEmptyString),
  ],
  // channel is a v1-compatible addition: first-response SLAs differ per channel (seed 000 客服主管 A.1/A.3)
  'ticket.replied': [
    required('ticketId', nonEmptyString),
    required('firstReply', boolean),
    required('responseSeconds', nonNegativeNumber),
    optional('channel', ticketChannel),
  ],
  'ticket.solved': [
    required('ticketId', nonEmptyString),
    required('contacts', positiveInteger),
    measure('handleSeconds'),
    required('resolutionSeconds', nonNegativeNumber),
    unmeasuredOf(['handleSeconds']),
  ],
  'ticket.reopened': [required('ticketId', nonEmptyString)],
  'ticket.rated': [
    required('ticketId', nonEmptyString),
    required('score', ratingScore),
    required('satisfied', boolean),
  ],
  'call.ended': [
    required('callId', nonEmptyString),
    required('answered', boolean),
    required('talkSeconds', nonNegativeNumber),
    measure('holdSeconds'),
    measure('wrapSeconds'),
    measure('waitSeconds'),
    unmeasuredOf(['holdSeconds', 'wrapSeconds', 'waitSeconds']),
  ],
  'invoice.issued': [required('invoiceId', nonEmptyString), ...money, required('dueDate', calendarDate)],
  'payment.received': [
    required('paymentId', nonEmptyString),
    required('invoiceId', nonEmptyString),
    ...money,
    required('invoiceDueDate', calendarDate),
  ],
  'invoice.written_off': [required('invoiceId', nonEmptyString), ...money],
  'refund.issued': [...money, optional('orderId', nonEmptyString)],
  // a score for what events cannot measure (training, a manager's rating, 360 reviews); the
  // indicator, its scale and its reviewers are checked against the definitions (libs/definitions check-event.ts)
  'kpi.manual_score': [
    required('indicator', nonEmptyString),
    required('value', finiteNumber),
    required('reviewerId', nonEmptyString),
    optional('comment', comment),
  ],
};

// What ingest keeps in data when it converts an amount into the org's currency (normalize-amounts.ts).
const CONVERSION_FIELDS = ['originalAmount', 'originalCurrency'] as const;

function carriedNames(specs: readonly FieldSpec[]): readonly string[] {
  const own = specs.map((s) => s.name);
  const converted = own.includes('currency') ? CONVERSION_FIELDS : [];
  return [...COMMON_DATA_FIELDS.map((s) => s.name), ...own, ...converted];
}

const CARRIED = new Map(
  Object.entries(DATA_FIELDS).map(([type, specs]) => [type as EventType, carriedNames(specs)] as const),
);

// The names of the data fields an event of the type may carry: the common ones, its own, and the
// originals kept when its amount is converted. What a definition may name as `data.<name>`.
export function dataFieldNames(type: EventType): readonly string[] {
  return CARRIED.get(type) ?? [];
}
