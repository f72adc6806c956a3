import { sampleDocument } from '../../definitions/src/sample-definitions.fixture';
import { describe, expect, it } from 'vitest';
import { parseDefinitionSource } from '#libs/definitions';
import { evaluate } from './evaluate';

// The report of `kpi-pulse evaluate` (docs/evaluate.md): line numbers, the --org filter, and the order
// of indicators and scorecards, over the sample support definitions (FCR per team and agent, monthly).
const parsed = parseDefinitionSource(JSON.stringify(sampleDocument()), 'sample.json');
const DEFINITIONS = parsed.definitions;
const AS_OF = '2026-11-30T23:59:59+08:00';

let n = 0;
function solved(org: string, team: string, agent: string | null, contacts = 1): string {
  n++;
  const data: Record<string, unknown> = {
    orgId: org,
    teamId: team,
    ticketId: `t${n}`,
    contacts,
    handleSeconds: 60,
    resolutionSeconds: 600,
  };
  if (agent !== null) data.agentId = agent;
  return JSON.stringify({
    specversion: '1.0',
    id: `e${n}`,
    source: 'ticketing/zendesk',
    type: 'ticket.solved',
    time: '2026-11-05T09:00:00+08:00',
    data,
  });
}

describe('the evaluate report', () => {
  it('the sample definitions parse', () => {
    expect(parsed.errors).toEqual([]);
  });

  it('numbers lines as the file does, blank ones included but not counted; a line that is not JSON has no id', () => {
    const r = evaluate({
      definitions: DEFINITIONS,
      lines: ['', solved('O1', 'T1', 'A1'), '   ', '{nope'],
      asOf: AS_OF,
    });
    expect(r.asOf).toBe(AS_OF);
    expect(r.summary).toEqual({
      lines: 2,
      accepted: 1,
      duplicates: 0,
      conflicts: 0,
      rejected: 1,
      afterAsOf: 0,
      otherOrgs: 0,
    });
    expect(r.rejected).toHaveLength(1);
    expect(Object.keys(r.rejected[0] ?? {}).sort()).toEqual(['code', 'field', 'line', 'reason']);
    expect(r.rejected[0]?.line).toBe(4);
  });

  it('with --org, counts only that org and says how many lines belonged to others', () => {
    const r = evaluate({
      definitions: DEFINITIONS,
      lines: [solved('O1', 'T1', 'A1'), solved('O2', 'T1', 'A1'), solved('O2', 'T1', 'A1')],
      asOf: AS_OF,
      org: 'O1',
    });
    expect(r.summary).toMatchObject({ lines: 3, accepted: 1, otherOrgs: 2 });
    expect(new Set(r.indicators.map((v) => v.entity.orgId))).toEqual(new Set(['O1']));
    expect(new Set(r.scorecards.map((c) => c.entity.orgId))).toEqual(new Set(['O1']));
  });

  it('orders indicators by id, org, level (org, team, agent) and id in numeric order; scorecards likewise', () => {
    const lines = [
      solved('O2', 'T1', 'A1'),
      solved('O1', 'T10', 'A10', 2),
      solved('O1', 'T2', 'A2'),
      solved('O1', 'T10', null),
    ];
    const r = evaluate({ definitions: DEFINITIONS, lines, asOf: AS_OF });
    // the file's order decides nothing (an org seen first used to come first among the scorecards)
    const reversed = evaluate({ definitions: DEFINITIONS, lines: [...lines].reverse(), asOf: AS_OF });
    expect(reversed.scorecards).toEqual(r.scorecards);
    expect(reversed.indicators).toEqual(r.indicators);
    const month = r.indicators.filter((v) => v.indicator === 'support.fcr' && v.window === 'month');
    expect(month.map((v) => `${v.entity.orgId}/${v.entity.level}/${v.entity.id}=${v.value}`)).toEqual([
      'O1/org/O1=0.6666666666666666',
      'O1/team/T2=1',
      'O1/team/T10=0.5',
      'O1/agent/A2=1',
      'O1/agent/A10=0',
      'O2/org/O2=1',
      'O2/team/T1=1',
      'O2/agent/A1=1',
    ]);
    expect(month[0]).toEqual({
      indicator: 'support.fcr',
      entity: { level: 'org', id: 'O1', orgId: 'O1' },
      window: 'month',
      periodStart: '2026-11-01T00:00:00+08:00',
      periodEnd: '2026-12-01T00:00:00+08:00',
      value: 2 / 3,
      numerator: 2,
      denominator: 3,
    });
    expect(r.indicators.map((v) => v.indicator)).toEqual([...r.indicators.map((v) => v.indicator)].sort());
    expect(r.scorecards.map((c) => `${c.scorecard} ${c.entity.orgId}/${c.entity.id}`)).toEqual([
      'cs-supervisor-monthly O1/T2',
      'cs-supervisor-monthly O1/T10',
      'cs-supervisor-monthly O2/T1',
    ]);
    // each team's card reads that team's values as of --as-of
    expect(r.scorecards.map((c) => c.kpis.find((k) => k.kpi === 'fcr')?.actual)).toEqual([1, 0.5, 1]);
    expect(r.scorecards[0]).toMatchObject({
      entity: { level: 'team', id: 'T2', orgId: 'O1' },
      periodStart: '2026-11-01T00:00:00+08:00',
      periodEnd: '2026-12-01T00:00:00+08:00',
    });
  });
});

describe('what evaluate counts', () => {
  const at = (time: string) => solved('O1', 'T1', 'A1').replace('2026-11-05T09:00:00+08:00', time);
  const denominator = (lines: string[], asOf = AS_OF) =>
    evaluate({ definitions: DEFINITIONS, lines, asOf }).indicators.find(
      (v) => v.window === 'month' && v.entity.level === 'org',
    )?.denominator;

  it('an event timed exactly at --as-of, not one a millisecond after', () => {
    expect(denominator([at('2026-11-30T23:59:59+08:00'), at('2026-11-30T23:59:59.001+08:00')])).toBe(1);
  });

  it('an event timed long before the ones above it in the file: no event of the file is late', () => {
    // two hours before the last one, with an hour of allowed lateness: the live pipeline would drop it
    const lines = [at('2026-11-29T09:00:00+08:00'), at('2026-11-29T07:00:00+08:00')];
    expect(denominator(lines, '2026-11-29T10:00:00+08:00')).toBe(2);
  });

  it("paces a cumulative KPI by the org's working days where it has a calendar", () => {
    const doc = sampleDocument();
    doc.orgs = [{ ...doc.orgs[0], workingDays: ['mon', 'tue', 'wed', 'thu', 'fri'] }];
    const weekdays = parseDefinitionSource(JSON.stringify(doc), 'weekdays.json').definitions;
    // Wednesday 2026-11-04 00:00 in Shanghai: Monday and Tuesday done, of November's 21 weekdays
    const pace = (definitions: typeof DEFINITIONS) =>
      evaluate({
        definitions,
        lines: [at('2026-11-02T09:00:00+08:00')],
        asOf: '2026-11-04T00:00:00+08:00',
      }).scorecards[0]?.kpis.find((k) => k.kpi === 'complaints')?.pace?.elapsed;
    expect(pace(weekdays)).toBeCloseTo(2 / 21, 12);
    expect(pace(DEFINITIONS)).toBeCloseTo(3 / 30, 12);
  });
});
