import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CloseReport } from '#libs/evaluation';
import { runCli, runCliAsync } from './run-cli';

const DEFS = 'definitions/seed';
// Beijing time: September and October are due on 2026-11-10 for presales-cs-monthly (grace 7 d)
const AS_OF = '2026-11-10T00:00:00+08:00';

describe('kpi-pulse close', () => {
  const dir = mkdtempSync(join(tmpdir(), 'close-cli-'));
  const events = join(dir, 'events.jsonl');
  let simulated = '';
  beforeAll(async () => {
    simulated = (
      await runCliAsync([
        'simulate',
        ...['--teams', '1', '--agents', '3', '--days', '61', '--start', '2026-09-01', '--seed', '11'],
        ...['--definitions', DEFS],
      ])
    ).stdout;
    writeFileSync(events, simulated);
  });
  const close = (...extra: string[]) =>
    runCliAsync(['close', '--definitions', DEFS, '--events', events, '--as-of', AS_OF, ...extra]);

  it('closes the periods due at --as-of: frozen cards with their hash, the bonus pool and the streaks', async () => {
    const r = await close('--scorecard', 'presales-cs-monthly');
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as CloseReport;
    // the streaks look back three months: July and August have no events, so September and October close
    expect(report.closes.map((c) => [c.scorecard, new Date(c.periodStart).toISOString()])).toEqual([
      ['presales-cs-monthly', '2026-08-31T16:00:00.000Z'],
      ['presales-cs-monthly', '2026-09-30T16:00:00.000Z'],
    ]);
    const october = report.closes[1];
    expect(october?.graceMs).toBe(7 * 86_400_000);
    expect(october?.cards.map((c) => c.frozen.content.entity.id)).toEqual(['O1-T1-A1', 'O1-T1-A2', 'O1-T1-A3']);
    for (const { frozen } of october?.cards ?? []) expect(frozen.hash).toMatch(/^[0-9a-f]{64}$/);
    // the pool is 6‰ of the three agents' sales, and all of it is paid out to the three
    const sales = (october?.cards ?? []).reduce(
      (sum, c) => sum + (c.frozen.content.kpis.find((k) => k.kpi === 'sales_amount')?.actual ?? 0),
      0,
    );
    expect(october?.outcome.bonusPool?.pool).toBeCloseTo(0.006 * sales, 6);
    const paid = (october?.cards ?? []).reduce((sum, c) => sum + (c.outcome.bonus?.amount ?? 0), 0);
    expect(paid).toBeCloseTo(0.006 * sales + 300, 6);
    expect(october?.cards[0]?.outcome.streaks.map((s) => s.rule)).toEqual([
      'below-70-three-months',
      'promotion-three-months',
    ]);
    expect(r.stderr).toMatch(
      /close: presales-cs-monthly O1 2026-09-30T16:00:00.000Z → 2026-10-31T16:00:00.000Z: 3 cards frozen/,
    );
    // the same events in another order: the same hashes
    const reversed = join(dir, 'reversed.jsonl');
    writeFileSync(reversed, `${simulated.trim().split('\n').reverse().join('\n')}\n`);
    const again = JSON.parse(
      (
        await runCliAsync([
          ...['close', '--definitions', DEFS, '--events', reversed],
          ...['--as-of', AS_OF, '--scorecard', 'presales-cs-monthly'],
        ])
      ).stdout,
    ) as CloseReport;
    expect(again.closes.map((c) => c.cards.map((x) => x.frozen.hash))).toEqual(
      report.closes.map((c) => c.cards.map((x) => x.frozen.hash)),
    );
  });

  it('prints a table for people, zh and en', async () => {
    const r = await close('--scorecard', 'presales-cs-monthly', '--periods', '1', '--format', 'table');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(
      'presales-cs-monthly · O1 · 2026-09-30T16:00:00.000Z → 2026-10-31T16:00:00.000Z · 关闭 closed (v1)',
    );
    expect(r.stdout).toContain('奖金池 bonus pool:');
    expect(r.stdout).toMatch(/O1-T1-A1 +\d/);
  });

  it('says what it does with --help, and exits 2 naming a bad argument', async () => {
    const help = runCli(['close', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--periods <n>');
    expect(help.stdout).toContain('docs/review-and-close.md');
    expect((await close('--periods', '0')).stderr).toContain('--periods: expected an integer from 1 to 120, got "0"');
    expect((await close('--scorecard', 'nope')).stderr).toContain(
      '--scorecard: no scorecard "nope" in definitions/seed',
    );
    expect((await close('--format', 'xml')).status).toBe(2);
  });
});
