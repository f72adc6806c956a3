import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadDefinitions } from './load-definitions';

const indicator = (id: string) => `apiVersion: kpi-pulse/v1
indicators:
  - id: ${id}
    name: { en: X, zh: X }
    description: X.
    unit: number
    windows: month
    numerator: { of: ticket.solved }
`;

// Node lists each directory's entries sorted, so the order only shows across directories: a file of a
// subdirectory comes after the files whose path sorts before "/" ("a-b.yaml" and "a.yaml" before "a/").
describe('loadDefinitions reads the files in the order of their whole paths', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kpi-definitions-order-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('a.yaml and a-b.yaml before a/x.yaml', () => {
    mkdirSync(join(dir, 'a'));
    writeFileSync(join(dir, 'a', 'x.yaml'), indicator('x.dir'));
    writeFileSync(join(dir, 'a.yaml'), indicator('x.file'));
    writeFileSync(join(dir, 'a-b.yaml'), indicator('x.dash'));
    expect(loadDefinitions(dir).set.indicators.map((d) => d.id)).toEqual(['x.dash', 'x.file', 'x.dir']);
  });
});
