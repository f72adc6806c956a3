import {
  evaluateCard,
  evaluateStreaks,
  instanceKey,
  type AlertChange,
  type AlertInstance,
  type AlertState,
  type ClosedPeriod,
  watchedKpis,
} from '#libs/alerting';
import type { ScorecardDef } from '#libs/definitions';
import { flushInto, routeInto, type RoutedAlert, type RoutingTx } from './alert-routing';
import type { DefinitionsRegistry } from './definitions-registry';
import type { AlertNews, AlertPending, AlertRecord, Outlet, ScoredBatch } from './feeds';
import { errorMessage, type RunnerLogger } from './ports';
import type { ScoredCard } from './rescore';
import { retryTransient } from './transient-error';

// One transaction of the alert store: a batch's changes, and the deliveries they route to (the outbox).
export interface AlertTx extends RoutingTx {
  // Each instance's state (deleted when inactive again) and each transition, once by its key: the
  // changes whose transition was recorded now, and their records (a batch read again after a crash
  // records none twice). `announce`: the `alerts` feed message announcing them, with these alerts that
  // began or stopped pending, goes in the same transaction (the Postgres feed's outbox); null: the runner
  // sends it itself.
  record(changes: readonly AlertChange[], announce: { pending: readonly AlertPending[] } | null): Promise<Recorded>;
}

export interface Recorded {
  changes: AlertChange[];
  records: AlertRecord[]; // the same transitions as the page reads them
}

// Where alert states, transitions, routing groups and deliveries are kept.
export interface AlertStore {
  states(instances: readonly AlertInstance[]): Promise<Map<string, AlertState>>;
  // the closed periods of a card for one entity ending at or before `until`, oldest first, at most `limit`
  closedPeriods(card: ScoredCard, until: number, limit: number): Promise<ClosedPeriod[]>;
  transaction<T>(work: (tx: AlertTx) => Promise<T>): Promise<T>;
}

export interface AlertRoutingOptions {
  baseUrl: string; // where the page is served: messages link to the scorecards
  teamOf(orgId: string, agentId: string): Promise<string | null>; // the agent's team today (the roster)
  clock?: () => number; // wall clock: group waits, silences and quiet hours
  onDeliveries?: (count: number) => void; // deliveries queued: send them soon
}

export interface AlertingRunnerOptions {
  registry: DefinitionsRegistry;
  store: AlertStore;
  logger: RunnerLogger;
  news?: Outlet<AlertNews>; // the recorded transitions, to the gateways (the page's bell)
  onTransitions?: (count: number) => void; // fired and resolved, for the metrics
  retryMs?: number; // the first pause before retrying a transient failure (doubling up to 10 s)
  routing?: AlertRoutingOptions; // unset: transitions are recorded, not routed
}

// Reads the alert rules of each scored card (a card's own period only: a page's view windows are not
// watched), keeping each alert instance's state in the store. A batch is handled whole or not at all: a
// transient failure (the database away) is retried with backoff until stopped, any other is thrown to
// the feed, which redelivers. A redelivered batch moves nothing twice (the states already hold its
// readings, the transitions their keys).
export class AlertingRunner {
  private stopped = false;

  constructor(private readonly o: AlertingRunnerOptions) {}

  async receive(batch: ScoredBatch): Promise<void> {
    const done = await retryTransient(() => this.handle(batch), {
      initialMs: this.o.retryMs ?? 200,
      retrying: () => !this.stopped,
      onRetry: (err) => this.o.logger.warn(`alerting: a batch failed, retrying: ${errorMessage(err)}`),
    });
    if (!done.ok) throw done.error;
  }

  // no more retries: a batch failing now is left to the feed to redeliver
  stop(): void {
    this.stopped = true;
  }

  private async handle(batch: ScoredBatch): Promise<void> {
    const work: { card: ScoredCard; def: ScorecardDef }[] = [];
    for (const card of batch.cards) {
      const def = this.o.registry
        .definitionsFor(card.entity.orgId)
        .scorecards.find((d) => d.id === card.score.scorecard && d.version === card.score.version);
      if (def === undefined || def.alerts.length === 0 || card.window !== def.period) continue;
      work.push({ card, def });
    }
    if (work.length === 0) return;
    const states = await this.o.store.states(work.flatMap(({ card, def }) => instancesOf(def, card)));
    const stateOf = (i: AlertInstance): AlertState | null => states.get(instanceKey(i)) ?? null;
    const changes: AlertChange[] = [];
    const cardOf = new Map<AlertChange, ScoredCard>();
    const before = new Map<string, AlertState | null>(); // each moved instance's state before this batch
    const keep = (moved: AlertChange[], card: ScoredCard) => {
      for (const c of moved) {
        const key = instanceKey(c.instance);
        if (!before.has(key)) before.set(key, states.get(key) ?? null);
        if (c.state === null) states.delete(key);
        else states.set(key, c.state);
        changes.push(c);
        cardOf.set(c, card);
      }
    };
    for (const { card, def } of work) {
      keep(
        evaluateCard(
          {
            card: def,
            entity: card.entity,
            periodStart: card.periodStart,
            closed: card.closed,
            at: card.scoredAt,
            score: card.score,
            samples: new Map(card.score.kpis.map((k) => [k.kpi, k.sample])),
          },
          stateOf,
        ),
        card,
      );
      if (card.closed && hasStreaks(def)) {
        const history = await this.o.store.closedPeriods(card, card.periodEnd, longestStreak(def));
        keep(evaluateStreaks(def, card.entity, history, card.scoredAt, stateOf), card);
      }
    }
    if (changes.length === 0) return;
    const news = this.o.news;
    const routing = this.o.routing;
    const alerts = new Map<AlertChange, RoutedAlert>();
    if (routing !== undefined)
      for (const c of changes) if (c.transition !== null) alerts.set(c, await routedAlert(c, cardOf.get(c), routing));
    const pending = pendingMoves(changes, before);
    const { queued, records } = await this.o.store.transaction(async (tx) => {
      const recorded = await tx.record(changes, news?.kind === 'outbox' ? { pending } : null);
      if (routing === undefined) return { queued: 0, records: recorded.records };
      const fresh = recorded.changes.flatMap((c) => alerts.get(c) ?? []);
      const now = (routing.clock ?? Date.now)();
      return { queued: await routeInto(tx, fresh, now, routing.baseUrl), records: recorded.records };
    });
    const transitions = changes.filter((c) => c.transition !== null).length;
    if (transitions > 0) this.o.onTransitions?.(transitions);
    if (queued > 0) routing?.onDeliveries?.(queued);
    // sent once stored: a page that misses it (a send that failed) reads the stored alerts on its next load
    if (news?.kind === 'send' && records.length + pending.length > 0)
      await news.send({ transitions: records, acknowledged: [], pending }).catch((err: unknown) => {
        this.o.logger.warn(`alerting: announcing ${records.length} transitions to the page: ${errorMessage(err)}`);
      });
  }

  // The routing groups due now (group waits and intervals over, repeats, quiet hours ended) into the
  // outbox, a bounded batch per transaction: how many deliveries were queued.
  async flushDue(limit = 100): Promise<number> {
    const routing = this.o.routing;
    if (routing === undefined) return 0;
    let queued = 0;
    for (;;) {
      const now = (routing.clock ?? Date.now)();
      const round = await this.o.store.transaction((tx) => flushInto(tx, now, routing.baseUrl, limit));
      queued += round.deliveries;
      if (round.groups < limit) break;
    }
    if (queued > 0) routing.onDeliveries?.(queued);
    return queued;
  }
}

// A transition with its routing labels and what its message shows: the KPI's name, actual and target
// on the card that moved it (the card's total for a total streak).
async function routedAlert(
  change: AlertChange,
  card: ScoredCard | undefined,
  routing: AlertRoutingOptions,
): Promise<RoutedAlert> {
  const t = change.transition as NonNullable<AlertChange['transition']>;
  const { entity, kpi: kpiId, scorecard } = change.instance;
  const kpi = card?.score.kpis.find((k) => k.kpi === kpiId);
  const team =
    entity.level === 'team'
      ? entity.id
      : entity.level === 'agent'
        ? await routing.teamOf(entity.orgId, entity.id)
        : null;
  return {
    key: t.key,
    instance: instanceKey(change.instance),
    kind: t.kind,
    at: t.at,
    labels: {
      org: entity.orgId,
      team,
      agent: entity.level === 'agent' ? entity.id : null,
      scorecard,
      kpi: kpiId,
      rule: change.rule.id,
      kind: change.rule.condition.kind,
      severity: change.rule.severity,
    },
    item: {
      change: { ...change, state: null }, // the state is not shown, and not worth storing
      kpiName: kpi?.name ?? null,
      actual: kpi === undefined ? (card?.score.total ?? null) : kpi.actual,
      target: kpi === undefined ? null : kpi.target,
    },
  };
}

// The instances that began to pend in a batch, or stopped pending without firing (a firing is a
// transition of its own), by their state before and after the whole batch: what the page's list shows.
function pendingMoves(changes: readonly AlertChange[], before: ReadonlyMap<string, AlertState | null>): AlertPending[] {
  const last = new Map<string, AlertChange>();
  for (const c of changes) last.set(instanceKey(c.instance), c);
  const out: AlertPending[] = [];
  for (const [key, c] of last) {
    const was = before.get(key)?.status;
    const now = c.state;
    const began = now?.status === 'pending' && was !== 'pending';
    const stopped = now === null && was === 'pending';
    if (!began && !stopped) continue;
    const i = c.instance;
    out.push({
      orgId: i.entity.orgId,
      scorecard: i.scorecard,
      rule: i.rule,
      ruleName: c.rule.name,
      severity: c.rule.severity,
      kpi: i.kpi,
      level: i.entity.level,
      entityId: i.entity.id,
      periodStart: i.periodStart === null ? null : new Date(i.periodStart).toISOString(),
      value: now?.value ?? null,
      since: now === null ? null : new Date(now.since).toISOString(),
    });
  }
  return out;
}

const hasStreaks = (def: ScorecardDef): boolean => def.alerts.some((r) => r.condition.kind === 'streak');

// how many closed periods the longest streak rule of a card looks back
function longestStreak(def: ScorecardDef): number {
  let longest = 0;
  for (const r of def.alerts) if (r.condition.kind === 'streak') longest = Math.max(longest, r.condition.periods);
  return longest;
}

// every instance a card's rules may move (the live rules' of its period; the streaks' when it closed)
function instancesOf(def: ScorecardDef, card: ScoredCard): AlertInstance[] {
  const out: AlertInstance[] = [];
  const kpis = def.kpis.map((k) => k.id);
  for (const rule of def.alerts) {
    const streak = rule.condition.kind === 'streak';
    if (streak && !card.closed) continue;
    for (const kpi of watchedKpis(rule, kpis))
      out.push({
        scorecard: def.id,
        rule: rule.id,
        kpi,
        entity: card.entity,
        periodStart: streak ? null : card.periodStart,
      });
  }
  return out;
}
