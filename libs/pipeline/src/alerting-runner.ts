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
import type { DefinitionsRegistry } from './definitions-registry';
import type { AlertNews, AlertRecord, Outlet, ScoredBatch } from './feeds';
import { errorMessage, type RunnerLogger } from './ports';
import type { ScoredCard } from './rescore';
import { retryTransient } from './transient-error';

// Where alert states and transitions are kept. `apply` writes a batch's changes in one transaction:
// each instance's state (deleted when inactive again) and each transition, once by its key (a batch
// read again after a crash writes nothing twice), with the deliveries it routes to. It returns the
// transitions it recorded now; `announce`: the `alerts` feed message announcing them goes in the same
// transaction (the outbox).
export interface AlertStore {
  states(instances: readonly AlertInstance[]): Promise<Map<string, AlertState>>;
  // the closed periods of a card for one entity ending at or before `until`, oldest first, at most `limit`
  closedPeriods(card: ScoredCard, until: number, limit: number): Promise<ClosedPeriod[]>;
  apply(changes: readonly AlertChange[], announce?: boolean): Promise<AlertRecord[]>;
}

export interface AlertingRunnerOptions {
  registry: DefinitionsRegistry;
  store: AlertStore;
  logger: RunnerLogger;
  news?: Outlet<AlertNews>; // the recorded transitions, to the gateways (the page's bell)
  onTransitions?: (count: number) => void; // fired and resolved, for the metrics
  retryMs?: number; // the first pause before retrying a transient failure (doubling up to 10 s)
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
    const keep = (moved: AlertChange[]) => {
      for (const c of moved) {
        if (c.state === null) states.delete(instanceKey(c.instance));
        else states.set(instanceKey(c.instance), c.state);
        changes.push(c);
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
      );
      if (card.closed && hasStreaks(def)) {
        const history = await this.o.store.closedPeriods(card, card.periodEnd, longestStreak(def));
        keep(evaluateStreaks(def, card.entity, history, card.scoredAt, stateOf));
      }
    }
    if (changes.length === 0) return;
    const news = this.o.news;
    const recorded = await this.o.store.apply(changes, news?.kind === 'outbox');
    const transitions = changes.filter((c) => c.transition !== null).length;
    if (transitions > 0) this.o.onTransitions?.(transitions);
    // sent once stored: a page that misses it (a send that failed) reads the stored alerts on its next load
    if (news?.kind === 'send' && recorded.length > 0)
      await news.send({ transitions: recorded, acknowledged: [] }).catch((err: unknown) => {
        this.o.logger.warn(`alerting: announcing ${recorded.length} transitions to the page: ${errorMessage(err)}`);
      });
  }
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
