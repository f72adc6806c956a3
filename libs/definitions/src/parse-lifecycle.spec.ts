import { describe, expect, it } from 'vitest';
import type { IndicatorDef } from './model';
import { parseDefinitionDocument } from './parse-document';
import { validateDefinitions } from './validate-definitions';

function parse(fields: Record<string, unknown>): { indicator: IndicatorDef | undefined; messages: string[] } {
  const doc = {
    apiVersion: 'kpi-pulse/v1',
    indicators: [{ id: 'x.y', name: { en: 'X', zh: '叉' }, unit: 'seconds', windows: ['month'], ...fields }],
  };
  const parsed = parseDefinitionDocument(doc, 'f.yaml');
  return {
    indicator: parsed.definitions.indicators[0],
    messages: parsed.errors.map((e) => `${e.path}: ${e.message}`),
  };
}

// the contract problems of a parsed indicator (unknown types, fields the events do not carry)
function contract(fields: Record<string, unknown>): string[] {
  const { indicator, messages } = parse(fields);
  expect(messages).toEqual([]);
  const set = { orgs: [], indicators: indicator === undefined ? [] : [indicator], scorecards: [] };
  return validateDefinitions(set)
    .filter((i) => i.path.startsWith('indicators'))
    .map((i) => `${i.path}: ${i.message}`);
}

const FIRST_REPLY = {
  key: 'data.ticketId',
  from: { of: 'ticket.created', where: { 'data.channel': 'chat' } },
  to: { of: 'ticket.replied' },
  measure: 'within',
  within: '30s',
  horizon: '1d',
};

describe('lifecycle measures', () => {
  it('reads a "within" share: key, both ends, the first to by default, the window and the horizon', () => {
    const { indicator, messages } = parse({ lifecycle: FIRST_REPLY });
    expect(messages).toEqual([]);
    expect(indicator?.measure).toEqual({
      kind: 'lifecycle',
      key: 'data.ticketId',
      from: {
        types: ['ticket.created'],
        where: [{ field: 'data.channel', op: 'eq', value: 'chat' }],
        timeField: 'time',
        aggregation: { kind: 'count' },
      },
      to: { types: ['ticket.replied'], where: [], timeField: 'time', aggregation: { kind: 'count' } },
      pick: 'first',
      result: { kind: 'within', withinMs: 30_000 },
      horizonMs: 86_400_000,
    });
  });

  it('reads an average duration in a unit, with the last to', () => {
    const { indicator, messages } = parse({
      lifecycle: {
        key: 'data.dealId',
        from: { of: 'crm.deal.created' },
        to: { of: 'crm.deal.won' },
        pick: 'last',
        measure: 'average',
        unit: 'd',
        horizon: '365d',
      },
    });
    expect(messages).toEqual([]);
    expect(indicator?.measure).toMatchObject({ pick: 'last', result: { kind: 'average', unit: 'd' } });
  });

  it('reads a conversion: key, ends and the window', () => {
    const { indicator, messages } = parse({
      conversion: {
        key: 'data.leadId',
        from: { of: 'crm.lead.created' },
        to: { of: 'crm.deal.created' },
        within: '90d',
      },
    });
    expect(messages).toEqual([]);
    expect(indicator?.measure).toMatchObject({ kind: 'conversion', key: 'data.leadId', withinMs: 90 * 86_400_000 });
  });

  it.each([
    [{ ...FIRST_REPLY, key: undefined }, '.lifecycle.key: missing required key "key"'],
    [
      { ...FIRST_REPLY, key: 'time' },
      '.lifecycle.key: expected the field that names the record, such as data.ticketId or subject, got "time"',
    ],
    [
      { ...FIRST_REPLY, to: { of: 'ticket.replied', sum: 'data.responseSeconds' } },
      '.lifecycle.to.sum: not allowed in a to event: a pair is timed, not summed',
    ],
    [
      { ...FIRST_REPLY, pick: 'latest' },
      '.lifecycle.pick: expected one of first, last, got "latest" (did you mean "last"?)',
    ],
    [{ ...FIRST_REPLY, measure: 'median' }, '.lifecycle.measure: expected one of average, within, got "median"'],
    [{ ...FIRST_REPLY, within: undefined }, '.lifecycle.within: missing required key "within"'],
    [{ ...FIRST_REPLY, unit: 's' }, '.lifecycle.unit: only with measure: average'],
    [{ ...FIRST_REPLY, horizon: undefined }, '.lifecycle.horizon: missing required key "horizon"'],
    [{ ...FIRST_REPLY, horizon: 'soon' }, '.lifecycle.horizon: expected a duration such as 30s, 2h or 90d, got "soon"'],
    [
      { ...FIRST_REPLY, horizon: '10s' },
      '.lifecycle.horizon: expected a horizon of at least within (30s), got 10s: a pair is only counted within the horizon',
    ],
    [{ ...FIRST_REPLY, within: '0s' }, '.lifecycle.within: expected a duration such as 30s, 2h or 90d, got "0s"'],
    [
      { ...FIRST_REPLY, horizon: undefined, horizn: '1d' },
      '.lifecycle.horizn: unknown key "horizn" (did you mean "horizon"?); allowed: key, from, to, pick, measure, unit, within, horizon',
    ],
  ])('reports a wrong lifecycle with the field and the reason (%#)', (lifecycle, message) => {
    const { messages } = parse({ lifecycle });
    expect(messages.map((m) => m.replace(/^indicators\[0\]/, ''))).toContain(message);
  });

  it('allows no denominator or scale beside a joined measure', () => {
    const { messages } = parse({ lifecycle: FIRST_REPLY, scale: 100 });
    expect(messages).toEqual(['indicators[0].scale: not allowed with lifecycle']);
  });

  it('reports a conversion without a window, and a lifecycle-only key in it', () => {
    const { messages } = parse({
      conversion: {
        key: 'data.leadId',
        from: { of: 'crm.lead.created' },
        to: { of: 'crm.deal.created' },
        pick: 'first',
      },
    });
    expect(messages).toEqual([
      'indicators[0].conversion.pick: unknown key "pick"; allowed: key, from, to, within',
      'indicators[0].conversion.within: missing required key "within"',
    ]);
  });

  it('checks both ends and the key against the event contract', () => {
    expect(
      contract({
        conversion: { key: 'data.leadId', from: { of: 'crm.lead.created' }, to: { of: 'crm.deal.won' }, within: '90d' },
        unit: 'ratio',
      }),
    ).toEqual(['indicators[0].conversion.key: unknown field "data.leadId": not carried by crm.deal.won']);
    expect(
      contract({ lifecycle: { ...FIRST_REPLY, to: { of: 'ticket.replyed' } } }).some((m) =>
        m.includes('unknown event type "ticket.replyed"; did you mean "ticket.replied"?'),
      ),
    ).toBe(true);
    expect(contract({ lifecycle: FIRST_REPLY, unit: 'ratio' })).toEqual([]);
  });

  it('warns when the indicator unit is not the unit of the joined value', () => {
    const average = { ...FIRST_REPLY, measure: 'average', within: undefined, unit: 's' };
    expect(contract({ lifecycle: average, unit: 'minutes' })).toEqual([
      'indicators[0].unit: expected seconds: the value of this lifecycle is in seconds',
    ]);
    expect(contract({ lifecycle: average, unit: 'seconds' })).toEqual([]);
    expect(contract({ lifecycle: FIRST_REPLY, unit: 'seconds' })).toEqual([
      'indicators[0].unit: expected ratio: the value of this lifecycle is in ratio',
    ]);
  });
});
