import { describe, expect, it } from 'vitest';
import { dataFieldNames } from './data-fields';
import type { EventType } from './event-types';
import type { FieldError } from './field-error';
import { MAX_ID_LENGTH, validateEvent } from './validate-event';

// Each error is a field, a stable code and a reason (docs/events.md, "Errors"): the code is what metrics
// count and clients act on, so it is checked along with the other two, for every envelope mistake.
const reopened = {
  specversion: '1.0',
  id: 'zd-1',
  source: 'ticketing/zendesk',
  type: 'ticket.reopened',
  time: '2026-11-01T10:00:00+08:00',
  subject: 'ticket-1',
  data: { orgId: 'acme', ticketId: 'ticket-1' },
};

function errorsWith(changes: Record<string, unknown>): FieldError[] {
  const event: Record<string, unknown> = { ...reopened };
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete event[key];
    else event[key] = value;
  }
  const result = validateEvent(event);
  return result.ok ? [] : result.errors;
}

describe('validateEvent: field, code and reason of each envelope mistake', () => {
  it.each<[string, Record<string, unknown>, FieldError]>([
    ['no specversion', { specversion: undefined }, { field: 'specversion', code: 'missing', reason: 'is required' }],
    ['no id', { id: undefined }, { field: 'id', code: 'missing', reason: 'is required' }],
    ['no source', { source: undefined }, { field: 'source', code: 'missing', reason: 'is required' }],
    [
      'a source of another type',
      { source: ['crm'] },
      { field: 'source', code: 'invalid_type', reason: 'expected a non-empty string of at most 256 characters' },
    ],
    ['no type', { type: undefined }, { field: 'type', code: 'missing', reason: 'is required' }],
    [
      'a type of another type',
      { type: 7 },
      { field: 'type', code: 'invalid_type', reason: 'expected an event type string' },
    ],
    ['no time', { time: undefined }, { field: 'time', code: 'missing', reason: 'is required' }],
    [
      'a subject of another type',
      { subject: 7 },
      { field: 'subject', code: 'invalid_type', reason: 'expected a string' },
    ],
    ['no data', { data: undefined }, { field: 'data', code: 'missing', reason: 'is required' }],
    ['data a list', { data: [] }, { field: 'data', code: 'invalid_type', reason: 'expected an object' }],
  ])('%s', (_what, changes, error) => {
    expect(errorsWith(changes)).toEqual([error]);
  });

  it('names the field an optional one needs, with the code missing', () => {
    const deal = {
      ...reopened,
      type: 'crm.deal.created',
      data: { orgId: 'acme', dealId: 'D-1', amount: 80_000 },
    };
    const result = validateEvent(deal);
    expect(result.ok === false && result.errors).toEqual([
      { field: 'data.currency', code: 'missing', reason: 'is required with data.amount' },
    ]);
  });

  it('tells a timestamp data field of another type from a malformed one', () => {
    const won = (sqlAt: unknown) => ({
      ...reopened,
      type: 'crm.deal.won',
      data: { orgId: 'acme', dealId: 'D-1', amount: 1, currency: 'CNY', sqlAt },
    });
    const first = (input: unknown) => {
      const result = validateEvent(input);
      return result.ok ? undefined : result.errors[0];
    };
    expect(first(won(1_793_527_200_000))).toEqual({
      field: 'data.sqlAt',
      code: 'invalid_type',
      reason: 'expected an RFC 3339 timestamp string',
    });
    expect(first(won('2026-09-14T09:30:00'))).toEqual({
      field: 'data.sqlAt',
      code: 'invalid_value',
      reason: 'missing the UTC offset: expected Z or ±hh:mm after the time',
    });
  });
});

describe('validateEvent: ids and the echo of a rejection', () => {
  it('accepts an id and a source of exactly 256 characters and rejects 257', () => {
    const longest = 'x'.repeat(MAX_ID_LENGTH);
    expect(validateEvent({ ...reopened, id: longest, source: longest }).ok).toBe(true);
    expect(errorsWith({ id: `${longest}x` })).toEqual([
      { field: 'id', code: 'invalid_value', reason: 'expected a non-empty string of at most 256 characters' },
    ]);
  });

  it('echoes only an id and a source that are valid', () => {
    const badSource = validateEvent({ ...reopened, source: '', time: 'now' });
    expect(badSource).toEqual({
      ok: false,
      id: 'zd-1',
      errors: [
        { field: 'source', code: 'invalid_value', reason: 'expected a non-empty string of at most 256 characters' },
        {
          field: 'time',
          code: 'invalid_value',
          reason: 'expected an RFC 3339 timestamp with offset, e.g. 2026-11-01T10:00:00+08:00',
        },
      ],
    });
  });

  it('echoes the first 64 characters of an unknown type', () => {
    const type = `ticket.${'x'.repeat(100)}`;
    expect(errorsWith({ type })).toEqual([
      { field: 'type', code: 'unknown_type', reason: `unknown event type ${JSON.stringify(type.slice(0, 64))}` },
    ]);
  });
});

describe('dataFieldNames', () => {
  it('lists the common fields, the type own ones, and the originals of a converted amount', () => {
    expect(dataFieldNames('ticket.reopened')).toEqual(['orgId', 'teamId', 'agentId', 'ticketId']);
    expect(dataFieldNames('refund.issued')).toEqual([
      'orgId',
      'teamId',
      'agentId',
      'amount',
      'currency',
      'orderId',
      'originalAmount',
      'originalCurrency',
    ]);
  });

  it('lists nothing for a type outside the contract', () => {
    expect(dataFieldNames('ticket.closed' as EventType)).toEqual([]);
  });
});
