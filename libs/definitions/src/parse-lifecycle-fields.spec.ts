import { describe, expect, it } from 'vitest';
import type { Measure } from './model';
import { parseDefinitionDocument } from './parse-document';

const LIFECYCLE = {
  key: 'data.ticketId',
  from: { of: 'ticket.created' },
  to: { of: 'ticket.replied' },
  measure: 'within',
  within: '30s',
  horizon: '7d',
};
const CONVERSION = { key: 'data.leadId', from: { of: 'crm.lead.created' }, to: { of: 'crm.deal.won' }, within: '90d' };

// A joined indicator with some fields of its measure replaced (undefined removes one): the measure kept
// and every issue.
function parseJoined(
  kind: 'lifecycle' | 'conversion',
  fields: Record<string, unknown>,
): { measure: Measure | undefined; messages: string[] } {
  const base = kind === 'lifecycle' ? LIFECYCLE : CONVERSION;
  const doc = {
    apiVersion: 'kpi-pulse/v1',
    indicators: [{ id: 'x.y', name: 'X', unit: 'ratio', windows: 'month', [kind]: { ...base, ...fields } }],
  };
  const parsed = parseDefinitionDocument(doc, 'f.yaml');
  return {
    measure: parsed.definitions.indicators[0]?.measure,
    messages: parsed.errors.map((e) => `${e.severity} ${e.path}: ${e.message}`),
  };
}

const AT = 'error indicators[0].lifecycle';
const KEY = 'the field that names the record, such as data.ticketId or subject';
const DURATION = 'a duration such as 30s, 2h or 90d';

describe('a lifecycle measure refused, field by field', () => {
  const cases: [string, Record<string, unknown>, string[]][] = [
    ['no key', { key: undefined }, [`${AT}.key: missing required key "key"`]],
    ['a key that is an envelope field', { key: 'id' }, [`${AT}.key: expected ${KEY}, got "id"`]],
    ['a key that is a number', { key: 3 }, [`${AT}.key: expected ${KEY}, got 3`]],
    [
      'no ends',
      { from: undefined, to: undefined },
      [`${AT}.from: missing required key "from"`, `${AT}.to: missing required key "to"`],
    ],
    [
      'a summed start',
      { from: { of: 'a', sum: 'data.x' } },
      [`${AT}.from.sum: not allowed in a from event: a pair is timed, not summed`],
    ],
    [
      'an end placed by a date field',
      { to: { of: 'a', time: 'data.d' } },
      [`${AT}.to.time: not allowed in a to event: a pair is timed by its events' time`],
    ],
    ['a start that is a number', { from: 3 }, [`${AT}.from: expected a mapping, got 3`]],
    ['a pick of neither end', { pick: 'middle' }, [`${AT}.pick: expected one of first, last, got "middle"`]],
    ['no result', { measure: undefined }, [`${AT}.measure: missing required key "measure"`]],
    ['a median', { measure: 'median' }, [`${AT}.measure: expected one of average, within, got "median"`]],
    [
      'an average without a unit, with a within',
      { measure: 'average' },
      [`${AT}.within: only with measure: within`, `${AT}.unit: missing required key "unit"`],
    ],
    ['no within', { within: undefined }, [`${AT}.within: missing required key "within"`]],
    ['a within of 0', { within: '0s' }, [`${AT}.within: expected ${DURATION}, got "0s"`]],
    ['a within in bare seconds', { within: 30 }, [`${AT}.within: expected ${DURATION}, got 30`]],
    ['a within in words', { within: 'soon' }, [`${AT}.within: expected ${DURATION}, got "soon"`]],
    ['no horizon', { horizon: undefined }, [`${AT}.horizon: missing required key "horizon"`]],
    [
      'a horizon shorter than within',
      { horizon: '10s' },
      [
        `${AT}.horizon: expected a horizon of at least within (30s), got 10s: a pair is only counted within the horizon`,
      ],
    ],
  ];

  it.each(cases)('%s', (_label, fields, expected) => {
    const { measure, messages } = parseJoined('lifecycle', fields);
    expect(messages).toEqual(expected);
    // the indicator keeps the stand-in measure in place of the broken one
    expect(measure?.kind).toBe('terms');
  });

  it('keeps a measure whose only mistake is a key of the other result', () => {
    expect(parseJoined('lifecycle', { measure: 'within', unit: 's' })).toMatchObject({
      measure: { kind: 'lifecycle', result: { kind: 'within', withinMs: 30_000 } },
      messages: [`${AT}.unit: only with measure: average`],
    });
    expect(parseJoined('lifecycle', { measure: 'average', unit: 'h' })).toMatchObject({
      measure: { kind: 'lifecycle', result: { kind: 'average', unit: 'h' } },
      messages: [`${AT}.within: only with measure: within`],
    });
  });
});

describe('a lifecycle measure read', () => {
  it('takes a subject key, the last pick and a horizon equal to within', () => {
    expect(parseJoined('lifecycle', { key: 'subject', pick: 'last', horizon: '30s' })).toEqual({
      measure: {
        kind: 'lifecycle',
        key: 'subject',
        from: { types: ['ticket.created'], where: [], timeField: 'time', aggregation: { kind: 'count' } },
        to: { types: ['ticket.replied'], where: [], timeField: 'time', aggregation: { kind: 'count' } },
        pick: 'last',
        result: { kind: 'within', withinMs: 30_000 },
        horizonMs: 30_000,
      },
      messages: [],
    });
  });

  it('takes an average with its unit and any horizon', () => {
    const { measure, messages } = parseJoined('lifecycle', {
      measure: 'average',
      unit: 'h',
      within: undefined,
      horizon: '1s',
    });
    expect(messages).toEqual([]);
    expect(measure).toMatchObject({ result: { kind: 'average', unit: 'h' }, horizonMs: 1000 });
  });
});

describe('a conversion refused', () => {
  it('names each missing key, and knows no horizon (its window is one)', () => {
    expect(parseJoined('conversion', { within: undefined }).messages).toEqual([
      'error indicators[0].conversion.within: missing required key "within"',
    ]);
    expect(parseJoined('conversion', { key: undefined, from: undefined }).messages).toEqual([
      'error indicators[0].conversion.key: missing required key "key"',
      'error indicators[0].conversion.from: missing required key "from"',
    ]);
    expect(parseJoined('conversion', { to: undefined }).measure?.kind).toBe('terms');
    expect(parseJoined('conversion', { horizon: '1d' }).messages).toEqual([
      'error indicators[0].conversion.horizon: unknown key "horizon"; allowed: key, from, to, within',
    ]);
  });
});
