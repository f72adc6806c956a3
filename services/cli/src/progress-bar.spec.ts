import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgressBar, formatCount, formatDuration, renderProgress } from './progress-bar';

class CaptureStream extends Writable {
  readonly chunks: string[] = [];
  constructor(readonly isTTY: boolean) {
    super();
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.chunks.push(chunk.toString('utf8'));
    callback();
  }
  get text(): string {
    return this.chunks.join('');
  }
}

function clock(): { now: () => number; advance: (ms: number) => void } {
  let time = 0;
  return { now: () => time, advance: (ms) => (time += ms) };
}

describe('renderProgress', () => {
  it('draws the bar, percentage, counts, rate and eta', () => {
    expect(renderProgress('simulate', 1_220_000, 2_000_000, 3_910, 'events')).toBe(
      'simulate [████████████░░░░░░░░]  61% 1.2M/2.0M events 312k/s eta 2s',
    );
  });

  it('caps at 100% when the estimate was short', () => {
    expect(renderProgress('x', 150, 100, 1000, 'rows')).toContain('[████████████████████] 100% 150/100 rows');
  });
});

describe('formatCount and formatDuration', () => {
  it('abbreviates', () => {
    expect(formatCount(950)).toBe('950');
    expect(formatCount(1234)).toBe('1.2k');
    expect(formatCount(312_400)).toBe('312k');
    expect(formatCount(12_500_000)).toBe('13M');
    expect(formatDuration(3)).toBe('3s');
    expect(formatDuration(125)).toBe('2m05s');
    expect(formatDuration(7300)).toBe('2h01m');
  });
});

describe('createProgressBar', () => {
  it('redraws at most every 100 ms and ends with a newline', () => {
    const stream = new CaptureStream(true);
    const time = clock();
    const bar = createProgressBar({ total: 100, label: 'simulate', stream, now: time.now });
    for (let i = 0; i < 50; i++) {
      bar.tick();
      time.advance(10);
    }
    // 500 ms of ticks every 10 ms → 5 redraws
    expect(stream.chunks).toHaveLength(5);
    expect(stream.chunks[0]?.startsWith('\rsimulate [')).toBe(true);
    bar.done();
    expect(stream.text.endsWith('\n')).toBe(true);
    expect(stream.chunks.at(-2)).toContain('100% 50/50 events');
    bar.done();
    bar.tick();
    expect(stream.text.split('\n')).toHaveLength(2);
  });

  it('stays silent when the stream is not a TTY', () => {
    const stream = new CaptureStream(false);
    const bar = createProgressBar({ total: 10, label: 'simulate', stream });
    bar.tick(5);
    bar.done();
    expect(stream.chunks).toEqual([]);
  });

  it('draws on a non-TTY stream when forced', () => {
    const stream = new CaptureStream(false);
    const bar = createProgressBar({ total: 10, label: 'simulate', stream, enabled: true, unit: 'rows' });
    bar.tick(5);
    bar.done();
    expect(stream.text).toContain(' 50% 5/10 rows');
    expect(stream.text).toContain('100% 5/5 rows');
  });

  it('can be switched off on a TTY', () => {
    const stream = new CaptureStream(true);
    const bar = createProgressBar({ total: 10, label: 'simulate', stream, enabled: false });
    bar.tick(5);
    bar.done();
    expect(stream.chunks).toEqual([]);
  });
});
