import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTING_DEFAULTS } from '#libs/alerting';
import type { CanonicalEvent } from '#libs/events';
import { AlertListRepository, AlertSubscriptionsRepository } from '#libs/postgres';
import { AlertingModule } from '../../services/alerting/src/alerting.module';
import { IndicatorProcessorModule } from '../../services/indicator-processor/src/indicator-processor.module';
import { IngestGatewayModule } from '../../services/ingest-gateway/src/ingest-gateway.module';
import { ScoringServiceModule } from '../../services/scoring-service/src/scoring-service.module';
import { startReceiver, webhookVerifier, type Receiver } from '../support/alert-receivers';
import { migratedTestDatabase, type TestDatabase } from '../support/postgres';
import { asSource, sourceToken, testSecretBox } from '../support/sources';
import { startTestApp } from '../support/test-app';
import { until } from '../support/until';

const now = Date.now();
const MINUTE = 60_000;
const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '+00:00');
// a rating of team T1's ticket, `ago` minutes before now
const rated = (id: string, satisfied: boolean, ago: number): CanonicalEvent => ({
  specversion: '1.0',
  id,
  source: 'ticketing/zendesk',
  type: 'ticket.rated',
  time: iso(now - ago * MINUTE),
  data: { orgId: 'O1', teamId: 'T1', agentId: 'A1', ticketId: `k-${id}`, score: satisfied ? 5 : 2, satisfied },
});

describe('alerting in the live pipeline: events → scores → alert rules of the seed cards', () => {
  let t: TestDatabase;
  let app: INestApplication;
  let base: string;
  let zendesk: string;
  let receiver: Receiver;
  const SECRET = 'whsec-alerting-spec-0123456789abcdef';
  const post = (events: CanonicalEvent[]) =>
    fetch(`${base}/v1/events`, { method: 'POST', headers: asSource(zendesk), body: JSON.stringify(events) });
  const transitions = () =>
    t.db.query<{ rule: string; kpi: string; kind: string; entity_id: string }[]>(
      `SELECT rule, kpi, kind, entity_id FROM alert_transitions WHERE scorecard = 'cs-supervisor-monthly' ORDER BY id`,
    );

  beforeAll(async () => {
    t = await migratedTestDatabase();
    zendesk = await sourceToken(t.db, 'ticketing/zendesk');
    receiver = await startReceiver(webhookVerifier(SECRET));
    // T1's manager, told at once of their team's critical and warning alerts
    await new AlertSubscriptionsRepository(t.db, testSecretBox()).create(
      'O1',
      { subject: 'm1', role: 'manager', orgId: 'O1', teams: ['T1'], agentId: null },
      {
        ...ROUTING_DEFAULTS,
        groupWaitMs: 0,
        groupIntervalMs: 0,
        matchers: { team: 'T1', scorecard: 'cs-supervisor-monthly', severity: ['critical', 'warning'] },
        channel: { kind: 'webhook', url: `${receiver.url}/hook`, secret: SECRET },
        language: 'en',
        quietHours: null,
      },
    );
    const clock = { now: () => now };
    ({ app, base } = await startTestApp(
      t,
      [IngestGatewayModule, IndicatorProcessorModule, ScoringServiceModule, AlertingModule],
      clock,
      { ALERTS_POLL_MS: '100', KPI_PULSE_PUBLIC_URL: 'https://kpi.example.com' },
    ));
  });
  afterAll(async () => {
    await app.close();
    await receiver.close();
    await t.drop();
  });

  it('a team CSAT 5 % under target on 20 ratings is pending, then fires once 30 minutes of event time later', async () => {
    // 19 of 22 satisfied: 0.864, 9 % under the supervisor's 0.95 (seed 000 五: 偏离≥5%)
    const ratings = Array.from({ length: 22 }, (_, i) => rated(`r${i}`, i >= 3, 45));
    expect((await post(ratings)).status).toBe(202);
    await until(
      async () => (await t.db.query<unknown[]>(`SELECT 1 FROM alert_states WHERE status = 'pending'`)).length > 0,
    );
    expect(await transitions()).toEqual([]);
    // 35 minutes of event time later the team's CSAT is still off: the alert fires
    expect((await post([rated('late', false, 10)])).status).toBe(202);
    await until(async () => (await transitions()).length > 0);
    expect(await transitions()).toEqual([
      { rule: 'high-priority-deviation', kpi: 'csat', kind: 'fired', entity_id: 'T1' },
    ]);
    // the service sends it to the manager's webhook, signed, linking to the team's card
    await until(() => Promise.resolve(receiver.accepted.length > 0));
    expect(receiver.refused).toEqual([]);
    expect(receiver.accepted.map((r) => r.json)).toMatchObject([
      { alerts: [{ status: 'fired', kpi: { id: 'csat' }, link: 'https://kpi.example.com/#/team/O1/T1' }] },
    ]);
    // counted once the outcome is recorded, just after the receiver answered
    const delivered = /^kpi_alert_deliveries_total\{status="delivered"\} 1$/m;
    const metrics = () => fetch(`${base}/metrics`).then((r) => r.text());
    await until(async () => delivered.test(await metrics()));
    expect(await metrics()).toMatch(delivered);
    // the page's history says to whom it went
    const history = await new AlertListRepository(t.db).history(
      { orgId: 'O1', everything: true, levels: [], teams: [], agents: [] },
      undefined,
      10,
    );
    expect(history.filter((h) => h.kpi === 'csat').map((h) => [h.kind, h.deliveries])).toEqual([
      ['fired', [{ to: 'm1', channel: 'webhook', status: 'delivered' }]],
    ]);
  });

  it('posting the same events again moves nothing (duplicates), and satisfied ratings resolve it', async () => {
    expect((await post([rated('late', false, 10)])).status).toBe(202);
    const more = Array.from({ length: 60 }, (_, i) => rated(`s${i}`, true, 5));
    expect((await post(more)).status).toBe(202);
    // 79 of 83: 0.952, back over the target
    await until(async () => (await transitions()).length > 1);
    expect((await transitions()).map((r) => r.kind)).toEqual(['fired', 'resolved']);
    // and the manager is told it resolved
    await until(() => Promise.resolve(receiver.accepted.length > 1));
    expect(receiver.accepted.map((r) => (r.json as { alerts: { status: string }[] }).alerts[0]?.status)).toEqual([
      'fired',
      'resolved',
    ]);
  });
});
