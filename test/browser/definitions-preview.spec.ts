import { mkdirSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadConfig } from '../../services/runtime/src/config';
import { up, type Running } from '../../services/runtime/src/up';
import { DATABASE_URL, migratedTestDatabase, type TestDatabase } from '../support/postgres';
import { seedWithTarget, simulatedMonth, storeAndClose } from '../support/preview';
import { schemaUrl } from '../support/service-process';
import { AUTH_ENV, tokenFor } from '../support/tokens';

const SHOTS = 'test-output/screenshots';
// the month of events ends today: the preview runs at the wall clock, as the page's users run it
const START = new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10);

// The admin's definitions panel on the org page in Chromium: a draft that lowers the supervisors' AHT
// target is previewed on what the pipeline stored of the org's month of events, the progress shown, then
// the grades and movers per scorecard, above the publish button, which the preview unlocks.
describe('the what-if preview on the org page in Chromium', () => {
  let t: TestDatabase;
  let running: Running;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    t = await migratedTestDatabase();
    const now = new Date().toISOString();
    await storeAndClose(
      t.db,
      simulatedMonth('O1', 4, 2, START).filter((e) => Date.parse(e.time) < Date.parse(now)),
      now,
    );
    running = await up(
      loadConfig({ DATABASE_URL: schemaUrl(DATABASE_URL, t.schema), PORT: '0', LOG_LEVEL: 'error', ...AUTH_ENV }),
    );
    browser = await chromium.launch({
      executablePath: process.env.KPI_PULSE_CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await running?.close();
    await t?.drop();
  });

  it('previews the draft, shows the grade changes and movers, then unlocks publish', async () => {
    const token = await tokenFor({ role: 'admin', org: 'O1' });
    const page = await browser.newPage({ viewport: { width: 1440, height: 1400 }, locale: 'en-US' });
    page.on('pageerror', (err) => process.stderr.write(`page error: ${err.message}\n`));
    await page.goto(`${running.url}/?token=${token}#/org/O1`);
    const panel = page.getByTestId('org-definitions');
    await panel.waitFor();
    const publish = panel.getByRole('button', { name: 'Publish' });
    expect(await publish.isDisabled()).toBe(true);

    // set as a paste would (the live cards around keep the panel moving, which `fill` waits out)
    await panel.getByTestId('definitions-draft').evaluate(
      (el: { value: string; dispatchEvent(e: Event): boolean }, text: string) => {
        el.value = text;
        el.dispatchEvent(new Event('input'));
      },
      stringify(seedWithTarget('cs-supervisor-monthly', 'aht', 200)),
    );
    await panel.getByRole('button', { name: 'Preview' }).click({ force: true });
    await panel.getByTestId('preview-results').locator('article').first().waitFor({ timeout: 120_000 });
    // this month or last, whichever holds most of the month of events
    const monthly = panel.locator('[data-scorecard="cs-supervisor-monthly"].moved').first();
    expect(await monthly.locator('.preview-changed').textContent()).toMatch(
      /^Grades changed: \d · totals changed: [1-4]$/,
    );
    expect(await monthly.locator('.preview-movers li').count()).toBeGreaterThan(0);
    // a month reads from its first to its last day, as the review page writes periods
    expect(await monthly.locator('h3 .muted').textContent()).toMatch(/ (\d{4})-(\d{2})-01 – \1-\2-(28|29|30|31)$/);
    expect(await panel.locator('[data-scorecard="cs-agent-annual"] .preview-changed').first().textContent()).toBe(
      'No change',
    );
    expect(await panel.getByRole('status').textContent()).toMatch(/agents, teams and orgs re-scored/);
    expect(await publish.isDisabled()).toBe(false);
    await panel.scrollIntoViewIfNeeded();
    await panel.screenshot({ path: `${SHOTS}/definitions-preview.png` });
    await page.close();
  });
});
