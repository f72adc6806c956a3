import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { PreviewReport } from '#libs/preview';
import { ScorecardGatewayModule } from '../../services/scorecard-gateway/src/scorecard-gateway.module';
import { migratedTestDatabase, type TestDatabase } from '../support/postgres';
import { seedWithTarget, simulatedMonth, storeAndClose } from '../support/preview';
import { startTestApp } from '../support/test-app';
import { tokenFor } from '../support/tokens';
import { runCli, runCliAsync } from './run-cli';

const AS_OF = '2026-11-20T12:00:00+08:00';

describe('kpi-pulse definitions preview', () => {
  it('--help says what it calls, what it prints and its options', () => {
    const r = runCli(['definitions', 'preview', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('POST /v1/definitions/preview');
    for (const option of ['--days', '--json', '--movers', '--url', '--token', '--no-progress'])
      expect(r.stdout).toContain(option);
  });

  describe('against a running gateway', () => {
    let t: TestDatabase;
    let app: INestApplication;
    let base: string;
    let token: string;
    let draft: string;
    const events = simulatedMonth('O1', 2, 1).filter((e) => Date.parse(e.time) <= Date.parse(AS_OF));

    beforeAll(async () => {
      t = await migratedTestDatabase();
      await storeAndClose(t.db, events, AS_OF);
      ({ app, base } = await startTestApp(t, [ScorecardGatewayModule], { now: () => Date.parse(AS_OF) }));
      token = await tokenFor({ role: 'admin', org: 'O1' });
      draft = join(mkdtempSync(join(tmpdir(), 'kpi-preview-')), 'draft.yaml');
      writeFileSync(draft, stringify(seedWithTarget('cs-supervisor-monthly', 'aht', 200)));
    }, 240_000);
    afterAll(async () => {
      await app?.close();
      await t?.drop();
    });

    it('prints grades and red lines before → after and the movers, with a progress bar on stderr', async () => {
      const r = await runCliAsync(['definitions', 'preview', draft, '--url', base, '--token', token, '--progress']);
      expect(r.stderr).toMatch(/preview \[[█░]+\] +100% /);
      expect(r.status).toBe(0);
      // the org, its two teams and two agents
      expect(r.stdout).toContain(`preview of O1 as of ${AS_OF}: the stored values of 5 entities re-scored`);
      expect(r.stdout).toMatch(/cs-supervisor-monthly · current 2026-11-01 – 2026-12-01: 2 cards/);
      expect(r.stdout).toMatch(
        /cs-supervisor-monthly · previous 2026-10-01 – 2026-11-01 \(as frozen at its close\): 2 cards/,
      );
      expect(r.stdout).toMatch(/ {4}team O1-T\d: [\d.]+ [A-D] → [\d.]+ [A-D] \(-\d+\.\d\d\)/);
    });

    it('--json prints the preview itself; a draft that changes an indicator exits 2 with the reason', async () => {
      const r = await runCliAsync(['definitions', 'preview', draft, '--url', base, '--token', token, '--json']);
      expect(r.status).toBe(0);
      const report = JSON.parse(r.stdout) as PreviewReport;
      expect(report.scored).toEqual({ entities: 5, cards: expect.any(Number) as number });
      expect(report.scorecards.find((d) => d.scorecard === 'cs-supervisor-monthly')?.changed.totals).toBe(2);

      const changed = seedWithTarget('cs-supervisor-monthly', 'aht', 200);
      changed.indicators[0] = { ...changed.indicators[0], id: changed.indicators[0]?.id ?? '', description: 'other' };
      const other = join(mkdtempSync(join(tmpdir(), 'kpi-preview-')), 'draft.yaml');
      writeFileSync(other, stringify(changed));
      const refused = await runCliAsync(['definitions', 'preview', other, '--url', base, '--token', token]);
      expect(refused.status).toBe(2);
      expect(refused.stderr).toContain('409');
      expect(refused.stderr).toContain('indicators');
    });
  });
});
