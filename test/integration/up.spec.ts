import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type RuntimeConfig } from '../../services/runtime/src/config';
import { up, type Running } from '../../services/runtime/src/up';
import { PostgresEventLog } from '#libs/postgres';
import { schemaUrl } from '../support/service-process';
import { DATABASE_URL, migratedTestDatabase, type TestDatabase } from '../support/postgres';
import { seedAsOneDocument, type SeedCard } from '../support/seed-document';
import { AUTH_ENV, bearer, tokenFor } from '../support/tokens';
import { until } from '../support/until';

describe('kpi-pulse up: operability endpoints of the composed app', () => {
  let t: TestDatabase;
  let running: Running;
  let config: RuntimeConfig;
  beforeAll(async () => {
    t = await migratedTestDatabase();
    const url = schemaUrl(DATABASE_URL, t.schema);
    // a retention pass every second instead of every 5 minutes; history thinned to one version a day; no
    // checkpoint during the tests: readiness must not count from the last one
    const retention = { KPI_RETENTION_EVERY: '1s', KPI_HISTORY_STEP: '1d' };
    config = loadConfig({
      DATABASE_URL: url,
      PORT: '0',
      LOG_LEVEL: 'error',
      PROCESSOR_CHECKPOINT_EVERY: '100000',
      ...retention,
      ...AUTH_ENV,
    });
    running = await up(config);
  });
  afterAll(async () => {
    await running.close();
    await t.drop();
  });

  it('answers liveness, readiness with the processor lag, and Prometheus metrics', async () => {
    expect(await (await fetch(`${running.url}/health`)).json()).toEqual({ status: 'ok' });
    const ready = (await (await fetch(`${running.url}/health/ready`)).json()) as {
      status: string;
      checks: { log: unknown };
    };
    expect(ready.status).toBe('ok');
    expect(ready.checks.log).toMatchObject({ end: 0, lag: 0 });
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(metrics).toMatch(/^kpi_events_in_total 0$/m);
    expect(metrics).toMatch(/^# TYPE kpi_end_to_end_seconds histogram$/m);
  });

  it('prunes by the retention policies: a week-old dead letter and a card’s intermediate versions go', async () => {
    await t.db.query(
      `INSERT INTO rejected_events (reason, payload, received_at) VALUES ('old', '{}', now() - interval '8 days'), ('new', '{}', now())`,
    );
    await t.db.query(
      `INSERT INTO scorecard_history (scorecard, org_id, level, entity_id, period_start, total, recorded_at)
       SELECT 'sc', 'O1', 'team', 'T1', '2026-12-01', i, now() - interval '10 minutes' + i * interval '1 second'
       FROM generate_series(1, 3) i`,
    );
    const left = async () =>
      (
        await t.db.query<{ what: string }[]>(
          `SELECT reason AS what FROM rejected_events UNION ALL SELECT total::text FROM scorecard_history WHERE scorecard = 'sc'`,
        )
      ).map((r) => r.what);
    await until(async () => (await left()).length === 2);
    // ten minutes old (every version is kept 5): the card's latest version stays
    expect((await left()).sort()).toEqual(['3', 'new']);
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(metrics).toMatch(/^kpi_retention_pruned_rows_total\{table="dead-letters"\} 1$/m);
    expect(metrics).toMatch(/^kpi_retention_pruned_rows_total\{table="scorecard-history"\} 2$/m);
  });

  it('reports lag 0 once the processor has folded the whole log, though its last checkpoint is behind', async () => {
    const log = new PostgresEventLog(t.db);
    await log.append(
      Array.from({ length: 30 }, (_, i) => ({
        key: 'O1/T1',
        event: {
          specversion: '1.0' as const,
          id: `lag-${i}`,
          source: 'ticketing/zendesk',
          type: 'ticket.created',
          time: '2026-11-02T10:00:00+08:00',
          data: { orgId: 'O1', teamId: 'O1-T1', ticketId: `T-${i}`, channel: 'chat' },
        },
      })),
    );
    const end = await log.endOffset();
    let health: { end: number; processed: number; lag: number };
    do {
      await new Promise((r) => setTimeout(r, 50));
      health = ((await (await fetch(`${running.url}/health/ready`)).json()) as { checks: { log: typeof health } })
        .checks.log;
    } while (health.processed < end);
    expect(health).toEqual({ end, processed: end, lag: 0 });
    expect(await log.committedOffset('indicator-processor')).toBeLessThan(end);
  });

  it('serves the OpenAPI document with the ingest endpoint', async () => {
    const doc = (await (await fetch(`${running.url}/docs-json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    expect(Object.keys(doc.paths['/v1/events'] ?? {})).toEqual(['post']);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/health', '/health/ready', '/metrics']));
    expect(Object.keys(doc.paths['/v1/roster'] ?? {}).sort()).toEqual(['get', 'put']);
    for (const path of ['/v1/roster/moves', '/v1/roster/settings', '/v1/roster/unknown'])
      expect(doc.paths).toHaveProperty([path]);
    expect((await fetch(`${running.url}/docs`)).status).toBe(200);
  });

  it('keeps a published definitions version across a restart', async () => {
    const admin = bearer(await tokenFor({ role: 'admin', org: 'O1' }, 'hr-admin'));
    const doc = seedAsOneDocument();
    const card = doc.scorecards.find((c) => c.id === 'cs-supervisor-monthly') as SeedCard;
    (card.kpis.find((k) => k.id === 'fcr') as { target: number }).target = 0.9;
    const published = await fetch(`${running.url}/v1/definitions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...admin },
      body: JSON.stringify(doc),
    });
    expect(published.status).toBe(201);
    await running.close();
    running = await up(config);
    const history = (await (await fetch(`${running.url}/v1/definitions`, { headers: admin })).json()) as {
      current: number;
    };
    expect(history.current).toBe(1);
    const fcr = running.registry
      .forOrg('O1')
      .scorecards.find((c) => c.id === 'cs-supervisor-monthly')
      ?.kpis.find((k) => k.id === 'fcr');
    expect(fcr?.target).toBe(0.9);
  });
});
