import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCompose, runtimeStage, type ComposeService } from '../support/compose';
import { startTestBroker, type TestBroker } from '../support/kafka-broker';
import { unusedPort } from '../support/ports';
import { DATABASE_URL } from '../support/postgres';
import { ROOT, schemaUrl } from '../support/service-process';
import { mintToken } from '../../services/runtime/src/auth';
import { until } from '../support/until';

// Each container's entry point run once as the image runs it, where no Docker engine is: as an
// unprivileged user (nobody, through setpriv) in a fresh directory laid out like the image — a
// root-owned, read-only WORKDIR holding the build, and the data directory made by the Dockerfile's own
// RUN line —, with the image's environment (and, for the compose services, docker-compose.yml's) and
// nothing inherited from this process. Needs root to change user: elsewhere it is skipped, saying why.
const stage = runtimeStage();
const IMAGE_USER = stage.user as string;
const dataDir = stage.env.KPI_PULSE_DATA_DIR as string;
// the build is reached through symlinks: nobody must be able to read this checkout where it lies
const nobodyReads = (path: string) => {
  try {
    execFileSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', 'test', '-r', path]);
    return true;
  } catch {
    return false;
  }
};
const skipped =
  process.getuid?.() !== 0 || !existsSync('/usr/bin/setpriv')
    ? 'running them as another user needs root and setpriv'
    : nobodyReads(join(ROOT, 'package.json'))
      ? undefined
      : `the user nobody cannot read ${ROOT} (a parent directory is closed to others)`;
if (skipped !== undefined) process.stderr.write(`entrypoints: skipped, ${skipped}\n`);

let image: string; // the fresh directory standing for the image's file system
const children: ChildProcess[] = [];

// the Dockerfile's runtime RUN lines, run here with its paths under `image` and its user as nobody
function layOutImage(): void {
  image = mkdtempSync(join(tmpdir(), 'kpi-pulse-image-'));
  chmodSync(image, 0o755); // mkdtemp's 700 would keep nobody out
  const workdir = join(image, stage.workdir as string);
  mkdirSync(workdir, { recursive: true });
  for (const entry of ['dist', 'node_modules', 'package.json', 'bin', 'definitions'])
    symlinkSync(join(ROOT, entry), join(workdir, entry));
  for (const run of stage.runs) {
    const local = run
      .replaceAll(dataDir, join(image, dataDir))
      .replaceAll(`${IMAGE_USER}:${IMAGE_USER}`, 'nobody:nogroup');
    execFileSync('sh', ['-c', local], { stdio: 'inherit' });
  }
}

// The command as nobody, with exactly `env` (plus PATH to node); resolved with its URL once it is up.
function runAsNobody(command: readonly string[], env: Record<string, string>) {
  const child = spawn('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', ...command], {
    cwd: join(image, stage.workdir as string),
    env: { PATH: `${dirname(process.execPath)}:/usr/bin:/bin`, ...env, HOST: '127.0.0.1', PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const up = new Promise<string>((resolve, reject) => {
    let out = '';
    const read = (d: Buffer) => {
      out += d.toString();
      const url = /is up at (http:\/\/\S+)/.exec(out)?.[1];
      if (url !== undefined) resolve(url);
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    void exited.then((code) => reject(new Error(`${command.join(' ')} exited with ${String(code)}: ${out}`)));
  });
  const stop = async () => {
    child.kill('SIGTERM');
    return exited;
  };
  return { up, stop };
}

const ready = async (url: string) => {
  let status = 0;
  await until(async () => (status = (await fetch(`${url}/health/ready`)).status) === 200, 30_000, 200);
  return status;
};

async function sql(statement: string): Promise<void> {
  const client = new Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

const ownerOf = (path: string) => statSync(path).uid;
const NOBODY = Number(execFileSync('id', ['-u', 'nobody']).toString().trim());

describe.skipIf(skipped !== undefined)('the image entry points, as a non-root user in a fresh directory', () => {
  beforeAll(() => {
    expect(userInfo().uid).toBe(0);
    layOutImage();
  });
  afterAll(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    // an embedded Postgres left by a killed run: stop it by its own pid file
    const pidFile = join(image, dataDir, 'postgres', 'postmaster.pid');
    if (existsSync(pidFile)) {
      const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
      if (pid > 0) process.kill(pid, 'SIGTERM');
    }
    rmSync(image, { recursive: true, force: true });
  });

  it('the image alone (docker run, no variables) creates its data directory, its embedded Postgres and its secret', async () => {
    const env = {
      ...stage.env,
      KPI_PULSE_DATA_DIR: join(image, dataDir),
      EMBEDDED_POSTGRES_PORT: String(await unusedPort()),
    };
    const service = runAsNobody(stage.cmd as string[], env);
    const url = await service.up;
    expect(await ready(url)).toBe(200);
    const secretFile = join(image, dataDir, 'auth-secret');
    expect(ownerOf(secretFile)).toBe(NOBODY);
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);
    expect(ownerOf(join(image, dataDir, 'postgres', 'PG_VERSION'))).toBe(NOBODY);
    // a token signed with the secret it made is the gateway's: an admin reads the org's roster
    const secret = readFileSync(secretFile, 'utf8').trim();
    const token = await mintToken(secret, 'hr-admin', { role: 'admin', org: 'O1' }, '5m');
    const roster = await fetch(`${url}/v1/roster`, { headers: { authorization: `Bearer ${token}` } });
    expect(roster.status).toBe(200);
    // it stops on SIGTERM with its embedded Postgres (the exit code on a signal is up's own concern)
    await service.stop();
    expect(existsSync(join(image, dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
  }, 120_000);

  describe("docker-compose.yml's services, each with its environment", () => {
    let broker: TestBroker;
    let schema: string;
    const compose = loadCompose({
      POSTGRES_PASSWORD: 'unused-here',
      AUTH_JWT_SECRET: 'the-compose-stack-shared-secret-0123456789',
      KPI_SECRETS_KEY: 'c2VhbHMtY29ubmVjdG9yLXNpZ25pbmctc2VjcmV0czA=',
      GRAFANA_ADMIN_PASSWORD: 'unused-here',
      GRAFANA_DB_PASSWORD: 'grafana-reader-of-the-compose-stack',
    });
    const built = Object.entries(compose.services).filter(([, s]) => s.build !== undefined);

    beforeAll(async () => {
      broker = await startTestBroker();
      schema = `entrypoints_${process.pid}`;
      await sql(`CREATE SCHEMA ${schema}`);
    });
    afterAll(async () => {
      await broker.close();
      await sql(`DROP SCHEMA ${schema}_reporting, ${schema} CASCADE`); // and the reporting views of its data
    });

    // one after another: the first provisions the topics and runs the migrations, as compose's first start
    it.each(built.map(([name, s]) => ({ name, s })))(
      '$name starts, is ready and stops cleanly, writing nothing',
      async ({ s }: { s: ComposeService }) => {
        const env: Record<string, string> = { ...stage.env, KPI_PULSE_DATA_DIR: join(image, dataDir) };
        for (const [key, value] of Object.entries(s.environment ?? {})) env[key] = String(value);
        // the stack's Postgres and Kafka are this test's
        env.DATABASE_URL = schemaUrl(DATABASE_URL, schema);
        env.KAFKA_BROKERS = broker.brokers.join(',');
        const before = readdirSync(join(image, dataDir)).sort();
        const service = runAsNobody(s.command as string[], env);
        const url = await service.up;
        expect(await ready(url)).toBe(200);
        expect(await service.stop()).toBe(0);
        // the secret is the environment's: nothing new in the data directory
        expect(readdirSync(join(image, dataDir)).sort()).toEqual(before);
      },
      90_000,
    );
  });
});
