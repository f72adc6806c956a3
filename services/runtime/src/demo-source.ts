import type { CanonicalEvent } from '#libs/events';
import { simulate, type ManualIndicatorSpec } from '#libs/simulator';
import { formatLocal } from '#libs/time';
import { errorMessage } from '#libs/pipeline';

export interface DemoSourceOptions {
  url: string; // the ingest endpoint
  rate: number; // events per second
  teams: number;
  agents: number; // per team
  manualIndicators: readonly ManualIndicatorSpec[];
  reviewers: readonly string[];
  timeZone: string;
}

// Simulated CRM, ticketing, telephony, finance and review sources for the demo: the simulator's
// realistic lifecycles, stamped with the current time, posted to the ingest endpoint like a webhook.
export function startDemoSource(options: DemoSourceOptions): { stop(): void; sent(): number } {
  const today = formatLocal(options.timeZone, Date.now()).slice(0, 10);
  const stream = simulate({
    orgs: 1,
    teamsPerOrg: options.teams,
    agentsPerTeam: options.agents,
    days: 3650,
    start: today,
    timeZone: options.timeZone,
    seed: Date.now() % 100_000,
    manualIndicators: options.manualIndicators,
    manualCadence: 'week',
    reviewers: options.reviewers,
  });
  let sent = 0;
  let debt = 0;
  const tickMs = 200;
  const timer = setInterval(() => {
    debt += (options.rate * tickMs) / 1000;
    const batch: CanonicalEvent[] = [];
    while (debt >= 1) {
      const next = stream.next();
      if (next.done === true) break;
      debt -= 1;
      if (next.value.kind === 'invalid') continue;
      const event = next.value.event;
      batch.push({ ...event, time: formatLocal(options.timeZone, Date.now()) });
    }
    if (batch.length === 0) return;
    sent += batch.length;
    fetch(options.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(batch),
    }).catch((err: unknown) => process.stderr.write(`demo source: ${errorMessage(err)}\n`));
  }, tickMs);
  return { stop: () => clearInterval(timer), sent: () => sent };
}
