import {
  closingOf,
  duePeriods,
  freezeCard,
  graceOf,
  resultOf,
  streakLookback,
  type FrozenCard,
  type PeriodClosing,
  type PeriodResult,
} from '#libs/close';
import { orgSettingsFor, scorecardsInForce, type ScorecardDef } from '#libs/definitions';
import { IndicatorEngine, type EntityRef } from '#libs/indicators';
import { dateOfDayNumber, localDayNumber, type Period } from '#libs/time';
import { readEventFile, type AcceptedEvent, type EvaluateInput, type EvaluationReport } from './evaluate';
import { scoreClosedCard } from './score-card';

// The output of `kpi-pulse close`: each scorecard's periods due at --as-of, closed from the file.
export interface CloseReport {
  asOf: string;
  closes: PeriodClosing[]; // by org, scorecard, then period (oldest first)
  rejected: EvaluationReport['rejected'];
  conflicts: EvaluationReport['conflicts'];
  summary: EvaluationReport['summary'];
}

export interface CloseInput extends EvaluateInput {
  scorecard?: string; // only this scorecard
  // how many due periods of each scorecard to close, the latest last; default: enough for its streaks
  periods?: number;
  onPeriod?: (closing: PeriodClosing) => void; // progress
}

const byId = new Intl.Collator('en', { numeric: true });

// Closes from a file of events what the live pipeline closes as events arrive (docs/review-and-close.md):
// for each org and each scorecard in force at --as-of, its latest periods due by then (end in the org's
// zone + grace ≤ --as-of), each scored as closed from every event of the file timed before its end —
// the live freeze when every event came within the grace. Streaks run over the periods closed here.
export function closeBatch(input: CloseInput): CloseReport {
  const asOfMs = Date.parse(input.asOf);
  const { definitions } = input;
  const indicators = new Map(definitions.indicators.map((i) => [i.id, i]));
  const byOrg = new Map<string, AcceptedEvent[]>();
  let accepted = 0;
  const read = readEventFile(input, (e) => {
    accepted++;
    const list = byOrg.get(e.event.data.orgId);
    if (list === undefined) byOrg.set(e.event.data.orgId, [e]);
    else list.push(e);
  });
  read.summary.accepted = accepted;
  const closes: PeriodClosing[] = [];
  for (const orgId of [...byOrg.keys()].sort()) {
    const timeZone = orgSettingsFor(definitions.orgs, orgId)?.timeZone ?? 'UTC';
    const today = dateOfDayNumber(localDayNumber(timeZone, asOfMs));
    // every (scorecard, period) due, then frozen in one pass over the org's events in time order
    const due: { id: string; graceMs: number; period: Period }[] = [];
    for (const current of scorecardsInForce(definitions, today)) {
      if (input.scorecard !== undefined && current.id !== input.scorecard) continue;
      const graceMs = graceOf(current, indicators);
      const count = input.periods ?? streakLookback(current) + 1;
      for (const period of duePeriods(current, timeZone, asOfMs, graceMs, count))
        due.push({ id: current.id, graceMs, period });
    }
    const frozen = freezeDue(orgId, timeZone, due, byOrg.get(orgId) ?? [], input);
    const earlier = new Map<string, Map<string, PeriodResult[]>>(); // by scorecard, then entity id
    for (const { id, graceMs, period } of due) {
      const cards = frozen.get(`${id}|${period.end}`);
      if (cards === undefined || cards.def === undefined || cards.cards.length === 0) continue;
      const before = earlier.get(id) ?? new Map<string, PeriodResult[]>();
      earlier.set(id, before);
      const closing = closingOf(cards.def, { orgId, period, graceMs, logPosition: null }, cards.cards, before);
      for (const card of cards.cards) {
        const entityId = card.content.entity.id;
        before.set(entityId, [...(before.get(entityId) ?? []), resultOf(card)]);
      }
      closes.push(closing);
      input.onPeriod?.(closing);
    }
  }
  return { asOf: input.asOf, closes, rejected: read.rejected, conflicts: read.conflicts, summary: read.summary };
}

// The cards of every due (scorecard, period), frozen, by `${scorecard}|${period end}`: one engine folds
// the org's events in time order, and at each period's end reads each KPI's window at its last instant;
// a period's population is the entities of the card's level with an event in it.
function freezeDue(
  orgId: string,
  timeZone: string,
  due: readonly { id: string; period: Period }[],
  events: readonly AcceptedEvent[],
  input: CloseInput,
): Map<string, { def: ScorecardDef | undefined; cards: FrozenCard[] }> {
  const { definitions } = input;
  const engine = new IndicatorEngine(definitions.indicators, definitions.orgs, {
    ignoreLateness: true,
    dedup: false,
    reportChanges: false,
  });
  const sorted = [...events].sort((a, b) => a.timeMs - b.timeMs || a.line - b.line);
  const context = {
    org: { timeZone, calendar: orgSettingsFor(definitions.orgs, orgId)?.calendar },
    indicators: new Map(definitions.indicators.map((i) => [i.id, i])),
  };
  const out = new Map<string, { def: ScorecardDef | undefined; cards: FrozenCard[] }>();
  let next = 0;
  for (const end of [...new Set(due.map((d) => d.period.end))].sort((a, b) => a - b)) {
    for (; next < sorted.length && (sorted[next]?.timeMs ?? end) < end; next++) {
      const e = sorted[next];
      if (e !== undefined) engine.fold(e.event, e.timeMs);
    }
    engine.advanceTo(end - 1);
    for (const { id, period } of due.filter((d) => d.period.end === end)) {
      const def = scorecardsInForce(definitions, dateOfDayNumber(localDayNumber(timeZone, end - 1))).find(
        (d) => d.id === id,
      );
      if (def === undefined) {
        out.set(`${id}|${end}`, { def, cards: [] });
        continue;
      }
      const present = new Set<string>();
      for (let i = 0; i < next; i++) {
        const e = sorted[i];
        if (e !== undefined && e.timeMs >= period.start)
          for (const x of entityIdsOf(e.event.data, def.level)) present.add(x);
      }
      const cards = engine
        .entities(def.level, orgId)
        .filter((entity) => present.has(entity.id))
        .sort((a, b) => byId.compare(a.id, b.id))
        .map((entity: EntityRef) => {
          const card = scoreClosedCard(
            def,
            period.end,
            context,
            (indicator, window) => engine.value(indicator, entity, window)?.value ?? null,
          );
          return freezeCard({ def, entity, period, timeZone, score: card.score });
        });
      out.set(`${id}|${end}`, { def, cards });
    }
  }
  return out;
}

// the entity an event names at a level: its org, its team, its agent
function entityIdsOf(
  data: { orgId: string; teamId?: unknown; agentId?: unknown },
  level: EntityRef['level'],
): string[] {
  const id = level === 'org' ? data.orgId : level === 'team' ? data.teamId : data.agentId;
  return typeof id === 'string' ? [id] : [];
}
