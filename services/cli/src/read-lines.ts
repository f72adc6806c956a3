import { closeSync, openSync, readSync } from 'node:fs';

// Lines of a file (or of stdin for '-'), read in 1 MiB chunks: a multi-GB event file never sits in memory.
export function* readLines(path: string): Generator<string> {
  const fd = path === '-' ? 0 : openSync(path, 'r');
  const chunk = Buffer.allocUnsafe(1 << 20);
  let rest = '';
  try {
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EAGAIN') continue;
        if ((err as NodeJS.ErrnoException).code === 'EOF') break;
        throw err;
      }
      if (n === 0) break;
      const text = rest + chunk.toString('utf8', 0, n);
      const lines = text.split('\n');
      rest = lines.pop() ?? '';
      yield* lines;
    }
    if (rest !== '') yield rest;
  } finally {
    if (fd !== 0) closeSync(fd);
  }
}
