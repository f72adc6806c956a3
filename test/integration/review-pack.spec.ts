import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessClaims } from '#libs/access';
import { PeriodCloseRepository, PostgresEventLog } from '#libs/postgres';
import type { ActionItem, ReviewPack } from '#libs/review';
import { ReviewPackService } from '../../services/review-pack/src/review-pack.service';
import { ScorecardGatewayModule } from '../../services/scorecard-gateway/src/scorecard-gateway.module';
import { migratedTestDatabase, type TestDatabase } from '../support/postgres';
import {
  at,
  dealEvent,
  frozenTeamCard,
  SALES_KPIS,
  W47,
  W48,
  writeBreach,
  writeCard,
  writeClosedPeriod,
  writeFiredAlert,
  writeSalesWeek,
  writeWeekValue,
} from '../support/review-fixtures';
import { importRoster } from '../support/roster';
import { startTestApp } from '../support/test-app';
import { bearer, tokenFor } from '../support/tokens';

interface Stored {
  pack: ReviewPack;
  dataHash: string;
  generations: number;
  firstHash: string;
}

// The weekly review pack on the real gateway and Postgres: a team's week written as the pipeline keeps it
// (cards and their history, breaches, a fired alert, week values, deal events in the log), the pack the
// schedule makes at start, made again on demand with the same hash, action items over REST with their
// checks, and the results for HR as CSV and XLSX.
describe('the weekly review pack', () => {
  let t: TestDatabase;
  let app: INestApplication;
  let base: string;
  let now = at('2026-12-02T10:00:00').getTime(); // a Wednesday: W48 is the last week ended
  const clock = { now: () => now };
  const token = (claims: AccessClaims) => tokenFor(claims, `${claims.role}-${claims.teams?.[0] ?? ''}`);
  const admin = () => token({ role: 'admin', org: 'O1' });
  const manager = () => token({ role: 'manager', org: 'O1', teams: ['T1'] });
  const otherManager = () => token({ role: 'manager', org: 'O1', teams: ['T2'] });
  const agent = () => token({ role: 'agent', org: 'O1', teams: ['T1'], agent: 'A1' });
  const otherOrg = () => token({ role: 'admin', org: 'O2' });
  const call = async (method: string, path: string, who: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...bearer(who), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const type = res.headers.get('content-type') ?? '';
    return {
      status: res.status,
      type,
      body: type.includes('json') ? await res.json() : Buffer.from(await res.arrayBuffer()),
    };
  };

  beforeAll(async () => {
    t = await migratedTestDatabase();
    await importRoster(t.db, 'O1', [
      ['A1', 'T1'],
      ['A2', 'T1'],
      ['A9', 'T2'],
    ]);
    await writeSalesWeek(t.db);
    // a weekly card: each week's closing card
    for (const [week, total] of [
      [W47, 80],
      [W48, 88],
    ] as const)
      await writeCard(t.db, {
        teamId: 'T1',
        scorecard: 'weekly',
        period: week,
        window: 'week',
        latest: {
          total,
          grade: total > 85 ? 'A' : 'B',
          kpis: [{ ...SALES_KPIS[1]!, actual: total / 100 }],
          updatedAt: week.end,
        },
      });
    await writeCard(t.db, {
      teamId: 'T2',
      scorecard: 'sales',
      latest: { total: 50, grade: 'D', kpis: SALES_KPIS, updatedAt: at('2026-11-20T00:00:00') },
    });
    await writeBreach(t.db, {
      kpi: 'signed',
      level: 'agent',
      entityId: 'A2',
      openedAt: at('2026-11-10T09:00:00'),
      resolvedAt: at('2026-11-25T09:00:00'),
    });
    await writeBreach(t.db, {
      kpi: 'signed',
      level: 'agent',
      entityId: 'A9',
      openedAt: at('2026-11-24T09:00:00'),
      resolvedAt: null,
    });
    await writeFiredAlert(t.db, { key: 'a2', entityId: 'T1', at: at('2026-11-19T11:00:00') });
    await writeWeekValue(t.db, { indicator: 'sales.win_rate', teamId: 'T1', week: W48, value: 0.3 });
    const events = [
      dealEvent('crm.deal.created', 'D1', '2026-11-01T10:00:00', { stage: 'qualify' }), // stalled 28 days at W48's end
      dealEvent('crm.deal.created', 'D2', '2026-11-01T10:00:00'),
      dealEvent('crm.deal.stage_changed', 'D2', '2026-11-25T10:00:00', { stage: 'propose' }), // moved in the week
      dealEvent('crm.deal.created', 'D3', '2026-11-01T10:00:00'),
      dealEvent('crm.deal.won', 'D3', '2026-11-20T10:00:00', {
        amount: 1,
        currency: 'CNY',
        sqlAt: '2026-11-01T10:00:00+08:00',
      }),
      dealEvent('crm.deal.created', 'D4', '2026-11-01T10:00:00', { teamId: 'T2', agentId: 'A9' }), // another team's
      dealEvent('crm.deal.created', 'D5', '2026-11-10T10:00:00', { agentId: 'A2', teamId: undefined }),
      dealEvent('crm.deal.stage_changed', 'D5', '2026-12-01T10:00:00', { agentId: 'A2', stage: 'negotiate' }), // after the week
    ].map((event) => ({
      ...event,
      data: Object.fromEntries(Object.entries(event.data).filter(([, v]) => v !== undefined)) as typeof event.data,
    }));
    await new PostgresEventLog(t.db).append(events.map((event) => ({ key: 'O1/T1', event })));
    ({ app, base } = await startTestApp(t, [ScorecardGatewayModule], clock));
    await app.get(ReviewPackService).pass(); // the start's pass: the schedule's W48 packs
  });

  afterAll(async () => {
    await app?.close();
    await t?.drop();
  });

  it('made the last week’s pack of each team with cards at start (Monday 09:00 has passed)', async () => {
    const weeks = await call('GET', '/v1/review-packs/T1', await agent());
    expect(weeks.status).toBe(200);
    expect(weeks.body).toMatchObject({ lastWeek: '2026-W48', weeks: [{ week: '2026-W48' }] });
    const rows = await t.db.query<{ team_id: string; delivered: boolean }[]>(
      `SELECT team_id, delivered_at IS NOT NULL AS delivered FROM review_packs ORDER BY team_id`,
    );
    expect(rows).toEqual([
      { team_id: 'T1', delivered: true },
      { team_id: 'T2', delivered: true },
    ]);
  });

  it('holds the week’s results: change per KPI, movers, red lines, funnel, forecast and alerts', async () => {
    const { status, body } = await call('GET', '/v1/review-packs/T1/2026-W48', await agent());
    expect(status).toBe(200);
    const { pack } = body as Stored;
    expect(pack.week).toMatchObject({
      label: '2026-W48',
      first: '2026-11-23',
      last: '2026-11-29',
      timeZone: 'Asia/Shanghai',
    });
    const [sales, weekly] = pack.scorecards;
    expect(sales).toMatchObject({
      scorecard: 'sales',
      closed: false,
      total: 72,
      previousTotal: 60,
      totalChange: 12,
      grade: 'B',
      previousGrade: 'C',
    });
    expect(sales?.kpis.map((k) => [k.kpi, k.actual, k.previous, k.better])).toEqual([
      ['signed', 600, 400, true],
      ['win', 0.3, 0.32, false],
    ]);
    expect(weekly).toMatchObject({ scorecard: 'weekly', closed: true, total: 88, previousTotal: 80, grade: 'A' });
    expect(pack.movers.up.map((m) => m.kpi)).toEqual(['signed', 'win']); // 'win' on the weekly card rose 0.80 → 0.88
    expect(pack.movers.down.map((m) => m.kpi)).toEqual(['win']);
    expect(pack.redLines.opened.map((r) => r.entityId)).toEqual(['T1']); // A9 is another team's agent
    expect(pack.redLines.resolved.map((r) => r.entityId)).toEqual(['A2']);
    expect(pack.alerts.map((a) => a.at)).toEqual([at('2026-11-26T11:00:00').getTime()]);
    expect(pack.funnel).toMatchObject({
      newSqls: 30,
      previousSqls: 25,
      conversion: 0.3,
      previousConversion: null,
      stalledDays: 14,
    });
    expect(pack.funnel.stalled.map((d) => [d.dealId, d.owner, d.stage, d.ageDays])).toEqual([
      ['D1', 'A1', 'qualify', 28],
      ['D5', 'A2', null, 19],
    ]);
    // 600 after 60 of the quarter's 92 days: 920 by its end, 8 % under the target of 1000
    expect(pack.forecast).toHaveLength(1);
    expect(pack.forecast[0]?.projected).toBeCloseTo(920, 9);
    expect(pack.forecast[0]).toMatchObject({ kpi: 'signed', onTrack: false });
  });

  it('gives a closed week made again the same data hash, and a changed result a new one', async () => {
    const first = await call('GET', '/v1/review-packs/T1/2026-W48', await manager());
    const again = await call('POST', '/v1/review-packs/T1/2026-W48', await manager());
    expect(again.status).toBe(201);
    const stored = again.body as Stored;
    expect(stored.generations).toBe(2);
    expect(stored.dataHash).toBe((first.body as Stored).dataHash);
    expect(stored.firstHash).toBe(stored.dataHash);
    await t.db.query(
      `UPDATE indicator_values SET value = 31 WHERE indicator = 'sales.sql_count' AND period_start = $1`,
      [W48.start],
    );
    const restated = (await call('POST', '/v1/review-packs/T1/2026-W48', await manager())).body as Stored;
    expect(restated.dataHash).not.toBe(stored.dataHash);
    expect(restated.firstHash).toBe(stored.dataHash); // the page says the week was restated
  });

  it('reads a closed week from its frozen card: the same pack whatever the live card, until a restatement is approved', async () => {
    const make = async () => (await call('POST', '/v1/review-packs/T1/2026-W48', await manager())).body as Stored;
    const weeklyOf = (stored: Stored) => stored.pack.scorecards.find((c) => c.scorecard === 'weekly');
    const frozenWeek = (total: number, grade: string) =>
      frozenTeamCard({
        teamId: 'T1',
        scorecard: 'weekly',
        period: W48,
        total,
        grade,
        kpis: [{ kpi: 'win', indicator: 'sales.win_rate', actual: total / 100 }],
      });
    const frozen = frozenWeek(87, 'A'); // the live card (88) moved after the close
    await writeClosedPeriod(t.db, frozen);
    const one = await make();
    expect(weeklyOf(one)).toMatchObject({
      closed: true,
      frozen: true,
      restatement: null,
      total: 87,
      previousTotal: 80,
    });
    expect(weeklyOf(one)?.kpis[0]).toMatchObject({ kpi: 'win', name: { en: 'Win rate' }, unit: 'ratio', score: 87 });
    expect(one.pack.funnel.conversion).toBe(0.87); // the week's value the frozen card read
    expect(one.pack.scorecards.find((c) => c.scorecard === 'sales')?.frozen).toBe(false); // its quarter runs on

    // the live card and value move on (late events): the closed week's pack does not
    await t.db.query(
      `UPDATE scorecards SET total = 95, card = jsonb_set(card::jsonb, '{score,total}', '95') WHERE scorecard = 'weekly' AND period_start = $1`,
      [W48.start],
    );
    await t.db.query(
      `UPDATE indicator_values SET value = 0.5 WHERE indicator = 'sales.win_rate' AND period_start = $1`,
      [W48.start],
    );
    expect((await make()).dataHash).toBe(one.dataHash);

    // a restatement changes nothing while pending; approved, the pack shows it and its hash changes
    const closes = new PeriodCloseRepository(t.db);
    await closes.restate(
      [
        {
          entity: { level: 'team', id: 'T1', orgId: 'O1' },
          scorecard: 'weekly',
          periodStart: W48.start.getTime(),
          beforeHash: frozen.hash,
          after: frozenWeek(84, 'B'),
          diff: [{ path: 'total', before: 87, after: 84 }],
          logFrom: null,
          logTo: 1,
          changed: [],
        },
      ],
      'test',
    );
    expect((await make()).dataHash).toBe(one.dataHash);
    const [pending] = await closes.restatements('O1', 'pending', null, 10);
    await closes.decideRestatement('O1', pending!.id, 'approved', 'hr-admin', 'a late deal confirmed');
    const restated = await make();
    expect(weeklyOf(restated)).toMatchObject({ frozen: true, restatement: pending!.id, total: 84, grade: 'B' });
    expect(restated.dataHash).not.toBe(one.dataHash);
  });

  it('refuses a week that is no ISO week or has not begun, and a team out of scope', async () => {
    const bad = await call('POST', '/v1/review-packs/T1/2026-48', await manager());
    expect(bad).toMatchObject({ status: 400, body: { field: 'week', code: 'invalid_value' } });
    expect((await call('POST', '/v1/review-packs/T1/2026-W50', await manager())).status).toBe(400);
    expect((await call('POST', '/v1/review-packs/T1/2026-W48', await agent())).status).toBe(403);
    expect((await call('POST', '/v1/review-packs/T1/2026-W48', await otherManager())).status).toBe(403);
    expect((await call('GET', '/v1/review-packs/T1/2026-W48', await otherManager())).status).toBe(403);
    // another org's admin reads its own org: no pack there
    expect((await call('GET', '/v1/review-packs/T1/2026-W48', await otherOrg())).status).toBe(404);
    expect((await call('GET', '/v1/review-packs/T1/2026-W47', await manager())).status).toBe(404);
  });

  it('keeps action items over REST, carried into the pack until done', async () => {
    const who = await manager();
    const raised = await call('POST', '/v1/action-items', who, {
      team: 'T1',
      title: 'Call back the stalled manufacturing deals',
      owner: 'A1',
      dueDate: '2026-11-27',
      week: '2026-W47',
    });
    expect(raised.status).toBe(201);
    const item = raised.body as ActionItem;
    expect(item).toMatchObject({ teamId: 'T1', status: 'open', raisedWeek: '2026-W47', closedAt: null });
    // done before W48 began: not carried
    now = at('2026-11-20T10:00:00').getTime();
    const early = (
      await call('POST', '/v1/action-items', who, {
        team: 'T1',
        title: 'Old',
        owner: 'A2',
        dueDate: '2026-11-20',
        status: 'done',
        week: '2026-W47',
      })
    ).body as ActionItem;
    expect(early.closedAt).toBe(now);
    now = at('2026-12-02T10:00:00').getTime();
    const raisedLater = (
      await call('POST', '/v1/action-items', who, {
        team: 'T1',
        title: 'Next week',
        owner: 'A2',
        dueDate: '2026-12-09',
        week: '2026-W49',
      })
    ).body as ActionItem;

    const pack = ((await call('POST', '/v1/review-packs/T1/2026-W48', who)).body as Stored).pack;
    expect(pack.actionItems.map((i) => i.id)).toEqual([item.id]);
    expect(pack.actionItems.map((i) => i.id)).not.toContain(raisedLater.id);

    const done = await call('PATCH', `/v1/action-items/${item.id}`, who, { status: 'done' });
    expect(done).toMatchObject({ status: 200, body: { status: 'done', closedAt: now } });
    const listed = (await call('GET', '/v1/action-items?team=T1', await agent())).body as ActionItem[];
    expect(listed.map((i) => [i.title, i.status])).toEqual([
      ['Call back the stalled manufacturing deals', 'done'],
      ['Old', 'done'],
      ['Next week', 'open'],
    ]);
  });

  it('refuses bad action items by field and code, and changes by anyone but the team’s managers and admins', async () => {
    const who = await manager();
    expect(
      await call('POST', '/v1/action-items', who, { team: 'T1', title: 'x', owner: 'A1', dueDate: '2026-13-01' }),
    ).toMatchObject({
      status: 400,
      body: { field: 'dueDate', code: 'invalid_value' },
    });
    expect(
      await call('POST', '/v1/action-items', who, { team: 'T1', owner: 'A1', dueDate: '2026-12-01' }),
    ).toMatchObject({
      status: 400,
      body: { field: 'title', code: 'required' },
    });
    expect(
      await call('POST', '/v1/action-items', who, { title: 'x', owner: 'A1', dueDate: '2026-12-01' }),
    ).toMatchObject({
      status: 400,
      body: { field: 'team', code: 'required' },
    });
    expect(
      (
        await call('POST', '/v1/action-items', await agent(), {
          team: 'T1',
          title: 'x',
          owner: 'A1',
          dueDate: '2026-12-01',
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await call('POST', '/v1/action-items', await otherManager(), {
          team: 'T1',
          title: 'x',
          owner: 'A1',
          dueDate: '2026-12-01',
        })
      ).status,
    ).toBe(403);
    const [first] = (await call('GET', '/v1/action-items?team=T1', who)).body as ActionItem[];
    expect((await call('PATCH', `/v1/action-items/${first!.id}`, await agent(), { status: 'open' })).status).toBe(403);
    expect((await call('PATCH', `/v1/action-items/${first!.id}`, await otherOrg(), { status: 'open' })).status).toBe(
      404,
    );
    expect((await call('PATCH', `/v1/action-items/${first!.id}`, who, { week: '2026-W49' })).body).toMatchObject({
      field: 'week',
      code: 'unknown_field',
    });
    expect((await call('PATCH', '/v1/action-items/not-a-number', who, { status: 'open' })).status).toBe(404);
    const admin_ = await call('PATCH', `/v1/action-items/${first!.id}`, await admin(), { status: 'in_progress' });
    expect(admin_).toMatchObject({ status: 200, body: { status: 'in_progress', closedAt: null } });
  });

  it('exports the week’s results for HR as CSV and as an XLSX that unzip reads', async () => {
    const csv = await call('GET', '/v1/review-packs/T1/2026-W48/results.csv?lang=en', await agent());
    expect(csv.status).toBe(200);
    const text = (csv.body as Buffer).toString('utf8');
    expect(text.startsWith('\ufeffteam,week,scorecard')).toBe(true);
    expect(text).toContain('T1,2026-W48,sales');
    expect(text).toContain(',signed,Signed amount,amount,600,400,1000,');

    const xlsx = await call('GET', '/v1/review-packs/T1/2026-W48/results.xlsx', await agent());
    expect(xlsx.type).toContain('spreadsheetml');
    const file = join(mkdtempSync(join(tmpdir(), 'review-')), 'results.xlsx');
    writeFileSync(file, xlsx.body as Buffer);
    expect(execFileSync('unzip', ['-tq', file]).toString()).toContain('No errors');
    const sheet = execFileSync('unzip', ['-p', file, 'xl/worksheets/sheet1.xml']).toString();
    expect(sheet).toContain('>团队<');
    expect(sheet).toContain('<v>600</v>');
    expect((await call('GET', '/v1/review-packs/T1/2026-W48/results.csv?lang=fr', await agent())).body).toMatchObject({
      field: 'lang',
    });
  });
});
