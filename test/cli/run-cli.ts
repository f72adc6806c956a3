import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
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
export function runCli(args: string[], input?: string, env?: Record<string, string>): CliRun {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    input,
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// runCli without blocking the test worker, for runs of many seconds
export function runCliAsync(args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: ROOT, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : null;
        resolve({ status: code, stdout, stderr });
      },
    );
  });
}

export interface UpProcess {
  child: ChildProcess;
  url: string;
  output: () => { stdout: string; stderr: string };
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

// `kpi-pulse up` as a terminal runs it: a process group of its own (the terminal's foreground group,
// which Ctrl-C signals as a whole), resolved once it prints where it listens.
export function startUp(env: Record<string, string>): Promise<UpProcess> {
  const child = spawn(process.execPath, [BIN, 'up'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const output = () => ({ stdout, stderr });
  return new Promise((resolve, reject) => {
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
      const url = /ingest +POST (http:\/\/\S+)\/v1\/events/.exec(stdout)?.[1];
      if (url !== undefined) resolve({ child, url, output, exited });
    });
    void exited.then(({ code }) => reject(new Error(`kpi-pulse up exited with ${String(code)}: ${stdout}${stderr}`)));
  });
}
