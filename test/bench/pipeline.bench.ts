import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import type { CanonicalEvent } from '#libs/events';
import { simulate } from '#libs/simulator';
import { formatLocal } from '#libs/time';
import { mintToken, sharedSecret } from '../../services/runtime/src/auth';
import { loadConfig } from '../../services/runtime/src/config';
import { groupBy, type RoomUpdate } from '#libs/pipeline';
import { RosterRepository } from '#libs/postgres';
import { demoSourceTokens, importDemoRoster } from '../../services/runtime/src/demo-source';
import { up } from '../../services/runtime/src/up';
import { testSources } from '../support/sources';

export interface PipelineBenchResult {
  targetRate: number;
  seconds: number;
  accepted: number;
  acceptedPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  measured: number;
  foldMs: number; // mean time to read and fold one poll of the log
  polls: number;
  flushes: number;
  flushMs: number; // mean time to write one flush of changed values
  rounds: number;
  scoreMs: number; // mean time of one scoring round (score, store, push)
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

// Sustained ingest on the embedded default: POST batches every 50 ms at `rate` events/s for `seconds`;
// latency from the HTTP acceptance of each event to the socket.io client receiving a scorecard update
// that reflects it (updates carry the log offset they cover; acceptances carry each event's offset).
export async function benchPipeline(rate: number, seconds: number): Promise<PipelineBenchResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kpi-bench-'));
  const config = {
    ...loadConfig({ PORT: '0', LOG_LEVEL: 'error' }),
    dataDir,
    embeddedPostgresPort: 56_000 + (rate % 1000),
  };
  const running = await up(config);
  const tokens = await demoSourceTokens(testSources(running.database.db), 'O1');
  await importDemoRoster(new RosterRepository(running.database.db), 10, 10); // the simulated org's teams and agents
  const token = await mintToken(sharedSecret(config), 'bench', { role: 'admin', org: 'O1' }, '1h');
  const socket = io(`${running.url}/scorecards`, { transports: ['websocket'], auth: { token } });
  await socket.emitWithAck('join', { room: 'org:O1' });

  const stream = simulate({ orgs: 1, teamsPerOrg: 10, agentsPerTeam: 10, days: 3650, start: '2026-11-23', seed: 3 });
  const pending: { offset: number; ackedAt: number }[] = []; // accepted events not yet seen in an update
  const latencies: number[] = [];
  socket.on('scorecard', (u: RoomUpdate) => {
    const now = performance.now();
    while (pending.length > 0 && (pending[0] as { offset: number }).offset <= u.offset) {
      latencies.push(now - (pending.shift() as { ackedAt: number }).ackedAt);
    }
  });

  const perTick = Math.max(1, Math.round(rate / 20));
  let accepted = 0;
  const inFlight: Promise<void>[] = [];
  let ticks = 0;
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    const batch: CanonicalEvent[] = [];
    while (batch.length < perTick) {
      const next = stream.next();
      if (next.done === true) break;
      if (next.value.kind !== 'invalid')
        batch.push({ ...next.value.event, time: formatLocal('Asia/Shanghai', Date.now()) });
    }
    // each simulated system posts its own events with its own token
    for (const [uri, events] of groupBy(batch, (e) => e.source))
      inFlight.push(
        fetch(`${running.url}/v1/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get(uri) ?? ''}` },
          body: JSON.stringify(events),
        })
          .then((r) => r.json() as Promise<{ accepted: number; results: { offset?: number }[] }>)
          .then((body) => {
            const ackedAt = performance.now();
            accepted += body.accepted;
            for (const r of body.results) if (r.offset !== undefined) pending.push({ offset: r.offset, ackedAt });
            pending.sort((a, b) => a.offset - b.offset);
          }),
      );
    ticks++;
    const next = started + (ticks * 1000) / 20;
    await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - started) / 1000;
  // let the pipeline drain what was accepted
  const drainUntil = performance.now() + 15_000;
  while (pending.length > 0 && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 50));
  const metrics = await (await fetch(`${running.url}/metrics`)).text();
  const metric = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1] ?? Number.NaN);
  socket.close();
  await running.close();
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    targetRate: rate,
    seconds: elapsed,
    accepted,
    acceptedPerSecond: accepted / elapsed,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    measured: sorted.length,
    foldMs: (metric('kpi_fold_seconds_sum') / metric('kpi_fold_seconds_count')) * 1000,
    polls: metric('kpi_fold_seconds_count'),
    flushes: metric('kpi_flush_seconds_count'),
    rounds: metric('kpi_score_seconds_count'),
    scoreMs: (metric('kpi_score_seconds_sum') / metric('kpi_score_seconds_count')) * 1000,
    flushMs: (metric('kpi_flush_seconds_sum') / metric('kpi_flush_seconds_count')) * 1000,
  };
}
