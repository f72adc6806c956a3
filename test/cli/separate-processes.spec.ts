import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertNews, RoomUpdate } from '#libs/pipeline';
import { orderingKey } from '#libs/event-log';
import { KafkaConnection } from '#libs/kafka';
import { manualScore, ticketSolved } from '../support/events';
import { startTestBroker, type TestBroker } from '../support/kafka-broker';
import { PostgresEventLog } from '#libs/postgres';
import { DATABASE_URL, migratedTestDatabase, type TestDatabase } from '../support/postgres';
import { asSource, sourceToken } from '../support/sources';
import { until } from '../support/until';
import { seedAsOneDocument, type SeedCard } from '../support/seed-document';
import { schemaUrl, startService, type ServiceProcess } from '../support/service-process';
import { AUTH_ENV, bearer, tokenFor } from '../support/tokens';

const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '+00:00');

// The series of a process's /metrics with their labels, and each one's value.
async function metricsOf(url: string | undefined): Promise<Map<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const series = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^(kpi_[a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (m !== null) series.set(m[1] as string, Number(m[2]));
  }
  return series;
}
const solved = (id: string, contacts: number) => ticketSolved(id, contacts, iso(Date.now() - 60_000));

// A socket's scorecard updates, and a wait for one that matches.
function listen(socket: Socket) {
  const updates: RoomUpdate[] = [];
  socket.on('scorecard', (u: RoomUpdate) => updates.push(u));
  const wait = (match: (u: RoomUpdate) => boolean, timeoutMs = 15_000) =>
    new Promise<RoomUpdate>((resolve, reject) => {
      const found = updates.find(match);
      if (found !== undefined) return resolve(found);
      const timer = setTimeout(() => reject(new Error('no matching scorecard update')), timeoutMs);
      socket.on('scorecard', (u: RoomUpdate) => {
        if (!match(u)) return;
        clearTimeout(timer);
        resolve(u);
      });
    });
  return Object.assign(wait, { updates });
}

// The five services as processes of their own on one database, plus a second scorecard gateway: on the
// embedded default, changes, scorecards, alerts and published definitions travel through the Postgres feeds;
// with KAFKA_BROKERS set, events, changes and scorecards travel over Kafka topics (kafkajs against the
// test broker), published definitions through Postgres, and a second scoring service joins the first's
// consumer group.
describe.each([
  { backend: 'the Postgres event log and feeds', kafka: false },
  { backend: 'Kafka (kafkajs against the test broker)', kafka: true },
])('each service in a process of its own, over $backend', ({ kafka }) => {
  let t: TestDatabase;
  let broker: TestBroker | undefined;
  const services: Record<string, ServiceProcess> = {};
  const sockets: Socket[] = [];
  let next: ReturnType<typeof listen>;
  let nextOnSecond: ReturnType<typeof listen>;
  const alertNews: AlertNews[][] = []; // each gateway's socket's `alerts` pushes
  let admin: string;
  let zendesk: string; // write tokens of two sources
  let lms: string;

  beforeAll(async () => {
    t = await migratedTestDatabase();
    admin = await tokenFor({ role: 'admin', org: 'O1' }, 'hr-admin');
    zendesk = await sourceToken(t.db, 'ticketing/zendesk');
    lms = await sourceToken(t.db, 'reviews/lms');
    broker = kafka ? await startTestBroker() : undefined;
    const env: Record<string, string> = {
      DATABASE_URL: schemaUrl(DATABASE_URL, t.schema),
      PROCESSOR_FLUSH_MS: '100',
      ...AUTH_ENV,
    };
    if (broker !== undefined) Object.assign(env, { KAFKA_BROKERS: broker.brokers.join(','), KAFKA_PARTITIONS: '3' });
    // topics are provisioned at start: one process first, so the others find them
    services['ingest-gateway'] = await startService('ingest-gateway', env);
    // over Kafka two scoring services share the changes topic's partitions in one consumer group
    const names = ['indicator-processor', 'scoring-service', 'scorecard-gateway', 'scorecard-gateway-2', 'alerting'];
    if (kafka) names.push('scoring-service-2');
    const started = await Promise.all(names.map((name) => startService(name.replace(/-2$/, ''), env)));
    names.forEach((name, i) => (services[name] = started[i] as ServiceProcess));
    for (const gateway of ['scorecard-gateway', 'scorecard-gateway-2']) {
      const socket = io(`${services[gateway]?.url}/scorecards`, { transports: ['websocket'], auth: { token: admin } });
      sockets.push(socket);
      const wait = listen(socket);
      if (gateway === 'scorecard-gateway') next = wait;
      else nextOnSecond = wait;
      await socket.emitWithAck('join', { room: 'team:O1:T1' });
      const news: AlertNews[] = [];
      alertNews.push(news);
      socket.on('alerts', (n: AlertNews) => news.push(n));
      await socket.emitWithAck('join-alerts');
    }
  }, 60_000);
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    for (const s of Object.values(services)) s.child.kill('SIGKILL');
    await broker?.close();
    await t.drop();
  });

  it('an event posted to the ingest process reaches the sockets of both gateway processes, scored', async () => {
    const posted = await fetch(`${services['ingest-gateway']?.url}/v1/events`, {
      method: 'POST',
      headers: asSource(zendesk),
      body: JSON.stringify([solved('s1', 1), solved('s2', 1), solved('s3', 2), solved('s4', 1)]),
    });
    expect(posted.status).toBe(202);
    const body = (await posted.json()) as { results: { topic?: string }[] };
    expect(body.results[0]?.topic).toBe(kafka ? 'kpi.events.ticketing' : undefined);
    const fcr = (u: RoomUpdate) =>
      u.card.score.scorecard === 'cs-supervisor-monthly' &&
      u.card.score.kpis.find((k) => k.kpi === 'fcr')?.actual === 0.75;
    expect((await next(fcr)).room).toBe('team:O1:T1');
    expect((await nextOnSecond(fcr)).room).toBe('team:O1:T1');
  });

  it('a red line fired in the alerting process reaches both gateways, and an acknowledgement on one reaches the other', async () => {
    // compliance reports a sensitive-data violation of team T1: a red line, a critical alert at once
    const scored = manualScore('v1', 'manual.support.privacy_violations', 1, 'compliance', iso(Date.now() - 30_000));
    const violation = {
      ...scored,
      data: { orgId: 'O1', teamId: 'T1', indicator: scored.data.indicator, value: 1, reviewerId: 'compliance' },
    };
    const posted = await fetch(`${services['ingest-gateway']?.url}/v1/events`, {
      method: 'POST',
      headers: asSource(lms),
      body: JSON.stringify([violation]),
    });
    expect(posted.status).toBe(202);
    const fired = (news: AlertNews[]) =>
      news
        .flatMap((n) => n.transitions)
        .find(
          (a) => a.rule === 'red-lines' && a.kpi === 'privacy_violations' && a.level === 'team' && a.kind === 'fired',
        );
    await until(() => Promise.resolve(alertNews.every((news) => fired(news) !== undefined)), 20_000);
    const [first = [], second = []] = alertNews;
    const alert = fired(first);
    expect(alert).toMatchObject({ orgId: 'O1', entityId: 'T1', severity: 'critical' });
    expect(fired(second)?.id).toBe(alert?.id);
    const ack = await fetch(`${services['scorecard-gateway']?.url}/v1/alerts/${alert?.id}/acknowledge`, {
      method: 'POST',
      headers: bearer(admin),
    });
    expect(ack.status).toBe(200);
    const acked = () => second.flatMap((n) => n.acknowledged).find((a) => a.id === alert?.id);
    await until(() => Promise.resolve(acked() !== undefined), 20_000);
    expect(acked()).toMatchObject({ by: 'hr-admin', entityId: 'T1' });
  });

  it("a version published on a gateway process re-scores its org's cards in the scoring process, and no other org's", async () => {
    const withTarget = (target: number) => {
      const doc = seedAsOneDocument();
      const card = doc.scorecards.find((c) => c.id === 'cs-supervisor-monthly') as SeedCard;
      (card.kpis.find((k) => k.id === 'fcr') as { target: number }).target = target;
      return doc;
    };
    const publish = async (gateway: string, token: string, target: number) =>
      (
        await fetch(`${services[gateway]?.url}/v1/definitions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...bearer(token) },
          body: JSON.stringify(withTarget(target)),
        })
      ).status;
    // O2's admin first, on the other gateway: announced before O1's version, so read first by scoring
    expect(await publish('scorecard-gateway-2', await tokenFor({ role: 'admin', org: 'O2' }), 0.6)).toBe(201);
    expect(await publish('scorecard-gateway', admin, 0.9)).toBe(201);
    const fcrTarget = (u: RoomUpdate) =>
      u.card.score.scorecard === 'cs-supervisor-monthly'
        ? u.card.score.kpis.find((k) => k.kpi === 'fcr')?.target
        : undefined;
    await next((u) => fcrTarget(u) === 0.9);
    await nextOnSecond((u) => fcrTarget(u) === 0.9);
    // had O2's version re-scored O1, its cards would have come before O1's own version's
    for (const updates of [next.updates, nextOnSecond.updates]) expect(updates.map(fcrTarget)).not.toContain(0.6);
    // the other gateway follows the version O1 published on the first: its audit trail and export say so
    const current = async () =>
      (
        (await (
          await fetch(`${services['scorecard-gateway-2']?.url}/v1/definitions`, { headers: bearer(admin) })
        ).json()) as { current: number }
      ).current;
    await until(async () => (await current()) > 0);
    expect(await current()).toBeGreaterThan(0);
  });

  it('refuses an out-of-scale manual score by name at ingest; one that reaches the log anyway is a dead letter', async () => {
    const score = manualScore('ms-999', 'manual.sales.key_account_csat', 999, 'qa-lead', iso(Date.now() - 60_000));
    const posted = await fetch(`${services['ingest-gateway']?.url}/v1/events`, {
      method: 'POST',
      headers: asSource(lms),
      body: JSON.stringify(score),
    });
    const body = (await posted.json()) as { rejected: number; results: { field?: string; code?: string }[] };
    expect(body.rejected).toBe(1);
    expect(body.results[0]).toMatchObject({ field: 'data.value', code: 'out_of_scale' });
    expect(
      (await metricsOf(services['ingest-gateway']?.url)).get('kpi_rejected_total{stage="ingest",code="out_of_scale"}'),
    ).toBe(1);

    // written straight into the log, past ingest (a producer of its own, or an older ingest)
    const direct = { ...score, id: 'ms-direct' };
    const record = { key: orderingKey(direct), event: direct };
    if (broker === undefined) await new PostgresEventLog(t.db).append([record]);
    else {
      const producer = await KafkaConnection.open({
        brokers: broker.brokers,
        clientId: 'direct',
        partitions: 3,
        replicationFactor: 1,
      });
      await producer.sink.append([record]);
      await producer.close();
    }
    const processor = services['indicator-processor']?.url;
    await until(
      async () => (await metricsOf(processor)).get('kpi_rejected_total{stage="processor",code="out_of_scale"}') === 1,
    );
    const [kept] = await t.db.query<{ code: string; field: string }[]>(
      `SELECT code, field FROM rejected_events WHERE event_id = 'ms-direct'`,
    );
    expect(kept).toEqual({ code: 'out_of_scale', field: 'data.value' });
  });

  it("the processor's /metrics has the same series on either backend", async () => {
    const series = await metricsOf(services['indicator-processor']?.url);
    for (const name of ['kpi_fold_seconds_count', 'kpi_flush_seconds_count', 'kpi_consumer_lag_events'])
      expect(series.get(name), name).toBeGreaterThanOrEqual(name === 'kpi_consumer_lag_events' ? 0 : 1);
    expect(series.has('kpi_events_total{outcome="late"}')).toBe(true);
    const scoring = await metricsOf(services['scoring-service']?.url);
    expect(scoring.get('kpi_score_seconds_count')).toBeGreaterThanOrEqual(1);
    const gateway = await metricsOf(services['scorecard-gateway']?.url);
    expect(gateway.get('kpi_end_to_end_seconds_count')).toBeGreaterThanOrEqual(1);
    // each table is pruned by the one service that owns it (a first pass runs at start)
    const pruning = async (service: string) =>
      [...(await metricsOf(services[service]?.url)).keys()]
        .filter((k) => k.startsWith('kpi_retention_pruned_rows_total'))
        .map((k) => /table="([^"]+)"/.exec(k)?.[1])
        .sort();
    expect(await pruning('indicator-processor')).toEqual(['event-log', 'indicator-history']);
    expect(await pruning('ingest-gateway')).toEqual(['dead-letters', 'webhook-payloads']);
    expect(await pruning('scoring-service')).toEqual(['breaches', 'feed', 'scorecard-history']);
    expect(await pruning('scorecard-gateway')).toEqual(['revoked-tokens']);
  });

  it('every process reports ready and stops cleanly on SIGTERM', async () => {
    for (const s of Object.values(services)) {
      const ready = await fetch(`${s.url}/health/ready`);
      expect(ready.status).toBe(200);
      const body = (await ready.json()) as { checks: { log: unknown } };
      if (kafka) expect(body.checks.log).toEqual({ kafka: { brokers: 1 } });
    }
    for (const s of Object.values(services)) s.child.kill('SIGTERM');
    const codes = await Promise.all(Object.values(services).map((s) => s.exited));
    expect(codes).toEqual(codes.map(() => 0));
    expect(codes).toHaveLength(kafka ? 7 : 6);
  });
});
