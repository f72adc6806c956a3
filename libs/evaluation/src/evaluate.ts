import {
  checkEvent,
  orgSettingsFor,
  scorecardsInForce,
  type DefinitionSet,
  type Level,
  type RejectionCode,
} from '#libs/definitions';
import { eventContent, idempotencyKey, type CanonicalEvent } from '#libs/events';
import { IndicatorEngine, type IndicatorValue } from '#libs/indicators';
import { dateOfDayNumber, formatLocal, localDayNumber } from '#libs/time';
import type { ScorecardScore } from '#libs/scoring';
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
  lines: Iterable<string>; // NDJSON, one canonical event per line
  asOf: string; // RFC 3339
  org?: string;
}

const LEVEL_ORDER: Record<Level, number> = { org: 0, team: 1, agent: 2 };

// An event of the file that counts: the first valid line of its key, timed by --as-of, of the org asked.
export interface AcceptedEvent {
  event: CanonicalEvent;
  timeMs: number;
  line: number;
}

// The lines of an event file, checked, told apart by key and filtered by --as-of and --org; `accepted`
// is left for the caller to count as it folds them.
export function readEventFile(input: EvaluateInput): {
  events: AcceptedEvent[];
  rejected: RejectedEvent[];
  conflicts: Conflict[];
  summary: EvaluationReport['summary'];
} {
  const asOfMs = Date.parse(input.asOf);
  const { definitions } = input;
  const rejected: RejectedEvent[] = [];
  const conflicts: Conflict[] = [];
  const events: AcceptedEvent[] = [];
  const kept = new Map<string, Kept>(); // by idempotency key
  const summary = { lines: 0, accepted: 0, duplicates: 0, conflicts: 0, rejected: 0, afterAsOf: 0, otherOrgs: 0 };

  let lineNo = 0;
  for (const line of input.lines) {
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
    const key = idempotencyKey(event);
    const first = kept.get(key);
    if (first !== undefined) {
      const firstEvent = JSON.parse(first.text) as CanonicalEvent; // it passed checkEvent
      if (eventContent(firstEvent) === eventContent(event)) summary.duplicates++;
      else
        conflicts.push({
          id: event.id,
          source: event.source,
          kept: { line: first.line, time: firstEvent.time },
          dropped: { line: lineNo, time: event.time },
        });
      continue;
    }
    kept.set(key, { line: lineNo, text: line });
    if (checked.timeMs > asOfMs) {
      summary.afterAsOf++;
      continue;
    }
    if (input.org !== undefined && event.data.orgId !== input.org) {
      summary.otherOrgs++;
      continue;
    }
    events.push({ event, timeMs: checked.timeMs, line: lineNo });
  }
  summary.rejected = rejected.length;
  summary.conflicts = conflicts.length;
  return { events, rejected, conflicts, summary };
}

// the counted delivery of a (source, id): its line number and text (its content is worked out only
// when the key comes again, which is rare)
interface Kept {
  line: number;
  text: string;
}

export function evaluate(input: EvaluateInput): EvaluationReport {
  const asOfMs = Date.parse(input.asOf);
  const { definitions } = input;
  // The whole file is read before answering, so no event is late and arrival order does not matter.
  // Deliveries of one key are told apart here, before the --as-of and --org filters, so the engine
  // needs no dedup of its own.
  const engine = new IndicatorEngine(definitions.indicators, definitions.orgs, { ignoreLateness: true, dedup: false });
  const read = readEventFile(input);
  const { rejected, conflicts, summary } = read;
  for (const { event, timeMs, line } of read.events) {
    const result = engine.fold(event, timeMs);
    // the engine checks what checkEvent checked, against the same definitions
    if (result.status === 'rejected') {
      throw new Error(`line ${line}: the engine rejected an event checkEvent took: ${result.reason ?? 'rejected'}`);
    }
    summary.accepted++;
  }
  engine.advanceTo(asOfMs);

  const indicators = engine
    .values()
    .sort(
      (a, b) =>
        a.indicator.localeCompare(b.indicator) ||
        a.entity.orgId.localeCompare(b.entity.orgId) ||
        LEVEL_ORDER[a.entity.level] - LEVEL_ORDER[b.entity.level] ||
        a.entity.id.localeCompare(b.entity.id, 'en', { numeric: true }),
    )
    .map((v) => report(v, engine.orgTimeZone(v.entity.orgId)));

  const scorecards: ReportedScorecard[] = [];
  const indicatorsById = new Map(definitions.indicators.map((i) => [i.id, i]));
  // orgs by id, like the indicators: the engine holds them in arrival order, which the file must not decide
  for (const orgRef of engine.entities('org').sort((a, b) => a.orgId.localeCompare(b.orgId))) {
    const tz = engine.orgTimeZone(orgRef.orgId);
    const org = { timeZone: tz, calendar: orgSettingsFor(definitions.orgs, orgRef.orgId)?.calendar };
    const localDate = dateOfDayNumber(localDayNumber(tz, asOfMs));
    for (const def of scorecardsInForce(definitions, localDate)) {
      const entities = engine
        .entities(def.level, orgRef.orgId)
        .sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
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
