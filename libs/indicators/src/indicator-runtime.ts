import { isRolling, type IndicatorDef, type Level, type WindowName } from '#libs/definitions';
import { compileTerm, type CompiledTerm } from './compiled-term';
import { maxWindowSpanMs, ROLLING_SPECS, type RollingSpec } from './windows';

// An indicator definition prepared for folding: compiled terms and window specs, looked up by index.
export interface IndicatorRuntime {
  index: number;
  def: IndicatorDef;
  levels: Readonly<Record<Level, boolean>>;
  windows: readonly WindowName[];
  rolling: readonly (RollingSpec | null)[]; // per window; null for calendar windows
  num: CompiledTerm | null;
  den: CompiledTerm | null;
  scale: number;
  latenessMs: number;
  horizonMs: number; // how long an event can still matter to this indicator
}

// A lifecycle or conversion indicator tallies its pairs as the sums of two fields of a pair of its own
// type, which no event of the contract has: the tallies, windows and periods of terms serve it unchanged.
export const pairType = (indicatorId: string): string => `${indicatorId}#pair`;

const pairTerm = (indicatorId: string, field: string): CompiledTerm =>
  compileTerm({
    types: [pairType(indicatorId)],
    where: [],
    timeField: 'time',
    aggregation: { kind: 'sum', fields: [field] },
  });

function termsOf(def: IndicatorDef): [CompiledTerm | null, CompiledTerm | null] {
  const m = def.measure;
  switch (m.kind) {
    case 'terms':
      return [compileTerm(m.numerator), m.denominator === undefined ? null : compileTerm(m.denominator)];
    case 'lifecycle':
    case 'conversion':
      return [pairTerm(def.id, 'data.value'), pairTerm(def.id, 'data.count')];
    case 'manual':
    case 'overdue-ratio':
      return [null, null];
  }
}

export function buildRuntimes(defs: readonly IndicatorDef[]): IndicatorRuntime[] {
  return defs.map((def, index) => {
    const m = def.measure;
    const [num, den] = termsOf(def);
    const span = Math.max(...def.windows.map(maxWindowSpanMs));
    return {
      index,
      def,
      levels: {
        agent: def.levels.includes('agent'),
        team: def.levels.includes('team'),
        org: def.levels.includes('org'),
      },
      windows: def.windows,
      rolling: def.windows.map((w) => (isRolling(w) ? ROLLING_SPECS[w] : null)),
      num,
      den,
      scale: m.kind === 'terms' ? m.scale : 1,
      latenessMs: def.allowedLatenessMs,
      horizonMs: span + def.allowedLatenessMs,
    };
  });
}
