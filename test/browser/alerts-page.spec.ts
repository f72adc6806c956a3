import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '#libs/events';
import { AlertSubscriptionsRepository } from '#libs/postgres';
import { loadConfig } from '../../services/runtime/src/config';
import { up, type Running } from '../../services/runtime/src/up';
import { startReceiver, webhookVerifier, type Receiver } from '../support/alert-receivers';
import { ticketSolved } from '../support/events';
import { DATABASE_URL, migratedTestDatabase, type TestDatabase } from '../support/postgres';
import { importRoster } from '../support/roster';
import { schemaUrl } from '../support/service-process';
import { postAsSources, testSecretBox } from '../support/sources';
import { AUTH_ENV, tokenFor } from '../support/tokens';
import { until } from '../support/until';
import { layoutFaults } from './page-layout';

const SHOTS = 'test-output/screenshots';
const PANEL = '[data-testid="alert-panel"]'; // a drawer over the page: its layout is checked on its own
// the screenshots docs/alerts.md shows: refreshed there with KPI_PULSE_DOC_IMAGES=1 (a plain run leaves the
// docs alone and writes them to test-output/screenshots only)
const DOC_IMAGES = 'docs/images';
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1440, height: 900 };
const LAPTOP = { width: 1280, height: 800 };
const WEBHOOK_SECRET = 'page-made-webhook-secret-0123456789';
const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '+00:00');
let n = 0;
const solved = (teamId: string, agentId: string, contacts: number): CanonicalEvent => {
  const e = ticketSolved(`alert-page-${++n}`, contacts, iso(Date.now() - 60_000));
  return { ...e, data: { ...e.data, teamId, agentId } };
};
// compliance reports a sensitive-data violation for a team: a red line, which the seed's red-lines rule
// turns into a critical alert at once
const violation = (teamId: string): CanonicalEvent => ({
  specversion: '1.0',
  id: `alert-page-v-${++n}`,
  source: 'reviews/compliance',
  type: 'kpi.manual_score',
  time: iso(Date.now() - 30_000),
  data: { orgId: 'O1', teamId, indicator: 'manual.support.privacy_violations', value: 1, reviewerId: 'compliance' },
});

// The alerts on the page in Chromium, against the whole pipeline in one process: the bell counts the
// firing alerts of the viewer's scope and goes up live when a red line fires; the list shows it, an
// acknowledgement is stored and shown; a manager's silence is stored with who and why.
describe('alerts on the scorecard page in Chromium', () => {
  let t: TestDatabase;
  let running: Running;
  let browser: Browser;
  let receiver: Receiver; // the webhook a manager subscribes from the page
  const tokens = new Map<string, string>();
  const post = async (events: CanonicalEvent[]) => {
    for (const r of await postAsSources(t.db, running.url, events, tokens)) expect(r.status).toBe(202);
  };
  const open = async (path: string, token: string, viewport = DESKTOP): Promise<Page> => {
    const page = await browser.newPage({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    page.on('pageerror', (err) => process.stderr.write(`page error: ${err.message}\n`));
    const [before = path, hash] = path.split('#');
    await page.goto(`${running.url}${before}?token=${token}${hash === undefined ? '' : `#${hash}`}`);
    return page;
  };
  // the firing alerts of team O1-T1 and its agents, as stored
  const firingInT1 = async () => {
    const [row] = await t.db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM alert_states
        WHERE status = 'firing' AND org_id = 'O1'
          AND ((level = 'team' AND entity_id = 'O1-T1') OR (level = 'agent' AND entity_id LIKE 'O1-T1-%'))`,
    );
    return row?.n ?? 0;
  };
  const transitions = async () =>
    (await t.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM alert_transitions`))[0]?.n ?? 0;
  const docShot = async (page: Page, name: string) => {
    await page.screenshot({ path: `${SHOTS}/${name}.png` });
    if (process.env.KPI_PULSE_DOC_IMAGES === '1') await page.screenshot({ path: `${DOC_IMAGES}/${name}.png` });
  };
  const bellCount = (page: Page) => page.locator('[data-testid="alert-bell"]').getAttribute('data-count');
  const managerLi = () => tokenFor({ role: 'manager', org: 'O1', teams: ['O1-T1'] }, 'manager-li');
  const agentWang = () => tokenFor({ role: 'agent', org: 'O1', teams: ['O1-T1'], agent: 'O1-T1-A1' }, 'agent-wang');
  // GET /v1/alert-subscriptions as the page's viewer
  const subscriptionsOf = async (token: string) =>
    (await (
      await fetch(`${running.url}/v1/alert-subscriptions`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as {
      id: string;
      matchers: Record<string, unknown>;
      channel: Record<string, unknown>;
      language: string;
      quietHours: unknown;
    }[];
  const openSubscriptions = async (page: Page) => {
    await page.locator('[data-testid="alert-bell"]').click();
    await page.locator('[data-testid="alert-tab-subscriptions"]').click();
    return page.locator('[data-testid="alert-panel"]');
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    t = await migratedTestDatabase();
    running = await up(
      loadConfig({
        DATABASE_URL: schemaUrl(DATABASE_URL, t.schema),
        PORT: '0',
        LOG_LEVEL: 'error',
        PROCESSOR_FLUSH_MS: '100',
        ...AUTH_ENV,
      }),
    );
    await importRoster(t.db, 'O1', [
      ['O1-T1-A1', 'O1-T1'],
      ['O1-T1-A2', 'O1-T1'],
      ['O1-T2-A1', 'O1-T2'],
    ]);
    await post([
      solved('O1-T1', 'O1-T1-A1', 1),
      solved('O1-T1', 'O1-T1-A2', 2),
      solved('O1-T2', 'O1-T2-A1', 1),
      violation('O1-T2'), // another team's red line: never on O1-T1's bell
    ]);
    await until(
      async () =>
        (await t.db.query<unknown[]>(`SELECT 1 FROM scorecards WHERE level = 'team' AND entity_id = 'O1-T1'`)).length >
        0,
      15_000,
      100,
    );
    // whatever the first events fire, settled before the page opens: no transition for a second
    let seen = -1;
    await until(
      async () => {
        const now = await transitions();
        const settled = now === seen;
        seen = now;
        return settled;
      },
      15_000,
      1000,
    );
    receiver = await startReceiver(webhookVerifier(WEBHOOK_SECRET));
    browser = await chromium.launch({
      executablePath: process.env.KPI_PULSE_CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await receiver?.close();
    await running?.close();
    await t?.drop();
  });

  it('a manager subscribes from the page: the form offers their teams only, shows a refusal by its field, and the API stores what the list shows', async () => {
    const token = await managerLi();
    const page = await open('/#/team/O1/O1-T1', token, LAPTOP);
    await page.locator('[data-testid="kpi-tile"]').first().waitFor({ timeout: 15_000 });
    const panel = await openSubscriptions(page);
    await expect.poll(() => panel.locator('.sub-tab .alert-empty').isVisible(), { timeout: 5_000 }).toBe(true);
    await panel.locator('[data-testid="subscription-add"]').click();
    const form = panel.locator('[data-testid="subscription-form"]');
    await form.waitFor();
    // their one team, ticked; no free team or agent field
    const teams = form.locator('input[name="team"]');
    expect(await teams.count()).toBe(1);
    expect([await teams.getAttribute('value'), await teams.isChecked()]).toEqual(['O1-T1', true]);
    expect(await form.locator('input[name="agent"]').count()).toBe(0);
    await form.locator('input[name="severity"][value="critical"]').check();
    await form.locator('input[name="url"]').fill(`${receiver.url}/hook`);
    // a secret too short: the API's refusal shows under the secret, nothing is stored
    await form.locator('input[name="secret"]').fill('short');
    await form.locator('[data-testid="sub-submit"]').click();
    const secretError = form.locator('[data-testid="sub-error-secret"]');
    await expect
      .poll(() => secretError.textContent(), { timeout: 5_000 })
      .toMatch(/^无效：expected the signing secret/);
    expect(await form.locator('input[name="secret"]').getAttribute('aria-invalid')).toBe('true');
    expect(await subscriptionsOf(token)).toEqual([]);
    await docShot(page, 'alerts-subscription-form-1280x800');
    // changing the field clears its refusal
    await form.locator('input[name="secret"]').fill(WEBHOOK_SECRET);
    expect(await secretError.isHidden()).toBe(true);
    await form.locator('[data-testid="sub-submit"]').click();

    const item = panel.locator('[data-testid="subscription-item"]');
    await expect.poll(() => item.count(), { timeout: 5_000 }).toBe(1);
    const port = new URL(receiver.url).port;
    expect(await item.locator('[data-testid="subscription-channel"]').textContent()).toBe(
      `Webhook · http://127.0.0.1:${port}/*** · 已签名`,
    );
    expect(await item.locator('[data-testid="subscription-matchers"]').textContent()).toBe('团队 O1-T1 · 严重');
    expect(await item.textContent()).toContain('中文 · 无免打扰');
    const stored = await subscriptionsOf(token);
    expect(stored.map((s) => [s.matchers, s.channel, s.language, s.quietHours])).toEqual([
      [
        { team: 'O1-T1', severity: 'critical' },
        { kind: 'webhook', url: `http://127.0.0.1:${port}/***`, signed: true },
        'zh',
        null,
      ],
    ]);
    expect(await item.getAttribute('data-id')).toBe(stored[0]?.id);
    // the secret is write-only: not in the page, not in the API's answer
    expect(await page.content()).not.toContain(WEBHOOK_SECRET);
    expect(JSON.stringify(stored)).not.toContain(WEBHOOK_SECRET);
    await page.evaluate('window.scrollTo(0, 0)');
    await docShot(page, 'alerts-subscriptions-1280x800');
    // the page offers no grouping: a test does not wait out the default 30 s group wait
    const patched = await fetch(`${running.url}/v1/alert-subscriptions/${stored[0]?.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ groupWaitMs: 0 }),
    });
    expect(patched.status).toBe(200);
    await page.close();
  });

  it("an agent is offered their own alerts only, on a phone; the page's subscription is theirs alone", async () => {
    const token = await agentWang();
    const page = await open('/#/agent/O1/O1-T1-A1', token, PHONE);
    await page.locator('[data-testid="kpi-tile"]').first().waitFor({ timeout: 15_000 });
    const panel = await openSubscriptions(page);
    await panel.locator('[data-testid="subscription-add"]').click();
    const form = panel.locator('[data-testid="subscription-form"]');
    await form.waitFor();
    expect(await form.locator('[data-testid="sub-scope"]').textContent()).toBe('我的告警（成员 O1-T1-A1）');
    expect(await form.locator('input[name="team"], input[name="agent"]').count()).toBe(0);
    await form.locator('select[name="channel"]').selectOption('email');
    expect(await form.locator('input[name="url"]').isHidden()).toBe(true);
    expect(await form.locator('input[name="secret"]').isHidden()).toBe(true);
    await form.locator('input[name="to"]').fill('wang@example.com');
    await form.locator('input[name="quiet"]').check();
    await form.locator('select[name="language"]').selectOption('en');
    expect(await layoutFaults(page, PANEL)).toEqual({ overflowing: [], overlapping: [] });
    await docShot(page, 'alerts-subscription-form-phone-390x844');
    await form.locator('[data-testid="sub-submit"]').click();
    const item = panel.locator('[data-testid="subscription-item"]');
    await expect.poll(() => item.count(), { timeout: 5_000 }).toBe(1);
    expect(await item.locator('[data-testid="subscription-matchers"]').textContent()).toBe('成员 O1-T1-A1');
    expect(await item.textContent()).toContain('英文 · 免打扰 22:00–08:00');
    const stored = await subscriptionsOf(token);
    expect(stored.map((s) => [s.matchers, s.channel, s.language, s.quietHours])).toEqual([
      [{ agent: 'O1-T1-A1' }, { kind: 'email', to: ['wang@example.com'] }, 'en', { from: '22:00', to: '08:00' }],
    ]);
    // the manager's subscription is not in the agent's list, nor the agent's in the manager's
    expect((await subscriptionsOf(await managerLi())).map((s) => s.channel.kind)).toEqual(['webhook']);
    expect(await layoutFaults(page, PANEL)).toEqual({ overflowing: [], overlapping: [] });
    await docShot(page, 'alerts-subscriptions-phone-390x844');
    await page.close();
  });

  it('the bell goes up live when a red line fires, the list shows it, and acknowledging it is stored', async () => {
    const token = await tokenFor({ role: 'manager', org: 'O1', teams: ['O1-T1'] }, 'manager-li');
    const page = await open('/#/team/O1/O1-T1', token);
    await page.locator('[data-testid="kpi-tile"]').first().waitFor({ timeout: 15_000 });
    const before = await firingInT1();
    await expect.poll(() => bellCount(page), { timeout: 5_000 }).toBe(String(before));
    // the drawer open on the alerts now while the red line fires
    await page.locator('[data-testid="alert-bell"]').click();
    const fresh = page.locator(
      '[data-testid="alert-list"] [data-entity="team:O1:O1-T1"][data-kpi="privacy_violations"][data-status="firing"]',
    );
    expect(await fresh.count()).toBe(0);

    await post([violation('O1-T1')]);
    await until(async () => (await firingInT1()) > before, 15_000, 100);
    // no reload: the push moved the bell and put the alert in the open list
    await expect.poll(() => bellCount(page), { timeout: 5_000, interval: 50 }).toBe(String(before + 1));
    expect(await page.locator('[data-testid="alert-count"]').textContent()).toBe(String(before + 1));
    await fresh.waitFor({ timeout: 5_000 });
    await page.locator('[data-testid="alert-bell"]').click(); // closed again

    // the red-line badge of the violated KPI opens the drawer at its alert
    const badge = page.locator(
      '[data-scorecard="cs-supervisor-monthly"] [data-kpi="privacy_violations"] [data-testid="redline-badge"]',
    );
    await badge.first().click();
    const panel = page.locator('[data-testid="alert-panel"]');
    await panel.waitFor({ state: 'visible' });
    const item = panel.locator(
      '[data-testid="alert-item"][data-entity="team:O1:O1-T1"][data-kpi="privacy_violations"][data-status="firing"]',
    );
    await item.waitFor();
    expect(await item.textContent()).toContain('触碰红线');
    expect(await item.getAttribute('class')).toContain('is-focused');
    expect(await page.locator('[data-testid="alert-bell"]').getAttribute('aria-expanded')).toBe('true');
    await page.evaluate('window.scrollTo(0, 0)');
    await docShot(page, 'alerts-desktop-1440x900');

    await item.locator('[data-testid="alert-ack"]').click();
    await expect
      .poll(() => item.locator('[data-testid="alert-acked"]').textContent(), { timeout: 5_000 })
      .toContain('manager-li');
    expect(await item.locator('[data-testid="alert-ack"]').isHidden()).toBe(true);
    const id = Number(await item.getAttribute('data-alert-id'));
    const stored = await t.db.query<{ by_subject: string }[]>(
      `SELECT by_subject FROM alert_acknowledgements WHERE transition_id = $1`,
      [id],
    );
    expect(stored).toEqual([{ by_subject: 'manager-li' }]);

    // the history holds the firing, acknowledged, and to whom it was sent: the page-made subscription's
    // webhook took it (read again when the history tab opens)
    await until(() => Promise.resolve(receiver.accepted.length > 0), 15_000, 100);
    const sent = receiver.accepted[0]?.json as { alerts: { entity: { id: string }; kpi: { id: string } }[] };
    expect(sent.alerts.map((a) => `${a.entity.id} ${a.kpi.id}`)).toEqual(['O1-T1 privacy_violations']);
    await until(
      async () => (await t.db.query<unknown[]>(`SELECT 1 FROM alert_deliveries WHERE status = 'delivered'`)).length > 0,
      15_000,
      100,
    );
    await panel.locator('[data-testid="alert-tab-history"]').click();
    const history = panel.locator('[data-testid="alert-history-item"][data-kind="fired"]');
    await history.first().waitFor();
    const line = history.filter({ hasText: '触碰红线' }).filter({ hasText: '团队 O1-T1' }).first();
    await expect
      .poll(() => line.locator('[data-testid="alert-sent"]').textContent(), { timeout: 5_000 })
      .toBe('通知：manager-li (webhook, 已送达)');
    expect(await panel.locator('[data-testid="alert-history"]').textContent()).toContain('manager-li');
    // no other team's alert in this manager's list
    expect(await panel.locator('[data-entity="team:O1:O1-T2"]').count()).toBe(0);
    await page.close();
  });

  it('another viewer of the team sees the acknowledgement pushed; an agent cannot silence, a manager can', async () => {
    const token = await tokenFor({ role: 'agent', org: 'O1', teams: ['O1-T1'], agent: 'O1-T1-A1' }, 'agent-wang');
    const page = await open('/#/team/O1/O1-T1', token, PHONE);
    await page.locator('[data-testid="kpi-tile"]').first().waitFor({ timeout: 15_000 });
    await expect.poll(() => bellCount(page), { timeout: 5_000 }).not.toBe('0');
    await page.locator('[data-testid="alert-bell"]').click();
    const item = page.locator(
      '[data-testid="alert-item"][data-entity="team:O1:O1-T1"][data-kpi="privacy_violations"][data-status="firing"]',
    );
    await item.waitFor();
    expect(await item.locator('[data-testid="alert-acked"]').textContent()).toContain('manager-li');
    expect(await item.locator('[data-testid="alert-silence"]').count()).toBe(0); // the API refuses agents
    expect(await item.locator('[data-testid="alert-silenced"]').isHidden()).toBe(true);

    // another manager of the team silences the red line from the list, on a phone
    const managerToken = await tokenFor({ role: 'manager', org: 'O1', teams: ['O1-T1'] }, 'manager-zhao');
    const phone = await open('/#/team/O1/O1-T1', managerToken, PHONE);
    await phone.locator('[data-testid="kpi-tile"]').first().waitFor({ timeout: 15_000 });
    await expect.poll(() => bellCount(phone), { timeout: 5_000 }).not.toBe('0');
    await phone.locator('[data-testid="alert-bell"]').click();
    const firing = phone.locator(
      '[data-testid="alert-item"][data-entity="team:O1:O1-T1"][data-kpi="privacy_violations"][data-status="firing"]',
    );
    await firing.waitFor();
    await firing.locator('[data-testid="alert-silence"]').click();
    const form = firing.locator('[data-testid="silence-form"]');
    await form.locator('input[name="comment"]').fill('在处理');
    await form.locator('button[type="submit"]').click();
    await expect.poll(() => firing.locator('.alert-message').textContent(), { timeout: 5_000 }).toMatch(/^已静默至 /);
    // the agent's open page shows it silenced, by whom and why, without a reload
    await expect
      .poll(() => item.locator('[data-testid="alert-silenced"]').textContent(), { timeout: 5_000 })
      .toMatch(/^已静默至 .+（manager-zhao：在处理）$/);
    await page.close();
    const listed = (await (
      await fetch(`${running.url}/v1/alert-silences`, { headers: { authorization: `Bearer ${managerToken}` } })
    ).json()) as { comment: string; createdBy: string; matchers: Record<string, unknown> }[];
    expect(listed.map((s) => [s.comment, s.createdBy, s.matchers.team, s.matchers.kpi])).toEqual([
      ['在处理', 'manager-zhao', 'O1-T1', 'privacy_violations'],
    ]);
    expect(await layoutFaults(phone, PANEL)).toEqual({ overflowing: [], overlapping: [] });
    await docShot(phone, 'alerts-phone-390x844');
    await phone.close();
  });

  it('a manager edits the subscription (the stored secret stays, never shown) and deletes it from the page', async () => {
    const token = await managerLi();
    const page = await open('/#/team/O1/O1-T1', token, LAPTOP);
    await page.locator('[data-testid="kpi-tile"]').first().waitFor({ timeout: 15_000 });
    const panel = await openSubscriptions(page);
    const item = panel.locator('[data-testid="subscription-item"]');
    await item.first().waitFor({ timeout: 5_000 });
    await item.locator('[data-testid="subscription-edit"]').click();
    const form = panel.locator('[data-testid="subscription-form"]');
    await form.waitFor();
    // the stored channel in words, its URL and secret fields empty: left empty, they stay as stored
    const port = new URL(receiver.url).port;
    expect(await form.locator('[data-testid="sub-stored-channel"]').textContent()).toBe(
      `当前：Webhook · http://127.0.0.1:${port}/*** · 已签名`,
    );
    expect(await form.locator('input[name="url"]').inputValue()).toBe('');
    expect(await form.locator('input[name="secret"]').inputValue()).toBe('');
    expect(await form.locator('input[name="severity"][value="critical"]').isChecked()).toBe(true);
    await form.locator('input[name="severity"][value="warning"]').check();
    await form.locator('input[name="quiet"]').check();
    await form.locator('input[name="quietFrom"]').fill('21:30');
    await form.locator('[data-testid="sub-submit"]').click();
    await expect
      .poll(() => item.locator('[data-testid="subscription-matchers"]').textContent(), { timeout: 5_000 })
      .toBe('团队 O1-T1 · 严重, 警告');
    expect(await item.textContent()).toContain('免打扰 21:30–08:00');
    const [changed] = await subscriptionsOf(token);
    expect([changed?.matchers, changed?.channel, changed?.quietHours]).toEqual([
      { team: 'O1-T1', severity: ['critical', 'warning'] },
      { kind: 'webhook', url: `http://127.0.0.1:${port}/***`, signed: true },
      { from: '21:30', to: '08:00' },
    ]);
    // the stored secret still signs: the routing reads it, the receiver checks it; at rest it is sealed
    const [row] = await t.db.query<{ channel: unknown }[]>(`SELECT channel FROM alert_subscriptions WHERE id = $1`, [
      changed?.id,
    ]);
    expect(JSON.stringify(row?.channel)).not.toContain(WEBHOOK_SECRET);
    expect(JSON.stringify(row?.channel)).not.toContain(`127.0.0.1:${port}`);
    const opened = await new AlertSubscriptionsRepository(t.db, testSecretBox()).get('O1', changed?.id as string);
    expect(opened?.channel).toMatchObject({ kind: 'webhook', secret: WEBHOOK_SECRET });

    // delete: the first click asks, the second deletes
    const remove = item.locator('[data-testid="subscription-delete"]');
    await remove.click();
    expect(await remove.textContent()).toBe('确认删除');
    expect(await subscriptionsOf(token)).toHaveLength(1);
    await remove.click();
    await expect.poll(() => item.count(), { timeout: 5_000 }).toBe(0);
    expect(await subscriptionsOf(token)).toEqual([]);
    expect(await panel.locator('.sub-tab .alert-empty').isVisible()).toBe(true);
    // the agent's own is still there
    expect(await subscriptionsOf(await agentWang())).toHaveLength(1);
    await page.close();
  });

  it('the wall screen shows the count alone: no bell to open, no buttons', async () => {
    const page = await open('/tv', await tokenFor({ role: 'display', org: 'O1' }), { width: 1920, height: 1080 });
    const count = page.locator('[data-testid="alert-count"]');
    await count.waitFor({ timeout: 15_000 });
    // the org's and teams' firing alerts: the two teams' red lines at least
    await expect
      .poll(async () => Number(await count.getAttribute('data-count')), { timeout: 5_000 })
      .toBeGreaterThan(1);
    expect(await page.locator('[data-testid="alert-bell"]').count()).toBe(0);
    expect(await page.locator('[data-testid="alert-ack"], [data-testid="alert-silence"]').count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}/alerts-tv-1920x1080.png` });
    await page.close();
  });
});
