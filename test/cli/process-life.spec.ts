import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDataSource, PostgresEventLog } from '#libs/postgres';
import { ROOT, runCli, startUp, type UpProcess } from './run-cli';

// `kpi-pulse up` on its embedded Postgres, as a terminal or a supervisor runs it: Ctrl-C, SIGTERM,
// kill -9 and a restart, an uncaught error, and starts that must fail loudly.
describe('kpi-pulse up: the life of the process and of its embedded Postgres', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kpi-life-'));
  // below the ephemeral range: an outgoing socket of another test never holds it (support/ports.ts)
  const pgPort = 20_000 + Math.floor(Math.random() * 12_000);
  // no DATABASE_URL (the tests' own Postgres): the embedded one
  const env = { DATABASE_URL: '', KPI_PULSE_DATA_DIR: dataDir, EMBEDDED_POSTGRES_PORT: String(pgPort) };
  const pidFile = join(dataDir, 'postgres', 'postmaster.pid');
  const server = (): number | undefined =>
    existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').split('\n')[0]) : undefined;

  afterAll(() => {
    const left = server();
    if (left !== undefined && alive(left)) process.kill(left, 'SIGINT');
    rmSync(dataDir, { recursive: true, force: true });
  });

  // the server's own database, as a second client
  const connect = async () => {
    const db = createDataSource({ url: `postgres://kpi_pulse:kpi_pulse@127.0.0.1:${pgPort}/kpi_pulse`, poolSize: 1 });
    await db.initialize();
    return db;
  };
  const ready = async (up: UpProcess) =>
    (await (await fetch(`${up.url}/health/ready`)).json()) as {
      status: string;
      checks: { log: { end: number; processed: number } };
    };

  it.each([
    { how: 'Ctrl-C (SIGINT to the whole process group)', signal: 'SIGINT' as const, group: true },
    { how: 'SIGTERM to the process', signal: 'SIGTERM' as const, group: false },
  ])('$how: the last checkpoint holds every event folded, then the server stops', async ({ signal, group }) => {
    // checkpoints only at the stop: what the restart would replay shows whether it was written
    const up = await startUp({ ...env, PROCESSOR_CHECKPOINT_EVERY: '100000' });
    const postgres = server() as number;
    expect(alive(postgres)).toBe(true);
    const db = await connect();
    const log = new PostgresEventLog(db);
    const before = await log.endOffset();
    await log.append(
      Array.from({ length: 200 }, (_, i) => ({
        key: 'O1/O1-T1',
        event: {
          specversion: '1.0' as const,
          id: `life-${signal}-${i}`,
          source: 'ticketing/zendesk',
          type: 'ticket.created',
          time: '2026-11-02T10:00:00+08:00',
          data: { orgId: 'O1', teamId: 'O1-T1', ticketId: `T-${i}`, channel: 'chat' },
        },
      })),
    );
    const end = await log.endOffset();
    expect(end).toBe(before + 200);
    while ((await ready(up)).checks.log.processed < end) await new Promise((r) => setTimeout(r, 50));
    await db.destroy();

    process.kill(group ? -(up.child.pid as number) : (up.child.pid as number), signal);
    expect(await up.exited).toEqual({ code: 0, signal: null });
    const { stdout, stderr } = up.output();
    expect(stdout).toMatch(/^stopped$/m);
    expect(stderr).not.toMatch(/error|\n\s+at /i); // no failed checkpoint, no stack trace
    expect(alive(postgres)).toBe(false);
    expect(existsSync(pidFile)).toBe(false);

    const again = await startUp(env);
    const check = await connect();
    const [checkpoint] = await check.query<{ offset: string }[]>(
      `SELECT "offset" FROM processor_checkpoints WHERE processor = 'indicator-processor'`,
    );
    await check.destroy();
    expect(Number(checkpoint?.offset)).toBe(end);
    again.child.kill('SIGTERM');
    expect((await again.exited).code).toBe(0);
  });

  it('after kill -9 of up, the next start finds the orphaned server, stops it and runs its own', async () => {
    const first = await startUp(env);
    const orphan = server() as number;
    first.child.kill('SIGKILL');
    await first.exited;
    expect(alive(orphan)).toBe(true); // nothing could stop it

    const second = await startUp(env);
    expect(second.output().stderr).toContain(`an embedded Postgres left running (pid ${orphan})`);
    expect(alive(orphan)).toBe(false);
    const own = server() as number;
    expect(own).not.toBe(orphan);
    expect((await ready(second)).status).toBe('ok');
    // a server whose `up` is alive is not an orphan: a second `up` on the same data refuses to start
    const third = runCli(['up'], undefined, { ...env, PORT: '0' });
    expect(third.status).toBe(2);
    expect(third.stderr).toContain(
      `kpi-pulse: database: another process (pid ${second.child.pid}) runs the embedded Postgres`,
    );
    expect(alive(own)).toBe(true);
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
    expect(alive(own)).toBe(false);
  });

  it('a process that dies of an uncaught error takes its embedded server with it', async () => {
    const script = `
      const { openDatabase } = require('./dist/services/runtime/src/database.js');
      openDatabase({ dataDir: ${JSON.stringify(dataDir)}, port: ${pgPort} }).then(() => {
        console.log(require('node:fs').readFileSync(${JSON.stringify(pidFile)}, 'utf8').split('\\n')[0]);
        setImmediate(() => { throw new Error('boom'); });
      });`;
    const r = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('boom');
    const postgres = Number(r.stdout.trim());
    expect(postgres).toBeGreaterThan(0);
    // the fast-shutdown signal went out as the process exited; the server finishes on its own
    while (alive(postgres)) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(pidFile)).toBe(false);
  });

  it('a start that cannot happen says why and exits non-zero, leaving no server behind', async () => {
    const taken = await listening();
    const port = String((taken.address() as { port: number }).port);
    try {
      const httpTaken = runCli(['up'], undefined, { ...env, PORT: port, LOG_LEVEL: 'error' });
      expect(httpTaken.status).toBe(2);
      expect(httpTaken.stderr).toMatch(/^kpi-pulse: listen EADDRINUSE: address already in use 127\.0\.0\.1:\d+$/m);
      expect(existsSync(pidFile)).toBe(false);

      const databaseTaken = runCli(['up'], undefined, { ...env, EMBEDDED_POSTGRES_PORT: port, PORT: '0' });
      expect(databaseTaken.status).toBe(2);
      expect(databaseTaken.stderr).toMatch(
        /^kpi-pulse: database: the embedded Postgres .* exited \(code 1\): .*could not bind/m,
      );
      expect(databaseTaken.stderr).not.toContain('undefined');
    } finally {
      taken.close();
    }
    const unreachable = runCli(['up'], undefined, {
      ...env,
      DATABASE_URL: `postgres://kpi@127.0.0.1:${port}/kpi`,
      PORT: '0',
    });
    expect(unreachable.status).toBe(2);
    expect(unreachable.stderr).toMatch(/^kpi-pulse: database: connect ECONNREFUSED 127\.0\.0\.1:\d+$/m);

    const badConfig = runCli(['up'], undefined, { PORT: 'eighty' });
    expect(badConfig.status).toBe(2);
    expect(badConfig.stderr).toContain('kpi-pulse: PORT: expected a TCP port 0–65535 (0: any free one), got "eighty"');
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function listening(): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}
