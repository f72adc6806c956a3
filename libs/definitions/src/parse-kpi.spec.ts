import { describe, expect, it } from 'vitest';
import type { KpiDef } from './model';
import { parseDefinitionDocument } from './parse-document';
import { sampleDocument } from './sample-definitions.fixture';

// The sample's first KPI with some fields replaced (undefined removes one): what is kept, and every
// issue with its severity, path and message.
function parseKpi(fields: Record<string, unknown>): { kpi: KpiDef | undefined; messages: string[] } {
  const doc = sampleDocument();
  const [scorecard] = doc.scorecards;
  if (scorecard === undefined) throw new Error('the sample has a scorecard');
  scorecard.kpis = [{ ...scorecard.kpis[0], ...fields }];
  const parsed = parseDefinitionDocument(doc, 'f.yaml');
  return {
    kpi: parsed.definitions.scorecards[0]?.kpis[0],
    messages: parsed.errors.map((e) => `${e.severity} ${e.path}: ${e.message}`),
  };
}

const AT = 'error scorecards[0].kpis[0]';
const COMPARISON = 'a comparison such as { lte: 0 } (eq, ne, gt, gte, lt, lte)';
const EFFECT = 'one of veto, zero-dimension, zero-kpi, { deduct: n }, { capGrade: B }';
// what a broken rule leaves in the KPI, so that the scorecard still cross-checks
const STAND_IN_RULE = { kind: 'binary', pass: { op: 'gte', value: Number.NEGATIVE_INFINITY } };

describe('a KPI refused, field by field', () => {
  const cases: [string, Record<string, unknown>, string[]][] = [
    [
      'a binary rule that is not a mapping',
      { rule: { binary: 0 } },
      [`${AT}.rule.binary: expected ${COMPARISON}, got 0`],
    ],
    [
      'a binary rule without an operator',
      { rule: { binary: {} } },
      [`${AT}.rule.binary: expected exactly one operator (eq, ne, gt, gte, lt, lte), got 0`],
    ],
    [
      'a binary rule with two operators',
      { rule: { binary: { gt: 1, lt: 2 } } },
      [`${AT}.rule.binary: expected exactly one operator (eq, ne, gt, gte, lt, lte), got 2`],
    ],
    [
      'an unknown operator',
      { rule: { binary: { gtt: 1 } } },
      [
        `${AT}.rule.binary.gtt: unknown operator "gtt"; expected one of eq, ne, gt, gte, lt, lte, got "gtt" (did you mean "gt"?)`,
      ],
    ],
    ['a text bound', { rule: { binary: { gt: '1' } } }, [`${AT}.rule.binary.gt: expected a number, got "1"`]],
    ['a NaN bound', { rule: { binary: { gt: Number.NaN } } }, [`${AT}.rule.binary.gt: expected a number, got NaN`]],
    [
      'an infinite bound',
      { rule: { binary: { gt: Number.POSITIVE_INFINITY } } },
      [`${AT}.rule.binary.gt: expected a number, got Infinity`],
    ],
    [
      'a rule of no kind',
      { rule: {} },
      [`${AT}.rule: expected exactly one of achievement, bands, linear, deduction, binary, got none`],
    ],
    [
      // the unknown keys say it all: no "got none" after them
      'a rule of unknown kinds only',
      { rule: { achievment: {}, cap: 1 } },
      [
        `${AT}.rule.achievment: unknown key "achievment" (did you mean "achievement"?); allowed: achievement, bands, linear, deduction, binary`,
        `${AT}.rule.cap: unknown key "cap"; allowed: achievement, bands, linear, deduction, binary`,
      ],
    ],
    [
      'two kinds beside an unknown key',
      { rule: { linear: { step: 1, pointsPerStep: 1 }, binary: { gt: 0 }, x: 1 } },
      [
        `${AT}.rule.x: unknown key "x"; allowed: achievement, bands, linear, deduction, binary`,
        `${AT}.rule: expected exactly one of achievement, bands, linear, deduction, binary, got linear and binary`,
      ],
    ],
    [
      'an achievement that is a number',
      { rule: { achievement: 3 } },
      [`${AT}.rule.achievement: expected a mapping, got 3`],
    ],
    [
      'achievement bounds',
      { rule: { achievement: { cap: 0, belowFloorScore: -1 } } },
      [
        `${AT}.rule.achievement.cap: expected a positive number, got 0`,
        `${AT}.rule.achievement.belowFloorScore: expected a non-negative number, got -1`,
      ],
    ],
    [
      'bands without bands',
      { rule: { bands: { outOf: 0 } } },
      [
        `${AT}.rule.bands.outOf: expected a positive number, got 0`,
        `${AT}.rule.bands.bands: missing required key "bands"`,
      ],
    ],
    [
      'bands that are not a list',
      { rule: { bands: { bands: 3 } } },
      [`${AT}.rule.bands.bands: expected a list, got 3`],
    ],
    ['bands that are text', { rule: { bands: 'x' } }, [`${AT}.rule.bands: expected a mapping, got "x"`]],
    [
      'a band with lt and lte, and a band that is a number',
      { rule: { bands: [{ lt: 1, lte: 2, score: 1, label: 'x' }, 5] } },
      [`${AT}.rule.bands[0]: expected at most one of lt, lte`, `${AT}.rule.bands[1]: expected a mapping, got 5`],
    ],
    [
      'every linear field',
      { rule: { linear: { step: 0, pointsPerStep: 'x', outOf: 0, base: 'b', min: 'm', max: 'M' } } },
      [
        `${AT}.rule.linear.step: expected a positive number, got 0`,
        `${AT}.rule.linear.pointsPerStep: expected a number, got "x"`,
        `${AT}.rule.linear.outOf: expected a positive number, got 0`,
        `${AT}.rule.linear.base: expected a number, got "b"`,
        `${AT}.rule.linear.min: expected a number, got "m"`,
        `${AT}.rule.linear.max: expected a number, got "M"`,
      ],
    ],
    [
      'every deduction field',
      { rule: { deduction: { free: -1, outOf: 0, start: 's', min: 'm' } } },
      [
        `${AT}.rule.deduction.perOccurrence: missing required key "perOccurrence"`,
        `${AT}.rule.deduction.free: expected a non-negative number, got -1`,
        `${AT}.rule.deduction.outOf: expected a positive number, got 0`,
        `${AT}.rule.deduction.start: expected a number, got "s"`,
        `${AT}.rule.deduction.min: expected a number, got "m"`,
      ],
    ],
    [
      'a missing score below 0',
      { missing: { score: -1 } },
      [`${AT}.missing.score: expected a non-negative number, got -1`],
    ],
    [
      'a missing score misspelt',
      { missing: { scor: 1 } },
      [
        `${AT}.missing.scor: unknown key "scor" (did you mean "score"?); allowed: score`,
        `${AT}.missing.score: missing required key "score"`,
      ],
    ],
    [
      'a missing policy that is a number',
      { missing: 3 },
      [`${AT}.missing: expected exclude, zero, full or { score: n }, got 3`],
    ],
    ['red lines that are text', { redLines: 'x' }, [`${AT}.redLines: expected a list, got "x"`]],
    [
      'a red line without when and with no effects',
      { redLines: [{ effects: [] }] },
      [
        `${AT}.redLines[0].when: missing required key "when"`,
        `${AT}.redLines[0].effects: expected at least one effect, got an empty list`,
      ],
    ],
    [
      'a red line without effects',
      { redLines: [{ when: { gt: 0 } }] },
      [`${AT}.redLines[0].effects: missing required key "effects"`],
    ],
    [
      'an effect with two keys',
      { redLines: [{ when: { gt: 0 }, effects: [{ deduct: 1, capGrade: 'B' }] }] },
      [`${AT}.redLines[0].effects[0]: expected ${EFFECT}, got a mapping`],
    ],
    [
      'an effect of an unknown key',
      { redLines: [{ when: { gt: 0 }, effects: [{ cap: 'B' }] }] },
      [`${AT}.redLines[0].effects[0].cap: unknown key "cap"; allowed: deduct, capGrade`],
    ],
    [
      'an effect without a grade',
      { redLines: [{ when: { gt: 0 }, effects: [{ capGrade: ' ' }] }] },
      [`${AT}.redLines[0].effects[0].capGrade: expected a non-empty string, got " "`],
    ],
    [
      'one effect, unknown, without the list',
      { redLines: [{ when: { gt: 0 }, effects: 'boom' }] },
      [`${AT}.redLines[0].effects: expected ${EFFECT}, got "boom"`],
    ],
    [
      'an effect that is a number, and a red line that is text',
      { redLines: [{ when: { gt: 0 }, effects: 7 }, 'x'] },
      [`${AT}.redLines[0].effects: expected ${EFFECT}, got 7`, `${AT}.redLines[1]: expected a mapping, got "x"`],
    ],
    [
      'a red line when that is a number',
      { redLines: [{ when: 3, effects: 'veto' }] },
      [`${AT}.redLines[0].when: expected ${COMPARISON}, got 3`],
    ],
    ['a status that is text', { status: 'x' }, [`${AT}.status: expected a mapping, got "x"`]],
    [
      'status thresholds',
      { status: { green: -1, amber: 'a' } },
      [
        `${AT}.status.green: expected a non-negative number, got -1`,
        `${AT}.status.amber: expected a non-negative number, got "a"`,
      ],
    ],
    ['beforeClose', { beforeClose: 'later' }, [`${AT}.beforeClose: expected one of pace, target, got "later"`]],
    ['a source that is not text', { source: true }, [`${AT}.source: expected a non-empty string, got true`]],
    ['no rule', { rule: undefined }, [`${AT}.rule: missing required key "rule"`]],
  ];

  it.each(cases)('%s', (_label, fields, expected) => {
    expect(parseKpi(fields).messages).toEqual(expected);
  });
});

describe('what is kept of a broken KPI', () => {
  it('drops a KPI without an id, an indicator or a dimension, and names each missing key', () => {
    expect(parseKpi({ id: undefined, name: undefined })).toEqual({
      kpi: undefined,
      messages: [`${AT}.id: missing required key "id"`, `${AT}.name: missing required key "name"`],
    });
    expect(parseKpi({ indicator: undefined })).toEqual({
      kpi: undefined,
      messages: [`${AT}.indicator: missing required key "indicator"`],
    });
    expect(parseKpi({ dimension: undefined })).toEqual({
      kpi: undefined,
      messages: [`${AT}.dimension: missing required key "dimension"`],
    });
  });

  it('keeps a KPI with a broken field, the field at its stand-in', () => {
    expect(parseKpi({ rule: { binary: 0 } }).kpi?.rule).toEqual(STAND_IN_RULE);
    expect(parseKpi({ rule: undefined }).kpi?.rule).toEqual(STAND_IN_RULE);
    expect(parseKpi({ name: undefined }).kpi?.name).toEqual({ en: 'fcr', zh: '' });
    expect(parseKpi({ missing: { score: -1 } }).kpi?.missing).toEqual({ kind: 'exclude' });
    expect(parseKpi({ missing: 3 }).kpi?.missing).toEqual({ kind: 'exclude' });
    expect(parseKpi({ target: 'x' }).kpi?.target).toBeNaN();
    expect(parseKpi({ direction: 'up' }).kpi?.direction).toBe('higher');
    expect(parseKpi({ beforeClose: 'later' }).kpi).not.toHaveProperty('beforeClose');
    expect(parseKpi({ status: 'x' }).kpi?.status).toEqual({ green: 100, amber: 80 });
  });

  it('keeps only the red lines that parse, and one effect written without the list', () => {
    const { kpi } = parseKpi({
      redLines: [
        { when: { gt: 0 }, effects: [{ deduct: 1, capGrade: 'B' }] },
        { when: 'always', effects: 'veto' },
        { when: { lte: 2 }, effects: { capGrade: 3 } },
      ],
    });
    expect(kpi?.redLines).toEqual([{ when: { op: 'lte', value: 2 }, effects: [{ kind: 'cap-grade', grade: '3' }] }]);
  });

  it('keeps the optional fields given', () => {
    expect(parseKpi({ beforeClose: 'pace', source: ' seed 1, row 2 ' })).toMatchObject({
      kpi: { beforeClose: 'pace', source: 'seed 1, row 2' },
      messages: [],
    });
    expect(parseKpi({ rule: { linear: { step: 1, pointsPerStep: 2 } } }).kpi?.rule).toEqual({
      kind: 'linear',
      step: 1,
      pointsPerStep: 2,
      base: 100,
      min: 0,
      max: 100,
      outOf: 100,
    });
  });
});

describe('what is kept of a broken rule or red line', () => {
  it('keeps the bands that parse, each with only the bounds given', () => {
    const { kpi } = parseKpi({ rule: { bands: [{ gte: 1, score: 100, label: 'top' }, 5, { score: 0 }] } });
    expect(kpi?.rule).toStrictEqual({
      kind: 'bands',
      bands: [{ gte: 1, score: 100, label: 'top' }, { score: 0 }],
      outOf: 100,
    });
  });

  it('stands in for a linear or deduction rule missing what it needs', () => {
    expect(parseKpi({ rule: { linear: { pointsPerStep: 1 } } }).kpi?.rule).toEqual(STAND_IN_RULE);
    expect(parseKpi({ rule: { linear: { step: 1 } } })).toEqual({
      kpi: expect.objectContaining({ rule: STAND_IN_RULE }) as unknown,
      messages: [`${AT}.rule.linear.pointsPerStep: missing required key "pointsPerStep"`],
    });
    expect(parseKpi({ rule: { deduction: { free: 1 } } }).kpi?.rule).toEqual(STAND_IN_RULE);
    expect(parseKpi({ rule: { linear: 3 } }).messages).toEqual([`${AT}.rule.linear: expected a mapping, got 3`]);
  });

  it('takes every default of linear and deduction without a message', () => {
    expect(parseKpi({ rule: { linear: { step: 1, pointsPerStep: 2 } } }).messages).toEqual([]);
    expect(parseKpi({ rule: { deduction: { perOccurrence: 2 } } })).toMatchObject({
      kpi: { rule: { kind: 'deduction', free: 0, perOccurrence: 2, start: 100, min: 0, outOf: 100 } },
      messages: [],
    });
  });

  it('names every rule kind in the message for a rule that is not a mapping', () => {
    expect(parseKpi({ rule: 'achievement' }).messages).toEqual([
      `${AT}.rule: expected a mapping with one of achievement, bands, linear, deduction, binary, got "achievement"`,
    ]);
  });

  it('reads exclude as written, and wants a direction', () => {
    expect(parseKpi({ missing: 'exclude' })).toMatchObject({ kpi: { missing: { kind: 'exclude' } }, messages: [] });
    expect(parseKpi({ direction: undefined }).messages).toEqual([`${AT}.direction: missing required key "direction"`]);
  });

  it('has no status key unless one is given', () => {
    expect(parseKpi({}).kpi).not.toHaveProperty('status');
  });

  it('drops a red line with a broken effect or without effects', () => {
    for (const redLine of [
      { when: { gt: 0 }, effects: [{ deduct: 'five' }] },
      { when: { gt: 0 }, effects: [{ capGrade: ' ' }] },
      { when: { gt: 0 } },
      { when: { gt: 0 }, effects: [] },
    ]) {
      expect(parseKpi({ redLines: [redLine] }).kpi?.redLines).toEqual([]);
    }
  });
});
