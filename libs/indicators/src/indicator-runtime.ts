import type { IndicatorDef, Level, WindowName } from '#libs/definitions';
import { compileTerm, type CompiledTerm } from './compiled-term';
import { isRolling, maxWindowSpanMs, ROLLING_SPECS, type RollingSpec } from './windows';

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

export interface TermBinding {
  runtime: IndicatorRuntime;
  side: 0 | 1;
  term: CompiledTerm;
}

export const OVERDUE_EVENT_TYPES = ['invoice.issued', 'payment.received', 'invoice.written_off'] as const;
export const MANUAL_SCORE_TYPE = 'kpi.manual_score';

export function buildRuntimes(defs: readonly IndicatorDef[]): IndicatorRuntime[] {
  return defs.map((def, index) => {
    const m = def.measure;
    const num = m.kind === 'terms' ? compileTerm(m.numerator) : null;
    const den = m.kind === 'terms' && m.denominator !== undefined ? compileTerm(m.denominator) : null;
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

// Which terms each event type feeds, so a fold touches only the indicators that care.
export function bindByType(runtimes: readonly IndicatorRuntime[]): Map<string, TermBinding[]> {
  const byType = new Map<string, TermBinding[]>();
  const bind = (type: string, b: TermBinding): void => {
    const list = byType.get(type);
    if (list === undefined) byType.set(type, [b]);
    else list.push(b);
  };
  for (const runtime of runtimes) {
    if (runtime.num !== null) for (const t of runtime.num.term.types) bind(t, { runtime, side: 0, term: runtime.num });
    if (runtime.den !== null) for (const t of runtime.den.term.types) bind(t, { runtime, side: 1, term: runtime.den });
  }
  return byType;
}
