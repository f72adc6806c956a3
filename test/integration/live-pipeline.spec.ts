import type { INestApplication } from '@nestjs/common';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IndicatorProcessorModule } from '../../services/indicator-processor/src/indicator-processor.module';
import { IngestGatewayModule } from '../../services/ingest-gateway/src/ingest-gateway.module';
import type { RoomSnapshot, RoomUpdate } from '#libs/pipeline';
import { ScorecardGatewayModule } from '../../services/scorecard-gateway/src/scorecard-gateway.module';
import { ScoringServiceModule } from '../../services/scoring-service/src/scoring-service.module';
import { migratedTestDatabase, type TestDatabase } from '../support/postgres';
import { ticketSolved } from '../support/events';
import { seedAsOneDocument, type SeedCard } from '../support/seed-document';
import { asSource, sourceToken } from '../support/sources';
import { startTestApp } from '../support/test-app';
import { bearer, tokenFor } from '../support/tokens';
import { until } from '../support/until';

const now = Date.now();
const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '+00:00');
const solved = (id: string, contacts: number) => ticketSolved(id, contacts, iso(now - 60_000));

describe('live pipeline in one process: HTTP ingest → indicators → scores → socket.io', () => {
  let t: TestDatabase;
  let app: INestApplication;
  let base: string;
  let zendesk: string;
  let socket: Socket;
  let admin: Record<string, string>; // the headers of an admin's requests
  const clock = { at: now, now: () => clock.at }; // the processor's wall clock, moved by hand below
  beforeAll(async () => {
    t = await migratedTestDatabase();
    zendesk = await sourceToken(t.db, 'ticketing/zendesk');
    ({ app, base } = await startTestApp(
      t,
      [IngestGatewayModule, IndicatorProcessorModule, ScoringServiceModule, ScorecardGatewayModule],
      clock,
    ));
    const token = await tokenFor({ role: 'admin', org: 'O1' }, 'hr-admin');
    admin = bearer(token);
    socket = io(`${base}/scorecards`, { transports: ['websocket'], auth: { token } });
  });
  afterAll(async () => {
    socket.close();
    await app.close();
    await t.drop();
  });

  it('pushes the team scorecard to the team room after an event is posted', async () => {
    const snapshot = (await socket.emitWithAck('join', { room: 'team:O1:T1' })) as RoomSnapshot;
    expect(snapshot).toEqual({ room: 'team:O1:T1', seq: 0, cards: [] });

    const received = new Promise<RoomUpdate>((resolve) => {
      socket.on('scorecard', (u: RoomUpdate) => {
        if (u.room === 'team:O1:T1' && u.card.score.scorecard === 'cs-supervisor-monthly') resolve(u);
      });
    });
    const posted = await fetch(`${base}/v1/events`, {
      method: 'POST',
      headers: asSource(zendesk),
      body: JSON.stringify([solved('p1', 1), solved('p2', 1), solved('p3', 2), solved('p4', 1)]),
    });
    expect(posted.status).toBe(202);
    const update = await received;
    expect(update.seq).toBeGreaterThanOrEqual(1);
    const fcr = update.card.score.kpis.find((k) => k.kpi === 'fcr');
    expect(fcr?.actual).toBe(0.75);
    expect(update.card.entity).toEqual({ level: 'team', id: 'T1', orgId: 'O1' });
  });

  it('serves the latest scorecards and their history over REST', async () => {
    // the store follows the push by a write
    const get = (path: string) => fetch(`${base}${path}`, { headers: admin });
    const stored = async () => ((await (await get('/v1/scorecards/team:O1:T1')).json()) as unknown[]).length;
    await until(async () => (await stored()) > 0);
    const latest = (await (await get('/v1/scorecards/team:O1:T1')).json()) as {
      score: { scorecard: string };
    }[];
    expect(latest.map((c) => c.score.scorecard)).toContain('cs-supervisor-monthly');
    const history = (await (await get('/v1/scorecards/team:O1:T1/cs-supervisor-monthly/history?limit=5')).json()) as {
      total: number | null;
      actuals: Record<string, number | null>;
    }[];
    expect(history.length).toBeGreaterThanOrEqual(1);
    expect(history[0]?.actuals.fcr).toBe(0.75); // each KPI's actual, for the page's sparklines
    expect((await get('/v1/scorecards/everyone')).status).toBe(400);
    // the same scorecard scored over this week so far (from the stored values): its period is the week's
    type Card = {
      periodStart: number;
      periodEnd: number;
      score: { scorecard: string; kpis: { kpi: string; actual: number | null }[] };
    };
    const weekly = async () =>
      ((await (await get('/v1/scorecards/team:O1:T1?period=week')).json()) as Card[]).find(
        (c) => c.score.scorecard === 'cs-supervisor-monthly',
      );
    await until(async () => (await weekly())?.score.kpis.find((k) => k.kpi === 'fcr')?.actual === 0.75);
    const week = await weekly();
    expect(week?.score.kpis.find((k) => k.kpi === 'fcr')?.actual).toBe(0.75);
    expect(week && week.periodEnd - week.periodStart).toBe(7 * 86_400_000);
    expect((await get('/v1/scorecards/team:O1:T1?period=decade')).status).toBe(400);

    // the period before, to compare with: no earlier month is stored; the week before this one is
    // re-scored from its own values (none); a rolling window has no earlier reading
    const previous = async (query: string) =>
      (await (await get(`/v1/scorecards/team:O1:T1/previous${query}`)).json()) as Card[];
    expect(await previous('')).toEqual([]);
    const lastWeek = (await previous('?period=week')).find((c) => c.score.scorecard === 'cs-supervisor-monthly');
    expect(lastWeek?.periodEnd).toBe(week?.periodStart);
    expect(lastWeek?.score.kpis.find((k) => k.kpi === 'fcr')?.actual).toBeNull();
    expect(await previous('?period=rolling:24h')).toEqual([]);
    expect((await get('/v1/scorecards/team:O1:T1/previous?period=decade')).status).toBe(400);
  });

  it('gives a joining socket the stored scorecards as its snapshot', async () => {
    const auth = { token: await tokenFor({ role: 'manager', org: 'O1', teams: ['T1'] }) };
    const late = io(`${base}/scorecards`, { transports: ['websocket'], auth });
    const snapshot = (await late.emitWithAck('join', { room: 'team:O1:T1' })) as RoomSnapshot;
    late.close();
    expect(snapshot.seq).toBeGreaterThanOrEqual(1);
    expect(snapshot.cards.map((c) => c.score.scorecard)).toContain('cs-supervisor-monthly');
    const bad = io(`${base}/scorecards`, { transports: ['websocket'], auth });
    expect(await bad.emitWithAck('join', { room: 'everything' })).toEqual({
      error: 'room: expected org:<org>, team:<org>:<team>, team-agents:<org>:<team> or agent:<org>:<agent>',
    });
    expect(await bad.emitWithAck('join', { room: 'team:O1:T2' })).toEqual({
      error: 'forbidden: a manager token may not read team:O1:T2',
    });
    bad.close();
  });

  it('lets a rolling value decay when time passes with no new events', async () => {
    const fcr24h = async () =>
      (
        await t.db.query<{ value: number | null; denominator: number }[]>(
          `SELECT value, denominator FROM indicator_values
           WHERE indicator = 'support.fcr' AND level = 'team' AND entity_id = 'T1' AND "window" = 'rolling:24h'`,
        )
      )[0];
    // values reach the table within PROCESSOR_FLUSH_MS of the push
    await until(async () => (await fcr24h()) !== undefined);
    expect(await fcr24h()).toEqual({ value: 0.75, denominator: 4 });
    clock.at = now + 25 * 3_600_000; // a day and an hour later, nothing happened
    await until(async () => (await fcr24h())?.denominator === 0);
    expect(await fcr24h()).toEqual({ value: null, denominator: 0 });
  });

  it("publishing a changed scorecard re-scores the org's cards live; indicator changes are refused; the versions are kept", async () => {
    // the seed definitions as one document, with the supervisor's FCR target raised from 0.75 to 0.9
    const doc = seedAsOneDocument();
    const card = doc.scorecards.find((c) => c.id === 'cs-supervisor-monthly') as SeedCard;
    const fcr = card.kpis.find((k) => k.id === 'fcr') as { target: number };
    fcr.target = 0.9;
    const publish = (body: unknown) =>
      fetch(`${base}/v1/definitions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...admin, 'x-kpi-note': 'FCR target 90%' },
        body: JSON.stringify(body),
      });

    const rescored = new Promise<RoomUpdate>((resolve) => {
      socket.on('scorecard', (u: RoomUpdate) => {
        const k = u.card.score.kpis.find((x) => x.kpi === 'fcr');
        if (u.room === 'team:O1:T1' && k?.target === 0.9) resolve(u);
      });
    });
    const published = await publish(doc);
    expect(published.status).toBe(201);
    expect(await published.json()).toMatchObject({ version: 1 });
    const update = await rescored;
    expect(update.card.score.kpis.find((k) => k.kpi === 'fcr')?.score).toBeLessThan(100);

    const changedIndicator = structuredClone(doc);
    (changedIndicator.indicators[0] as { description?: string }).description = 'counted another way';
    const refused = await publish(changedIndicator);
    expect(refused.status).toBe(409);
    const invalid = await publish({ ...doc, scorecards: [{ ...card, grades: [] }] });
    expect(invalid.status).toBe(400);
    expect(JSON.stringify(await invalid.json())).toContain('grades');

    const exported = (await (await fetch(`${base}/v1/definitions/current`, { headers: admin })).json()) as {
      version: number;
      source: string;
    };
    expect(exported.version).toBe(1);
    expect((JSON.parse(exported.source) as typeof doc).scorecards).toHaveLength(doc.scorecards.length);
    const history = (await (await fetch(`${base}/v1/definitions`, { headers: admin })).json()) as {
      current: number;
      versions: { publishedBy: string; note: string }[];
    };
    expect(history.current).toBe(1);
    // the version belongs to the publisher's org
    expect(history.versions).toMatchObject([
      { publishedBy: 'hr-admin', note: 'FCR target 90%', orgId: 'O1', platformDefault: false },
    ]);
  });
});
