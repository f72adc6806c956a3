import { describe, expect, it } from 'vitest';
import { formatIssue } from './definition-issue';
import { parseDefinitionDocument } from './parse-document';
import { parseDefinitionSource } from './parse-source';
import { sampleDocument, type SampleDocument } from './sample-definitions.fixture';
import { validateDefinitions } from './validate-definitions';

function problems(doc: SampleDocument): string[] {
  const parsed = parseDefinitionDocument(doc, 'cs.yaml');
  return [...parsed.errors, ...validateDefinitions(parsed.definitions, parsed.origins)].map(formatIssue);
}

function withOrg(fields: Record<string, unknown>): SampleDocument {
  const doc = sampleDocument();
  return { ...doc, orgs: [{ ...doc.orgs[0], ...fields }] };
}

// the sample's second KPI, `complaints` (a count, lower is better), with these fields
function withComplaints(fields: Record<string, unknown>): SampleDocument {
  const doc = sampleDocument();
  const [card] = doc.scorecards;
  if (card === undefined) throw new Error('the sample has a scorecard');
  const kpis = card.kpis.map((k) => (k['id'] === 'complaints' ? { ...k, ...fields } : k));
  return { ...doc, scorecards: [{ ...card, kpis }] };
}

describe('an org working-day calendar', () => {
  it('is read from workingDays and holidays, dates in YAML unquoted too', () => {
    const yaml = [
      'apiVersion: kpi-pulse/v1',
      'orgs:',
      '  - id: "*"',
      '    timeZone: Asia/Shanghai',
      '    currency: CNY',
      '    workingDays: [mon, tue, wed, thu, fri]',
      '    holidays: [2026-10-01, 2026-10-02]',
    ].join('\n');
    const parsed = parseDefinitionSource(yaml, 'orgs.yaml');
    expect(parsed.errors).toEqual([]);
    expect(parsed.definitions.orgs[0]?.calendar).toEqual({
      workingDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
      holidays: ['2026-10-01', '2026-10-02'],
    });
  });

  it('is absent without workingDays', () => {
    const parsed = parseDefinitionDocument(sampleDocument(), 'cs.yaml');
    expect(parsed.definitions.orgs[0]?.calendar).toBeUndefined();
  });

  it('rejects unknown or repeated weekdays, impossible or repeated dates, and holidays alone', () => {
    expect(problems(withOrg({ workingDays: ['mon', 'Tue', 'mon'] }))).toEqual([
      'cs.yaml: orgs[0].workingDays[1]: expected one of mon, tue, wed, thu, fri, sat, sun, got "Tue" (did you mean "tue"?)',
      'cs.yaml: orgs[0].workingDays[2]: mon is listed twice',
    ]);
    expect(problems(withOrg({ workingDays: [] }))).toEqual([
      'cs.yaml: orgs[0].workingDays: expected at least one working day',
    ]);
    expect(
      problems(withOrg({ workingDays: ['mon'], holidays: ['2026-02-30', '2026-10-01', '2026-10-01', 7] })),
    ).toEqual([
      'cs.yaml: orgs[0].holidays[0]: expected a date YYYY-MM-DD, got "2026-02-30"',
      'cs.yaml: orgs[0].holidays[2]: 2026-10-01 is listed twice',
      'cs.yaml: orgs[0].holidays[3]: expected a date YYYY-MM-DD, got 7',
    ]);
    expect(problems(withOrg({ holidays: ['2026-10-01'] }))).toEqual([
      'cs.yaml: orgs[0].holidays: holidays need workingDays (e.g. [mon, tue, wed, thu, fri])',
    ]);
  });
});

describe('beforeClose', () => {
  it('pace on a cumulative KPI in a calendar window with an achievement rule is valid, either direction', () => {
    const doc = withComplaints({ beforeClose: 'pace', rule: { achievement: { floor: 0 } }, target: 5 });
    expect(problems(doc)).toEqual([]);
    const parsed = parseDefinitionDocument(doc, 'cs.yaml');
    expect(parsed.definitions.scorecards[0]?.kpis[1]?.beforeClose).toBe('pace');
    expect(parsed.definitions.scorecards[0]?.kpis[0]?.beforeClose).toBeUndefined(); // the default: target
  });

  it('pace needs a rule scored against the target', () => {
    expect(problems(withComplaints({ beforeClose: 'pace' }))).toEqual([
      'cs.yaml: scorecards[0].kpis[1].beforeClose: pace needs a rule scored against the target (achievement or linear), got deduction',
    ]);
  });

  it('pace needs a cumulative indicator and a calendar window', () => {
    const doc = sampleDocument();
    const [card] = doc.scorecards;
    if (card === undefined) throw new Error('the sample has a scorecard');
    const fcr = { ...card.kpis[0], beforeClose: 'pace', window: 'rolling:24h' };
    expect(problems({ ...doc, scorecards: [{ ...card, kpis: [fcr, ...card.kpis.slice(1)] }] })).toEqual([
      'cs.yaml: scorecards[0].kpis[0].beforeClose: pace needs a calendar window, got rolling:24h',
      'cs.yaml: scorecards[0].kpis[0].beforeClose: pace needs a cumulative indicator (a sum or count without denominator); support.fcr is not',
    ]);
  });

  it('takes pace or target only', () => {
    expect(problems(withComplaints({ beforeClose: 'prorata' }))).toEqual([
      'cs.yaml: scorecards[0].kpis[1].beforeClose: expected one of pace, target, got "prorata"',
    ]);
  });
});
