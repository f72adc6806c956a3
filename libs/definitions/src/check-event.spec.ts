import { TRAINING_SCORE } from './sample-definitions.fixture';
import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '#libs/events';
import { checkEvent, manualScoreProblem, type EventCheck } from './check-event';
import type { DefinitionSet, IndicatorDef } from './model';

const MANUAL = TRAINING_SCORE;

const SOLVED: IndicatorDef = {
  ...MANUAL,
  id: 'support.solved',
  measure: {
    kind: 'terms',
    numerator: { types: ['ticket.solved'], where: [], timeField: 'time', aggregation: { kind: 'count' } },
    scale: 1,
  },
};

const DEFINITIONS: DefinitionSet = {
  orgs: [{ id: 'acme', timeZone: 'Asia/Shanghai', currency: 'CNY', exchangeRates: { USD: 7.1 } }],
  indicators: [MANUAL, SOLVED],
  scorecards: [],
};

function event(type: string, data: Record<string, unknown>): CanonicalEvent {
  return {
    specversion: '1.0',
    id: 'e1',
    source: 'test/events',
    type,
    time: '2026-11-01T10:00:00+08:00',
    data: { orgId: 'acme', agentId: 'a-1', ...data },
  };
}

function score(value: number, reviewerId = 'trainer-1', indicator = 'cs.training'): CanonicalEvent {
  return event('kpi.manual_score', { indicator, value, reviewerId });
}

function invoice(currency: string, orgId = 'acme'): CanonicalEvent {
  return event('invoice.issued', { orgId, invoiceId: 'I-1', amount: 10, currency, dueDate: '2026-12-01' });
}

function rejection(check: EventCheck): { field: string; code: string; message: string } | undefined {
  return check.ok ? undefined : check.rejection;
}

describe('checkEvent', () => {
  it('takes a valid event, from a JSON string or parsed, as sent and with its time', () => {
    const sent = invoice('USD');
    expect(checkEvent(sent, DEFINITIONS, null)).toEqual({ ok: true, event: sent, timeMs: Date.parse(sent.time) });
    expect(checkEvent(JSON.stringify(sent), DEFINITIONS, null)).toEqual({
      ok: true,
      event: sent,
      timeMs: Date.parse(sent.time),
    });
    expect(checkEvent(score(100), DEFINITIONS, null).ok).toBe(true);
    expect(checkEvent(score(0), DEFINITIONS, null).ok).toBe(true);
  });

  it('rejects text that is not JSON: invalid_json', () => {
    expect(rejection(checkEvent('{"specversion": "1.0", ', DEFINITIONS, null))).toEqual({
      field: 'event',
      code: 'invalid_json',
      message: expect.stringMatching(/^invalid JSON: /) as string,
    });
  });

  it('names the id and source of a rejected event only when it has them', () => {
    for (const text of ['{"specversion": "1.0", ', '[1]', '{}', '{"id": 7}'])
      expect(Object.keys(rejection(checkEvent(text, DEFINITIONS, null)) ?? {}).sort(), text).toEqual([
        'code',
        'field',
        'message',
      ]);
    const named = rejection(checkEvent('{"id": "e9", "source": "s/x"}', DEFINITIONS, null));
    expect(named).toMatchObject({ id: 'e9', source: 's/x' });
  });

  it('rejects a contract violation with the first field and code and every problem in the message', () => {
    const broken = { ...event('ticket.solved', { ticketId: 'T', contacts: 0, handleSeconds: 1 }), time: undefined };
    expect(checkEvent(broken, DEFINITIONS, null)).toEqual({
      ok: false,
      rejection: {
        field: 'time',
        code: 'missing',
        message: 'time: is required; data.contacts: expected a positive integer; data.resolutionSeconds: is required',
        id: 'e1',
        source: 'test/events',
      },
    });
    expect(rejection(checkEvent(event('ticket.solvd', {}), DEFINITIONS, null))).toMatchObject({
      field: 'type',
      code: 'unknown_type',
    });
    expect(rejection(checkEvent(score(Number.NaN), DEFINITIONS, null))).toMatchObject({
      field: 'data.value',
      code: 'invalid_value',
    });
    expect(rejection(checkEvent(event('ticket.reopened', { ticketId: 5 }), DEFINITIONS, null))).toMatchObject({
      field: 'data.ticketId',
      code: 'invalid_type',
    });
    expect(rejection(checkEvent([], DEFINITIONS, null))).toMatchObject({ field: 'event', code: 'invalid_type' });
  });

  it('rejects an org that is not defined, with no default org: unknown_org', () => {
    expect(rejection(checkEvent(invoice('CNY', 'globex'), DEFINITIONS, null))).toEqual({
      field: 'data.orgId',
      code: 'unknown_org',
      message: 'data.orgId: unknown org globex and no default org',
      id: 'e1',
      source: 'test/events',
    });
  });

  it('rejects a currency the org cannot convert: no_exchange_rate, invalid_exchange_rate', () => {
    expect(rejection(checkEvent(invoice('EUR'), DEFINITIONS, null))).toMatchObject({
      field: 'data.currency',
      code: 'no_exchange_rate',
      message: "data.currency: EUR differs from the org's reporting currency CNY and no exchange rate is configured",
    });
    const zeroRate: DefinitionSet = {
      ...DEFINITIONS,
      orgs: [{ id: '*', timeZone: 'UTC', currency: 'CNY', exchangeRates: { USD: 0 } }],
    };
    expect(rejection(checkEvent(invoice('USD'), zeroRate, null))).toMatchObject({
      field: 'data.currency',
      code: 'invalid_exchange_rate',
    });
  });

  it('rejects a manual score for an indicator that is not manual: not_manual_indicator', () => {
    for (const id of ['support.solved', 'cs.nothing']) {
      expect(rejection(checkEvent(score(50, 'trainer-1', id), DEFINITIONS, null))).toMatchObject({
        field: 'data.indicator',
        code: 'not_manual_indicator',
        message: `data.indicator: ${id} is not a manual indicator`,
      });
    }
  });

  it('rejects a manual score outside the scale: out_of_scale', () => {
    for (const value of [999, -0.5, 100.01]) {
      expect(rejection(checkEvent(score(value), DEFINITIONS, null))).toEqual({
        field: 'data.value',
        code: 'out_of_scale',
        message: 'data.value: expected a number from 0 to 100',
        id: 'e1',
        source: 'test/events',
      });
    }
  });

  it('rejects a manual score from a reviewer the indicator does not list: reviewer_not_allowed', () => {
    expect(rejection(checkEvent(score(80, 'intern-7'), DEFINITIONS, null))).toMatchObject({
      field: 'data.reviewerId',
      code: 'reviewer_not_allowed',
      message: 'data.reviewerId: intern-7 may not score cs.training',
    });
    const anyone: DefinitionSet = {
      ...DEFINITIONS,
      indicators: [{ ...MANUAL, measure: { kind: 'manual', scale: [0, 100] } }],
    };
    expect(checkEvent(score(80, 'intern-7'), anyone, null).ok).toBe(true);
  });

  it('refuses a manual score whose value is no number, asked directly as the engine asks', () => {
    // checkEvent's contract check refuses it first; the engine calls manualScoreProblem on its own
    for (const value of ['50', null, undefined, true]) {
      expect(manualScoreProblem({ ...score(50), data: { ...score(50).data, value } }, [MANUAL])).toEqual({
        field: 'data.value',
        code: 'out_of_scale',
        reason: 'expected a number from 0 to 100',
      });
    }
    expect(manualScoreProblem(score(50), [MANUAL])).toBeUndefined();
  });

  it('leaves alone a currency that is not text on a type without money, as the engine does', () => {
    // the contract does not define data.currency for ticket.solved: it is kept, not converted
    const solved = event('ticket.solved', { ticketId: 'T', contacts: 1, handleSeconds: 3, resolutionSeconds: 3 });
    const extra = { ...solved, data: { ...solved.data, currency: 5 } };
    expect(checkEvent(extra, DEFINITIONS, null)).toEqual({ ok: true, event: extra, timeMs: Date.parse(extra.time) });
  });

  describe("the time bound: no event timed beyond the receiver's clock + tolerance", () => {
    // the event is timed 2026-11-01T02:00:00Z
    const sentAt = Date.parse('2026-11-01T10:00:00+08:00');
    const bound = (now: number, toleranceMs = 300_000) => ({ now, toleranceMs });

    it('takes an event up to the tolerance ahead, and one in the past, however old', () => {
      expect(checkEvent(event('ticket.reopened', { ticketId: 't' }), DEFINITIONS, bound(sentAt - 300_000)).ok).toBe(
        true,
      );
      expect(checkEvent(event('ticket.reopened', { ticketId: 't' }), DEFINITIONS, bound(sentAt + 86_400_000)).ok).toBe(
        true,
      );
    });

    it('refuses one a millisecond beyond it, with field time and code too_far_ahead', () => {
      expect(checkEvent(event('ticket.reopened', { ticketId: 't' }), DEFINITIONS, bound(sentAt - 300_001))).toEqual({
        ok: false,
        rejection: {
          field: 'time',
          code: 'too_far_ahead',
          message:
            "time: 2026-11-01T02:00:00.000Z is more than 300 s ahead of the receiver's clock (2026-11-01T01:54:59.999Z)",
          id: 'e1',
          source: 'test/events',
        },
      });
    });

    it('refuses an event timed 2099, for a known org or an unknown one', () => {
      const future = { ...event('ticket.reopened', { ticketId: 't' }), time: '2099-01-01T00:00:00Z' };
      const stranger = { ...future, data: { ...future.data, orgId: 'globex' } };
      for (const e of [future, stranger, JSON.stringify(future)])
        expect(rejection(checkEvent(e, DEFINITIONS, bound(sentAt)))).toMatchObject({
          field: 'time',
          code: 'too_far_ahead',
        });
    });

    it('with a zero tolerance, refuses anything after now', () => {
      expect(rejection(checkEvent(score(80), DEFINITIONS, bound(sentAt - 1, 0)))?.code).toBe('too_far_ahead');
      expect(checkEvent(score(80), DEFINITIONS, bound(sentAt, 0)).ok).toBe(true);
    });

    it('without a bound (a batch as of a date), checks no time', () => {
      const future = { ...score(80), time: '2099-01-01T00:00:00Z' };
      expect(checkEvent(future, DEFINITIONS, null).ok).toBe(true);
    });
  });
});
