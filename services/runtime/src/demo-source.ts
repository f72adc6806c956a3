import { parseRosterJson } from '#libs/access';
import { EVENT_TYPES, type CanonicalEvent } from '#libs/events';
import { errorMessage, groupBy, issueCredential } from '#libs/pipeline';
import type { DataSource } from 'typeorm';
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
// Each source behaves as a sender should: one post in flight at a time (what piles up meanwhile goes
// in the next), a failed post retried after a growing pause with the events after it (ingest's
// idempotency makes a repeat harmless), a backlog bounded to a minute of events (beyond it the
// simulation skips ahead), and stop() waits for the posts under way.
export function startDemoSource(options: DemoSourceOptions): DemoSource {
  const today = formatLocal(options.timeZone, Date.now()).slice(0, 10);
  // the history's ids, and a start before's, are others
  const stream = demoSimulation(options, today, 3650, `live-${Date.now().toString(36)}-`);
  const senders = new Map<string, Sender>();
  const senderOf = (uri: string): Sender => {
    let sender = senders.get(uri);
    if (sender === undefined) {
      sender = new Sender(options.url, options.tokens.get(uri) ?? '', options.rate * 60);
      senders.set(uri, sender);
    }
    return sender;
  };
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
    // each system posts its own events with its own token, as webhooks would
    for (const [uri, events] of groupBy(batch, (e) => e.source)) senderOf(uri).send(events);
  }, tickMs);
  const sum = (of: (s: Sender) => number) => [...senders.values()].reduce((n, s) => n + of(s), 0);
  return {
    stop: async () => {
      clearInterval(timer);
      await Promise.all([...senders.values()].map((s) => s.stop()));
    },
    sent: () => sum((s) => s.accepted),
    skipped: () => sum((s) => s.skipped),
  };
}

export interface DemoHistoryOptions extends Omit<DemoSourceOptions, 'rate'> {
  days: number; // how far back the history starts: the local midnight this many days before today
}

// The demo's past, so that it starts with closed weeks and a weekly review pack to read: the simulator's
// events of the days before today, with their own times, posted in time order at full speed (each system
// with its own token) before the live stream begins. A database whose org already has cards (a restart)
// gets none: its history is there. Returns the events posted.
export async function postDemoHistory(db: DataSource, options: DemoHistoryOptions): Promise<number> {
  const [scored] = await db.query<unknown[]>(`SELECT 1 FROM scorecards WHERE org_id = 'O1' LIMIT 1`);
  if (scored !== undefined || options.days === 0) return 0;
  const today = formatLocal(options.timeZone, Date.now()).slice(0, 10);
  const start = new Date(Date.parse(`${today}T00:00:00Z`) - options.days * 86_400_000).toISOString().slice(0, 10);
  const stream = demoSimulation(options, start, options.days, 'history-');
  let posted = 0;
  let chunk: CanonicalEvent[] = [];
  const flush = async () => {
    // a chunk spans a few simulated hours: posting it system by system keeps every event well within
    // its indicators' allowed lateness (2 d at the least)
    for (const [uri, events] of groupBy(chunk, (e) => e.source)) {
      const res = await postEvents(options.url, options.tokens.get(uri) ?? '', events);
      if (res.status !== 202) throw new Error(`demo history: ingest answered ${res.status}`);
      posted += events.length;
    }
    chunk = [];
  };
  for (const line of stream) {
    if (line.kind === 'invalid') continue;
    chunk.push(line.event);
    if (chunk.length === HISTORY_CHUNK) await flush();
  }
  await flush();
  return posted;
}

const HISTORY_CHUNK = 1_000;

// The simulator's stream of the demo org (O1) from `start`, for `days`, with ids after `idPrefix`.
function demoSimulation(
  options: Omit<DemoSourceOptions, 'rate' | 'url' | 'tokens'>,
  start: string,
  days: number,
  idPrefix: string,
) {
  return simulate({
    orgs: 1,
    teamsPerOrg: options.teams,
    agentsPerTeam: options.agents,
    days,
    start,
    timeZone: options.timeZone,
    seed: Date.now() % 100_000,
    manualIndicators: options.manualIndicators,
    manualCadence: 'week',
    reviewers: options.reviewers,
    idPrefix,
  });
}

// One post of a system's events with its token, its answer read to the end (so the connection is reused).
async function postEvents(url: string, token: string, events: readonly CanonicalEvent[]): Promise<Response> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(events),
  });
  await res.arrayBuffer();
  return res;
}

export interface DemoSource {
  stop(): Promise<void>; // no new events; the posts under way end, and what is left is tried once more
  sent(): number; // events ingest answered for
  skipped(): number; // events never sent: the backlog was full while ingest could not keep up, or left at the stop
}

// One simulated system's posts: its backlog, sent one request at a time until it is empty; a failed post
// is tried again after a pause (a source may emit nothing for a week, so the next tick cannot be relied on).
class Sender {
  private backlog: CanonicalEvent[] = [];
  private posting: Promise<void> | undefined;
  private retry: NodeJS.Timeout | undefined;
  private failures = 0;
  private stopped = false;
  accepted = 0;
  skipped = 0;

  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly maxBacklog: number,
  ) {}

  send(events: CanonicalEvent[]): void {
    const room = this.maxBacklog - this.backlog.length;
    this.skipped += Math.max(0, events.length - room);
    this.backlog.push(...events.slice(0, Math.max(0, room)));
    if (this.retry === undefined) this.drain();
  }

  // Stops retrying, makes one last attempt with what is left, and waits for it; what still fails is
  // counted as skipped.
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    this.retry = undefined;
    await this.posting;
    if (this.backlog.length > 0) await this.post();
    this.skipped += this.backlog.length;
    this.backlog = [];
  }

  private drain(): void {
    this.posting ??= (async () => {
      while (this.backlog.length > 0 && (await this.post()));
    })().finally(() => (this.posting = undefined));
  }

  // true when ingest answered for the events posted
  private async post(): Promise<boolean> {
    const events = this.backlog.slice(0, MAX_EVENTS_PER_POST);
    try {
      const res = await postEvents(this.url, this.token, events);
      // 503: nothing was taken, send again; any other answer is final for these events
      if (res.status === 503) throw new Error(`ingest answered 503`);
      this.backlog = this.backlog.slice(events.length);
      this.accepted += events.length;
      if (this.failures > 0) process.stderr.write(`demo source: posting again\n`);
      this.failures = 0;
      return true;
    } catch (err) {
      // said once per outage; the events stay in the backlog and are tried again after a pause
      if (this.failures === 0)
        process.stderr.write(`demo source: ${errorMessage(err)} (the events are kept and sent again)\n`);
      this.failures++;
      if (this.stopped) return false;
      const pauseMs = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (this.failures - 1));
      this.retry = setTimeout(() => {
        this.retry = undefined;
        this.drain();
      }, pauseMs);
      return false;
    }
  }
}

const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 5_000;
const MAX_EVENTS_PER_POST = 5_000; // below ingest's default limit per request (INGEST_MAX_EVENTS)
