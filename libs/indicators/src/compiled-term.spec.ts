import { describe, expect, it } from 'vitest';
import type { Aggregation, Condition, Term } from '#libs/definitions';
import type { CanonicalEvent } from '#libs/events';
import { compileGetter, compileTerm } from './compiled-term';

const SHANGHAI = { timeMs: Date.parse('2026-03-01T17:30:00Z'), timeZone: 'Asia/Shanghai' }; // 03-02 01:30 local

function event(data: Record<string, unknown>): CanonicalEvent {
  return {
    specversion: '1.0',
    id: 'e-1',
    source: 'crm/test',
    type: 'ticket.solved',
    time: '2026-03-01T17:30:00Z',
    subject: 'ticket/9',
    data: { orgId: 'O1', ...data },
  };
}

function term(where: Condition[], aggregation: Aggregation = { kind: 'count' }, timeField = 'time'): Term {
  return { types: ['ticket.solved'], where, timeField, aggregation };
}

const matches = (c: Condition, data: Record<string, unknown>) => compileTerm(term([c])).matches(event(data), SHANGHAI);

describe('a compiled term', () => {
  it('reads the envelope, the event time, its local date and data paths', () => {
    const e = event({ contacts: 2, 'first-reply': true, nested: { level: { deep: 7 } } });
    const read = (path: string) => compileGetter(path)(e, SHANGHAI);
    expect(read('time')).toBe(SHANGHAI.timeMs);
    expect(read('$date')).toBe(Date.parse('2026-03-02T00:00:00Z') / 86_400_000);
    expect([read('subject'), read('source'), read('type'), read('id')]).toEqual([
      'ticket/9',
      'crm/test',
      'ticket.solved',
      'e-1',
    ]);
    expect(read('data.contacts')).toBe(2);
    expect(read('data.first-reply')).toBe(true);
    expect(read('data.nested.level.deep')).toBe(7);
    expect(read('data.nested.missing.deep')).toBeUndefined();
    expect(read('data.contacts.deep')).toBeUndefined();
    expect(() => compileGetter('payload.x')).toThrow('unsupported field path payload.x');
  });

  it('compares with each operator, on the bound and either side of it', () => {
    const at = (op: Condition['op'], value: Condition['value'], contacts: unknown) =>
      matches({ field: 'data.contacts', op, value }, { contacts });
    expect([at('eq', 2, 2), at('eq', 2, 3), at('eq', 2, '2')]).toEqual([true, false, false]);
    expect([at('ne', 2, 2), at('ne', 2, 3), at('ne', 2, undefined)]).toEqual([false, true, true]);
    expect([at('gt', 2, 1), at('gt', 2, 2), at('gt', 2, 3)]).toEqual([false, false, true]);
    expect([at('gte', 2, 1), at('gte', 2, 2), at('gte', 2, 3)]).toEqual([false, true, true]);
    expect([at('lt', 2, 1), at('lt', 2, 2), at('lt', 2, 3)]).toEqual([true, false, false]);
    expect([at('lte', 2, 1), at('lte', 2, 2), at('lte', 2, 3)]).toEqual([true, true, false]);
    expect([at('in', [1, 2], 2), at('in', [1, 2], 3), at('in', 2, 2)]).toEqual([true, false, true]);
    expect([at('notIn', [1, 2], 2), at('notIn', [1, 2], 3), at('notIn', 2, 2)]).toEqual([false, true, false]);
    expect([at('exists', true, 0), at('exists', true, undefined)]).toEqual([true, false]);
    expect([at('exists', false, 0), at('exists', false, undefined)]).toEqual([false, true]);
  });

  it('holds only when every condition does; with none, always', () => {
    const both = compileTerm(
      term([
        { field: 'data.contacts', op: 'eq', value: 1 },
        { field: 'data.channel', op: 'eq', value: 'chat' },
      ]),
    );
    expect(both.matches(event({ contacts: 1, channel: 'chat' }), SHANGHAI)).toBe(true);
    expect(both.matches(event({ contacts: 1, channel: 'mail' }), SHANGHAI)).toBe(false);
    expect(both.matches(event({ contacts: 2, channel: 'chat' }), SHANGHAI)).toBe(false);
    expect(compileTerm(term([])).matches(event({}), SHANGHAI)).toBe(true);
  });

  it('adds 1 per event, the sum of its fields (NaN without one), or a duration in its unit', () => {
    expect(compileTerm(term([])).amount(event({}), SHANGHAI)).toBe(1);
    const sum = compileTerm(term([], { kind: 'sum', fields: ['data.talk', 'data.hold'] }));
    expect(sum.amount(event({ talk: 0.1, hold: 0.2 }), SHANGHAI)).toBe(0.1 + 0.2);
    expect(sum.amount(event({ talk: 5 }), SHANGHAI)).toBeNaN();
    expect(sum.amount(event({ talk: 5, hold: '3' }), SHANGHAI)).toBeNaN();
    expect(sum.distinct).toBe(false);
    const minutes = (unit: 's' | 'min' | 'h' | 'd') =>
      compileTerm(term([], { kind: 'duration', from: 'data.openedAt', to: 'time', unit })).amount(
        event({ openedAt: '2026-03-01T17:00:00Z' }),
        SHANGHAI,
      );
    expect([minutes('s'), minutes('min'), minutes('h'), minutes('d')]).toEqual([1800, 30, 0.5, 1 / 48]);
    const fromNumber = compileTerm(term([], { kind: 'duration', from: 'data.at', to: 'data.until', unit: 's' }));
    expect(fromNumber.amount(event({ at: 1000, until: 4000 }), SHANGHAI)).toBe(3);
    expect(fromNumber.amount(event({ at: true, until: 4000 }), SHANGHAI)).toBeNaN();
  });

  it('keys a distinct tuple; an event missing a part has no key', () => {
    const t = compileTerm(term([], { kind: 'distinct', fields: ['data.agentId', '$date', 'data.tags'] }));
    expect(t.distinct).toBe(true);
    const day = Date.parse('2026-03-02T00:00:00Z') / 86_400_000;
    expect(t.key(event({ agentId: 'A1', tags: ['x', 1] }), SHANGHAI)).toBe(`A1\u0001${day}\u0001["x",1]`);
    expect(t.key(event({ agentId: 'A1' }), SHANGHAI)).toBe('');
    expect(t.key(event({ agentId: null, tags: 1 }), SHANGHAI)).toBe('');
    expect(compileTerm(term([])).key(event({}), SHANGHAI)).toBe('');
    const one = compileTerm(term([], { kind: 'distinct', fields: ['data.n'] }));
    expect(one.key(event({ n: 0 }), SHANGHAI)).toBe('0');
    expect(one.amount(event({ n: 0 }), SHANGHAI)).toBeNaN();
  });

  it('places an event by its time, or at the local midnight of a date field', () => {
    expect(compileTerm(term([])).usesEventTime).toBe(true);
    expect(compileTerm(term([])).timeOf(event({}), SHANGHAI)).toBe(SHANGHAI.timeMs);
    const due = compileTerm(term([], { kind: 'count' }, 'data.dueDate'));
    expect(due.usesEventTime).toBe(false);
    expect(due.timeOf(event({ dueDate: '2026-03-31' }), SHANGHAI)).toBe(Date.parse('2026-03-30T16:00:00Z'));
    expect(due.timeOf(event({ dueDate: '2026-02-30' }), SHANGHAI)).toBeNaN();
    expect(due.timeOf(event({ dueDate: 20260331 }), SHANGHAI)).toBeNaN();
  });
});

describe('a compiled term, odd values', () => {
  it('reads undefined below a null or a text in a data path, and throws nothing', () => {
    const read = (data: Record<string, unknown>) => compileGetter('data.nested.level')(event(data), SHANGHAI);
    expect(read({ nested: null })).toBeUndefined();
    expect(read({ nested: 'text' })).toBeUndefined();
    expect(read({ nested: { level: 3 } })).toBe(3);
  });

  it('takes no duration from an instant that is neither a number nor a text', () => {
    const duration = compileTerm(term([], { kind: 'duration', from: 'data.at', to: 'data.until', unit: 's' }));
    const at = Date.parse('2026-01-01T00:00:00Z');
    expect(duration.amount(event({ at: [2026], until: at }), SHANGHAI)).toBeNaN();
    expect(duration.amount(event({ at: '2026-01-01T00:00:00Z', until: at + 5000 }), SHANGHAI)).toBe(5);
  });
});
