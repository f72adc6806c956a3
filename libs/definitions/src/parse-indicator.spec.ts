import { describe, expect, it } from 'vitest';
import type { IndicatorDef, Measure } from './model';
import { parseDefinitionDocument } from './parse-document';

function parseIndicator(fields: Record<string, unknown>): { indicator: IndicatorDef | undefined; messages: string[] } {
  const doc = {
    apiVersion: 'kpi-pulse/v1',
    indicators: [{ id: 'x.y', name: { en: 'X', zh: '叉' }, unit: 'count', windows: ['month'], ...fields }],
  };
  const parsed = parseDefinitionDocument(doc, 'f.yaml');
  return {
    indicator: parsed.definitions.indicators[0],
    messages: parsed.errors.map((e) => `${e.path}: ${e.message}`),
  };
}

function measureOf(fields: Record<string, unknown>): Measure | undefined {
  const { indicator, messages } = parseIndicator(fields);
  expect(messages).toEqual([]);
  return indicator?.measure;
}

describe('indicator measures', () => {
  it('reads numerator and denominator terms with where conditions and a scale', () => {
    const measure = measureOf({
      numerator: {
        of: ['ticket.solved', 'ticket.closed'],
        where: { 'data.contacts': 1, 'data.channel': { in: ['chat', 'phone'] } },
      },
      denominator: {
        of: 'ticket.solved',
        where: { 'data.reopened': { ne: true }, 'data.score': { gte: 3 }, subject: { exists: true } },
      },
      scale: 100,
    });
    expect(measure).toEqual({
      kind: 'terms',
      numerator: {
        types: ['ticket.solved', 'ticket.closed'],
        where: [
          { field: 'data.contacts', op: 'eq', value: 1 },
          { field: 'data.channel', op: 'in', value: ['chat', 'phone'] },
        ],
        timeField: 'time',
        aggregation: { kind: 'count' },
      },
      denominator: {
        types: ['ticket.solved'],
        where: [
          { field: 'data.reopened', op: 'ne', value: true },
          { field: 'data.score', op: 'gte', value: 3 },
          { field: 'subject', op: 'exists', value: true },
        ],
        timeField: 'time',
        aggregation: { kind: 'count' },
      },
      scale: 100,
    });
  });

  it('reads sum, distinct and duration aggregations and a date time field', () => {
    expect(measureOf({ numerator: { of: 'order.paid', sum: 'data.amount' } })).toMatchObject({
      numerator: { aggregation: { kind: 'sum', fields: ['data.amount'] } },
      scale: 1,
    });
    expect(measureOf({ numerator: { of: 'call.ended', distinct: ['data.agentId', '$date'] } })).toMatchObject({
      numerator: { aggregation: { kind: 'distinct', fields: ['data.agentId', '$date'] } },
    });
    expect(
      measureOf({
        numerator: { of: 'deal.won', duration: { from: 'data.sqlAt', to: 'time', unit: 'd' }, time: 'data.closeDate' },
      }),
    ).toMatchObject({
      numerator: {
        aggregation: { kind: 'duration', from: 'data.sqlAt', to: 'time', unit: 'd' },
        timeField: 'data.closeDate',
      },
    });
  });

  it('turns average into the term over the count of the same events, those that carry the summed fields', () => {
    const measure = measureOf({
      average: { of: 'call.ended', where: { 'data.answered': true }, sum: ['data.talkSeconds', 'data.holdSeconds'] },
    });
    expect(measure).toEqual({
      kind: 'terms',
      numerator: {
        types: ['call.ended'],
        where: [{ field: 'data.answered', op: 'eq', value: true }],
        timeField: 'time',
        aggregation: { kind: 'sum', fields: ['data.talkSeconds', 'data.holdSeconds'] },
      },
      denominator: {
        types: ['call.ended'],
        where: [
          { field: 'data.answered', op: 'eq', value: true },
          { field: 'data.talkSeconds', op: 'exists', value: true },
          { field: 'data.holdSeconds', op: 'exists', value: true },
        ],
        timeField: 'time',
        aggregation: { kind: 'count' },
      },
      scale: 1,
    });
  });

  it('reads overdue and manual measures', () => {
    expect(measureOf({ overdue: { afterDays: 30 } })).toEqual({ kind: 'overdue-ratio', afterDays: 30 });
    expect(measureOf({ manual: { scale: [0, 100], reviewers: ['u1', 'u2'] } })).toEqual({
      kind: 'manual',
      scale: [0, 100],
      reviewers: ['u1', 'u2'],
    });
    expect(measureOf({ manual: { scale: [1, 5] } })).toEqual({ kind: 'manual', scale: [1, 5] });
  });
});

describe('indicator defaults', () => {
  it('defaults version, levels, lateness and description', () => {
    const { indicator } = parseIndicator({ numerator: { of: 'a' } });
    expect(indicator).toMatchObject({
      version: 1,
      levels: ['agent', 'team', 'org'],
      allowedLatenessMs: 3_600_000,
      description: '',
      windows: ['month'],
    });
  });

  it('reads a lateness duration, a single level and a single window', () => {
    const { indicator } = parseIndicator({
      numerator: { of: 'a' },
      allowedLateness: '48h',
      levels: 'team',
      windows: 'day',
    });
    expect(indicator).toMatchObject({ allowedLatenessMs: 172_800_000, levels: ['team'], windows: ['day'] });
  });
});

describe('indicator errors name the path', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['no measure', {}, 'indicators[0]: missing the measure: one of numerator, average, overdue, manual'],
    [
      'two measures',
      { numerator: { of: 'a' }, manual: { scale: [0, 1] } },
      'indicators[0]: expected exactly one measure form, got numerator and manual',
    ],
    ['term without of', { numerator: { where: {} } }, 'indicators[0].numerator.of: missing required key "of"'],
    [
      'two aggregations',
      { numerator: { of: 'a', sum: 'data.x', distinct: 'data.y' } },
      'indicators[0].numerator: expected at most one aggregation, got sum and distinct',
    ],
    ['bad field', { numerator: { of: 'a', sum: 'amount' } }, 'indicators[0].numerator.sum: expected a field path'],
    [
      'bad operator',
      { numerator: { of: 'a', where: { 'data.x': { greater: 1 } } } },
      'indicators[0].numerator.where["data.x"].greater: unknown operator "greater"',
    ],
    [
      'gt needs a number',
      { numerator: { of: 'a', where: { 'data.x': { gt: 'one' } } } },
      'indicators[0].numerator.where["data.x"].gt: expected a number, got "one"',
    ],
    [
      'empty in',
      { numerator: { of: 'a', where: { 'data.x': { in: [] } } } },
      'indicators[0].numerator.where["data.x"].in: expected a non-empty list of scalars, got a list',
    ],
    [
      'duration unit',
      { numerator: { of: 'a', duration: { from: 'data.a', to: 'time', unit: 'hours' } } },
      'indicators[0].numerator.duration.unit: expected one of s, min, h, d, got "hours"',
    ],
    [
      'bad time field',
      { numerator: { of: 'a', time: 'dueDate' } },
      'indicators[0].numerator.time: expected time or a date field such as data.dueDate, got "dueDate"',
    ],
    [
      'average of a count',
      { average: { of: 'a' } },
      'indicators[0].average: expected a term with sum or duration, got a count term',
    ],
    [
      'average with denominator',
      { average: { of: 'a', sum: 'data.x' }, denominator: { of: 'b' } },
      'indicators[0].denominator: not allowed with average',
    ],
    [
      'manual scale order',
      { manual: { scale: [5, 1] } },
      'indicators[0].manual.scale: expected lowest < highest, got [5, 1]',
    ],
    [
      'overdue days',
      { overdue: { afterDays: -1 } },
      'indicators[0].overdue.afterDays: expected a non-negative number, got -1',
    ],
    ['scale', { numerator: { of: 'a' }, scale: 'x' }, 'indicators[0].scale: expected a positive number, got "x"'],
    [
      'lateness',
      { numerator: { of: 'a' }, allowedLateness: '2 weeks' },
      'indicators[0].allowedLateness: expected a duration such as 90s, 30m, 48h or 2d, got "2 weeks"',
    ],
    ['unit', { numerator: { of: 'a' }, unit: 'percent' }, 'indicators[0].unit: expected one of ratio, count'],
    [
      'window',
      { numerator: { of: 'a' }, windows: ['month', 'rolling:2h'] },
      'indicators[0].windows[1]: expected one of rolling:1h',
    ],
    [
      'level',
      { numerator: { of: 'a' }, levels: ['teams'] },
      'indicators[0].levels[0]: expected one of agent, team, org, got "teams" (did you mean "team"?)',
    ],
    ['id', { numerator: { of: 'a' }, id: 'Support FCR' }, 'indicators[0].id: expected a dotted lower-case id'],
    [
      'version',
      { numerator: { of: 'a' }, version: 1.5 },
      'indicators[0].version: expected a positive integer, got 1.5',
    ],
    [
      'name',
      { numerator: { of: 'a' }, name: { en: 'X', de: 'Y' } },
      'indicators[0].name.de: unknown key "de"; allowed: en, zh',
    ],
    [
      'typo',
      { numerator: { of: 'a' }, descripton: 'x' },
      'indicators[0].descripton: unknown key "descripton" (did you mean "description"?); allowed: id, version, name',
    ],
  ];
  it.each(cases)('%s', (_label, fields, message) => {
    const { messages } = parseIndicator(fields);
    expect(messages.some((m) => m.startsWith(message))).toBe(true);
  });

  it('keeps an indicator with a broken field so KPIs using it do not fail too', () => {
    const { indicator, messages } = parseIndicator({ numerator: { of: 'a' }, unit: 'percent' });
    expect(messages).toHaveLength(1);
    expect(indicator?.id).toBe('x.y');
  });
});
