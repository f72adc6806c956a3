import { describe, expect, it } from 'vitest';
import type { AlertRuleDef } from './model';
import { parseDefinitionDocument } from './parse-document';
import { sampleDocument } from './sample-definitions.fixture';

// The sample card with these alert rules (and its first KPI changed): the rules kept and every issue.
function parseAlerts(
  alerts: unknown[],
  kpi: Record<string, unknown> = {},
): { rules: readonly AlertRuleDef[]; messages: string[] } {
  const doc = sampleDocument();
  const [card] = doc.scorecards;
  if (card === undefined) throw new Error('the sample has a scorecard');
  card.kpis = card.kpis.map((k, i) => (i === 0 ? { ...k, ...kpi } : k));
  const parsed = parseDefinitionDocument({ ...doc, scorecards: [{ ...card, alerts }] }, 'f.yaml');
  return {
    rules: parsed.definitions.scorecards[0]?.alerts ?? [],
    messages: parsed.errors.map((e) => `${e.severity} ${e.path}: ${e.message}`),
  };
}

const AT = 'error scorecards[0].alerts[0]';
const STREAK = 'target-missed, { scoreBelow: n } or { totalBelow: n }';

describe('an alert rule refused, field by field', () => {
  const cases: [string, unknown, string[]][] = [
    [
      'labels that are a number',
      { kind: 'red-line', labels: 3 },
      [`${AT}.labels: expected a mapping of names to strings, got 3`],
    ],
    [
      'labels that are not text',
      { kind: 'red-line', labels: { plan: 'x', n: 7, bad: [], none: null } },
      [`${AT}.labels.bad: expected a string, got a list`, `${AT}.labels.none: expected a string, got nothing`],
    ],
    [
      'a pace resolving above its miss',
      { kind: 'pace', missBy: 0.1, resolveUnder: 0.2, kpis: ['fcr'] },
      [`${AT}.resolveUnder: expected at most missBy 0.1, got 0.2`],
    ],
    [
      'a pace miss of 100 %',
      { kind: 'pace', missBy: 1 },
      [`${AT}.missBy: expected a share below 1 (0.05 is 5 %), got 1`],
    ],
    ['a streak without when', { kind: 'streak', periods: 2 }, [`${AT}.when: missing required key "when" (${STREAK})`]],
    [
      'a streak below a score of 0',
      { kind: 'streak', periods: 2, when: { scoreBelow: 0 } },
      [`${AT}.when.scoreBelow: expected a positive number, got 0`],
    ],
    [
      'a streak below a total in words',
      { kind: 'streak', periods: 2, when: { totalBelow: 'x' } },
      [`${AT}.when.totalBelow: expected a positive number, got "x"`],
    ],
    [
      'a streak below a score and a total',
      { kind: 'streak', periods: 2, when: { scoreBelow: 1, totalBelow: 2 } },
      [`${AT}.when: expected ${STREAK}, got a mapping`],
    ],
    [
      'a streak test misspelt',
      { kind: 'streak', periods: 2, when: { below: 1 } },
      [
        `${AT}.when.below: unknown key "below"; allowed: scoreBelow, totalBelow`,
        `${AT}.when.totalBelow: missing required key "totalBelow"`,
      ],
    ],
    [
      'a margin resolving above it',
      { kind: 'deviation', margin: 30, resolveUnder: 31 },
      [`${AT}.resolveUnder: expected at most the firing threshold 30, got 31`],
    ],
    [
      'a negative sample',
      { kind: 'deviation', margin: 30, minSample: -1 },
      [`${AT}.minSample: expected a non-negative number, got -1`],
    ],
    [
      'a deviation of neither kind',
      { kind: 'deviation' },
      [`${AT}: give exactly one of worseBy (a share of the target) or margin (in the KPI’s unit)`],
    ],
    ['a share of 0', { kind: 'deviation', worseBy: 0 }, [`${AT}.worseBy: expected a positive number, got 0`]],
    [
      'a duration in bare seconds',
      { kind: 'red-line', keepFiringFor: 5 },
      [`${AT}.keepFiringFor: expected a duration such as 0s, 30m or 2h, got 5`],
    ],
    [
      'an empty list of KPIs',
      { kind: 'red-line', kpis: [] },
      [`${AT}.kpis: expected a string or a non-empty list of strings, got an empty list`],
    ],
    [
      'a KPI like no other',
      { kind: 'red-line', kpis: ['zzzzzz'] },
      [`${AT}.kpis[0]: no KPI "zzzzzz" in this scorecard`],
    ],
    [
      'an unknown kind',
      { kind: 'nope', worseBy: 1 },
      [`${AT}.kind: expected one of red-line, deviation, streak, pace, got "nope"`],
    ],
  ];

  it.each(cases)('%s', (_label, rule, expected) => {
    expect(parseAlerts([{ id: 'a', ...(rule as object) }]).messages).toEqual(expected);
  });

  it('names a pace rule over a rolling KPI', () => {
    expect(parseAlerts([{ id: 'a', kind: 'pace', missBy: 0.1, kpis: ['fcr'] }], { window: 'rolling:24h' })).toEqual({
      rules: [],
      messages: [`${AT}.kpis[0]: a pace rule needs a KPI over a calendar period; "fcr" is over rolling:24h`],
    });
  });

  it('leaves out a rule that is not a mapping, or has no id or kind', () => {
    expect(parseAlerts(['x', { kind: 'red-line' }, { id: 'b' }])).toEqual({
      rules: [],
      messages: [
        'error scorecards[0].alerts[0]: expected a mapping, got "x"',
        'error scorecards[0].alerts[1].id: missing required key "id"',
        'error scorecards[0].alerts[2].kind: missing required key "kind"',
      ],
    });
  });
});

describe('an alert rule read', () => {
  it('keeps the labels that are text or numbers, as text', () => {
    const { rules } = parseAlerts([{ id: 'a', kind: 'red-line', labels: { plan: 'x', n: 7, bad: [] } }]);
    expect(rules[0]?.labels).toEqual({ plan: 'x', n: '7' });
  });

  it('resolves a pace at half its miss and watches from a quarter of the period, unless told', () => {
    const { rules, messages } = parseAlerts([
      { id: 'a', kind: 'pace', missBy: 0.1, kpis: ['fcr'] },
      { id: 'b', kind: 'pace', missBy: 0.1, resolveUnder: 0.1, fromElapsed: 0.5 },
    ]);
    expect(messages).toEqual([]);
    expect(rules.map((r) => r.condition)).toEqual([
      { kind: 'pace', missBy: 0.1, resolveUnder: 0.05, fromElapsed: 0.25 },
      { kind: 'pace', missBy: 0.1, resolveUnder: 0.1, fromElapsed: 0.5 },
    ]);
  });

  it('reads a streak below a KPI score, and a margin resolving at half or at the line itself', () => {
    const { rules, messages } = parseAlerts([
      { id: 'a', kind: 'streak', periods: 2, when: { scoreBelow: 60 }, kpis: 'fcr' },
      { id: 'b', kind: 'deviation', margin: 30 },
      { id: 'c', kind: 'deviation', margin: 30, resolveUnder: 30, minSample: 0 },
    ]);
    expect(messages).toEqual([]);
    expect(rules.map((r) => [r.kpis, r.condition])).toEqual([
      [['fcr'], { kind: 'streak', periods: 2, when: { kind: 'score-below', score: 60 } }],
      [
        null,
        {
          kind: 'deviation',
          fireAt: { kind: 'margin', value: 30 },
          resolveUnder: { kind: 'margin', value: 15 },
          minSample: 1,
        },
      ],
      [
        null,
        {
          kind: 'deviation',
          fireAt: { kind: 'margin', value: 30 },
          resolveUnder: { kind: 'margin', value: 30 },
          minSample: 0,
        },
      ],
    ]);
  });

  it('takes a bare 0 as no delay, a plain name as English, and keeps the source', () => {
    const { rules, messages } = parseAlerts([{ id: 'a', kind: 'red-line', for: 0, name: 'Lines', source: 'seed 000' }]);
    expect(messages).toEqual([]);
    expect(rules[0]).toMatchObject({ forMs: 0, name: { en: 'Lines', zh: '' }, source: 'seed 000' });
    expect(parseAlerts([{ id: 'a', kind: 'red-line' }]).rules[0]?.name).toEqual({ en: 'a', zh: 'a' });
  });
});
