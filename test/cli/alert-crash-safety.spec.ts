import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTING_DEFAULTS } from '#libs/alerting';
import type { CanonicalEvent } from '#libs/events';
import { AlertSubscriptionsRepository } from '#libs/postgres';
import { DATABASE_URL, migratedTestDatabase, type TestDatabase } from '../support/postgres';
import { ROOT, schemaUrl, startAll, startService, type ServiceProcess } from '../support/service-process';
import { asSource, sourceToken, testSecretBox } from '../support/sources';
import { TEST_SECRETS_KEY } from '../support/tokens';
import { until } from '../support/until';

const SECRET = 'whsec-crash-safety-0123456789abcdef';
const MINUTE = 60_000;
const now = Date.now();
const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '+00:00');
// a CSAT rating of an agent's ticket, `ago` minutes before now
const rated = (id: string, team: string, agent: string, satisfied: boolean, ago: number): CanonicalEvent => ({
  specversion: '1.0',
  id,
  source: 'ticketing/zendesk',
  type: 'ticket.rated',
  time: iso(now - ago * MINUTE),
  data: { orgId: 'O1', teamId: team, agentId: agent, ticketId: `k-${id}`, score: satisfied ? 5 : 2, satisfied },
});
const AGENTS = [
  ['T1', 'A1'],
  ['T1', 'A2'],
  ['T2', 'A3'],
  ['T2', 'A4'],
] as const;

interface Got {
  key: string; // the message's idempotency key
  alerts: string[]; // its transitions' keys
}

// A webhook receiver that is down (503) until told otherwise, then verifies each request's signature and
// keeps every message it took, duplicates included: the test dedupes by key as docs/alerts.md says.
async function startReceiver() {
  const got: Got[] = [];
  const state = { up: false };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (!state.up) {
        res.writeHead(503).end('down');
        return;
      }
      const body = Buffer.concat(chunks).toString('utf8');
      const timestamp = String(req.headers['x-kpi-pulse-timestamp']);
      const signature = `v1=${createHmac('sha256', SECRET).update(`${timestamp}.${body}`).digest('hex')}`;
      if (req.headers['x-kpi-pulse-signature'] !== signature) {
        res.writeHead(401).end();
        return;
      }
      const message = JSON.parse(body) as { alerts: { key: string }[] };
      got.push({ key: String(req.headers['idempotency-key']), alerts: message.alerts.map((a) => a.key) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    got,
    state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// The alerting service killed with SIGKILL after it recorded alert transitions and before their receiver
// took them, then started again: in `kpi-pulse up` with every other service, and alone
// (`node dist/services/alerting/main.js`, the others in a process that goes on running).
describe.each([
  { how: 'in kpi-pulse up', alone: false },
  { how: 'alone, beside the rest of the pipeline', alone: true },
])('alert delivery survives kill -9 of the alerting process, $how', ({ alone }) => {
  let t: TestDatabase;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let env: Record<string, string>;
  const count = async (sql: string) => Number((await t.db.query<{ n: string }[]>(sql))[0]?.n);
  const transitionKeys = async () =>
    (await t.db.query<{ key: string }[]>(`SELECT key FROM alert_transitions WHERE org_id = 'O1'`)).map((r) => r.key);

  beforeAll(async () => {
    t = await migratedTestDatabase();
    receiver = await startReceiver();
    await new AlertSubscriptionsRepository(t.db, testSecretBox()).create(
      'O1',
      { subject: 'admin', role: 'admin', orgId: 'O1', teams: [], agentId: null },
      {
        ...ROUTING_DEFAULTS,
        groupWaitMs: 1000,
        groupIntervalMs: 1000,
        matchers: {},
        channel: { kind: 'webhook', url: receiver.url, secret: SECRET },
        language: 'en',
        quietHours: null,
      },
    );
    // the services open the subscription's channel with the key it was sealed with
    env = {
      DATABASE_URL: schemaUrl(DATABASE_URL, t.schema),
      ALERTS_POLL_MS: '100',
      PROCESSOR_FLUSH_MS: '50',
      KPI_SECRETS_KEY: TEST_SECRETS_KEY,
    };
  });
  afterAll(async () => {
    await receiver.close();
    await t.drop();
  });

  it('after the restart every transition is delivered, and none twice once deduped by key', async () => {
    const zendesk = await sourceToken(t.db, 'ticketing/zendesk');
    const post = async (up: ServiceProcess, events: CanonicalEvent[]) => {
      const res = await fetch(`${up.url}/v1/events`, {
        method: 'POST',
        headers: asSource(zendesk),
        body: JSON.stringify(events),
      });
      expect(res.status).toBe(202);
    };

    const PIPELINE = ['ingest-gateway', 'indicator-processor', 'scoring-service', 'scorecard-gateway'];
    const pipeline = alone ? await startAll(env, PIPELINE) : undefined;
    const startAlerting = () => (alone ? startService('alerting', env) : startAll(env));
    const first = await startAlerting();
    const ingest = pipeline ?? first;
    // 22 ratings each, 3 unhappy: every team's and agent's CSAT is off target (pending for 30 minutes)
    await post(
      ingest,
      AGENTS.flatMap(([team, agent]) =>
        Array.from({ length: 22 }, (_, i) => rated(`${agent}-${i}`, team, agent, i >= 3, 45)),
      ),
    );
    await until(async () => (await count(`SELECT count(*) AS n FROM alert_transitions`)) > 0, 30_000);
    // 35 minutes of event time later: the CSAT alerts fire; killed as soon as they are recorded
    const before = (await transitionKeys()).length;
    await post(
      ingest,
      AGENTS.map(([team, agent]) => rated(`${agent}-late`, team, agent, false, 10)),
    );
    await until(async () => (await transitionKeys()).length > before, 30_000, 5);
    first.child.kill('SIGKILL');
    await first.exited;

    const recorded = await transitionKeys();
    expect(recorded.length).toBeGreaterThan(before);
    // not all of them reached the receiver: it was down
    expect(receiver.got).toEqual([]);
    const undelivered =
      (await count(`SELECT count(*) AS n FROM alert_deliveries WHERE status = 'pending'`)) +
      (await count(`SELECT count(*) AS n FROM alert_groups WHERE jsonb_array_length(pending) > 0`));
    expect(undelivered).toBeGreaterThan(0);

    receiver.state.up = true;
    const second = await startAlerting();
    const delivered = () => new Set(receiver.got.flatMap((g) => g.alerts));
    // a delivery whose send the kill interrupted waits out its lease (60 s)
    await until(async () => (await transitionKeys()).every((k) => delivered().has(k)), 110_000, 200);
    // `kpi-pulse alerts tail` shows them
    const tail = await promisify(execFile)(
      process.execPath,
      [join(ROOT, 'bin/kpi-pulse.js'), 'alerts', 'tail', '--once', '--url', (pipeline ?? second).url],
      { cwd: ROOT },
    );
    expect(tail.stdout).toMatch(/#\d+ {2}delivered {2}webhook {3}team=T\d {2}\d+ firing/);
    const running = pipeline === undefined ? [second] : [second, pipeline];
    for (const p of running) p.child.kill('SIGTERM');
    expect(await Promise.all(running.map((p) => p.exited))).toEqual(running.map(() => 0));

    const keys = await transitionKeys();
    expect(keys.filter((k) => !delivered().has(k))).toEqual([]);
    // deduped by the message's idempotency key, each transition was told once
    const messages = new Map(receiver.got.map((g) => [g.key, g.alerts]));
    const told = [...messages.values()].flat();
    expect(told.length).toBe(new Set(told).size);
    expect(new Set(told)).toEqual(new Set(keys));
    expect(await count(`SELECT count(*) AS n FROM alert_deliveries WHERE status <> 'delivered'`)).toBe(0);
  });
});
