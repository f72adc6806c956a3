import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDefinitions } from '#libs/definitions';
import { closeBatch } from '#libs/evaluation';
import type { CanonicalEvent } from '#libs/events';
import type { ClosedPeriodRow, FrozenScorecard, RestatementRow } from '#libs/postgres';
import { IndicatorProcessorModule } from '../../services/indicator-processor/src/indicator-processor.module';
import { IngestGatewayModule } from '../../services/ingest-gateway/src/ingest-gateway.module';
import { ScorecardGatewayModule } from '../../services/scorecard-gateway/src/scorecard-gateway.module';
import { ScoringServiceModule } from '../../services/scoring-service/src/scoring-service.module';
import { ticketSolved } from '../support/events';
import { migratedTestDatabase, type TestDatabase } from '../support/postgres';
import { asSource, sourceToken } from '../support/sources';
import { startTestApp } from '../support/test-app';
import { bearer, tokenFor } from '../support/tokens';
import { until } from '../support/until';

// A weekly team card on FCR with the default grace, FCR's allowed lateness (2 d): a late event within it
// corrects the week before it is frozen; one after it, within the restatement window, still moves the
// week's value, and so makes a restatement beside the frozen card (docs/review-and-close.md).
const WEEKLY = `apiVersion: kpi-pulse/v1
scorecards:
  - id: close-test-weekly
    version: 1
    effectiveFrom: '2026-01-01'
    name: { en: Weekly FCR, zh: 周一次解决率 }
    role: cs-team
    level: team
    period: week
    grades:
      - { grade: A, min: 90, coefficient: 1.5 }
      - { grade: B, min: 80, coefficient: 1.2 }
      - { grade: C, min: 70, coefficient: 1.0 }
      - { grade: D, min: 0, coefficient: 0.6 }
    dimensions:
      - { id: quality, name: { en: Quality, zh: 质量 }, weight: 1 }
    kpis:
      - id: fcr
        name: { en: FCR, zh: 一次解决率 }
        indicator: support.fcr
        dimension: quality
        weight: 1
        direction: higher
        target: 1
        rule: { achievement: { floor: 0, cap: 1 } }
`;

// The ISO week of Monday 2026-11-02 in Asia/Shanghai: 2026-11-01T16:00Z to 2026-11-08T16:00Z.
const WEEK_START = '2026-11-01T16:00:00.000Z';
const WEEK_END = Date.parse('2026-11-08T16:00:00Z');
const GRACE = 2 * 86_400_000; // support.fcr's allowed lateness

describe('period close in the live pipeline: grace, freeze, restatement, and the same result as kpi-pulse close', () => {
  let t: TestDatabase;
  let app: INestApplication;
  let base: string;
  let zendesk: string;
  let admin: Record<string, string>;
  let dir: string;
  const clock = { at: Date.parse('2026-11-04T04:00:00Z'), now: () => clock.at };
  const posted: CanonicalEvent[] = [];

  const post = async (...events: CanonicalEvent[]) => {
    const res = await fetch(`${base}/v1/events`, {
      method: 'POST',
      headers: asSource(zendesk),
      body: JSON.stringify(events),
    });
    expect(res.status).toBe(202);
    posted.push(...events);
  };
  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${base}${path}`, { headers: admin });
    expect(res.status, path).toBe(200);
    return (await res.json()) as T;
  };
  const closed = () => get<ClosedPeriodRow[]>('/v1/closed-periods?scorecard=close-test-weekly');
  const review = () =>
    get<{ current: FrozenScorecard[] }>(`/v1/closed-periods/close-test-weekly/${WEEK_START}?team=T1`);
  const batch = (events: readonly CanonicalEvent[]) =>
    closeBatch({
      definitions: loadDefinitions(dir).set,
      lines: events.map((e) => JSON.stringify(e)),
      asOf: new Date(WEEK_END + GRACE + 3_600_000).toISOString(),
      scorecard: 'close-test-weekly',
      periods: 1,
    }).closes[0]?.cards[0]?.frozen;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'close-defs-'));
    cpSync('definitions/seed', dir, { recursive: true });
    writeFileSync(join(dir, 'scorecards', 'close-test-weekly.yaml'), WEEKLY);
    t = await migratedTestDatabase();
    zendesk = await sourceToken(t.db, 'ticketing/zendesk');
    ({ app, base } = await startTestApp(
      t,
      [IngestGatewayModule, IndicatorProcessorModule, ScoringServiceModule, ScorecardGatewayModule],
      clock,
      {},
      dir,
    ));
    admin = bearer(await tokenFor({ role: 'admin', org: 'O1' }, 'hr-admin'));
  });
  afterAll(async () => {
    await app.close();
    await t.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes a late event within the grace into the week, then freezes it once the grace has passed', async () => {
    // in the week: 2 of 3 solved at first contact
    await post(
      ticketSolved('w1', 1, '2026-11-03T10:00:00+08:00'),
      ticketSolved('w2', 1, '2026-11-03T11:00:00+08:00'),
      ticketSolved('w3', 2, '2026-11-03T12:00:00+08:00'),
    );
    // 30 minutes after the week's end (within the grace): a late solve of the week, at first contact
    clock.at = WEEK_END + 30 * 60_000;
    await post(ticketSolved('late-in-grace', 1, '2026-11-08T20:00:00+08:00'));
    await until(async () => (await get<unknown[]>('/v1/scorecards/team:O1:T1')).length > 0);
    expect(await closed()).toEqual([]); // not due before end + 2 d

    // past the grace: an event of the new week moves the org's clock and the week closes
    clock.at = WEEK_END + GRACE + 5 * 60_000;
    await post(ticketSolved('next-week', 1, new Date(WEEK_END + GRACE + 2 * 60_000).toISOString()));
    await until(async () => (await closed()).length > 0, 20_000);
    const [period] = await closed();
    expect(period).toMatchObject({
      scorecard: 'close-test-weekly',
      orgId: 'O1',
      periodStart: WEEK_START,
      periodEnd: new Date(WEEK_END).toISOString(),
      graceMs: GRACE,
      version: 1,
    });
    expect(period?.logPosition).toEqual(expect.any(Number));
    const [card] = (await review()).current;
    // 3 of 4 at first contact, the late one included
    expect(card?.content.kpis[0]).toMatchObject({ kpi: 'fcr', actual: 0.75, score: 75 });
    expect(card?.content).toMatchObject({ total: 75, grade: 'C', coefficient: 1, timeZone: 'Asia/Shanghai' });
    expect(card?.effective.restatement).toBeNull();
    // kpi-pulse close on the same events gives the same frozen card, hash and all
    const frozenInBatch = batch(posted);
    expect(frozenInBatch?.content).toEqual(card?.content);
    expect(frozenInBatch?.hash).toBe(card?.hash);
  });

  it('keeps a frozen card as it was and records a restatement for a late event after the grace', async () => {
    const before = (await review()).current[0];
    clock.at = WEEK_END + GRACE + 30 * 60_000;
    // beyond FCR's lateness, within the restatement window: the week's value takes it, 3 of 5 at first contact
    await post(ticketSolved('late-after-grace', 2, '2026-11-08T21:00:00+08:00'));
    await until(async () => (await get<RestatementRow[]>('/v1/restatements?status=pending')).length > 0, 20_000);
    const [restatement] = await get<RestatementRow[]>('/v1/restatements?status=pending');
    expect(restatement).toMatchObject({
      scorecard: 'close-test-weekly',
      entity: { level: 'team', id: 'T1', orgId: 'O1' },
      periodStart: WEEK_START,
      beforeHash: before?.hash,
      status: 'pending',
    });
    expect(restatement?.diff).toEqual(
      expect.arrayContaining([
        { path: 'total', before: 75, after: 60 },
        { path: 'grade', before: 'C', after: 'D' },
        { path: 'kpis.fcr.actual', before: 0.75, after: 0.6 },
      ]),
    );
    expect(restatement?.logTo).toBeGreaterThan(restatement?.logFrom ?? Number.POSITIVE_INFINITY);
    expect(restatement?.changed).toEqual(
      expect.arrayContaining([expect.objectContaining({ indicator: 'support.fcr', window: 'week', value: 0.6 })]),
    );
    // the frozen card is untouched, and Postgres refuses to change it in place
    const after = (await review()).current[0];
    expect(after?.hash).toBe(before?.hash);
    expect(after?.content).toEqual(before?.content);
    expect(after?.pendingRestatements).toBe(1);
    await expect(t.db.query(`UPDATE frozen_scorecards SET total = 1`)).rejects.toThrow(/append-only/);
    // the batch over every event is the restated card
    expect(batch(posted)?.hash).toBe(restatement?.afterHash);
  });

  it('lets an admin approve a restatement with a reason, once; the audit trail says who, what and why', async () => {
    const [pending] = await get<RestatementRow[]>('/v1/restatements?status=pending');
    const decide = (verb: string, body: unknown, headers = admin) =>
      fetch(`${base}/v1/restatements/${pending?.id}/${verb}`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await decide('approve', {})).status).toBe(400);
    const manager = bearer(await tokenFor({ role: 'manager', org: 'O1', teams: ['T1'] }, 'lead-t1'));
    expect((await decide('approve', { reason: 'x' }, manager)).status).toBe(403);
    const approved = await decide('approve', { reason: 'late ticket confirmed by the helpdesk' });
    expect(approved.status).toBe(200);
    expect(await approved.json()).toMatchObject({ status: 'approved', decidedBy: 'hr-admin' });
    expect((await decide('dismiss', { reason: 'again' })).status).toBe(409);

    const [card] = (await review()).current;
    expect(card?.effective).toMatchObject({ hash: pending?.afterHash, restatement: pending?.id });
    expect(card?.effective.content.total).toBe(60);
    expect(card?.content.total).toBe(75); // the frozen result stays beside it

    const audit = await get<{ action: string; actor: string; detail: { reason?: string } }[]>(
      `/v1/close-audit?scorecard=close-test-weekly&periodStart=${WEEK_START}`,
    );
    expect(audit.map((a) => a.action)).toEqual(['restatement-approved', 'restated', 'closed']);
    expect(audit[0]).toMatchObject({ actor: 'hr-admin', detail: { reason: 'late ticket confirmed by the helpdesk' } });
  });

  it("records a manager's final grade beside the computed one, only within their teams", async () => {
    const lead = bearer(await tokenFor({ role: 'manager', org: 'O1', teams: ['T1'] }, 'lead-t1'));
    const other = bearer(await tokenFor({ role: 'manager', org: 'O1', teams: ['T9'] }, 'lead-t9'));
    const grade = (headers: Record<string, string>, body: unknown) =>
      fetch(`${base}/v1/closed-periods/close-test-weekly/${WEEK_START}/grades/team:O1:T1`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await grade(other, { grade: 'B', reason: 'x' })).status).toBe(403);
    const bad = await grade(lead, { grade: 'S', reason: 'x' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ message: 'grade: expected one of A, B, C, D' });
    expect((await grade(lead, { grade: 'B', reason: 'helpdesk outage week' })).status).toBe(201);
    const [card] = (await review()).current;
    expect(card?.finalGrade).toMatchObject({ grade: 'B', coefficient: 1.2, decidedBy: 'lead-t1', role: 'manager' });
    expect(card?.content.grade).toBe('C');
  });
});
