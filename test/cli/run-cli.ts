import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../support/service-process';

export { ROOT };

const BIN = join(ROOT, 'bin', 'kpi-pulse.js');

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

// The real CLI as users run it: the built bin in a child process.
export function runCli(args: string[], input?: string): CliRun {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    input,
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
