import { describe, expect, it } from 'vitest';
import type { DefinitionSet, IndicatorDef, KpiDef, ScorecardDef } from './model';
import { parseDefinitionDocument } from './parse-document';
import { sampleDocument } from './sample-definitions.fixture';
import { validateDefinitions } from './validate-definitions';

function sampleSet(): DefinitionSet {
  const parsed = parseDefinitionDocument(sampleDocument(), 'seed/cs.yaml');
  expect(parsed.errors).toEqual([]);
  return parsed.definitions;
}

function first<T>(items: readonly T[]): T {
  const [item] = items;
  if (item === undefined) throw new Error('expected an item');
  return item;
}

function withScorecard(change: (s: ScorecardDef) => ScorecardDef): DefinitionSet {
  const set = sampleSet();
  return { ...set, scorecards: set.scorecards.map(change) };
}

function withKpi(change: (k: KpiDef) => KpiDef): DefinitionSet {
  return withScorecard((s) => ({ ...s, kpis: s.kpis.map((k, i) => (i === 0 ? change(k) : k)) }));
}

function withIndicator(change: (d: IndicatorDef) => IndicatorDef): DefinitionSet {
  const set = sampleSet();
  return { ...set, indicators: set.indicators.map((d, i) => (i === 0 ? change(d) : d)) };
}

function messages(set: DefinitionSet): string[] {
  return validateDefinitions(set).map((i) => `${i.severity} ${i.path}: ${i.message}`);
}

describe('validateDefinitions', () => {
  it('finds nothing wrong in the sample', () => {
    expect(messages(sampleSet())).toEqual([]);
  });

  it('rejects duplicate indicator ids and scorecard versions or effective dates, naming the first', () => {
    const set = sampleSet();
    const scorecard = first(set.scorecards);
    const duplicated: DefinitionSet = {
      ...set,
      indicators: [...set.indicators, first(set.indicators)],
      scorecards: [...set.scorecards, { ...scorecard, effectiveFrom: '2026-06-01' }, { ...scorecard, version: 2 }],
    };
    expect(messages(duplicated)).toEqual([
      'error indicators[2].id: indicator "support.fcr" is defined twice: also in <definitions> at indicators[0]',
      'error scorecards[1].version: scorecard "cs-supervisor-monthly" version 1 is defined twice: also in <definitions> at scorecards[0]',
      'error scorecards[2].effectiveFrom: scorecard "cs-supervisor-monthly" effective from 2026-01-01 is defined twice: also in <definitions> at scorecards[0]',
    ]);
  });

  it('names the files when origins are given', () => {
    const set = sampleSet();
    const issues = validateDefinitions(
      { ...set, indicators: [first(set.indicators), first(set.indicators)] },
      {
        orgs: [{ file: 'a.yaml', path: 'orgs[0]' }],
        indicators: [
          { file: 'a.yaml', path: 'indicators[0]' },
          { file: 'b.yaml', path: 'indicators[4]' },
        ],
        scorecards: [{ file: 'c.yaml', path: 'scorecards[0]' }],
      },
    );
    expect(issues.filter((i) => i.path.startsWith('indicators'))).toEqual([
      {
        file: 'b.yaml',
        path: 'indicators[4].id',
        message: 'indicator "support.fcr" is defined twice: also in a.yaml at indicators[0]',
        severity: 'error',
      },
    ]);
  });

  it('checks that the KPI indicator exists and computes the KPI window and the scorecard level', () => {
    expect(messages(withKpi((k) => ({ ...k, indicator: 'support.nope' })))).toContain(
      'error scorecards[0].kpis[0].indicator: no indicator "support.nope" is defined',
    );
    expect(messages(withKpi((k) => ({ ...k, window: 'week' })))).toContain(
      'error scorecards[0].kpis[0].window: indicator support.fcr is not computed over week; its windows: rolling:24h, month',
    );
    expect(messages(withIndicator((d) => ({ ...d, levels: ['agent'] })))).toContain(
      'error scorecards[0].kpis[0].indicator: indicator support.fcr is not computed at the team level of this scorecard; its levels: agent',
    );
  });

  it('allows rolling windows only with event-time terms, and not for manual or overdue indicators', () => {
    const dated = withIndicator((d) =>
      d.measure.kind === 'terms'
        ? { ...d, measure: { ...d.measure, numerator: { ...d.measure.numerator, timeField: 'data.dueDate' } } }
        : d,
    );
    expect(messages(dated)).toContain(
      'error indicators[0].windows[0]: rolling:24h is not allowed: a term placed by data.dueDate (not event time) takes calendar windows only',
    );
    expect(messages(withIndicator((d) => ({ ...d, measure: { kind: 'manual', scale: [0, 100] } })))).toContain(
      'error indicators[0].windows[0]: rolling:24h is not allowed: manual indicators take calendar windows only',
    );
    expect(messages(withIndicator((d) => ({ ...d, measure: { kind: 'overdue-ratio', afterDays: 30 } })))).toContain(
      'error indicators[0].windows[0]: rolling:24h is not allowed: overdue indicators take calendar windows only',
    );
  });

  it('checks the KPI dimension and the weights', () => {
    expect(messages(withKpi((k) => ({ ...k, dimension: 'speed' })))).toContain(
      'error scorecards[0].kpis[0].dimension: no dimension "speed" in this scorecard; its dimensions: efficiency, quality',
    );
    expect(messages(withKpi((k) => ({ ...k, weight: -1 })))).toContain(
      'error scorecards[0].kpis[0].weight: expected a non-negative number, got -1',
    );
    expect(messages(withKpi((k) => ({ ...k, weight: 0 }))).filter((m) => m.includes('.weight'))).toEqual([]);
    expect(messages(withKpi((k) => ({ ...k, status: { green: 90, amber: 95 } })))).toContain(
      'error scorecards[0].kpis[0].status: expected amber ≤ green, got amber 95 and green 90',
    );
    const dimensions = messages(
      withScorecard((s) => ({
        ...s,
        dimensions: s.dimensions.map((d) => ({ ...d, weight: d.id === 'quality' ? -5 : d.weight })),
      })),
    );
    expect(dimensions).toContain('error scorecards[0].dimensions[1].weight: expected a positive number, got -5');
    expect(dimensions).toContain(
      'warning scorecards[0].dimensions: dimension weights add up to 55, not 100; they are taken as relative shares',
    );
  });

  it('warns when KPI weights are neither all default nor add up to the dimension weight', () => {
    const kpis = (weights: number[]): DefinitionSet =>
      withScorecard((s) => {
        const fcr = first(s.kpis);
        return {
          ...s,
          kpis: [...s.kpis, ...weights.map((weight, i) => ({ ...fcr, id: `fcr${i}`, weight }))].filter(
            (k) => k.id !== 'fcr',
          ),
        };
      });
    expect(messages(kpis([1, 1, 1]))).toEqual([]);
    expect(messages(kpis([26, 20, 14]))).toEqual([]);
    expect(messages(kpis([2, 3]))).toContain(
      'warning scorecards[0].dimensions[0]: KPI weights in dimension "efficiency" add up to 5, not its weight 60; they are taken as relative shares',
    );
  });

  it('requires grades best first with strictly decreasing min and a last min ≤ 0', () => {
    const grades = (list: ScorecardDef['grades']): string[] => messages(withScorecard((s) => ({ ...s, grades: list })));
    expect(
      grades([
        { grade: 'A', min: 80 },
        { grade: 'B', min: 90 },
        { grade: 'C', min: 0 },
      ]),
    ).toContain(
      'error scorecards[0].grades[1].min: expected grades best first with strictly decreasing min: 90 is not below 80 (grade A)',
    );
    expect(
      grades([
        { grade: 'A', min: 90 },
        { grade: 'B', min: 60 },
      ]),
    ).toContain(
      "error scorecards[0].grades[1].min: expected the last grade's min ≤ 0 so that every total gets a grade, got 60",
    );
    expect(grades([])).toContain('error scorecards[0].grades: expected at least one grade');
  });

  it('checks cap-grade names, bands and achievement bounds', () => {
    expect(
      messages(
        withKpi((k) => ({ ...k, redLines: [{ when: 'target-missed', effects: [{ kind: 'cap-grade', grade: 'S' }] }] })),
      ),
    ).toContain('error scorecards[0].kpis[0].redLines[0].effects[0].capGrade: no grade "S"; the grades: A, B, C');
    expect(messages(withKpi((k) => ({ ...k, rule: { kind: 'bands', bands: [], outOf: 100 } })))).toContain(
      'error scorecards[0].kpis[0].rule.bands: expected at least one band',
    );
    expect(
      messages(withKpi((k) => ({ ...k, rule: { kind: 'bands', bands: [{ gte: 0.9, score: 100 }], outOf: 100 } }))),
    ).toContain(
      'warning scorecards[0].kpis[0].rule.bands: the last band has bounds: an actual outside every band gets no score; end with a band like { score: 0 }',
    );
    expect(
      messages(withKpi((k) => ({ ...k, rule: { kind: 'achievement', floor: 1.2, cap: 1.5, belowFloorScore: 0 } }))),
    ).toContain('error scorecards[0].kpis[0].rule.achievement: expected floor ≤ 1 ≤ cap, got floor 1.2 and cap 1.5');
    expect(
      messages(withKpi((k) => ({ ...k, rule: { kind: 'achievement', floor: 0.5, cap: 0.9, belowFloorScore: 0 } }))),
    ).toContain('error scorecards[0].kpis[0].rule.achievement: expected floor ≤ 1 ≤ cap, got floor 0.5 and cap 0.9');
  });

  it('checks org time zones, currencies and the default org', () => {
    const set = sampleSet();
    const orgs: DefinitionSet = {
      ...set,
      orgs: [{ id: 'acme', timeZone: 'Mars/Olympus', currency: 'cny', exchangeRates: {} }],
    };
    expect(messages(orgs)).toEqual([
      'error orgs[0].timeZone: expected an IANA time zone such as Asia/Shanghai, got "Mars/Olympus"',
      'error orgs[0].currency: expected an ISO 4217 code of 3 upper-case letters, got "cny"',
      'warning orgs: no default org "*": events of orgs not listed are rejected',
    ]);
  });
});

describe('validateDefinitions against the event contract', () => {
  function withTerms(indicator: Record<string, unknown>): DefinitionSet {
    const doc = sampleDocument();
    doc.indicators[0] = { ...doc.indicators[0], numerator: undefined, denominator: undefined, ...indicator };
    const parsed = parseDefinitionDocument(doc, 'seed/cs.yaml');
    expect(parsed.errors).toEqual([]);
    return parsed.definitions;
  }

  it('rejects an event type the contract does not have, suggesting the closest', () => {
    const set = withTerms({
      numerator: { of: 'ticket.solvd', where: { 'data.contacts': 1 } },
      denominator: { of: 'ticket.solved' },
    });
    expect(messages(set)).toEqual([
      'error indicators[0].numerator.of: unknown event type "ticket.solvd"; did you mean "ticket.solved"?',
    ]);
  });

  it('lists the contract types when no type is close', () => {
    const set = withTerms({ numerator: { of: ['ticket.solved', 'complaint.received'] } });
    expect(messages(set)).toEqual([
      expect.stringMatching(
        /^error indicators\[0\]\.numerator\.of\[1\]: unknown event type "complaint.received"; the contract's types: crm\.lead\.created, .*kpi\.manual_score$/,
      ),
    ]);
  });

  it('rejects a where field the types do not carry, suggesting the closest', () => {
    const set = withTerms({
      numerator: { of: 'ticket.solved', where: { 'data.contactz': 1 } },
      denominator: { of: 'ticket.solved' },
    });
    expect(messages(set)).toEqual([
      'error indicators[0].numerator.where["data.contactz"]: unknown field "data.contactz": not carried by ticket.solved; did you mean "data.contacts"?',
    ]);
  });

  it('checks the fields of sum, distinct, duration and time', () => {
    const set = withTerms({
      numerator: {
        of: 'crm.deal.won',
        duration: { from: 'data.sqlAtt', to: 'time', unit: 'd' },
        time: 'data.dueDate',
      },
      windows: 'month',
      denominator: { of: ['crm.order.paid'], distinct: ['data.visitorId', 'data.vistorId'] },
    });
    expect(messages(set)).toEqual([
      'error indicators[0].numerator.duration.from: unknown field "data.sqlAtt": not carried by crm.deal.won; did you mean "data.sqlAt"?',
      expect.stringMatching(
        /^error indicators\[0\]\.numerator\.time: unknown field "data\.dueDate": not carried by crm\.deal\.won; they carry data\.orgId, .*data\.sqlAt/,
      ),
      'error indicators[0].denominator.distinct[1]: unknown field "data.vistorId": not carried by crm.order.paid; did you mean "data.visitorId"?',
    ]);
    expect(messages(withTerms({ numerator: { of: 'refund.issued', sum: 'data.amout' } }))).toEqual([
      'error indicators[0].numerator.sum: unknown field "data.amout": not carried by refund.issued; did you mean "data.amount"?',
    ]);
  });

  it('reports an average once, at average', () => {
    const set = withTerms({ average: { of: 'ticket.replied', sum: 'data.responseSecnds' } });
    expect(messages(set)).toEqual([
      'error indicators[0].average.sum: unknown field "data.responseSecnds": not carried by ticket.replied; did you mean "data.responseSeconds"?',
    ]);
  });

  it('accepts a field carried by any of the types, the common fields and the originals of a conversion', () => {
    const set = withTerms({
      numerator: { of: ['ticket.created', 'ticket.replied'], where: { 'data.priority': { exists: true } } },
      denominator: { of: 'crm.order.paid', where: { 'data.teamId': 'T1' }, sum: 'data.originalAmount' },
    });
    expect(messages(set)).toEqual([]);
  });
});
