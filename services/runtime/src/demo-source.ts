import { parseRosterJson } from '#libs/access';
import { EVENT_TYPES, type CanonicalEvent } from '#libs/events';
import { errorMessage, groupBy, issueCredential } from '#libs/pipeline';
import type { RosterRepository, SourcesRepository } from '#libs/postgres';
import { agentIdOf, simulate, SOURCES, teamIdOf, type ManualIndicatorSpec } from '#libs/simulator';
import { formatLocal } from '#libs/time';

// The demo's simulated systems as sources of the org, each with a fresh write token (the demo's earlier
// tokens are revoked): the source's `source` → its token.
export async function demoSourceTokens(sources: SourcesRepository, orgId: string): Promise<Map<string, string>> {
  const tokens = new Map<string, string>();
  for (const uri of Object.values(SOURCES)) {
    const source =
      (await sources.byUri(uri)) ??
      (await sources.create({ uri, orgId, name: `${uri} (demo)`, eventTypes: [...EVENT_TYPES], createdBy: 'demo' }));
    if (source === undefined || source.orgId !== orgId) throw new Error(`demo source ${uri} belongs to another org`);
    await sources.revokeAll(source.id);
    const issued = await issueCredential(sources, source.id, 'demo');
    if (!issued.ok) throw new Error(`demo source ${uri}: ${issued.reason}`);
    tokens.set(uri, issued.token);
  }
  return tokens;
}

// The demo org's roster of record: the simulator's teams and agents of its org 1 (O1-T1, O1-T1-A1, …),
// members since 2020; it replaces the org's roster, so the demo's manager and agent links see them.
export async function importDemoRoster(roster: RosterRepository, teams: number, agents: number): Promise<void> {
  const memberships = [];
  for (let team = 1; team <= teams; team++)
    for (let agent = 1; agent <= agents; agent++)
      memberships.push({ agent: agentIdOf(1, team, agent), team: teamIdOf(1, team), from: '2020-01-01' });
  await roster.replace('O1', parseRosterJson({ memberships }));
}

export interface DemoSourceOptions {
  url: string; // the ingest endpoint
  tokens: ReadonlyMap<string, string>; // each simulated source's write token
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
    sent += batch.length;
    // each system posts its own events with its own token, as webhooks would
    for (const [uri, events] of groupBy(batch, (e) => e.source))
      fetch(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${options.tokens.get(uri) ?? ''}` },
        body: JSON.stringify(events),
      }).catch((err: unknown) => process.stderr.write(`demo source: ${errorMessage(err)}\n`));
  }, tickMs);
  return { stop: () => clearInterval(timer), sent: () => sent };
}
