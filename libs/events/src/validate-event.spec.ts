import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from './canonical-event';
import { EVENT_TYPES, type EventType } from './event-types';
import { formatErrors } from './field-error';
import { validateEvent } from './validate-event';

const WHO = { orgId: 'acme', teamId: 'cs-sh', agentId: 'a-042' };

// One valid data object per type; a Record so that a new type cannot go untested.
const VALID_DATA: Record<EventType, Record<string, unknown>> = {
  'crm.lead.created': { leadId: 'L-1' },
  'crm.lead.qualified': { leadId: 'L-1', stage: 'SQL' },
  'crm.deal.created': { dealId: 'D-7', amount: 80000, currency: 'USD', stage: 'discovery', leadId: 'L-1' },
  'crm.deal.stage_changed': { dealId: 'D-7', stage: 'proposal', previousStage: 'discovery' },
  'crm.deal.won': {
    dealId: 'D-7',
    amount: 1234.5,
    currency: 'CNY',
    sqlAt: '2026-09-14T09:30:00+08:00',
    industry: 'retail',
  },
  'crm.deal.lost': { dealId: 'D-8', sqlAt: '2026-09-20T01:00:00Z' },
  'crm.inquiry.received': { visitorId: 'v-9', channel: 'wechat' },
  'crm.order.paid': { orderId: 'O-3', visitorId: 'v-9', amount: 99, currency: 'CNY' },
  'ticket.created': { ticketId: 'T-1', channel: 'email', priority: 'high' },
  'ticket.replied': { ticketId: 'T-1', firstReply: true, responseSeconds: 27.5, channel: 'chat' },
  'ticket.solved': { ticketId: 'T-1', contacts: 1, handleSeconds: 310, resolutionSeconds: 5400 },
  'ticket.reopened': { ticketId: 'T-1' },
  'ticket.rated': { ticketId: 'T-1', score: 5, satisfied: true },
  'call.ended': { callId: 'C-1', answered: true, talkSeconds: 240, holdSeconds: 0, wrapSeconds: 35.2, waitSeconds: 12 },
  'invoice.issued': { invoiceId: 'I-1', amount: 5000, currency: 'CNY', dueDate: '2026-12-31' },
  'payment.received': {
    paymentId: 'P-1',
    invoiceId: 'I-1',
    amount: 5000,
    currency: 'CNY',
    invoiceDueDate: '2024-02-29',
  },
  'invoice.written_off': { invoiceId: 'I-2', amount: 0.01, currency: 'CNY' },
  'refund.issued': { amount: 20, currency: 'CNY', orderId: 'O-3' },
  'kpi.manual_score': { indicator: 'cs.training_attendance', value: 92.5, reviewerId: 'mgr-1', comment: '按时参加' },
};

function example(type: EventType, data: Record<string, unknown> = VALID_DATA[type]): CanonicalEvent {
  return {
    specversion: '1.0',
    id: `evt-${type}`,
    source: 'test/events',
    type,
    time: '2026-11-01T10:00:00+08:00',
    subject: 'record-1',
    data: { ...WHO, ...data },
  };
}

function errorsOf(input: unknown): string[] {
  const result = validateEvent(input);
  return result.ok ? [] : result.errors.map((e) => `${e.field}: ${e.reason}`);
}

// A valid event of `type` with one change: a value set, or a key deleted when the value is undefined.
function changed(type: EventType, path: string, value: unknown): Record<string, unknown> {
  const event = example(type) as unknown as Record<string, unknown>;
  const copy: Record<string, unknown> = { ...event, data: { ...(event.data as Record<string, unknown>) } };
  const [head, tail] = path.startsWith('data.') ? [copy.data as Record<string, unknown>, path.slice(5)] : [copy, path];
  if (value === undefined) delete head[tail];
  else head[tail] = value;
  return copy;
}

describe('validateEvent: valid events', () => {
  it.each(EVENT_TYPES)('accepts a valid %s and gives its time in epoch ms', (type) => {
    const event = example(type);
    const result = validateEvent(event);
    expect(result).toEqual({ ok: true, event, timeMs: Date.parse('2026-11-01T02:00:00Z') });
  });

  it('accepts an event with only the required fields', () => {
    const minimal = {
      specversion: '1.0',
      id: 'x',
      source: 's',
      type: 'ticket.reopened',
      time: '2026-01-01T00:00:00Z',
      data: { orgId: 'o', ticketId: 't' },
    };
    expect(validateEvent(minimal).ok).toBe(true);
  });

  it('accepts unknown envelope extensions and extra data fields', () => {
    const event = {
      ...example('ticket.solved'),
      traceparent: '00-abc-01',
      data: { ...example('ticket.solved').data, queue: 'vip' },
    };
    expect(validateEvent(event).ok).toBe(true);
  });

  it('accepts an order channel the ticket channels do not list', () => {
    expect(validateEvent(changed('crm.inquiry.received', 'data.channel', 'taobao')).ok).toBe(true);
  });
});

describe('validateEvent: durations a producer cannot measure (data.unmeasured)', () => {
  const without = (type: EventType, ...names: string[]) =>
    Object.fromEntries(Object.entries(VALID_DATA[type]).filter(([name]) => !names.includes(name)));
  const call = (data: Record<string, unknown>) =>
    example('call.ended', { ...without('call.ended', 'holdSeconds', 'wrapSeconds'), ...data });

  it('takes a call without hold and wrap-up time when it names them unmeasured', () => {
    expect(errorsOf(call({ unmeasured: ['holdSeconds', 'wrapSeconds'] }))).toEqual([]);
    const solved = without('ticket.solved', 'handleSeconds');
    expect(errorsOf(example('ticket.solved', { ...solved, unmeasured: ['handleSeconds'] }))).toEqual([]);
  });

  it('still requires what it does not name, and refuses a name for a present, measured or unknown field', () => {
    expect(errorsOf(call({ unmeasured: ['holdSeconds'] }))).toEqual(['data.wrapSeconds: is required']);
    expect(errorsOf(call({ holdSeconds: 0, wrapSeconds: 0, unmeasured: ['holdSeconds'] }))).toEqual([
      'data.unmeasured: names data.holdSeconds, which is present',
    ]);
    const list = 'expected a non-empty list of distinct names among holdSeconds, wrapSeconds, waitSeconds';
    expect(errorsOf(call({ unmeasured: ['holdSeconds', 'wrapSeconds', 'talkSeconds'] }))).toEqual([
      `data.unmeasured: ${list}`,
    ]);
    expect(errorsOf(call({ holdSeconds: 0, wrapSeconds: 0, unmeasured: [] }))).toEqual([`data.unmeasured: ${list}`]);
    expect(errorsOf(call({ unmeasured: 'holdSeconds,wrapSeconds' }))).toEqual([
      'data.holdSeconds: is required',
      'data.wrapSeconds: is required',
      `data.unmeasured: ${list}`,
    ]);
    // a measure of another type cannot be left out that way
    const reply = without('ticket.replied', 'responseSeconds');
    expect(errorsOf(example('ticket.replied', { ...reply, unmeasured: ['responseSeconds'] }))).toEqual([
      'data.responseSeconds: is required',
    ]);
  });
});

describe('validateEvent: each mistake names the field and the reason', () => {
  const cases: [string, EventType, string, unknown, string][] = [
    ['specversion missing', 'ticket.reopened', 'specversion', undefined, 'specversion: is required'],
    ['specversion 0.3', 'ticket.reopened', 'specversion', '0.3', 'specversion: expected "1.0"'],
    ['id missing', 'ticket.reopened', 'id', undefined, 'id: is required'],
    ['id empty', 'ticket.reopened', 'id', '', 'id: expected a non-empty string of at most 256 characters'],
    [
      'id too long',
      'ticket.reopened',
      'id',
      'x'.repeat(257),
      'id: expected a non-empty string of at most 256 characters',
    ],
    ['id a number', 'ticket.reopened', 'id', 42, 'id: expected a non-empty string of at most 256 characters'],
    ['source empty', 'ticket.reopened', 'source', '', 'source: expected a non-empty string of at most 256 characters'],
    ['type missing', 'ticket.reopened', 'type', undefined, 'type: is required'],
    ['type unknown', 'ticket.reopened', 'type', 'ticket.closed', 'type: unknown event type "ticket.closed"'],
    ['type a number', 'ticket.reopened', 'type', 3, 'type: expected an event type string'],
    ['time missing', 'ticket.reopened', 'time', undefined, 'time: is required'],
    ['time a number', 'ticket.reopened', 'time', 1793527200000, 'time: expected an RFC 3339 timestamp string'],
    [
      'time without offset',
      'ticket.reopened',
      'time',
      '2026-11-01T10:00:00',
      'time: missing the UTC offset: expected Z or ±hh:mm after the time',
    ],
    ['time month 13', 'ticket.reopened', 'time', '2026-13-01T10:00:00Z', 'time: not a valid date and time'],
    ['time Feb 30', 'ticket.reopened', 'time', '2026-02-30T10:00:00+08:00', 'time: not a valid date and time'],
    [
      'time date only',
      'ticket.reopened',
      'time',
      '2026-11-01',
      'time: expected an RFC 3339 timestamp with offset, e.g. 2026-11-01T10:00:00+08:00',
    ],
    ['subject a number', 'ticket.reopened', 'subject', 7, 'subject: expected a string'],
    ['data missing', 'ticket.reopened', 'data', undefined, 'data: is required'],
    ['data an array', 'ticket.reopened', 'data', [], 'data: expected an object'],
    ['orgId missing', 'ticket.reopened', 'data.orgId', undefined, 'data.orgId: is required'],
    ['orgId empty', 'ticket.reopened', 'data.orgId', '', 'data.orgId: expected a non-empty string'],
    ['teamId null', 'ticket.reopened', 'data.teamId', null, 'data.teamId: expected a non-empty string'],
    ['agentId a number', 'ticket.reopened', 'data.agentId', 42, 'data.agentId: expected a non-empty string'],
    ['ticketId missing', 'ticket.reopened', 'data.ticketId', undefined, 'data.ticketId: is required'],
    ['stage lower case', 'crm.lead.qualified', 'data.stage', 'sql', 'data.stage: expected one of MQL, SQL'],
    [
      'deal amount without currency',
      'crm.deal.created',
      'data.currency',
      undefined,
      'data.currency: is required with data.amount',
    ],
    ['stage change without stage', 'crm.deal.stage_changed', 'data.stage', undefined, 'data.stage: is required'],
    ['amount negative', 'crm.deal.won', 'data.amount', -1, 'data.amount: expected a non-negative finite number'],
    ['amount a string', 'crm.order.paid', 'data.amount', '12.50', 'data.amount: expected a non-negative finite number'],
    [
      'amount infinite',
      'invoice.issued',
      'data.amount',
      Infinity,
      'data.amount: expected a non-negative finite number',
    ],
    [
      'currency lower case',
      'refund.issued',
      'data.currency',
      'cny',
      'data.currency: expected an ISO 4217 currency code of 3 upper-case letters',
    ],
    ['currency missing', 'invoice.written_off', 'data.currency', undefined, 'data.currency: is required'],
    [
      'sqlAt without offset',
      'crm.deal.won',
      'data.sqlAt',
      '2026-09-14T09:30:00',
      'data.sqlAt: missing the UTC offset: expected Z or ±hh:mm after the time',
    ],
    [
      'sqlAt a date',
      'crm.deal.lost',
      'data.sqlAt',
      '2026-09-14',
      'data.sqlAt: expected an RFC 3339 timestamp with offset, e.g. 2026-11-01T10:00:00+08:00',
    ],
    ['industry empty', 'crm.deal.won', 'data.industry', '', 'data.industry: expected a non-empty string'],
    ['inquiry channel empty', 'crm.inquiry.received', 'data.channel', '', 'data.channel: expected a non-empty string'],
    [
      'ticket channel unknown',
      'ticket.created',
      'data.channel',
      'fax',
      'data.channel: expected one of chat, phone, email, web',
    ],
    [
      'reply channel unknown',
      'ticket.replied',
      'data.channel',
      'Chat',
      'data.channel: expected one of chat, phone, email, web',
    ],
    ['firstReply a string', 'ticket.replied', 'data.firstReply', 'true', 'data.firstReply: expected true or false'],
    [
      'responseSeconds negative',
      'ticket.replied',
      'data.responseSeconds',
      -0.5,
      'data.responseSeconds: expected a non-negative finite number',
    ],
    ['contacts zero', 'ticket.solved', 'data.contacts', 0, 'data.contacts: expected a positive integer'],
    ['contacts fractional', 'ticket.solved', 'data.contacts', 1.5, 'data.contacts: expected a positive integer'],
    [
      'handleSeconds NaN',
      'ticket.solved',
      'data.handleSeconds',
      NaN,
      'data.handleSeconds: expected a non-negative finite number',
    ],
    ['score 7', 'ticket.rated', 'data.score', 7, 'data.score: expected an integer from 1 to 5'],
    ['score 0', 'ticket.rated', 'data.score', 0, 'data.score: expected an integer from 1 to 5'],
    ['satisfied 1', 'ticket.rated', 'data.satisfied', 1, 'data.satisfied: expected true or false'],
    ['answered missing', 'call.ended', 'data.answered', undefined, 'data.answered: is required'],
    [
      'waitSeconds a string',
      'call.ended',
      'data.waitSeconds',
      '12',
      'data.waitSeconds: expected a non-negative finite number',
    ],
    [
      'dueDate impossible',
      'invoice.issued',
      'data.dueDate',
      '2026-02-29',
      'data.dueDate: expected a valid calendar date YYYY-MM-DD',
    ],
    [
      'dueDate with time',
      'invoice.issued',
      'data.dueDate',
      '2026-12-31T00:00:00Z',
      'data.dueDate: expected a valid calendar date YYYY-MM-DD',
    ],
    [
      'invoiceDueDate slashes',
      'payment.received',
      'data.invoiceDueDate',
      '2026/12/31',
      'data.invoiceDueDate: expected a valid calendar date YYYY-MM-DD',
    ],
    ['orderId empty', 'refund.issued', 'data.orderId', '', 'data.orderId: expected a non-empty string'],
    ['manual indicator missing', 'kpi.manual_score', 'data.indicator', undefined, 'data.indicator: is required'],
    ['manual value a string', 'kpi.manual_score', 'data.value', '90', 'data.value: expected a finite number'],
    ['reviewerId empty', 'kpi.manual_score', 'data.reviewerId', '', 'data.reviewerId: expected a non-empty string'],
    [
      'comment too long',
      'kpi.manual_score',
      'data.comment',
      'x'.repeat(2001),
      'data.comment: expected a string of at most 2000 characters',
    ],
  ];

  it.each(cases)('%s', (_name, type, path, value, expected) => {
    expect(errorsOf(changed(type, path, value))).toEqual([expected]);
  });

  it('rejects inputs that are not objects', () => {
    for (const input of [null, undefined, 'event', 42, true, [example('ticket.reopened')]]) {
      expect(errorsOf(input)).toEqual(['event: expected a JSON object']);
    }
  });

  it('accepts a manual score of any finite value and a comment of exactly 2000 characters', () => {
    expect(validateEvent(changed('kpi.manual_score', 'data.value', -3)).ok).toBe(true);
    expect(validateEvent(changed('kpi.manual_score', 'data.comment', 'x'.repeat(2000))).ok).toBe(true);
  });
});

describe('validateEvent: reporting', () => {
  it('collects every error, in envelope-then-data order', () => {
    const input = {
      specversion: '1.0',
      id: 'e1',
      source: 'ticketing/zendesk',
      type: 'ticket.solved',
      time: '2026-11-01T10:00:00',
      data: { orgId: 'acme', ticketId: 'T-1', contacts: 0, handleSeconds: -1 },
    };
    expect(errorsOf(input)).toEqual([
      'time: missing the UTC offset: expected Z or ±hh:mm after the time',
      'data.contacts: expected a positive integer',
      'data.handleSeconds: expected a non-negative finite number',
      'data.resolutionSeconds: is required',
    ]);
  });

  it('echoes the id and source of a rejected event so that it can be traced', () => {
    expect(validateEvent(changed('ticket.solved', 'data.contacts', 0))).toMatchObject({
      ok: false,
      id: 'evt-ticket.solved',
      source: 'test/events',
    });
    const result = validateEvent(changed('ticket.solved', 'id', ''));
    expect(result.ok === false && 'id' in result).toBe(false);
  });

  it('checks the common data fields of an event of unknown type', () => {
    expect(errorsOf({ ...changed('ticket.reopened', 'type', 'ticket.closed'), data: { ticketId: 'T' } })).toEqual([
      'type: unknown event type "ticket.closed"',
      'data.orgId: is required',
    ]);
  });

  it('does not take a type from Object.prototype', () => {
    expect(errorsOf(changed('ticket.reopened', 'type', 'constructor'))).toEqual([
      'type: unknown event type "constructor"',
    ]);
  });

  it('gives every error a stable code: missing, invalid_type, invalid_value or unknown_type', () => {
    const codeOf = (input: unknown): string[] => {
      const result = validateEvent(input);
      return result.ok ? [] : result.errors.map((e) => `${e.field} ${e.code}`);
    };
    expect(codeOf(changed('ticket.solved', 'data.contacts', undefined))).toEqual(['data.contacts missing']);
    expect(codeOf(changed('ticket.solved', 'data.contacts', '1'))).toEqual(['data.contacts invalid_type']);
    expect(codeOf(changed('ticket.solved', 'data.contacts', 0))).toEqual(['data.contacts invalid_value']);
    expect(codeOf(changed('ticket.solved', 'type', 'ticket.solvd'))).toEqual(['type unknown_type']);
    expect(codeOf(changed('ticket.solved', 'time', '2026-11-01T10:00:00'))).toEqual(['time invalid_value']);
    expect(codeOf(changed('ticket.solved', 'time', 7))).toEqual(['time invalid_type']);
    expect(codeOf(changed('ticket.solved', 'id', ''))).toEqual(['id invalid_value']);
    expect(codeOf(changed('ticket.solved', 'source', 3))).toEqual(['source invalid_type']);
    expect(codeOf(changed('ticket.solved', 'specversion', '0.3'))).toEqual(['specversion invalid_value']);
    expect(codeOf(changed('ticket.solved', 'data', 'x'))).toEqual(['data invalid_type']);
    expect(codeOf(changed('ticket.created', 'data.channel', 'fax'))).toEqual(['data.channel invalid_value']);
    expect(codeOf(changed('ticket.rated', 'data.satisfied', 'yes'))).toEqual(['data.satisfied invalid_type']);
    expect(codeOf(42)).toEqual(['event invalid_type']);
  });

  it('formats errors as "field: reason" joined by "; "', () => {
    expect(
      formatErrors([
        { field: 'data.contacts', reason: 'expected a positive integer' },
        { field: 'time', reason: 'is required' },
      ]),
    ).toBe('data.contacts: expected a positive integer; time: is required');
  });
});

describe('validateEvent never throws', () => {
  it('for any JSON-like value', () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withObjectString: true }), (input) => {
        const result = validateEvent(input);
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
  });

  it('for valid events with any field replaced by anything, and rejects a broken required field', () => {
    const field = fc.constantFrom(
      'specversion',
      'id',
      'source',
      'type',
      'time',
      'subject',
      'data',
      'data.orgId',
      'data.contacts',
    );
    fc.assert(
      fc.property(fc.constantFrom(...EVENT_TYPES), field, fc.anything(), (type, path, value) => {
        const result = validateEvent(changed(type, path, value));
        if (path === 'data' && !(typeof value === 'object' && value !== null && !Array.isArray(value))) {
          expect(result.ok).toBe(false);
        }
        if (path === 'data.orgId' && typeof value !== 'string') expect(result.ok).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('for an object whose fields throw when read', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('boom');
        },
      },
    );
    expect(validateEvent(hostile)).toEqual({
      ok: false,
      errors: [{ field: 'event', code: 'unreadable', reason: 'could not be read' }],
    });
  });
});
