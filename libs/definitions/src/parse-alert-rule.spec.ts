import { describe, expect, it } from 'vitest';
import { formatIssue } from './definition-issue';
import { parseDefinitionDocument } from './parse-document';
import { sampleDocument, type SampleDocument } from './sample-definitions.fixture';
import { validateDefinitions } from './validate-definitions';

function withAlerts(alerts: unknown[]): SampleDocument {
  const doc = sampleDocument();
  const [card] = doc.scorecards;
  if (card === undefined) throw new Error('the sample has a scorecard');
  return { ...doc, scorecards: [{ ...card, alerts }] };
}

function parse(alerts: unknown[]) {
  const parsed = parseDefinitionDocument(withAlerts(alerts), 'cs.yaml');
  const issues = [...parsed.errors, ...validateDefinitions(parsed.definitions, parsed.origins)].map(formatIssue);
  return { rules: parsed.definitions.scorecards[0]?.alerts ?? [], issues };
}

describe('alert rules in a scorecard', () => {
  it('reads every kind with its defaults', () => {
    const { rules, issues } = parse([
      { id: 'lines', kind: 'red-line', severity: 'critical' },
      {
        id: 'fcr-off',
        kind: 'deviation',
        kpis: ['fcr'],
        worseBy: 0.05,
        for: '30m',
        minSample: 20,
        labels: { plan: '纠偏' },
      },
      { id: 'twice', kind: 'streak', periods: 2, when: 'target-missed', keepFiringFor: '1h' },
      { id: 'below-70', kind: 'streak', periods: 3, when: { totalBelow: 70 } },
    ]);
    expect(issues).toEqual([]);
    expect(rules.map((r) => [r.id, r.severity, r.kpis, r.forMs, r.keepFiringForMs])).toEqual([
      ['lines', 'critical', null, 0, 0],
      ['fcr-off', 'warning', ['fcr'], 1_800_000, 0],
      ['twice', 'warning', null, 0, 3_600_000],
      ['below-70', 'warning', null, 0, 0],
    ]);
    expect(rules[1]?.condition).toEqual({
      kind: 'deviation',
      fireAt: { kind: 'relative', value: 0.05 },
      resolveUnder: { kind: 'relative', value: 0.025 }, // half the line: the default hysteresis
      minSample: 20,
    });
    expect(rules[1]?.labels).toEqual({ plan: '纠偏' });
    expect(rules[3]?.condition).toEqual({ kind: 'streak', periods: 3, when: { kind: 'total-below', total: 70 } });
  });

  it('a card without alerts has none', () => {
    expect(parseDefinitionDocument(sampleDocument(), 'cs.yaml').definitions.scorecards[0]?.alerts).toEqual([]);
  });

  it('names each mistake by file and path, with a did-you-mean', () => {
    const { issues } = parse([
      { id: 'a', kind: 'deviaton' },
      { id: 'b', kind: 'deviation', worseBy: 5 },
      { id: 'c', kind: 'deviation', worseBy: 0.05, margin: 3 },
      { id: 'd', kind: 'deviation', worseBy: 0.05, resolveUnder: 0.1, kpis: ['fcrr'] },
      { id: 'e', kind: 'streak', periods: 0, when: 'missed' },
      { id: 'f', kind: 'streak', periods: 3, when: { totalBelow: 70 }, kpis: ['fcr'] },
      { id: 'g', kind: 'red-line', for: 'soon', severity: 'high', missBy: 0.1 },
      { id: 'h', kind: 'pace', missBy: 0.1, kpis: ['fcr'] },
      { id: 'h', kind: 'red-line', kpis: ['complaints'] },
    ]);
    expect(issues).toEqual([
      'cs.yaml: scorecards[0].alerts[0].kind: expected one of red-line, deviation, streak, pace, got "deviaton" (did you mean "deviation"?)',
      'cs.yaml: scorecards[0].alerts[1].worseBy: expected a share below 1 (0.05 is 5 %), got 5',
      'cs.yaml: scorecards[0].alerts[2]: give exactly one of worseBy (a share of the target) or margin (in the KPI’s unit)',
      'cs.yaml: scorecards[0].alerts[3].resolveUnder: expected at most the firing threshold 0.05, got 0.1',
      'cs.yaml: scorecards[0].alerts[3].kpis[0]: no KPI "fcrr" in this scorecard (did you mean "fcr"?)',
      'cs.yaml: scorecards[0].alerts[4].periods: expected a positive integer, got 0',
      'cs.yaml: scorecards[0].alerts[4].when: expected target-missed, { scoreBelow: n } or { totalBelow: n }, got "missed"',
      "cs.yaml: scorecards[0].alerts[5].kpis: a totalBelow streak watches the card's total: it names no KPIs, got a list",
      'cs.yaml: scorecards[0].alerts[6].missBy: unknown key "missBy"; allowed: id, name, kind, severity, kpis, for, keepFiringFor, labels, source',
      'cs.yaml: scorecards[0].alerts[6].severity: expected one of critical, warning, info, got "high"',
      'cs.yaml: scorecards[0].alerts[6].for: expected a duration such as 0s, 30m or 2h, got "soon"',
      'cs.yaml: scorecards[0].alerts[8].id: alert rule "h" is listed twice in this scorecard',
      'cs.yaml: scorecards[0].alerts: rule "h": a pace rule needs a cumulative KPI; fcr (support.fcr) has no pace',
    ]);
  });

  it('a KPI the card does not have is named with the closest one', () => {
    const { issues } = parse([{ id: 'x', kind: 'red-line', kpis: ['complaint'] }]);
    expect(issues).toEqual([
      'cs.yaml: scorecards[0].alerts[0].kpis[0]: no KPI "complaint" in this scorecard (did you mean "complaints"?)',
    ]);
  });
});
