import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');

export interface ServiceProcess {
  child: ChildProcess;
  url: string; // where it listens (health, metrics, and its own API)
  exited: Promise<number | null>; // the exit code
}

// A built service entry point as a real process (`node dist/services/<name>/main.js`), resolved once
// it says it is up.
export function startService(name: string, env: Record<string, string>): Promise<ServiceProcess> {
  return startProcess(name, [join(ROOT, 'dist/services', name, 'main.js')], env, /is up at (http:\/\/\S+)/);
}

// Every service in one process, as `kpi-pulse up` runs them (the feeds between them in process); or only
// `services` (`up --services …`), the others' feeds through Postgres.
export function startAll(env: Record<string, string>, services: readonly string[] = []): Promise<ServiceProcess> {
  return startProcess(
    'kpi-pulse up',
    [join(ROOT, 'bin/kpi-pulse.js'), 'up', ...(services.length === 0 ? [] : ['--services', ...services])],
    env,
    /ingest +POST (http:\/\/\S+)\/v1\/events/,
  );
}

function startProcess(
  name: string,
  args: readonly string[],
  env: Record<string, string>,
  upAt: RegExp,
): Promise<ServiceProcess> {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const url = upAt.exec(out)?.[1];
      if (url !== undefined) resolve({ child, url, exited });
    });
    child.stderr?.on('data', (d: Buffer) => process.stderr.write(d));
    void exited.then((code) => reject(new Error(`${name} exited with ${String(code)} before it was up: ${out}`)));
  });
}

// DATABASE_URL for a child process, pointed at a test's own schema
export function schemaUrl(base: string, schema: string): string {
  return `${base}${base.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
}
