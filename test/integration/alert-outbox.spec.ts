import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ROUTING_DEFAULTS, type SubscriptionOwner } from '#libs/alerting';
import type { EntityRef, IndicatorValue } from '#libs/indicators';
import {
  AlertingRunner,
  DefinitionsRegistry,
  DeliveryRunner,
  parsePublished,
  rescoreEntities,
  type ScoredCard,
} from '#libs/pipeline';
import { AlertsRepository, AlertSubscriptionsRepository, PostgresDeliveryOutbox } from '#libs/postgres';
import { ChannelSender } from '../../services/runtime/src/channel-sender';
import { HttpSender } from '../../services/runtime/src/http-sender';
import { startReceiver, webhookVerifier, type Receiver } from '../support/alert-receivers';
import { migratedTestDatabase, type TestDatabase } from '../support/postgres';
import { testSecretBox } from '../support/sources';

// A monthly agent card with an immediate red-line-like deviation rule: 5 % under an FCR target of 0.8.
const SOURCE = `apiVersion: kpi-pulse/v1
orgs:
  - { id: '*', timeZone: Asia/Shanghai, currency: CNY }
indicators:
  - id: support.fcr
    name: { en: First-contact resolution, zh: 一次解决率 }
    description: Tickets solved on the first contact ÷ all tickets solved.
    unit: ratio
    windows: [month]
    numerator: { of: ticket.solved, where: { data.contacts: 1 } }
    denominator: { of: ticket.solved }
scorecards:
  - id: support
    effectiveFrom: 2026-01-01
    name: { en: Support, zh: 客服 }
    role: cs-agent
    level: agent
    period: month
    grades: [{ grade: A, min: 90 }, { grade: D, min: 0 }]
    dimensions: [{ id: main, name: { en: Main, zh: 主 }, weight: 100 }]
    kpis:
      - { id: fcr, name: { en: FCR, zh: 一次解决率 }, indicator: support.fcr, dimension: main, direction: higher, target: 0.8, rule: { achievement: { floor: 0, cap: 1 } } }
    alerts:
      - { id: fcr-off, name: { en: FCR 5 % off, zh: FCR偏离 }, kind: deviation, kpis: [fcr], worseBy: 0.05, minSample: 20, severity: critical }
`;
const set = parsePublished(SOURCE);
if (set === undefined) throw new Error('the spec definitions do not parse');
const registry = new DefinitionsRegistry(set);
const NOV = Date.parse('2026-11-01T00:00:00+08:00');
const DEC = Date.parse('2026-12-01T00:00:00+08:00');
const HOUR = 3_600_000;
const SECRET = 'whsec-0123456789abcdef0123456789abcdef';
const admin: SubscriptionOwner = { subject: 'boss', role: 'admin', orgId: 'O1', teams: [], agentId: null };
const teamOf = (agent: string) => (agent.startsWith('T1') ? 'T1' : 'T2');

// agents' FCR this month: first-contact of 100 solved
function cards(at: number, fcrOf: Record<string, number>): Promise<ScoredCard[]> {
  const agents: EntityRef[] = Object.keys(fcrOf).map((id) => ({ level: 'agent', id, orgId: 'O1' }));
  const values: IndicatorValue[] = agents.map((entity) => ({
    indicator: 'support.fcr',
    entity,
    window: 'month',
    periodStart: NOV,
    periodEnd: DEC,
    value: (fcrOf[entity.id] ?? 0) / 100,
    numerator: fcrOf[entity.id] ?? 0,
    denominator: 100,
  }));
  return rescoreEntities(agents, at, registry.definitionsFor, { valuesOf: () => Promise.resolve(values) });
}

describe('alert transitions and their deliveries: one transaction, then sent once', () => {
  let t: TestDatabase;
  let subscriptions: AlertSubscriptionsRepository;
  let receiver: Receiver | undefined;
  const runner = () =>
    new AlertingRunner({
      registry,
      store: new AlertsRepository(t.db, testSecretBox(), () => 'Asia/Shanghai'),
      logger: console,
      routing: { baseUrl: 'https://kpi.example.com', teamOf: (_, agent) => Promise.resolve(teamOf(agent)) },
    });
  const count = async (table: string) =>
    Number((await t.db.query<{ n: string }[]>(`SELECT count(*) AS n FROM ${table}`))[0]?.n);

  beforeAll(async () => {
    t = await migratedTestDatabase();
    subscriptions = new AlertSubscriptionsRepository(t.db, testSecretBox());
  });
  afterEach(async () => {
    await receiver?.close();
    await t.db.query(`TRUNCATE alert_subscriptions, alert_transitions, alert_states CASCADE`);
  });
  afterAll(async () => t.drop());

  it('a storm of 40 agents is recorded with one delivery per team, in the same transaction', async () => {
    await subscriptions.create('O1', admin, {
      ...ROUTING_DEFAULTS,
      groupWaitMs: 0,
      matchers: {},
      channel: { kind: 'webhook', url: 'http://127.0.0.1:9/hook', secret: SECRET },
      language: 'en',
      quietHours: null,
    });
    const storm: Record<string, number> = {};
    for (let i = 0; i < 25; i++) storm[`T1-A${i}`] = 60;
    for (let i = 0; i < 15; i++) storm[`T2-A${i}`] = 60;
    await runner().receive({ cards: await cards(NOV + HOUR, storm), offset: 1 });
    expect(await count('alert_transitions')).toBe(40);
    const rows = await t.db.query<{ group_key: string; n: number; title: string }[]>(
      `SELECT group_key, cardinality(alerts) AS n, title FROM alert_deliveries ORDER BY group_key`,
    );
    expect(rows).toEqual([
      { group_key: 'team=T1', n: 25, title: '25 firing · Team T1' },
      { group_key: 'team=T2', n: 15, title: '15 firing · Team T2' },
    ]);
  });

  it('when the deliveries cannot be written, the transitions are not recorded either; a redelivery records both', async () => {
    // a channel nobody can render: the delivery insert fails inside the transaction
    await t.db.query(
      `INSERT INTO alert_subscriptions (org_id, owner, matchers, channel, language, group_by, group_wait_ms,
         group_interval_ms, repeat_interval_ms)
       VALUES ('O1', $1, '{}', '{"kind":"carrier-pigeon"}', 'en', '{team}', 0, 300000, 14400000)`,
      [admin],
    );
    await subscriptions.sealClearChannels(); // as a start does
    const batch = { cards: await cards(NOV + HOUR, { 'T1-A1': 60 }), offset: 1 };
    await expect(runner().receive(batch)).rejects.toThrow();
    expect([await count('alert_transitions'), await count('alert_states'), await count('alert_deliveries')]).toEqual([
      0, 0, 0,
    ]);
    await t.db.query(`UPDATE alert_subscriptions SET channel = $1`, [
      { kind: 'webhook', url: 'http://127.0.0.1:9/hook', secret: SECRET },
    ]);
    await subscriptions.sealClearChannels();
    await runner().receive(batch);
    await runner().receive(batch); // redelivered: nothing twice
    expect([await count('alert_transitions'), await count('alert_deliveries')]).toEqual([1, 1]);
  });

  it('a receiver that fails 3 times then succeeds gets exactly one message; the attempts are counted', async () => {
    const r = await startReceiver(webhookVerifier(SECRET), 3);
    receiver = r;
    await subscriptions.create('O1', admin, {
      ...ROUTING_DEFAULTS,
      groupWaitMs: 0,
      matchers: { severity: 'critical' },
      channel: { kind: 'webhook', url: `${r.url}/hook`, secret: SECRET },
      language: 'zh',
      quietHours: null,
    });
    await runner().receive({ cards: await cards(NOV + HOUR, { 'T1-A1': 60 }), offset: 1 });
    const outbox = new PostgresDeliveryOutbox(t.db, testSecretBox());
    let now = Date.now();
    const sender = new DeliveryRunner(outbox, new ChannelSender(new HttpSender({ timeoutMs: 5000 }), null), {
      clock: () => now,
      random: () => 1,
      policy: { baseMs: 1000, maxAttempts: 8 },
    });
    for (let i = 0; i < 6; i++) {
      await sender.tick();
      now += 60_000; // past any backoff
    }
    expect(r.refused).toEqual(['failing on purpose', 'failing on purpose', 'failing on purpose']);
    expect(r.accepted).toHaveLength(1);
    const [row] = await t.db.query<{ status: string; attempts: number; last_error: string | null; key: string }[]>(
      `SELECT status, attempts, last_error, idempotency_key AS key FROM alert_deliveries`,
    );
    expect(row).toMatchObject({ status: 'delivered', attempts: 4, last_error: null });
    expect(r.accepted[0]?.headers['idempotency-key']).toBe(row?.key);
    expect((r.accepted[0]?.json as { title: string }).title).toBe('告警：FCR偏离 · 一次解决率 · 成员 T1-A1');
  });

  it('two runners claiming at once never hold the same delivery; a failed one is retried by hand', async () => {
    await subscriptions.create('O1', admin, {
      ...ROUTING_DEFAULTS,
      groupWaitMs: 0,
      groupBy: ['agent'],
      matchers: {},
      channel: { kind: 'slack', url: 'http://127.0.0.1:9/services/T000/B000/XXXXXXXXXXXXXXXXXXXX' },
      language: 'en',
      quietHours: null,
    });
    const storm: Record<string, number> = {};
    for (let i = 0; i < 30; i++) storm[`T1-A${i}`] = 60;
    await runner().receive({ cards: await cards(NOV + HOUR, storm), offset: 1 });
    const outbox = new PostgresDeliveryOutbox(t.db, testSecretBox());
    const now = Date.now();
    const [a, b] = await Promise.all([outbox.claimDue(now, 20, now + 60_000), outbox.claimDue(now, 20, now + 60_000)]);
    const ids = [...(a ?? []), ...(b ?? [])].map((d) => d.id);
    expect(ids).toHaveLength(30);
    expect(new Set(ids).size).toBe(30);
    expect(await outbox.claimDue(now, 20, now + 60_000)).toEqual([]); // all leased
    const [first] = a ?? [];
    if (first === undefined) throw new Error('nothing claimed');
    expect(first.channel).toMatchObject({ kind: 'slack' });
    await outbox.failed(first.id, first.lease, 8, 'slack: HTTP 404: no_service');
    await outbox.failed(first.id, 'a stale lease', 8, 'not recorded');
    expect(await outbox.requeue(first.id, now)).toBe(true);
    expect(await outbox.requeue(first.id, now)).toBe(false); // pending now, not failed
    const [again] = await outbox.claimDue(now, 1, now + 60_000);
    expect(again).toMatchObject({ id: first.id, attempts: 0 });
  });
});
