import { mkdirSync } from 'node:fs';
import type { INestApplication } from '@nestjs/common';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ScorecardGatewayModule } from '../../services/scorecard-gateway/src/scorecard-gateway.module';
import { migratedTestDatabase, type TestDatabase } from '../support/postgres';
import { appendToLog, seedWithTarget, simulatedMonth } from '../support/preview';
import { startTestApp } from '../support/test-app';
import { tokenFor } from '../support/tokens';

const SHOTS = 'test-output/screenshots';
const AS_OF = '2026-11-20T12:00:00+08:00';

// The admin's definitions panel on the org page in Chromium: a draft that lowers the supervisors' AHT
// target is previewed on the org's month of events, the progress shown, then the grades and movers per
// scorecard, above the publish button, which the preview unlocks.
describe('the what-if preview on the org page in Chromium', () => {
  let t: TestDatabase;
  let app: INestApplication;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    t = await migratedTestDatabase();
    await appendToLog(t.db, simulatedMonth('O1', 4, 2));
    ({ app, base } = await startTestApp(t, [ScorecardGatewayModule], { now: () => Date.parse(AS_OF) }));
    browser = await chromium.launch({
      executablePath: process.env.KPI_PULSE_CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await t?.drop();
  });

  it('previews the draft, shows the grade changes and movers, then unlocks publish', async () => {
    const token = await tokenFor({ role: 'admin', org: 'O1' });
    const page = await browser.newPage({ viewport: { width: 1440, height: 1400 }, locale: 'en-US' });
    page.on('pageerror', (err) => process.stderr.write(`page error: ${err.message}\n`));
    await page.goto(`${base}/?token=${token}#/org/O1`);
    const panel = page.getByTestId('org-definitions');
    await panel.waitFor();
    const publish = panel.getByRole('button', { name: 'Publish' });
    expect(await publish.isDisabled()).toBe(true);

    await panel.getByTestId('definitions-draft').fill(stringify(seedWithTarget('cs-supervisor-monthly', 'aht', 200)));
    await panel.getByRole('button', { name: 'Preview' }).click();
    const monthly = panel.locator('[data-scorecard="cs-supervisor-monthly"][data-period="current"]');
    await monthly.waitFor({ timeout: 120_000 });
    expect(await monthly.getAttribute('class')).toContain('moved');
    expect(await monthly.locator('.preview-changed').textContent()).toMatch(/^[1-4] grades and 4 totals change$/);
    expect(await monthly.locator('.preview-movers li').count()).toBeGreaterThan(0);
    expect(await panel.locator('[data-scorecard="cs-agent-annual"] .preview-changed').first().textContent()).toBe(
      'No change',
    );
    expect(await panel.getByRole('status').textContent()).toMatch(/events replayed/);
    expect(await publish.isDisabled()).toBe(false);
    await panel.scrollIntoViewIfNeeded();
    await panel.screenshot({ path: `${SHOTS}/definitions-preview.png` });
    await page.close();
  });
});
