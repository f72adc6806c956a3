import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LineFile } from './read-lines';

describe('LineFile', () => {
  it('gives every line, whole across chunk ends, and any earlier line again by number', () => {
    // multi-byte characters around the 1 MiB chunk ends, a line longer than a chunk, no final newline
    const lines: string[] = [];
    for (let i = 0; i < 30_000; i++) lines.push(`{"id":"e-${i}","note":"客服 ${'é'.repeat(i % 40)} 🙂"}`);
    lines.splice(10_000, 0, 'x'.repeat(1_500_000) + '客');
    lines.push('', '  ', 'last');
    const file = join(mkdtempSync(join(tmpdir(), 'line-file-')), 'events.jsonl');
    writeFileSync(file, lines.join('\n'));
    const read = new LineFile(file);
    const seen: string[] = [];
    const again: string[] = [];
    for (const line of read) {
      seen.push(line);
      // while reading: the line before, and one far back
      if (seen.length > 1) again.push(read.lineAt(seen.length - 1));
      if (seen.length === 30_000) expect(read.lineAt(10_001)).toBe(lines[10_000]);
    }
    expect(seen).toEqual(lines);
    expect(again).toEqual(lines.slice(0, -1));
    expect(() => read.lineAt(1)).toThrow(/cannot be read again/);
  }, 60_000);
});
