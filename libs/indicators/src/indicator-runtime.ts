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
  // how much longer than its lateness a calendar period of a week or longer stays open, so that an event
  // after a scorecard's close still reaches it and restates the frozen card (terms and manual indicators)
  restatementMs: number;
  horizonMs: number; // how long an event can still matter to this indicator
}

// Scorecards close weeks and longer periods; only their values can be restated.
const RESTATABLE_WINDOWS: ReadonlySet<WindowName> = new Set(['week', 'month', 'quarter', 'year']);

// How long after its end a period of the window stays open on the org's clock: the allowed lateness, and
// for a scorecard period the restatement window after it (docs/review-and-close.md "Restatements").
export const openAfterEndMs = (runtime: IndicatorRuntime, window: WindowName): number =>
  runtime.latenessMs + (RESTATABLE_WINDOWS.has(window) ? runtime.restatementMs : 0);

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

// `restatementMs`: the engine's restatement window (0: a period closes at its lateness). Lifecycle and
// conversion indicators decide a pair's outcome at their lateness, so they keep no window after it.
export function buildRuntimes(defs: readonly IndicatorDef[], restatementMs = 0): IndicatorRuntime[] {
  return defs.map((def, index) => {
    const m = def.measure;
    const [num, den] = termsOf(def);
    const span = Math.max(...def.windows.map(maxWindowSpanMs));
    const restatable =
      (m.kind === 'terms' || m.kind === 'manual') && def.windows.some((w) => RESTATABLE_WINDOWS.has(w));
    const restatement = restatable ? restatementMs : 0;
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
      restatementMs: restatement,
      horizonMs: span + def.allowedLatenessMs + restatement,
    };
  });
}
