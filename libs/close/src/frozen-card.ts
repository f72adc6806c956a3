import { createHash } from 'node:crypto';
import type { Level, ScorecardDef, WindowName } from '#libs/definitions';
import { canonicalJson } from '#libs/events';
import type { DimensionScore, KpiStatus, RedLineHit, ScorecardScore } from '#libs/scoring';
import { isRolling } from '#libs/definitions';
import { periodOfInstant } from '#libs/time';

export interface FrozenEntity {
  level: Level;
  id: string;
  orgId: string;
}

export interface FrozenKpi {
  kpi: string;
  indicator: string;
  window: WindowName;
  actual: number | null;
  target: number;
  achievement: number | null;
  score: number | null;
  weight: number;
  status: KpiStatus;
  redLine: boolean;
  missing: boolean;
}

// The indicator value a KPI read: its window's period holding the closed period's last instant.
export interface FrozenValue {
  indicator: string;
  window: WindowName;
  periodStart: string | null; // ISO; null for a rolling window
  value: number | null;
}

// What a frozen scorecard says, and all its hash covers: the same in `kpi-pulse close` and in the live
// pipeline for the same events. The log position and the moment of freezing are stored beside it.
export interface FrozenContent {
  scorecard: string;
  version: number; // the definitions version it was scored with
  entity: FrozenEntity;
  periodStart: string; // ISO instants
  periodEnd: string;
  timeZone: string;
  total: number | null;
  grade: string | null;
  coefficient: number | null;
  bonus: number | null;
  deducted: number;
  dimensions: { dimension: string; weight: number; score: number | null }[];
  kpis: FrozenKpi[];
  redLines: RedLineHit[];
  values: FrozenValue[];
}

export interface FrozenCard {
  content: FrozenContent;
  hash: string; // sha256 (hex) of the content's canonical JSON
}

export interface CardToFreeze {
  def: ScorecardDef;
  entity: FrozenEntity;
  period: { start: number; end: number };
  timeZone: string;
  score: ScorecardScore;
}

// The content hash: SHA-256 over JSON with keys sorted at every level, so the order a store hands the
// fields back in (jsonb reorders keys) never changes it.
export const contentHash = (content: FrozenContent): string =>
  createHash('sha256').update(canonicalJson(content)).digest('hex');

// A closed card frozen: its totals, KPIs, grades, red lines, definitions version and the values read.
export function freezeCard({ def, entity, period, timeZone, score }: CardToFreeze): FrozenCard {
  const windowOf = new Map(def.kpis.map((k) => [k.id, k.window]));
  const kpis = score.kpis.map((k): FrozenKpi => ({
    kpi: k.kpi,
    indicator: k.indicator,
    window: windowOf.get(k.kpi) ?? def.period,
    actual: k.actual,
    target: k.target,
    achievement: k.achievement,
    score: k.score,
    weight: k.weight,
    status: k.status,
    redLine: k.redLine,
    missing: k.missing,
  }));
  const values = new Map<string, FrozenValue>();
  for (const k of kpis) {
    const periodStart = isRolling(k.window)
      ? null
      : new Date(periodOfInstant(k.window, timeZone, period.end - 1).start).toISOString();
    values.set(`${k.indicator}|${k.window}`, {
      indicator: k.indicator,
      window: k.window,
      periodStart,
      value: k.actual,
    });
  }
  const content: FrozenContent = {
    scorecard: def.id,
    version: score.version,
    entity: { level: entity.level, id: entity.id, orgId: entity.orgId },
    periodStart: new Date(period.start).toISOString(),
    periodEnd: new Date(period.end).toISOString(),
    timeZone,
    total: score.total,
    grade: score.grade,
    coefficient: score.coefficient,
    bonus: score.bonus,
    deducted: score.deducted,
    dimensions: score.dimensions.map((d: DimensionScore) => ({
      dimension: d.dimension,
      weight: d.weight,
      score: d.score,
    })),
    kpis,
    redLines: score.redLines,
    values: [...values.values()],
  };
  return { content, hash: contentHash(content) };
}
