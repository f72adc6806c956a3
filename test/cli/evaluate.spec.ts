import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EvaluationReport } from '#libs/evaluation';
import { ROOT, runCli } from './run-cli';

const DEFS = 'test/fixtures/definitions';
const EVENTS = 'test/fixtures/events-small.jsonl';
const AS_OF = '2026-11-30T23:59:59+08:00';

function evaluateFile(events: string, extra: string[] = []): EvaluationReport {
  const r = runCli(['evaluate', '--definitions', DEFS, '--events', events, '--as-of', AS_OF, ...extra]);
  expect(r.stderr).toMatch(/evaluate: \d+ events read/);
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as EvaluationReport;
}

describe('kpi-pulse evaluate (contract: shared/contracts/cli-evaluate.md)', () => {
  const report = evaluateFile(EVENTS);
  const team = (indicator: string, window = 'month') =>
    report.indicators.find(
      (i) => i.indicator === indicator && i.entity.level === 'team' && i.entity.id === 'T1' && i.window === window,
    );

  it('prints the indicator values of the period holding --as-of, in the org time zone', () => {
    expect(report.asOf).toBe(AS_OF);
    expect(team('support.fcr')).toEqual({
      indicator: 'support.fcr',
      entity: { level: 'team', id: 'T1', orgId: 'O1' },
      window: 'month',
      periodStart: '2026-11-01T00:00:00+08:00',
      periodEnd: '2026-12-01T00:00:00+08:00',
      value: 0.75,
      numerator: 3,
      denominator: 4,
    });
    expect(team('support.aht')?.value).toBe(360);
    expect(team('sales.signed')?.value).toBe(9100); // 7000 CNY + 300 USD × 7
    // nothing was solved in the last 24 h before --as-of: a zero denominator is null, not 0
    expect(team('support.fcr', 'rolling:24h')?.value).toBeNull();
  });

  it('scores the scorecards with dimensions, total, grade and coefficient', () => {
    const card = report.scorecards.find((s) => s.scorecard === 'support-team-monthly' && s.entity.id === 'T1');
    expect(card?.periodStart).toBe('2026-11-01T00:00:00+08:00');
    expect(card?.kpis.map((k) => [k.kpi, k.actual, k.score, k.status])).toEqual([
      ['fcr', 0.75, 100, 'green'],
      ['aht', 360, 100, 'green'],
      ['signed', 9100, 91, 'amber'],
    ]);
    expect(card?.dimensions.map((d) => [d.dimension, d.score])).toEqual([
      ['efficiency', 100],
      ['results', 91],
    ]);
    expect(card?.total).toBe(96.4);
    expect(card?.grade).toBe('A');
    expect(card?.coefficient).toBe(1.5);
  });

  it('reports rejected lines with the field, the code and the reason, and counts duplicates and later events', () => {
    expect(report.rejected).toEqual([
      {
        line: 11,
        id: 'e30',
        source: 'ticketing/zendesk',
        field: 'data.contacts',
        code: 'invalid_value',
        reason: expect.stringMatching(/^data\.contacts: /) as string,
      },
      {
        line: 13,
        id: 'e32',
        source: 'crm/hubspot',
        field: 'data.currency',
        code: 'no_exchange_rate',
        reason: expect.stringMatching(/^data\.currency: GBP/) as string,
      },
      { line: 14, field: 'event', code: 'invalid_json', reason: expect.stringMatching(/^invalid JSON/) as string },
    ]);
    expect(report.summary).toMatchObject({ duplicates: 1, afterAsOf: 1, rejected: 3 });
  });

  it('gives the same answer whatever the order of the file', () => {
    const lines = readFileSync(join(ROOT, EVENTS), 'utf8').trim().split('\n');
    const reversed = join(mkdtempSync(join(tmpdir(), 'kpi-')), 'reversed.jsonl');
    writeFileSync(reversed, `${[...lines].reverse().join('\n')}\n`);
    const other = evaluateFile(reversed);
    expect(other.indicators).toEqual(report.indicators);
    expect(other.scorecards).toEqual(report.scorecards);
  });

  describe('two deliveries of one (source, id) with different content (contract v1.1)', () => {
    const lines = readFileSync(join(ROOT, EVENTS), 'utf8').trim().split('\n');
    // e40: a call answered, delivered first and timed Nov 20; then again as unanswered, timed Nov 10
    const call = (answered: boolean, day: string) =>
      JSON.stringify({
        specversion: '1.0',
        id: 'e40',
        source: 'telephony/aircall',
        type: 'call.ended',
        time: `2026-11-${day}T11:00:00+08:00`,
        data: {
          orgId: 'O1',
          teamId: 'T9',
          agentId: 'A9',
          callId: 'c40',
          answered,
          talkSeconds: 60,
          holdSeconds: 0,
          wrapSeconds: 0,
          waitSeconds: 5,
        },
      });
    const write = (name: string, body: string[]) => {
      const file = join(mkdtempSync(join(tmpdir(), 'kpi-')), name);
      writeFileSync(file, `${body.join('\n')}\n`);
      return file;
    };
    const withConflict = write('conflict.jsonl', [...lines, call(true, '20'), call(false, '10')]);
    // answered calls only: 60 s while the kept delivery counts, no value if the dropped one did
    const aht = (r: EvaluationReport) =>
      r.indicators.find((i) => i.indicator === 'support.aht' && i.entity.id === 'T9' && i.window === 'month')?.value;

    it('counts the first line, lists the other as a conflict with both lines, and counts it nowhere else', () => {
      const r = evaluateFile(withConflict);
      expect(aht(r)).toBe(60);
      expect(r.conflicts).toEqual([
        {
          id: 'e40',
          source: 'telephony/aircall',
          kept: { line: lines.length + 1, time: '2026-11-20T11:00:00+08:00' },
          dropped: { line: lines.length + 2, time: '2026-11-10T11:00:00+08:00' },
        },
      ]);
      expect(r.rejected.map((x) => x.id)).not.toContain('e40');
      expect(r.summary).toMatchObject({ conflicts: 1, duplicates: 1 });
    });

    it('gives the same answer with the other lines in another order', () => {
      const moved = write('moved.jsonl', [call(true, '20'), ...[...lines].reverse(), call(false, '10')]);
      const a = evaluateFile(withConflict);
      const b = evaluateFile(moved);
      expect(b.indicators).toEqual(a.indicators);
      expect(b.scorecards).toEqual(a.scorecards);
      expect(b.conflicts.map((c) => [c.kept.time, c.dropped.time])).toEqual([
        ['2026-11-20T11:00:00+08:00', '2026-11-10T11:00:00+08:00'],
      ]);
    });

    it('does not count the dropped line when --as-of falls between the two', () => {
      // as of Nov 15 the kept call has not happened yet: no call of T9 counts, and the conflict is still listed
      const r = evaluateFile(withConflict, ['--as-of', '2026-11-15T00:00:00+08:00']);
      expect(aht(r) ?? null).toBeNull();
      expect(r.conflicts).toHaveLength(1);
    });

    it('lists a line of an unknown org as rejected even when it is timed after --as-of', () => {
      const dir = mkdtempSync(join(tmpdir(), 'kpi-'));
      const defs = readFileSync(join(ROOT, DEFS, 'support.yaml'), 'utf8').replace("- id: '*'", '- id: O1');
      writeFileSync(join(dir, 'support.yaml'), defs);
      const stranger = lines[0]?.replace('"e1"', '"e50"').replace('"O1"', '"O9"').replace('2026-11-02', '2026-12-20');
      const events = write('stranger.jsonl', [lines[0] ?? '', stranger ?? '']);
      const r = runCli(['evaluate', '--definitions', dir, '--events', events, '--as-of', AS_OF]);
      expect(r.status).toBe(0);
      const report = JSON.parse(r.stdout) as EvaluationReport;
      expect(report.rejected).toMatchObject([{ line: 2, id: 'e50', field: 'data.orgId', code: 'unknown_org' }]);
      expect(report.summary).toMatchObject({ accepted: 1, rejected: 1, afterAsOf: 0 });
    });
  });

  it('exits 2 with the reason on bad arguments or invalid definitions', () => {
    const badTime = runCli(['evaluate', '--definitions', DEFS, '--events', EVENTS, '--as-of', '2026-11-30']);
    expect(badTime.status).toBe(2);
    expect(badTime.stderr).toContain('--as-of: expected an RFC 3339 time with offset');
    const dir = mkdtempSync(join(tmpdir(), 'kpi-'));
    writeFileSync(join(dir, 'bad.yaml'), 'apiVersion: kpi-pulse/v1\nindicators:\n  - id: x\n    unit: furlongs\n');
    const badDefs = runCli(['evaluate', '--definitions', dir, '--events', EVENTS, '--as-of', AS_OF]);
    expect(badDefs.status).toBe(2);
    expect(badDefs.stderr).toContain('invalid definitions');
    expect(badDefs.stderr).toContain('bad.yaml');
    expect(runCli(['evaluate', '--definitions', DEFS, '--as-of', AS_OF]).status).toBe(2);
  });

  it('prints the scorecards as tables for people with --format table, zh and en, status in words', () => {
    const r = runCli(['evaluate', '--definitions', DEFS, '--events', EVENTS, '--as-of', AS_OF, '--format', 'table']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('support-team-monthly v1 · team T1 · 2026-11-01 → 2026-12-01 · total 96.4 grade A ×1.5');
    expect(r.stdout).toMatch(/一次解决率 First-contact resolution\s+0\.75\s+target 0\.75\s+score 100\s+✔ on target/);
    expect(r.stdout).toMatch(
      /签约额 Signed amount\s+9,100\s+target 10,000\s+score 91\s+▲ below target · pace 10,000 behind by 9 %/,
    );
    expect(
      runCli(['evaluate', '--definitions', DEFS, '--events', EVENTS, '--as-of', AS_OF, '--format', 'xml']).stderr,
    ).toContain('--format: expected json or table, got "xml"');
  });

  it('has --help', () => {
    const help = runCli(['evaluate', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--as-of <time>');
    expect(help.stdout).toContain('Example');
    expect(help.stdout).toContain('printed unrounded');
    expect(help.stdout).toContain('a conflict, listed with both lines');
  });
});

describe('simulate | evaluate on the seed templates (the quick start)', () => {
  it('prints a scorecard of every seed template for every entity, with no rejected events', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kpi-'));
    const events = join(dir, 'events.jsonl');
    const sim = runCli([
      'simulate',
      '--teams',
      '2',
      '--agents',
      '3',
      '--days',
      '30',
      '--start',
      '2026-11-01',
      '--seed',
      '42',
      '--definitions',
      'definitions/seed',
      '--out',
      events,
      '--no-progress',
    ]);
    expect(sim.status).toBe(0);
    const r = runCli([
      'evaluate',
      '--definitions',
      'definitions/seed',
      '--events',
      events,
      '--as-of',
      '2026-11-30T23:59:59+08:00',
      '--compact',
    ]);
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as EvaluationReport;
    expect(report.rejected).toEqual([]);
    const cards = (id: string) => report.scorecards.filter((s) => s.scorecard === id);
    // seed 000: 25 KPIs for the sales manager and 27 for the CS supervisor (team level, 2 teams);
    // seed 002: 10 for customer service, seed 003: 15 for pre-sales (agent level, 6 agents)
    expect(cards('sales-manager-quarterly').map((s) => s.kpis.length)).toEqual([25, 25]);
    expect(cards('cs-supervisor-monthly').map((s) => s.kpis.length)).toEqual([27, 27]);
    expect(cards('cs-agent-annual').map((s) => s.kpis.length)).toEqual([10, 10, 10, 10, 10, 10]);
    expect(cards('presales-cs-monthly').map((s) => s.kpis.length)).toEqual([15, 15, 15, 15, 15, 15]);
    for (const card of report.scorecards) {
      expect(card.total).not.toBeNull();
      expect(['A', 'B', 'C', 'D']).toContain(card.grade);
    }
    expect(cards('sales-manager-quarterly')[0]?.periodStart).toBe('2026-10-01T00:00:00+08:00');
    expect(cards('cs-agent-annual')[0]?.periodStart).toBe('2026-01-01T00:00:00+08:00');
    // two thirds into the quarter, seed 000's signed amount is scored on its pace (docs/definitions.md, Pace)
    const sales = cards('sales-manager-quarterly')[0]?.kpis;
    const pace = sales?.find((k) => k.kpi === 'signed_amount')?.pace;
    expect(pace?.scoredOn).toBe('pace');
    expect(pace?.elapsed).toBeCloseTo(61 / 92, 6);
    expect(pace?.expected).toBeCloseTo(8_000_000 * (pace?.elapsed ?? 0), 3);
    expect(sales?.find((k) => k.kpi === 'win_rate')?.pace).toBeUndefined(); // a ratio has no pace
  });
});
