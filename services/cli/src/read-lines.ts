import { isAscii } from 'node:buffer';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventLines } from '#libs/evaluation';

const CHUNK = 1 << 20;

// The lines of a file (or of stdin for '-'), read in 1 MiB chunks: a multi-GB event file never sits in
// memory. A line already read can be read again (`lineAt`, while the lines are being read): the start
// of every line is kept, 8 bytes a line, and stdin is copied to a temporary file as it is read. Lines
// are cut on bytes, so a character split between two chunks is decoded whole.
export class LineFile implements EventLines {
  private starts = new Float64Array(1 << 16); // byte offset of line n at n - 1
  private count = 0;
  private fd = -1; // the file lineAt reads: the events file, or stdin's copy

  constructor(private readonly path: string) {}

  *[Symbol.iterator](): Iterator<string> {
    const fromStdin = this.path === '-';
    const copyDir = fromStdin ? mkdtempSync(join(tmpdir(), 'kpi-pulse-stdin-')) : undefined;
    const input = fromStdin ? 0 : openSync(this.path, 'r');
    this.fd = copyDir !== undefined ? openSync(join(copyDir, 'events.jsonl'), 'w+') : input;
    this.count = 0;
    let buffer = Buffer.allocUnsafe(CHUNK);
    let kept = 0; // bytes of an unfinished line at the start of the buffer
    let offset = 0; // file offset of the buffer's first byte
    try {
      for (;;) {
        if (kept === buffer.length) {
          // a line longer than the buffer
          const larger = Buffer.allocUnsafe(buffer.length * 2);
          buffer.copy(larger, 0, 0, kept);
          buffer = larger;
        }
        const n = readChunk(input, buffer, kept);
        if (n === 0) break;
        if (fromStdin) writeSync(this.fd, buffer, kept, n);
        const end = kept + n;
        const lastNewline = buffer.lastIndexOf(10, end - 1);
        if (lastNewline < kept) {
          kept = end; // no line ends in this chunk
          continue;
        }
        // ASCII (the usual event file) is decoded as Latin-1, which skips UTF-8's checks; then a
        // character is a byte
        const ascii = isAscii(buffer.subarray(0, lastNewline));
        const text = buffer.toString(ascii ? 'latin1' : 'utf8', 0, lastNewline);
        let start = offset;
        for (const line of text.split('\n')) {
          this.record(start);
          start += (ascii ? line.length : Buffer.byteLength(line)) + 1;
          yield line;
        }
        kept = end - lastNewline - 1;
        buffer.copy(buffer, 0, lastNewline + 1, end);
        offset += lastNewline + 1;
      }
      if (kept > 0) {
        this.record(offset);
        yield buffer.toString('utf8', 0, kept);
      }
    } finally {
      if (input !== 0) closeSync(input);
      if (copyDir !== undefined) {
        closeSync(this.fd);
        rmSync(copyDir, { recursive: true, force: true });
      }
      this.fd = -1;
    }
  }

  // An earlier line (1-based) than the one being read, without its newline.
  lineAt(line: number): string {
    if (this.fd === -1 || line < 1 || line >= this.count) throw new Error(`line ${line} cannot be read again`);
    const start = this.starts[line - 1] as number;
    const length = (this.starts[line] as number) - start - 1;
    const bytes = Buffer.allocUnsafe(length);
    let read = 0;
    while (read < length) {
      const n = readSync(this.fd, bytes, read, length - read, start + read);
      if (n === 0) break;
      read += n;
    }
    return bytes.toString('utf8', 0, read);
  }

  private record(start: number): void {
    if (this.count === this.starts.length) {
      const larger = new Float64Array(this.starts.length * 2);
      larger.set(this.starts);
      this.starts = larger;
    }
    this.starts[this.count++] = start;
  }
}

// Bytes read from fd into buffer at `at`; 0 at the end. A non-blocking stdin that has nothing yet is
// asked again.
function readChunk(fd: number, buffer: Buffer, at: number): number {
  for (;;) {
    try {
      return readSync(fd, buffer, at, Math.min(CHUNK, buffer.length - at), null);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') continue;
      if (code === 'EOF') return 0;
      throw err;
    }
  }
}
