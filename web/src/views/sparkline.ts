import { s, setAttr, setHidden } from '../dom';

const W = 120;
const H = 32;
const PAD = 3;

// A small trend line: the recent values, the target as a dashed line, the last value as a dot.
export class Sparkline {
  readonly el: SVGSVGElement;
  private readonly line: SVGPolylineElement;
  private readonly area: SVGPolygonElement;
  private readonly targetLine: SVGLineElement;
  private readonly dot: SVGPathElement; // a zero-length round-capped stroke: a round dot at any scale

  constructor(className = 'sparkline') {
    this.line = s('polyline', { class: 'spark-line', fill: 'none' });
    this.area = s('polygon', { class: 'spark-area' });
    this.targetLine = s('line', { class: 'spark-target', x1: 0, x2: W });
    this.dot = s('path', { class: 'spark-dot' });
    this.el = s(
      'svg',
      {
        class: className,
        viewBox: `0 0 ${W} ${H}`,
        preserveAspectRatio: 'none',
        'data-testid': 'sparkline',
        'aria-hidden': 'true',
        focusable: 'false',
      },
      this.area,
      this.targetLine,
      this.line,
      this.dot,
    );
  }

  update(values: readonly number[], target: number | null): void {
    setAttr(this.el, 'data-points', String(values.length));
    if (values.length < 2) {
      setHidden(this.line, true);
      setHidden(this.area, true);
      setHidden(this.dot, values.length === 0);
      setHidden(this.targetLine, true);
      if (values.length === 1) setAttr(this.dot, 'd', `M${W - PAD},${H / 2}h0`);
      return;
    }
    let min = Math.min(...values);
    let max = Math.max(...values);
    if (target !== null && Number.isFinite(target)) {
      min = Math.min(min, target);
      max = Math.max(max, target);
    }
    if (max - min < 1e-9) {
      max += 1;
      min -= 1;
    }
    const x = (i: number): number => PAD + (i * (W - 2 * PAD)) / (values.length - 1);
    const y = (v: number): number => H - PAD - ((v - min) / (max - min)) * (H - 2 * PAD);
    const points = values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    setHidden(this.line, false);
    setHidden(this.area, false);
    setHidden(this.dot, false);
    setAttr(this.line, 'points', points);
    setAttr(this.area, 'points', `${x(0).toFixed(1)},${H} ${points} ${x(values.length - 1).toFixed(1)},${H}`);
    const last = values[values.length - 1] ?? 0;
    setAttr(this.dot, 'd', `M${x(values.length - 1).toFixed(1)},${y(last).toFixed(1)}h0`);
    if (target !== null && Number.isFinite(target)) {
      setHidden(this.targetLine, false);
      const ty = y(target).toFixed(1);
      setAttr(this.targetLine, 'y1', ty);
      setAttr(this.targetLine, 'y2', ty);
    } else setHidden(this.targetLine, true);
  }
}
