import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

// The CLI and browser tests run the built bin, services and page: build once before them (whichever
// project comes first) so they never test stale output.
export default function setup(): void {
  if (process.env.KPI_PULSE_TEST_BUILD === 'done') return;
  const run = (args: string[]) => execFileSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
  run([join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json']);
  run([join(ROOT, 'web', 'build.mjs')]);
  process.env.KPI_PULSE_TEST_BUILD = 'done';
}
