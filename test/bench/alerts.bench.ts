import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateCard, type AlertState, type CardScoring, instanceKey, ROUTING_DEFAULTS } from '#libs/alerting';
import { loadDefinitions } from '#libs/definitions';
import type { CanonicalEvent } from '#libs/events';
import { groupBy } from '#libs/pipeline';
import { AlertSubscriptionsRepository, RosterRepository } from '#libs/postgres';
import { scoreScorecard } from '#libs/scoring';
import { simulate } from '#libs/simulator';
import { formatLocal } from '#libs/time';
import { loadConfig } from '../../services/runtime/src/config';
import { demoSourceTokens, importDemoRoster } from '../../services/runtime/src/demo-source';
import { up } from '../../services/runtime/src/up';
import { testSources, testSecretBox } from '../support/sources';

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export interface AlertEvaluationResult {
  cards: string[]; // the seed scorecards with alert rules
  updates: number;
  evaluateUs: number; // mean time to read a card's live rules on one scoring
  scoreUs: number; // mean time to score the same card (the reference)
  transitions: number;
}

// Alert evaluation per scorecard update, one core: every seed scorecard with alert rules, scored for 100
// entities on actuals drifting around their targets (so instances go pending, fire and resolve), then
// its rules read on the scoring with the states kept in a map. Scoring the card is the reference.
export function benchAlertEvaluation(updates: number): AlertEvaluationResult {
  const { set } = loadDefinitions('definitions/seed');
  const cards = set.scorecards.filter((c) => c.alerts.some((a) => a.condition.kind !== 'streak'));
  let seed = 7;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const states = new Map<string, AlertState>();
  const stateOf = (i: Parameters<typeof instanceKey>[0]) => states.get(instanceKey(i)) ?? null;
  const actualsOf = (card: (typeof cards)[number]) =>
    new Map(
      card.kpis.map((k) => {
        const target = typeof k.target === 'number' ? k.target : 1;
        return [k.id, target === 0 ? (random() < 0.05 ? 1 : 0) : target * (0.85 + random() * 0.3)];
      }),
    );
  const periodStart = Date.parse('2026-12-01T00:00:00+08:00');
  let scoreMs = 0;
  let evaluateMs = 0;
  let transitions = 0;
  for (let n = 0; n < updates; n++) {
    const card = cards[n % cards.length] as (typeof cards)[number];
    const actuals = actualsOf(card);
    const t0 = performance.now();
    const score = scoreScorecard(card, actuals);
    const t1 = performance.now();
    const scoring: CardScoring = {
      card,
      entity: { orgId: 'O1', level: card.level, id: `E${n % 100}` },
      periodStart,
      closed: false,
      at: periodStart + n * 60_000,
      score,
      samples: new Map(card.kpis.map((k) => [k.id, 50])),
    };
    const changes = evaluateCard(scoring, stateOf);
    const t2 = performance.now();
    for (const c of changes) {
      if (c.state === null) states.delete(instanceKey(c.instance));
      else states.set(instanceKey(c.instance), c.state);
      if (c.transition !== null) transitions++;
    }
    scoreMs += t1 - t0;
    evaluateMs += t2 - t1;
  }
  return {
    cards: cards.map((c) => c.id),
    updates,
    evaluateUs: (evaluateMs / updates) * 1000,
    scoreUs: (scoreMs / updates) * 1000,
    transitions,
  };
}

export interface AlertLatencyResult {
  targetRate: number;
  seconds: number;
  acceptedPerSecond: number;
  crossings: number; // red-line crossings sent
  delivered: number; // of them, seen at the webhook receiver
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

const SIM_TEAMS = 10; // teams the simulated background traffic goes to
const BENCH_TEAMS = 60; // teams that only the red-line crossings go to, one each

// End to end on the embedded default: simulated traffic at `rate` events/s for `seconds`, and every
// `seconds / crossings` one sensitive-data violation (the CS supervisor card's red line, seed 000
// 隐私保护零违规) for a team of its own, from the HTTP acceptance of that event to a subscribed webhook
// receiver getting the alert (group wait 0: the latency is the pipeline's, not a routing pause).
export async function benchAlertLatency(rate: number, seconds: number, crossings: number): Promise<AlertLatencyResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kpi-bench-alerts-'));
  const config = { ...loadConfig({ PORT: '0', LOG_LEVEL: 'error' }), dataDir, embeddedPostgresPort: 56_700 };
  const running = await up(config);
  const db = running.database.db;
  const tokens = await demoSourceTokens(testSources(db), 'O1');
  await importDemoRoster(new RosterRepository(db), SIM_TEAMS + BENCH_TEAMS, 4);

  const arrived = new Map<string, number>(); // team → when its red line reached the receiver
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const now = performance.now();
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        alerts: { status: string; kpi: { id: string | null }; entity: { id: string } }[];
      };
      for (const a of body.alerts)
        if (a.status === 'fired' && a.kpi.id === 'privacy_violations' && !arrived.has(a.entity.id))
          arrived.set(a.entity.id, now);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/alerts`;
  await new AlertSubscriptionsRepository(db, testSecretBox()).create(
    'O1',
    { subject: 'bench', role: 'admin', orgId: 'O1', teams: [], agentId: null },
    {
      ...ROUTING_DEFAULTS,
      groupWaitMs: 0,
      matchers: { kpi: ['privacy_violations'] },
      channel: { kind: 'webhook', url, secret: 'bench-secret' },
      language: 'en',
      quietHours: null,
    },
  );

  const post = (events: CanonicalEvent[]) =>
    Promise.all(
      [...groupBy(events, (e) => e.source)].map(([uri, list]) =>
        fetch(`${running.url}/v1/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get(uri) ?? ''}` },
          body: JSON.stringify(list),
        }).then((r) => r.json() as Promise<{ accepted: number }>),
      ),
    ).then((bodies) => bodies.reduce((n, b) => n + b.accepted, 0));

  const stream = simulate({
    orgs: 1,
    teamsPerOrg: SIM_TEAMS,
    agentsPerTeam: 4,
    days: 3650,
    start: '2026-11-23',
    seed: 5,
  });
  const sent = new Map<string, number>(); // team → when its crossing was accepted
  const perTick = Math.max(1, Math.round(rate / 20));
  const inFlight: Promise<unknown>[] = [];
  let accepted = 0;
  let ticks = 0;
  let crossed = 0;
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    const batch: CanonicalEvent[] = [];
    while (batch.length < perTick) {
      const next = stream.next();
      if (next.done === true) break;
      if (next.value.kind !== 'invalid')
        batch.push({ ...next.value.event, time: formatLocal('Asia/Shanghai', Date.now()) });
    }
    inFlight.push(post(batch).then((n) => (accepted += n)));
    const due = Math.floor(((performance.now() - started) / (seconds * 1000)) * crossings);
    if (crossed < Math.min(due, crossings, BENCH_TEAMS)) {
      const teamId = `O1-T${SIM_TEAMS + 1 + crossed}`;
      crossed++;
      const violation: CanonicalEvent = {
        specversion: '1.0',
        id: `bench-violation-${teamId}-${Date.now()}`,
        source: 'hr/reviews',
        type: 'kpi.manual_score',
        time: formatLocal('Asia/Shanghai', Date.now()),
        data: { orgId: 'O1', teamId, indicator: 'manual.support.privacy_violations', value: 1, reviewerId: 'bench' },
      };
      inFlight.push(
        post([violation]).then((n) => {
          if (n === 1) sent.set(teamId, performance.now());
        }),
      );
    }
    ticks++;
    const next = started + (ticks * 1000) / 20;
    await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - started) / 1000;
  const drainUntil = performance.now() + 30_000;
  while ([...sent.keys()].some((t) => !arrived.has(t)) && performance.now() < drainUntil)
    await new Promise((r) => setTimeout(r, 50));
  receiver.close();
  await running.close();
  const latencies = [...sent].flatMap(([team, at]) => {
    const got = arrived.get(team);
    return got === undefined ? [] : [got - at];
  });
  const sorted = latencies.sort((a, b) => a - b);
  return {
    targetRate: rate,
    seconds: elapsed,
    acceptedPerSecond: accepted / elapsed,
    crossings: sent.size,
    delivered: sorted.length,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.at(-1) ?? Number.NaN,
  };
}
