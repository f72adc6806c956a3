import { describe, expect, it } from 'vitest';
import type { KpiDef, ScorecardDef } from './model';
import { parseDefinitionDocument } from './parse-document';
import { sampleDocument } from './sample-definitions.fixture';

function parseWithKpi(fields: Record<string, unknown>): { kpi: KpiDef | undefined; messages: string[] } {
  const doc = sampleDocument();
  const [scorecard] = doc.scorecards;
  if (scorecard === undefined) throw new Error('fixture has a scorecard');
  scorecard.kpis = [{ ...scorecard.kpis[0], ...fields }];
  const parsed = parseDefinitionDocument(doc, 'f.yaml');
  return {
    kpi: parsed.definitions.scorecards[0]?.kpis[0],
    messages: parsed.errors.map((e) => `${e.path}: ${e.message}`),
  };
}

function parseScorecard(fields: Record<string, unknown>): { scorecard: ScorecardDef | undefined; messages: string[] } {
  const doc = sampleDocument();
  doc.scorecards = [{ ...doc.scorecards[0], ...fields } as (typeof doc.scorecards)[number]];
  const parsed = parseDefinitionDocument(doc, 'f.yaml');
  return { scorecard: parsed.definitions.scorecards[0], messages: parsed.errors.map((e) => `${e.path}: ${e.message}`) };
}

function ruleOf(rule: unknown): KpiDef['rule'] | undefined {
  const { kpi, messages } = parseWithKpi({ rule });
  expect(messages).toEqual([]);
  return kpi?.rule;
}

describe('scoring rules', () => {
  it('reads achievement with defaults for what is not given', () => {
    expect(ruleOf({ achievement: { floor: 0.8, cap: 1.1 } })).toEqual({
      kind: 'achievement',
      floor: 0.8,
      cap: 1.1,
      belowFloorScore: 0,
    });
    expect(ruleOf({ achievement: null })).toEqual({ kind: 'achievement', floor: 0, cap: 1, belowFloorScore: 0 });
    expect(ruleOf({ achievement: { belowFloorScore: 20 } })).toEqual({
      kind: 'achievement',
      floor: 0,
      cap: 1,
      belowFloorScore: 20,
    });
  });

  it('reads bands, with outOf or as a bare list out of 100', () => {
    expect(
      ruleOf({
        bands: {
          outOf: 15,
          bands: [{ gte: 0.95, score: 15, label: 'S' }, { gt: 0.9, lt: 0.95, score: 12 }, { score: 0 }],
        },
      }),
    ).toEqual({
      kind: 'bands',
      outOf: 15,
      bands: [{ gte: 0.95, score: 15, label: 'S' }, { gt: 0.9, lt: 0.95, score: 12 }, { score: 0 }],
    });
    expect(ruleOf({ bands: [{ lte: 0.5, score: 100 }, { score: 0 }] })).toEqual({
      kind: 'bands',
      outOf: 100,
      bands: [{ lte: 0.5, score: 100 }, { score: 0 }],
    });
  });

  it('reads linear and deduction with their defaults', () => {
    expect(ruleOf({ linear: { step: 0.01, pointsPerStep: 1, max: 104 } })).toEqual({
      kind: 'linear',
      step: 0.01,
      pointsPerStep: 1,
      base: 100,
      min: 0,
      max: 104,
      outOf: 100,
    });
    expect(ruleOf({ deduction: { free: 2, perOccurrence: 3, outOf: 10 } })).toEqual({
      kind: 'deduction',
      free: 2,
      perOccurrence: 3,
      start: 10,
      min: 0,
      outOf: 10,
    });
  });

  it('reads binary comparisons', () => {
    expect(ruleOf({ binary: { lte: 0 } })).toEqual({ kind: 'binary', pass: { op: 'lte', value: 0 } });
  });
});

describe('KPI fields', () => {
  it('applies the defaults: window = period, weight 1, missing exclude, no red lines', () => {
    const { kpi } = parseWithKpi({});
    expect(kpi).toMatchObject({ window: 'month', weight: 1, missing: { kind: 'exclude' }, redLines: [], source: '' });
  });

  it('reads weight 0, a KPI outside the graded total (seed 003: a row the 100-point table lacks)', () => {
    expect(parseWithKpi({ weight: 0 })).toMatchObject({ kpi: { weight: 0 }, messages: [] });
  });

  it("has no status of its own unless given; a threshold left out is the scorecard's", () => {
    expect(parseWithKpi({}).kpi?.status).toBeUndefined();
    const { kpi, messages } = parseWithKpi({ status: { amber: 95 } });
    expect(messages).toEqual([]);
    expect(kpi?.status).toEqual({ green: 100, amber: 95 });
    expect(parseWithKpi({ status: { red: 50 } }).messages).toEqual([
      'scorecards[0].kpis[0].status.red: unknown key "red"; allowed: green, amber',
    ]);
  });

  it('reads the missing policies', () => {
    expect(parseWithKpi({ missing: 'zero' }).kpi?.missing).toEqual({ kind: 'zero' });
    expect(parseWithKpi({ missing: 'full' }).kpi?.missing).toEqual({ kind: 'full' });
    expect(parseWithKpi({ missing: { score: 60 } }).kpi?.missing).toEqual({ kind: 'score', score: 60 });
  });

  it('reads red-line conditions and every effect', () => {
    const { kpi, messages } = parseWithKpi({
      redLines: [
        { when: 'target-missed', effects: ['veto', 'zero-dimension', 'zero-kpi', { deduct: 5 }, { capGrade: 'B' }] },
        { when: { gt: 0 }, effects: 'zero-kpi' },
      ],
    });
    expect(messages).toEqual([]);
    expect(kpi?.redLines).toEqual([
      {
        when: 'target-missed',
        effects: [
          { kind: 'veto' },
          { kind: 'zero-dimension' },
          { kind: 'zero-kpi' },
          { kind: 'deduct', points: 5 },
          { kind: 'cap-grade', grade: 'B' },
        ],
      },
      { when: { op: 'gt', value: 0 }, effects: [{ kind: 'zero-kpi' }] },
    ]);
  });
});

describe('scorecard fields', () => {
  it('applies version 1 and the default status, and keeps the optional fields given', () => {
    const { scorecard, messages } = parseScorecard({ maxDeduction: 10, source: 'seed 000' });
    expect(messages).toEqual([]);
    expect(scorecard).toMatchObject({
      version: 1,
      status: { green: 100, amber: 80 },
      maxDeduction: 10,
      source: 'seed 000',
    });
  });

  it('reads grades with coefficients and bonuses', () => {
    const { scorecard } = parseScorecard({
      grades: [
        { grade: 'A', min: 90, coefficient: 1.5, bonus: 300 },
        { grade: 'B', min: 0 },
      ],
    });
    expect(scorecard?.grades).toEqual([
      { grade: 'A', min: 90, coefficient: 1.5, bonus: 300 },
      { grade: 'B', min: 0 },
    ]);
  });

  it('reads exclusive lower bounds and negative bonuses (seed 003: 95<总分≤100 → 300, ≤75 → −200)', () => {
    const { scorecard, messages } = parseScorecard({
      grades: [
        { grade: 'A', above: 95, bonus: 300 },
        { grade: 'D', min: 0, bonus: -200 },
      ],
    });
    expect(messages).toEqual([]);
    expect(scorecard?.grades).toEqual([
      { grade: 'A', min: 95, minExclusive: true, bonus: 300 },
      { grade: 'D', min: 0, bonus: -200 },
    ]);
    const both = parseScorecard({
      grades: [
        { grade: 'A', min: 95, above: 95 },
        { grade: 'D', min: 0 },
      ],
    });
    expect(both.messages).toContain(
      'scorecards[0].grades[0]: give either min (inclusive) or above (exclusive), not both',
    );
  });

  it('takes back the calendar date of a YAML 1.1 timestamp', () => {
    const { scorecard } = parseScorecard({ effectiveFrom: new Date('2026-03-01T00:00:00Z') });
    expect(scorecard?.effectiveFrom).toBe('2026-03-01');
  });
});

describe('scorecard errors name the path', () => {
  const kpiCases: [string, Record<string, unknown>, string][] = [
    ['weight', { weight: 'x' }, 'scorecards[0].kpis[0].weight: expected a non-negative number, got "x"'],
    ['negative weight', { weight: -2 }, 'scorecards[0].kpis[0].weight: expected a non-negative number, got -2'],
    ['direction', { direction: 'up' }, 'scorecards[0].kpis[0].direction: expected one of higher, lower, got "up"'],
    ['target', { target: '75%' }, 'scorecards[0].kpis[0].target: expected a number, got "75%"'],
    ['missing target', { target: undefined }, 'scorecards[0].kpis[0].target: missing required key "target"'],
    ['window', { window: 'monthly' }, 'scorecards[0].kpis[0].window: expected one of rolling:1h'],
    [
      'rule kinds',
      { rule: { achievement: {}, binary: { lte: 0 } } },
      'scorecards[0].kpis[0].rule: expected exactly one of achievement, bands, linear, deduction, binary, got achievement and binary',
    ],
    [
      'rule key',
      { rule: { achievment: {} } },
      'scorecards[0].kpis[0].rule.achievment: unknown key "achievment" (did you mean "achievement"?)',
    ],
    [
      'rule not a mapping',
      { rule: 'achievement' },
      'scorecards[0].kpis[0].rule: expected a mapping with one of achievement',
    ],
    [
      'achievement',
      { rule: { achievement: { floor: 'low' } } },
      'scorecards[0].kpis[0].rule.achievement.floor: expected a non-negative number, got "low"',
    ],
    [
      'band bounds',
      { rule: { bands: [{ gt: 1, gte: 2, score: 1 }] } },
      'scorecards[0].kpis[0].rule.bands[0]: expected at most one of gt, gte',
    ],
    [
      'band score',
      { rule: { bands: { bands: [{ gte: 1 }] } } },
      'scorecards[0].kpis[0].rule.bands.bands[0].score: missing required key "score"',
    ],
    [
      'linear',
      { rule: { linear: { pointsPerStep: 1 } } },
      'scorecards[0].kpis[0].rule.linear.step: missing required key "step"',
    ],
    [
      'deduction',
      { rule: { deduction: { perOccurrence: 0 } } },
      'scorecards[0].kpis[0].rule.deduction.perOccurrence: expected a positive number, got 0',
    ],
    [
      'binary',
      { rule: { binary: { atMost: 0 } } },
      'scorecards[0].kpis[0].rule.binary.atMost: unknown operator "atMost"',
    ],
    [
      'missing',
      { missing: 'skip' },
      'scorecards[0].kpis[0].missing: expected exclude, zero, full or { score: n }, got "skip"',
    ],
    [
      'red line when',
      { redLines: [{ when: 'always', effects: ['veto'] }] },
      'scorecards[0].kpis[0].redLines[0].when: expected target-missed or a comparison',
    ],
    [
      'red line effect',
      { redLines: [{ when: { gt: 0 }, effects: ['explode'] }] },
      'scorecards[0].kpis[0].redLines[0].effects[0]: expected one of veto, zero-dimension, zero-kpi',
    ],
    [
      'red line deduct',
      { redLines: [{ when: { gt: 0 }, effects: [{ deduct: 'five' }] }] },
      'scorecards[0].kpis[0].redLines[0].effects[0].deduct: expected a positive number, got "five"',
    ],
    [
      'unknown key',
      { wieght: 3 },
      'scorecards[0].kpis[0].wieght: unknown key "wieght" (did you mean "weight"?); allowed: id, name, indicator, window, dimension, weight',
    ],
  ];
  it.each(kpiCases)('kpi %s', (_label, fields, message) => {
    const { messages } = parseWithKpi(fields);
    expect(
      messages.some((m) => m.startsWith(message)),
      messages.join('\n'),
    ).toBe(true);
  });

  const scorecardCases: [string, Record<string, unknown>, string][] = [
    [
      'effectiveFrom',
      { effectiveFrom: '2026-02-30' },
      'scorecards[0].effectiveFrom: expected a date YYYY-MM-DD, got "2026-02-30"',
    ],
    [
      'period',
      { period: 'rolling:7d' },
      'scorecards[0].period: expected one of day, week, month, quarter, year, got "rolling:7d"',
    ],
    ['level', { level: 'company' }, 'scorecards[0].level: expected one of agent, team, org, got "company"'],
    ['grades', { grades: { A: 90 } }, 'scorecards[0].grades: expected a list, got a mapping'],
    [
      'grade min',
      { grades: [{ grade: 'A', min: 'ninety' }] },
      'scorecards[0].grades[0].min: expected a number, got "ninety"',
    ],
    [
      'dimension weight',
      { dimensions: [{ id: 'efficiency', name: { en: 'E' }, weight: 0 }] },
      'scorecards[0].dimensions[0].weight: expected a positive number, got 0',
    ],
    [
      'status',
      { status: { green: 100, red: 50 } },
      'scorecards[0].status.red: unknown key "red"; allowed: green, amber',
    ],
    ['kpis missing', { kpis: undefined }, 'scorecards[0].kpis: missing required key "kpis"'],
    ['unknown key', { period_: 'month' }, 'scorecards[0].period_: unknown key "period_" (did you mean "period"?)'],
  ];
  it.each(scorecardCases)('scorecard %s', (_label, fields, message) => {
    const { messages } = parseScorecard(fields);
    expect(
      messages.some((m) => m.startsWith(message)),
      messages.join('\n'),
    ).toBe(true);
  });
});

describe('documents', () => {
  it('requires the apiVersion and knows only orgs, indicators and scorecards', () => {
    const parsed = parseDefinitionDocument({ apiVersion: 'kpi-pulse/v2', kpis: [] }, 'f.yaml');
    expect(parsed.errors.map((e) => `${e.path}: ${e.message}`)).toEqual([
      'kpis: unknown key "kpis"; allowed: apiVersion, orgs, indicators, scorecards',
      'apiVersion: expected kpi-pulse/v1, got "kpi-pulse/v2"',
    ]);
    expect(parseDefinitionDocument({ indicators: [] }, 'f.yaml').errors[0]?.path).toBe('apiVersion');
  });

  it('reads orgs and names the file in every issue', () => {
    const parsed = parseDefinitionDocument(
      {
        apiVersion: 'kpi-pulse/v1',
        orgs: [{ id: 'acme', timeZone: 'Europe/Paris', currency: 'EUR', exchangeRates: { USD: 'x' } }],
      },
      'seed/orgs.yaml',
    );
    expect(parsed.definitions.orgs).toEqual([
      { id: 'acme', timeZone: 'Europe/Paris', currency: 'EUR', exchangeRates: {} },
    ]);
    expect(parsed.errors).toEqual([
      {
        file: 'seed/orgs.yaml',
        path: 'orgs[0].exchangeRates.USD',
        message: 'expected a positive number, got "x"',
        severity: 'error',
      },
    ]);
  });

  it('records where each definition came from', () => {
    const parsed = parseDefinitionDocument(sampleDocument(), 'seed/cs.yaml');
    expect(parsed.errors).toEqual([]);
    expect(parsed.origins.indicators).toEqual([
      { file: 'seed/cs.yaml', path: 'indicators[0]' },
      { file: 'seed/cs.yaml', path: 'indicators[1]' },
    ]);
  });
});
