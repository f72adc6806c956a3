import { describe, expect, it } from 'vitest';
import type { IndicatorDef } from './model';
import { parseDefinitionDocument } from './parse-document';

// A valid count indicator with some fields replaced (undefined removes one): what is kept, and every issue.
function parseIndicator(fields: Record<string, unknown>): { indicator: IndicatorDef | undefined; messages: string[] } {
  const doc = {
    apiVersion: 'kpi-pulse/v1',
    indicators: [
      { id: 'x.y', name: { en: 'X', zh: '叉' }, unit: 'count', windows: ['month'], numerator: { of: 'a' }, ...fields },
    ],
  };
  const parsed = parseDefinitionDocument(doc, 'f.yaml');
  return {
    indicator: parsed.definitions.indicators[0],
    messages: parsed.errors.map((e) => `${e.severity} ${e.path}: ${e.message}`),
  };
}

const AT = 'error indicators[0]';
const STAND_IN = {
  kind: 'terms',
  numerator: { types: [], where: [], timeField: 'time', aggregation: { kind: 'count' } },
  scale: 1,
};
const A = { types: ['a'], where: [], timeField: 'time', aggregation: { kind: 'count' } };
const B = { types: ['b'], where: [], timeField: 'time', aggregation: { kind: 'count' } };
const LIFECYCLE = {
  key: 'data.ticketId',
  from: { of: 'a' },
  to: { of: 'b' },
  measure: 'within',
  within: '1h',
  horizon: '2d',
};
const CONVERSION = { key: 'data.leadId', from: { of: 'a' }, to: { of: 'b' }, within: '30d' };

describe('an indicator with its required fields missing', () => {
  it('names each one and keeps the indicator with stand-ins: its id as name, no unit, no window', () => {
    const { indicator, messages } = parseIndicator({ name: undefined, unit: undefined, windows: undefined });
    expect(messages).toEqual([
      `${AT}.name: missing required key "name"`,
      `${AT}.unit: missing required key "unit"`,
      `${AT}.windows: missing required key "windows"`,
    ]);
    expect(indicator).toMatchObject({ name: { en: 'x.y', zh: '' }, unit: 'number', windows: [] });
  });

  it('is left out without an id, saying so', () => {
    const { indicator, messages } = parseIndicator({ id: undefined });
    expect(messages).toEqual([`${AT}.id: missing required key "id"`]);
    expect(indicator).toBeUndefined();
  });
});

describe('a measure kept whole, with no key it was not given', () => {
  it('a count has no denominator and a manual score no reviewers', () => {
    expect(parseIndicator({}).indicator?.measure).toStrictEqual({ kind: 'terms', numerator: A, scale: 1 });
    expect(parseIndicator({ numerator: undefined, manual: { scale: [0, 5] } }).indicator?.measure).toStrictEqual({
      kind: 'manual',
      scale: [0, 5],
    });
  });

  it('an average of a duration counts the events with the data fields it reads', () => {
    const { indicator, messages } = parseIndicator({
      numerator: undefined,
      average: { of: 'ticket.closed', duration: { from: 'time', to: 'data.openedAt', unit: 'h' } },
      scale: 60,
    });
    expect(messages).toEqual([]);
    const numerator = {
      types: ['ticket.closed'],
      where: [],
      timeField: 'time',
      aggregation: { kind: 'duration', from: 'time', to: 'data.openedAt', unit: 'h' },
    };
    expect(indicator?.measure).toStrictEqual({
      kind: 'terms',
      numerator,
      denominator: {
        ...numerator,
        where: [{ field: 'data.openedAt', op: 'exists', value: true }],
        aggregation: { kind: 'count' },
      },
      scale: 60,
    });
  });

  it('an average of a sum counts the events with its data fields, keeping its conditions', () => {
    const { indicator } = parseIndicator({
      numerator: undefined,
      average: { of: 'call.ended', where: { 'data.queue': 'vip' }, sum: ['data.talk', 'data.hold'] },
    });
    expect(indicator?.measure).toMatchObject({
      scale: 1,
      denominator: {
        where: [
          { field: 'data.queue', op: 'eq', value: 'vip' },
          { field: 'data.talk', op: 'exists', value: true },
          { field: 'data.hold', op: 'exists', value: true },
        ],
        aggregation: { kind: 'count' },
      },
    });
  });

  it('refuses a scale of an average that is not positive', () => {
    const { indicator, messages } = parseIndicator({
      numerator: undefined,
      average: { of: 'a', sum: 'data.x' },
      scale: -1,
    });
    expect(messages).toEqual([`${AT}.scale: expected a positive number, got -1`]);
    expect(indicator?.measure).toMatchObject({ scale: 1 });
  });

  it('reads the comparison lte and a time of `time`', () => {
    expect(
      parseIndicator({ numerator: { of: 'a', where: { 'data.n': { lte: 5 } }, time: 'time' } }).indicator?.measure,
    ).toStrictEqual({
      kind: 'terms',
      numerator: { ...A, where: [{ field: 'data.n', op: 'lte', value: 5 }] },
      scale: 1,
    });
  });

  it('reads a lifecycle and a conversion', () => {
    expect(parseIndicator({ numerator: undefined, lifecycle: LIFECYCLE }).indicator?.measure).toStrictEqual({
      kind: 'lifecycle',
      key: 'data.ticketId',
      from: A,
      to: B,
      pick: 'first',
      result: { kind: 'within', withinMs: 3_600_000 },
      horizonMs: 172_800_000,
    });
    expect(parseIndicator({ numerator: undefined, conversion: CONVERSION }).indicator?.measure).toStrictEqual({
      kind: 'conversion',
      key: 'data.leadId',
      from: A,
      to: B,
      withinMs: 2_592_000_000,
    });
  });
});

describe('a measure refused, the indicator kept with the stand-in', () => {
  const cases: [string, Record<string, unknown>, string[]][] = [
    [
      'an average that is no term',
      { numerator: undefined, average: 'a' },
      [`${AT}.average: expected a mapping, got "a"`],
    ],
    [
      'an overdue share without its days',
      { numerator: undefined, overdue: {} },
      [`${AT}.overdue.afterDays: missing required key "afterDays"`],
    ],
    [
      'a manual score that is text',
      { numerator: undefined, manual: 'x' },
      [`${AT}.manual: expected a mapping, got "x"`],
    ],
    [
      'a manual scale to infinity',
      { numerator: undefined, manual: { scale: [0, Number.POSITIVE_INFINITY] } },
      [`${AT}.manual.scale[1]: expected a number, got Infinity`],
    ],
    [
      'a manual scale upside down',
      { numerator: undefined, manual: { scale: [5, 0] } },
      [`${AT}.manual.scale: expected lowest < highest, got [5, 0]`],
    ],
    [
      'a lifecycle that is text',
      { numerator: undefined, lifecycle: 'x' },
      [`${AT}.lifecycle: expected a mapping, got "x"`],
    ],
    [
      'a conversion that is a list',
      { numerator: undefined, conversion: [] },
      [`${AT}.conversion: expected a mapping, got a list`],
    ],
    [
      'a key in a list',
      { numerator: undefined, conversion: { ...CONVERSION, key: ['data.leadId'] } },
      [`${AT}.conversion.key: expected the field that names the record, such as data.ticketId or subject, got a list`],
    ],
    [
      'a conversion without its key',
      { numerator: undefined, conversion: { ...CONVERSION, key: undefined } },
      [`${AT}.conversion.key: missing required key "key"`],
    ],
    [
      'a conversion from events of no type',
      { numerator: undefined, conversion: { ...CONVERSION, from: { of: [] } } },
      [`${AT}.conversion.from.of: expected a string or a non-empty list of strings, got an empty list`],
    ],
    [
      'a conversion within no time',
      { numerator: undefined, conversion: { ...CONVERSION, within: '0h' } },
      [`${AT}.conversion.within: expected a duration such as 30s, 2h or 90d, got "0h"`],
    ],
    [
      'a condition list with an item that is no scalar',
      { numerator: { of: 'a', where: { 'data.a': { in: ['x', {}] } } } },
      [`${AT}.numerator.where["data.a"].in[1]: expected a string, number or boolean, got a mapping`],
    ],
    [
      'a condition on a field the engine cannot read',
      { numerator: { of: 'a', where: { Queue: 'vip' } } },
      [
        `${AT}.numerator.where.Queue: expected a field path: time, $date, subject, source, type, id or data.<name>, got "Queue"`,
      ],
    ],
    [
      'a duration without its start',
      { numerator: { of: 'a', duration: { to: 'data.y', unit: 's' } } },
      [`${AT}.numerator.duration.from: missing required key "from"`],
    ],
    [
      'a duration from a list',
      { numerator: { of: 'a', duration: { from: ['time'], to: 'data.y', unit: 's' } } },
      [
        `${AT}.numerator.duration.from: expected a field path: time, $date, subject, source, type, id or data.<name>, got a list`,
      ],
    ],
    [
      'a duration without its unit',
      { numerator: { of: 'a', duration: { from: 'time', to: 'data.y' } } },
      [`${AT}.numerator.duration.unit: missing required key "unit"`],
    ],
    [
      'a time field in a list',
      { numerator: { of: 'a', time: ['data.due'] } },
      [`${AT}.numerator.time: expected time or a date field such as data.dueDate, got a list`],
    ],
  ];

  it.each(cases)('%s', (_label, fields, expected) => {
    const { indicator, messages } = parseIndicator(fields);
    expect(messages).toEqual(expected);
    expect(indicator?.measure).toStrictEqual(STAND_IN);
  });
});
