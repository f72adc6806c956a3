import {
  checkEvent,
  orgSettingsFor,
  scorecardsInForce,
  type DefinitionSet,
  type Level,
  type RejectionCode,
} from '#libs/definitions';
import { eventContent, type CanonicalEvent } from '#libs/events';
import { IndicatorEngine, type IndicatorValue } from '#libs/indicators';
import { dateOfDayNumber, formatLocal, localDayNumber } from '#libs/time';
import type { ScorecardScore } from '#libs/scoring';
import { FirstDeliveries } from './first-deliveries';
import { scoreCardAt } from './score-card';

// The output of `kpi-pulse evaluate` (contract: shared/contracts/cli-evaluate.md).
export interface EvaluationReport {
  asOf: string;
  indicators: ReportedIndicator[];
  scorecards: ReportedScorecard[];
  rejected: RejectedEvent[];
  conflicts: Conflict[];
  summary: {
    lines: number;
    accepted: number;
    duplicates: number;
    conflicts: number;
    rejected: number;
    afterAsOf: number; // first deliveries timed after --as-of: not wrong, only later
    otherOrgs: number;
  };
}

export interface ReportedIndicator {
  indicator: string;
  entity: { level: Level; id: string; orgId: string };
  window: string;
  periodStart: string;
  periodEnd: string;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
}

export interface ReportedScorecard extends Omit<ScorecardScore, 'scorecard'> {
  scorecard: string;
  entity: { level: Level; id: string; orgId: string };
  periodStart: string;
  periodEnd: string;
}

// `reason` names every problem (`field: reason; …`); field and code are the first one's (checkEvent).
export interface RejectedEvent {
  line: number;
  id?: string;
  source?: string;
  field: string;
  code: RejectionCode;
  reason: string;
}

// A later line of a counted (source, id) that says something else: not counted, both lines named.
export interface Conflict {
  id: string;
  source: string;
  kept: { line: number; time: string };
  dropped: { line: number; time: string };
}

export interface EvaluateInput {
  definitions: DefinitionSet;
  // NDJSON, one canonical event per line: an array, or a file that can give a line again (EventLines);
  // another iterable works too, but then the first line of each key is kept in memory
  lines: Iterable<string> | EventLines;
  asOf: string; // RFC 3339
  org?: string;
}

// Lines that can be read again by number (1-based): a key seen again is checked against its first line.
export interface EventLines extends Iterable<string> {
  lineAt(line: number): string;
}

const LEVEL_ORDER: Record<Level, number> = { org: 0, team: 1, agent: 2 };
// The report's order: indicator and org ids as text, entity ids with their numbers as numbers (A2 before
// A10). Each collator is made once: `localeCompare` with options builds one per call.
const byText = new Intl.Collator();
const byId = new Intl.Collator('en', { numeric: true });

// An event of the file that counts: the first valid line of its key, timed by --as-of, of the org asked.
export interface AcceptedEvent {
  event: CanonicalEvent;
  timeMs: number;
  line: number;
}

// The lines of an event file, checked, told apart by key and filtered by --as-of and --org, as they are
// read: each event that counts goes to `onEvent`, in file order, and is not held here. `accepted` is
// left for the caller to count.
export function readEventFile(
  input: EvaluateInput,
  onEvent: (accepted: AcceptedEvent) => void,
): { rejected: RejectedEvent[]; conflicts: Conflict[]; summary: EvaluationReport['summary'] } {
  const asOfMs = Date.parse(input.asOf);
  const { definitions, lines } = input;
  const rejected: RejectedEvent[] = [];
  const conflicts: Conflict[] = [];
  const summary = { lines: 0, accepted: 0, duplicates: 0, conflicts: 0, rejected: 0, afterAsOf: 0, otherOrgs: 0 };
  // a stream that cannot be read again keeps the text of each key's first line
  const texts = Array.isArray(lines) || 'lineAt' in lines ? undefined : new Map<number, string>();
  const firsts = new FirstDeliveries(
    texts !== undefined
      ? (n) => texts.get(n) as string
      : Array.isArray(lines)
        ? (n) => (lines as readonly string[])[n - 1] as string
        : (n) => (lines as EventLines).lineAt(n),
  );

  let lineNo = 0;
  for (const line of lines) {
    lineNo++;
    if (line.trim() === '') continue;
    summary.lines++;
    // checked before the as-of and org filters: a line that cannot count is listed wherever its time falls.
    // No time bound: the receiver's clock of a batch is --as-of, and events after it are ignored anyway
    const checked = checkEvent(line, definitions, null);
    if (!checked.ok) {
      const { id, source, field, code, message } = checked.rejection;
      const r: RejectedEvent = { line: lineNo, field, code, reason: message };
      if (id !== undefined) r.id = id;
      if (source !== undefined) r.source = source;
      rejected.push(r);
      continue;
    }
    // The file stands for the log: the first valid line of a key counts, whatever its time and the
    // --as-of, so neither the order of other lines nor the moment asked for changes which one it is.
    const { event } = checked;
    const first = firsts.firstOf(event, lineNo);
    if (first !== undefined) {
      if (eventContent(first.event) === eventContent(event)) summary.duplicates++;
      else
        conflicts.push({
          id: event.id,
          source: event.source,
          kept: { line: first.line, time: first.event.time },
          dropped: { line: lineNo, time: event.time },
        });
      continue;
    }
    texts?.set(lineNo, line);
    if (checked.timeMs > asOfMs) {
      summary.afterAsOf++;
      continue;
    }
    if (input.org !== undefined && event.data.orgId !== input.org) {
      summary.otherOrgs++;
      continue;
    }
    onEvent({ event, timeMs: checked.timeMs, line: lineNo });
  }
  summary.rejected = rejected.length;
  summary.conflicts = conflicts.length;
  return { rejected, conflicts, summary };
}

export function evaluate(input: EvaluateInput): EvaluationReport {
  const asOfMs = Date.parse(input.asOf);
  const { definitions } = input;
  // The whole file is read before answering, so no event is late and arrival order does not matter.
  // Deliveries of one key are told apart here, before the --as-of and --org filters, so the engine
  // needs no dedup of its own.
  const engine = new IndicatorEngine(definitions.indicators, definitions.orgs, {
    ignoreLateness: true,
    dedup: false,
    reportChanges: false,
  });
  // each event is folded as it is read: the file is never held in memory
  let accepted = 0;
  const { rejected, conflicts, summary } = readEventFile(input, ({ event, timeMs, line }) => {
    const result = engine.fold(event, timeMs);
    // the engine checks what checkEvent checked, against the same definitions
    if (result.status === 'rejected') {
      throw new Error(`line ${line}: the engine rejected an event checkEvent took: ${result.reason ?? 'rejected'}`);
    }
    accepted++;
  });
  summary.accepted = accepted;
  engine.advanceTo(asOfMs);

  const indicators = inReportOrder(engine.values()).map((v) => report(v, engine.orgTimeZone(v.entity.orgId)));

  const scorecards: ReportedScorecard[] = [];
  const indicatorsById = new Map(definitions.indicators.map((i) => [i.id, i]));
  // orgs by id, like the indicators: the engine holds them in arrival order, which the file must not decide
  for (const orgRef of engine.entities('org').sort((a, b) => byText.compare(a.orgId, b.orgId))) {
    const tz = engine.orgTimeZone(orgRef.orgId);
    const org = { timeZone: tz, calendar: orgSettingsFor(definitions.orgs, orgRef.orgId)?.calendar };
    const localDate = dateOfDayNumber(localDayNumber(tz, asOfMs));
    for (const def of scorecardsInForce(definitions, localDate)) {
      const entities = engine.entities(def.level, orgRef.orgId).sort((a, b) => byId.compare(a.id, b.id));
      for (const entity of entities) {
        // the engine's clock is at asOf: its current values are the periods holding asOf
        const card = scoreCardAt(
          def,
          asOfMs,
          { org, indicators: indicatorsById },
          (indicator, window) => engine.value(indicator, entity, window)?.value ?? null,
        );
        scorecards.push({
          ...card.score,
          entity: { level: entity.level, id: entity.id, orgId: entity.orgId },
          periodStart: formatLocal(tz, card.periodStart),
          periodEnd: formatLocal(tz, card.periodEnd),
        });
      }
    }
  }

  return { asOf: input.asOf, indicators, scorecards, rejected, conflicts, summary };
}

// Sorted by indicator, org, level and entity id. The few distinct ids are collated once, into ranks;
// the hundreds of thousands of values are then sorted on numbers.
function inReportOrder(values: IndicatorValue[]): IndicatorValue[] {
  const indicatorRank = ranks(
    values.map((v) => v.indicator),
    byText,
  );
  const orgRank = ranks(
    values.map((v) => v.entity.orgId),
    byText,
  );
  const idRank = ranks(
    values.map((v) => v.entity.id),
    byId,
  );
  const keyed = values.map((v) => ({
    v,
    indicator: indicatorRank.get(v.indicator) as number,
    org: orgRank.get(v.entity.orgId) as number,
    level: LEVEL_ORDER[v.entity.level],
    id: idRank.get(v.entity.id) as number,
  }));
  keyed.sort((a, b) => a.indicator - b.indicator || a.org - b.org || a.level - b.level || a.id - b.id);
  return keyed.map((k) => k.v);
}

// The rank of each distinct string under the collator; strings it finds equal share a rank, so that
// the (stable) sort keeps them in the order the collator would.
function ranks(strings: readonly string[], collator: Intl.Collator): Map<string, number> {
  const sorted = [...new Set(strings)].sort(collator.compare);
  const rank = new Map<string, number>();
  sorted.forEach((s, i) => {
    const previous = sorted[i - 1];
    rank.set(s, previous !== undefined && collator.compare(previous, s) === 0 ? (rank.get(previous) as number) : i);
  });
  return rank;
}

function report(v: IndicatorValue, tz: string): ReportedIndicator {
  return {
    indicator: v.indicator,
    entity: { level: v.entity.level, id: v.entity.id, orgId: v.entity.orgId },
    window: v.window,
    periodStart: formatLocal(tz, v.periodStart),
    periodEnd: formatLocal(tz, v.periodEnd),
    value: v.value,
    numerator: v.numerator,
    denominator: v.denominator,
  };
}
