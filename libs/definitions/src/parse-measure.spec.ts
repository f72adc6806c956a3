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
const FIELD = 'a field path: time, $date, subject, source, type, id or data.<name>';
const OPS = 'eq, ne, in, notIn, gt, gte, lt, lte, exists';
// what a broken measure leaves in the indicator, so that the KPIs using it still cross-check
const STAND_IN = {
  kind: 'terms',
  numerator: { types: [], where: [], timeField: 'time', aggregation: { kind: 'count' } },
  scale: 1,
};

describe('an indicator refused, field by field', () => {
  const cases: [string, Record<string, unknown>, string[]][] = [
    ['an id with capitals', { id: 'X.Y' }, [`${AT}.id: expected a dotted lower-case id ([a-z0-9_.-]), got "X.Y"`]],
    ['a fractional version', { version: 1.5 }, [`${AT}.version: expected a positive integer, got 1.5`]],
    ['version 0', { version: 0 }, [`${AT}.version: expected a positive integer, got 0`]],
    [
      'a level twice and an unknown level',
      { levels: ['team', 'team', 'boss'] },
      [`${AT}.levels[1]: "team" is listed twice`, `${AT}.levels[2]: expected one of agent, team, org, got "boss"`],
    ],
    ['one unknown level', { levels: 'boss' }, [`${AT}.levels: expected one of agent, team, org, got "boss"`]],
    ['no windows', { windows: undefined }, [`${AT}.windows: missing required key "windows"`]],
    [
      'an empty list of windows',
      { windows: [] },
      [`${AT}.windows: expected a string or a non-empty list of strings, got an empty list`],
    ],
    [
      'a window misspelt',
      { windows: ['monthly'] },
      [
        `${AT}.windows[0]: expected one of rolling:1h, rolling:24h, rolling:7d, rolling:30d, day, week, month, quarter, year, got "monthly" (did you mean "month"?)`,
      ],
    ],
    [
      'a lateness that is a number',
      { allowedLateness: 5 },
      [`${AT}.allowedLateness: expected a duration such as 90s, 30m, 48h or 2d, got 5`],
    ],
    [
      'a lateness in words',
      { allowedLateness: '5 minutes' },
      [`${AT}.allowedLateness: expected a duration such as 90s, 30m, 48h or 2d, got "5 minutes"`],
    ],
    [
      'an unknown unit',
      { unit: 'cm' },
      [`${AT}.unit: expected one of ratio, count, amount, seconds, minutes, hours, days, points, number, got "cm"`],
    ],
    [
      'no measure',
      { numerator: undefined },
      [`${AT}: missing the measure: one of numerator, average, overdue, manual, lifecycle, conversion`],
    ],
    [
      'two measures',
      { numerator: undefined, average: { of: 'a', sum: 'data.x' }, overdue: { afterDays: 1 } },
      [`${AT}: expected exactly one measure form, got average and overdue`],
    ],
    [
      'a denominator and a scale beside overdue',
      { numerator: undefined, overdue: { afterDays: -1 }, scale: 2, denominator: { of: 'a' } },
      [
        `${AT}.denominator: not allowed with overdue`,
        `${AT}.scale: not allowed with overdue`,
        `${AT}.overdue.afterDays: expected a non-negative number, got -1`,
      ],
    ],
    ['overdue as a number', { numerator: undefined, overdue: 3 }, [`${AT}.overdue: expected a mapping, got 3`]],
    [
      'a manual score without a scale, with no reviewers',
      { numerator: undefined, manual: { reviewers: [] } },
      [
        `${AT}.manual.scale: missing required key "scale"`,
        `${AT}.manual.reviewers: expected a string or a non-empty list of strings, got an empty list`,
      ],
    ],
    [
      'a manual scale of one number',
      { numerator: undefined, manual: { scale: [1] } },
      [`${AT}.manual.scale: expected a [lowest, highest] pair, got a list`],
    ],
    [
      'a manual scale that is a number',
      { numerator: undefined, manual: { scale: 100 } },
      [`${AT}.manual.scale: expected a [lowest, highest] pair, got 100`],
    ],
    [
      'a manual scale from text',
      { numerator: undefined, manual: { scale: ['a', 2] } },
      [`${AT}.manual.scale[0]: expected a number, got "a"`],
    ],
    [
      'a manual scale to text',
      { numerator: undefined, manual: { scale: [1, 'b'] } },
      [`${AT}.manual.scale[1]: expected a number, got "b"`],
    ],
    [
      'a manual scale to infinity',
      { numerator: undefined, manual: { scale: [Number.NEGATIVE_INFINITY, 1] } },
      [`${AT}.manual.scale[0]: expected a number, got -Infinity`],
    ],
    [
      'a manual scale of one point',
      { numerator: undefined, manual: { scale: [2, 2] } },
      [`${AT}.manual.scale: expected lowest < highest, got [2, 2]`],
    ],
    [
      'an average of a count, beside a denominator',
      { numerator: undefined, average: { of: 'a' }, denominator: { of: 'b' } },
      [
        `${AT}.denominator: not allowed with average (the denominator is the event count)`,
        `${AT}.average: expected a term with sum or duration, got a count term (an average of a count is always 1)`,
      ],
    ],
    [
      'an average of distinct values',
      { numerator: undefined, average: { of: 'a', distinct: 'data.x' } },
      [`${AT}.average: expected a term with sum or duration, got a distinct term (an average of a count is always 1)`],
    ],
    [
      'a broken denominator and a negative scale',
      { denominator: { of: 3 }, scale: -1 },
      [`${AT}.denominator.of: expected a non-empty string, got 3`, `${AT}.scale: expected a positive number, got -1`],
    ],
    [
      'where as a number',
      { numerator: { of: 'a', where: 3 } },
      [`${AT}.numerator.where: expected a mapping of field → condition, got 3`],
    ],
    [
      'where conditions of the wrong shape',
      {
        numerator: {
          of: 'a',
          where: { 'bad field': 1, 'data.a': [1], 'data.b': {}, 'data.c': { gt: 1, lt: 2 }, 'data.d': { gtt: 1 } },
        },
      },
      [
        `${AT}.numerator.where["bad field"]: expected ${FIELD}, got "bad field"`,
        `${AT}.numerator.where["data.a"]: expected a scalar or one operator (${OPS}), got a list`,
        `${AT}.numerator.where["data.b"]: expected exactly one operator (${OPS}), got 0`,
        `${AT}.numerator.where["data.c"]: expected exactly one operator (${OPS}), got 2`,
        `${AT}.numerator.where["data.d"].gtt: unknown operator "gtt"; expected one of ${OPS}, got "gtt" (did you mean "gt"?)`,
      ],
    ],
    [
      'operands of the wrong type',
      {
        numerator: {
          of: 'a',
          where: {
            'data.a': { eq: [] },
            'data.b': { ne: null },
            'data.c': { in: [] },
            'data.d': { notIn: [1, {}] },
            'data.e': { gte: 'x' },
            'data.f': { exists: 1 },
            'data.g': { in: 'x' },
            'data.h': { lt: Number.NaN },
          },
        },
      },
      [
        `${AT}.numerator.where["data.a"].eq: expected a string, number or boolean, got a list`,
        `${AT}.numerator.where["data.b"].ne: expected a string, number or boolean, got nothing`,
        `${AT}.numerator.where["data.c"].in: expected a non-empty list of scalars, got a list`,
        `${AT}.numerator.where["data.d"].notIn[1]: expected a string, number or boolean, got a mapping`,
        `${AT}.numerator.where["data.e"].gte: expected a number, got "x"`,
        `${AT}.numerator.where["data.f"].exists: expected true or false, got 1`,
        `${AT}.numerator.where["data.g"].in: expected a non-empty list of scalars, got "x"`,
        `${AT}.numerator.where["data.h"].lt: expected a number, got NaN`,
      ],
    ],
    [
      'two aggregations',
      { numerator: { of: 'a', sum: 'data.x', distinct: 'subject' } },
      [`${AT}.numerator: expected at most one aggregation, got sum and distinct`],
    ],
    [
      'a sum of a field that is not one',
      { numerator: { of: 'a', sum: ['data.x', 'bad'] } },
      [`${AT}.numerator.sum[1]: expected ${FIELD}, got "bad"`],
    ],
    [
      'a sum of one bad field',
      { numerator: { of: 'a', sum: 'bad' } },
      [`${AT}.numerator.sum: expected ${FIELD}, got "bad"`],
    ],
    [
      'distinct over nothing',
      { numerator: { of: 'a', distinct: [] } },
      [`${AT}.numerator.distinct: expected a string or a non-empty list of strings, got an empty list`],
    ],
    [
      'a duration without its fields',
      { numerator: { of: 'a', duration: {} } },
      [
        `${AT}.numerator.duration.from: missing required key "from"`,
        `${AT}.numerator.duration.to: missing required key "to"`,
        `${AT}.numerator.duration.unit: missing required key "unit"`,
      ],
    ],
    [
      'a duration from no field, in weeks',
      { numerator: { of: 'a', duration: { from: 'x', to: 'data.t', unit: 'week' } } },
      [
        `${AT}.numerator.duration.from: expected ${FIELD}, got "x"`,
        `${AT}.numerator.duration.unit: expected one of s, min, h, d, got "week"`,
      ],
    ],
    [
      'a duration to no field',
      { numerator: { of: 'a', duration: { from: 'time', to: 'y', unit: 's' } } },
      [`${AT}.numerator.duration.to: expected ${FIELD}, got "y"`],
    ],
    [
      'a duration as a number',
      { numerator: { of: 'a', duration: 3 } },
      [`${AT}.numerator.duration: expected a mapping, got 3`],
    ],
    [
      'a time field that is no date',
      { numerator: { of: 'a', time: 'subject' } },
      [`${AT}.numerator.time: expected time or a date field such as data.dueDate, got "subject"`],
    ],
    [
      'a time field that is a number',
      { numerator: { of: 'a', time: 5 } },
      [`${AT}.numerator.time: expected time or a date field such as data.dueDate, got 5`],
    ],
    [
      'a term key misspelt',
      { numerator: { of: 'a', oof: 1 } },
      [
        `${AT}.numerator.oof: unknown key "oof" (did you mean "of"?); allowed: of, where, sum, distinct, duration, time`,
      ],
    ],
    ['a term without of', { numerator: { where: {} } }, [`${AT}.numerator.of: missing required key "of"`]],
    ['a term of nothing', { numerator: { of: '' } }, [`${AT}.numerator.of: expected a non-empty string, got ""`]],
    ['a term that is text', { numerator: 'a' }, [`${AT}.numerator: expected a mapping, got "a"`]],
  ];

  it.each(cases)('%s', (_label, fields, expected) => {
    expect(parseIndicator(fields).messages).toEqual(expected);
  });
});

describe('what is kept of a broken indicator', () => {
  it('keeps the indicator with a stand-in measure, so that its KPIs still cross-check', () => {
    for (const fields of [
      { numerator: undefined },
      { numerator: { of: 'a', time: 5 } },
      { numerator: { of: 'a', where: { 'data.a': {} } } },
      { numerator: { of: 'a', sum: 'bad' } },
      { numerator: { of: 'a', duration: { from: 'time', to: 'y', unit: 's' } } },
      { denominator: { of: 3 } },
      { numerator: undefined, average: { of: 'a' } },
      { numerator: undefined, manual: { scale: [0, 1], reviewers: [] } },
      { numerator: undefined, overdue: { afterDays: -1 } },
    ]) {
      expect(parseIndicator(fields).indicator?.measure).toEqual(STAND_IN);
    }
  });

  it('keeps the defaults in place of a broken field', () => {
    const { indicator } = parseIndicator({
      version: 0,
      unit: 'cm',
      levels: 'boss',
      windows: [],
      allowedLateness: 'soon',
      name: 3,
    });
    expect(indicator).toMatchObject({
      version: 1,
      unit: 'number',
      levels: ['agent', 'team', 'org'],
      windows: [],
      allowedLatenessMs: 3_600_000,
      name: { en: 'x.y', zh: '' },
    });
    expect(parseIndicator({ id: undefined }).indicator).toBeUndefined();
  });

  it('reads what the refusals above leave alone', () => {
    expect(
      parseIndicator({
        numerator: {
          of: 'a',
          time: 'data.due',
          where: { 'data.a': { in: ['x', 2, true] }, 'data.b': { lt: 1 }, 'data.c': { exists: false } },
        },
      }).indicator?.measure,
    ).toEqual({
      kind: 'terms',
      numerator: {
        types: ['a'],
        where: [
          { field: 'data.a', op: 'in', value: ['x', 2, true] },
          { field: 'data.b', op: 'lt', value: 1 },
          { field: 'data.c', op: 'exists', value: false },
        ],
        timeField: 'data.due',
        aggregation: { kind: 'count' },
      },
      scale: 1,
    });
    expect(
      parseIndicator({ numerator: undefined, manual: { scale: [0, 100], reviewers: 'r1' } }).indicator?.measure,
    ).toEqual({
      kind: 'manual',
      scale: [0, 100],
      reviewers: ['r1'],
    });
    expect(parseIndicator({ numerator: undefined, manual: { scale: [-1, 1] } }).indicator?.measure).toEqual({
      kind: 'manual',
      scale: [-1, 1],
    });
    expect(parseIndicator({ numerator: undefined, overdue: { afterDays: 0 } }).indicator?.measure).toEqual({
      kind: 'overdue-ratio',
      afterDays: 0,
    });
    expect(parseIndicator({ denominator: { of: 'b' }, scale: 100 }).indicator?.measure).toMatchObject({
      denominator: { types: ['b'] },
      scale: 100,
    });
  });
});
