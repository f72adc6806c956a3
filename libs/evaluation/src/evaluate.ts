import {
  checkEvent,
  orgSettingsFor,
  scorecardsInForce,
  type DefinitionSet,
  type Level,
  type RejectionCode,
} from '#libs/definitions';
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
  summary: {
    lines: number;
    accepted: number;
    duplicates: number;
    rejected: number;
    afterAsOf: number;
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

export interface EvaluateInput {
  definitions: DefinitionSet;
  lines: Iterable<string>; // NDJSON, one canonical event per line
  asOf: string; // RFC 3339
  org?: string;
}

const LEVEL_ORDER: Record<Level, number> = { org: 0, team: 1, agent: 2 };

// reported numbers: enough digits for any KPI, none of the float noise (0.30000000000000004)
function tidy(v: number | null): number | null {
  return v === null ? null : Math.round(v * 1e9) / 1e9;
}

export function evaluate(input: EvaluateInput): EvaluationReport {
  const asOfMs = Date.parse(input.asOf);
  const { definitions } = input;
  // The whole file is read before answering, so no event is late and arrival order does not matter.
  const engine = new IndicatorEngine(definitions.indicators, definitions.orgs, { ignoreLateness: true });
  const rejected: RejectedEvent[] = [];
  const summary = { lines: 0, accepted: 0, duplicates: 0, rejected: 0, afterAsOf: 0, otherOrgs: 0 };

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
    if (checked.timeMs > asOfMs) {
      summary.afterAsOf++;
      continue;
    }
    if (input.org !== undefined && checked.event.data.orgId !== input.org) {
      summary.otherOrgs++;
      continue;
    }
    const result = engine.fold(checked.event, checked.timeMs);
    // the engine checks what checkEvent checked, against the same definitions
    if (result.status === 'rejected') {
      throw new Error(`line ${lineNo}: the engine rejected an event checkEvent took: ${result.reason ?? 'rejected'}`);
    }
    if (result.status === 'duplicate') summary.duplicates++;
    else summary.accepted++;
  }
  summary.rejected = rejected.length;
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
  for (const orgRef of engine.entities('org')) {
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

  return { asOf: input.asOf, indicators, scorecards, rejected, summary };
}

function report(v: IndicatorValue, tz: string): ReportedIndicator {
  return {
    indicator: v.indicator,
    entity: { level: v.entity.level, id: v.entity.id, orgId: v.entity.orgId },
    window: v.window,
    periodStart: formatLocal(tz, v.periodStart),
    periodEnd: formatLocal(tz, v.periodEnd),
    value: tidy(v.value),
    numerator: tidy(v.numerator),
    denominator: tidy(v.denominator),
  };
}
