// A one-line progress bar for long CLI runs, redrawn in place on stderr:
//   simulate [██████░░░░░░░░░░░░░░]  31% 1.2M/4.0M events 312k/s eta 9s
export interface ProgressBarOptions {
  total: number;
  label: string;
  stream?: NodeJS.WriteStream | ProgressStream;
  // default: only when the stream is a TTY (so pipes and log files stay clean)
  enabled?: boolean;
  unit?: string;
  // injectable clock (ms) for tests
  now?: () => number;
}

// The part of a stream the bar uses, so tests can pass a plain Writable.
export interface ProgressStream {
  write(chunk: string): boolean;
  isTTY?: boolean;
}

export interface ProgressBar {
  tick(n?: number): void;
  done(): void;
}

const BAR_CELLS = 20;
// at most 10 redraws a second
const REDRAW_INTERVAL_MS = 100;

export function formatCount(n: number): string {
  if (n < 1000) return String(Math.round(n));
  const [value, suffix] = n < 1e6 ? [n / 1e3, 'k'] : n < 1e9 ? [n / 1e6, 'M'] : [n / 1e9, 'G'];
  return `${value < 10 ? value.toFixed(1) : Math.round(value).toString()}${suffix}`;
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function renderProgress(label: string, count: number, total: number, elapsedMs: number, unit: string): string {
  const ratio = total > 0 ? Math.min(1, count / total) : 1;
  const filled = Math.round(ratio * BAR_CELLS);
  const bar = '█'.repeat(filled) + '░'.repeat(BAR_CELLS - filled);
  const percent = `${Math.floor(ratio * 100)}%`.padStart(4);
  const perSecond = elapsedMs > 0 ? (count * 1000) / elapsedMs : 0;
  const eta = perSecond > 0 ? formatDuration(Math.max(0, total - count) / perSecond) : '?';
  return `${label} [${bar}] ${percent} ${formatCount(count)}/${formatCount(total)} ${unit} ${formatCount(perSecond)}/s eta ${eta}`;
}

export function createProgressBar(options: ProgressBarOptions): ProgressBar {
  const stream = options.stream ?? process.stderr;
  const enabled = options.enabled ?? stream.isTTY === true;
  const now = options.now ?? (() => performance.now());
  const unit = options.unit ?? 'events';
  const startedAt = now();
  let count = 0;
  let lastDraw = Number.NEGATIVE_INFINITY;
  let finished = false;

  const draw = (total: number): void => {
    // \r returns to the line start, \x1b[K clears what a longer previous line left behind
    stream.write(`\r${renderProgress(options.label, count, total, now() - startedAt, unit)}\x1b[K`);
  };

  return {
    tick: (n = 1) => {
      count += n;
      if (!enabled || finished) return;
      const at = now();
      if (at - lastDraw < REDRAW_INTERVAL_MS) return;
      lastDraw = at;
      draw(options.total);
    },
    done: () => {
      if (finished) return;
      finished = true;
      if (!enabled) return;
      // the total was an estimate: the last line shows what was actually done
      draw(count);
      stream.write('\n');
    },
  };
}
