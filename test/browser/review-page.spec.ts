import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { chromium, type Browser, type Page } from 'playwright-core';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../services/runtime/src/config';
import { up, type Running } from '../../services/runtime/src/up';
import { DATABASE_URL, migratedTestDatabase, type TestDatabase } from '../support/postgres';
import { writeSalesWeek } from '../support/review-fixtures';
import { importRoster } from '../support/roster';
import { schemaUrl } from '../support/service-process';
import { AUTH_ENV, bearer, tokenFor } from '../support/tokens';
import { layoutFaults } from './page-layout';

const SHOTS = 'test-output/screenshots';
const OUT = 'test-output';
const ACTION = 'Call back the stalled manufacturing deals';

// The weekly review page in Chromium on the whole service: made on demand from the page, an action item
// added in it, presenter mode driven by the keyboard, the PDF printed by the service's own Chromium
// (its text read back with pdftotext, page 1 rendered to an image), and the pack mailed with the PDF
// attached to a real SMTP server. Screenshots in test-output/screenshots.
describe('the weekly review page, its PDF and its email', () => {
  let t: TestDatabase;
  let running: Running;
  let browser: Browser;
  let smtp: SMTPServer;
  const mails: Buffer[] = [];
  const manager = () => tokenFor({ role: 'manager', org: 'O1', teams: ['T1'] });

  const open = async (hash: string, viewport: { width: number; height: number }): Promise<Page> => {
    const page = await browser.newPage({ viewport, locale: 'zh-CN', timezoneId: 'America/Los_Angeles' });
    page.on('pageerror', (err) => process.stderr.write(`page error: ${err.message}\n`));
    await page.goto(`${running.url}/?token=${await manager()}#${hash}`);
    return page;
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      onData(stream, _session, done) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          mails.push(Buffer.concat(chunks));
          done();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    t = await migratedTestDatabase();
    await importRoster(t.db, 'O1', [
      ['A1', 'T1'],
      ['A2', 'T1'],
    ]);
    await writeSalesWeek(t.db);
    running = await up(
      loadConfig({
        DATABASE_URL: schemaUrl(DATABASE_URL, t.schema),
        PORT: '0',
        LOG_LEVEL: 'error',
        SMTP_URL: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
        SMTP_FROM: 'KPI Pulse <review@kpi.example.com>',
        ...AUTH_ENV,
      }),
    );
    browser = await chromium.launch({
      executablePath: process.env.KPI_PULSE_CHROMIUM, // found or installed by chromium.global-setup.ts
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await running?.close();
    await t?.drop();
    await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  });

  it('makes the week’s pack from the page, takes an action item, and fits a phone and a wall', async () => {
    const page = await open('/review/O1/T1/2026-W48', { width: 1920, height: 1080 });
    // made on demand (the schedule may have made it at start already, when W48 was the last week ended)
    const generate = page.locator('[data-testid="review-generate"]');
    await generate.waitFor({ timeout: 15_000 });
    const made = page.waitForResponse(
      (r) => r.request().method() === 'POST' && r.url().endsWith('/v1/review-packs/T1/2026-W48'),
    );
    await generate.click();
    expect((await made).status()).toBe(201);
    await page.locator('.review-section[data-section="actions"]').waitFor({ timeout: 15_000 });
    expect(await page.locator('.review-section').count()).toBe(7);
    expect(await page.locator('[data-testid="review-total"]').first().textContent()).toContain('72.00');
    expect(await page.locator('[data-testid="review-header"]').textContent()).toContain('2026-W48');

    const form = page.locator('[data-testid="review-add"]');
    await form.locator('input[name="title"]').fill(ACTION);
    await form.locator('input[name="owner"]').fill('A1');
    await form.locator('input[name="dueDate"]').fill('2026-12-04');
    await form.locator('button[type="submit"]').click();
    await expect
      .poll(() => page.locator('[data-testid="review-actions"]').textContent(), { timeout: 10_000 })
      .toContain(ACTION);

    await page.screenshot({ path: `${SHOTS}/review-page-1920x1080.png`, fullPage: true });
    expect(await layoutFaults(page)).toEqual({ overflowing: [], overlapping: [] });
    for (const size of [
      { width: 390, height: 844 },
      { width: 3840, height: 2160 },
    ]) {
      await page.setViewportSize(size);
      await page.waitForTimeout(300);
      await page.screenshot({
        path: `${SHOTS}/review-page-${size.width}x${size.height}.png`,
        fullPage: size.width < 1000,
      });
      expect({ size, ...(await layoutFaults(page)) }).toEqual({ size, overflowing: [], overlapping: [] });
    }
    await page.close();
  });

  it('presents one section per screen, moved by the keyboard', async () => {
    const page = await open('/review/O1/T1/2026-W48', { width: 1920, height: 1080 });
    await page.locator('[data-testid="review-present"]').click();
    const visible = () => page.locator('.review-section:visible').count();
    expect(await visible()).toBe(1);
    expect(await page.locator('.review-section:visible h2').textContent()).toBe('计分卡与周环比');
    await page.keyboard.press('ArrowRight');
    expect(await page.locator('[data-testid="review-view"]').getAttribute('data-slide')).toBe('2');
    expect(await page.locator('.review-section:visible').getAttribute('data-section')).toBe('movers');
    await page.keyboard.press('End');
    expect(await page.locator('.review-section:visible').getAttribute('data-section')).toBe('actions');
    await page.keyboard.press('ArrowRight'); // stays on the last
    expect(await page.locator('[data-testid="review-view"]').getAttribute('data-slide')).toBe('7');
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    expect(await page.locator('.review-section:visible').getAttribute('data-section')).toBe('red-lines');
    await page.screenshot({ path: `${SHOTS}/review-presenter-1920x1080.png` });
    await page.keyboard.press('Escape');
    expect(await visible()).toBe(7);
    await page.close();
  });

  it('prints an A4 PDF whose text holds the team, the week, the total and the action items', async () => {
    for (const lang of ['en', 'zh'] as const) {
      const res = await fetch(`${running.url}/v1/review-packs/T1/2026-W48/pdf?lang=${lang}`, {
        headers: bearer(await manager()),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      const file = `${OUT}/review-pack-T1-2026-W48-${lang}.pdf`;
      writeFileSync(file, Buffer.from(await res.arrayBuffer()));
      const text = execFileSync('pdftotext', ['-layout', file, '-']).toString();
      expect(text).toContain(lang === 'en' ? 'Team T1 · 2026-W48' : '团队 T1 · 2026-W48'); // each page's header
      expect(text).toContain('72.00'); // the sales card's total
      expect(text).toContain(ACTION);
      expect(text).toMatch(/\b1 ?\/ ?\d+\b/); // page numbers: "1 / 2"
      const info = execFileSync('pdfinfo', [file]).toString();
      expect(info).toMatch(/Page size:.*\(A4\)/);
      if (lang === 'zh') {
        expect(text).toContain('行动项');
        execFileSync('pdftoppm', [
          '-png',
          '-r',
          '60',
          '-f',
          '1',
          '-l',
          '1',
          '-singlefile',
          file,
          `${SHOTS}/review-pdf-page1`,
        ]);
      }
    }
  });

  it('mails the pack with its PDF attached to the team’s subscribers', async () => {
    const who = bearer(await manager());
    const put = await fetch(`${running.url}/v1/review-packs/T1/subscribers`, {
      method: 'PUT',
      headers: { ...who, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'lead@example.com', language: 'en' }),
    });
    expect(put.status).toBe(200);
    const bad = await fetch(`${running.url}/v1/review-packs/T1/subscribers`, {
      method: 'PUT',
      headers: { ...who, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'not an address' }),
    });
    expect(await bad.json()).toMatchObject({ statusCode: 400, field: 'email', code: 'invalid_value' });
    const sent = await fetch(`${running.url}/v1/review-packs/T1/2026-W48/deliveries`, { method: 'POST', headers: who });
    expect(await sent.json()).toEqual([{ to: 'lead@example.com', error: null }]);
    expect(mails).toHaveLength(1);
    const mail = await simpleParser(mails[0]!);
    expect(mail.subject).toBe('Weekly review pack · Team T1 · 2026-W48');
    expect(mail.text).toContain('/#/review/O1/T1/2026-W48');
    expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ['review-T1-2026-W48.pdf', 'application/pdf'],
    ]);
    expect(mail.attachments[0]!.content.subarray(0, 5).toString()).toBe('%PDF-');
  });
});
