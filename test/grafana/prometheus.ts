import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unusedPort } from '../support/ports';
import { until } from '../support/until';

export interface PromSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

export interface RunningPrometheus {
  url: string;
  scrapeMs: number;
  queryRange(expr: string, from: Date, to: Date, stepSeconds: number): Promise<PromSeries[]>;
  labelValues(label: string, match: string): Promise<string[]>;
  stop(): Promise<void>;
}

// A real Prometheus (KPI_PULSE_PROMETHEUS, set by prometheus.global-setup.ts) on a config of its own,
// scraping `targets`' /metrics every second, its data in a temporary directory removed at stop.
export async function startPrometheus(targets: readonly string[]): Promise<RunningPrometheus> {
  const binary = process.env.KPI_PULSE_PROMETHEUS ?? 'prometheus';
  const dir = mkdtempSync(join(tmpdir(), 'kpi-pulse-prometheus-'));
  const scrapeMs = 1000;
  writeFileSync(
    join(dir, 'prometheus.yml'),
    [
      'global:',
      `  scrape_interval: ${scrapeMs / 1000}s`,
      'scrape_configs:',
      '  - job_name: kpi-pulse',
      `    static_configs: [{ targets: [${targets.map((t) => `'${t}'`).join(', ')}] }]`,
      '',
    ].join('\n'),
  );
  const port = await unusedPort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    binary,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  await until(
    () =>
      fetch(`${url}/-/ready`).then(
        (r) => r.ok,
        () => false,
      ),
    30_000,
    100,
  );
  if (
    !(await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    ))
  ) {
    child.kill('SIGKILL');
    throw new Error(`Prometheus (${binary}) did not get ready:\n${log}`);
  }
  const api = async <T>(path: string, params: Record<string, string>): Promise<T> => {
    const response = await fetch(`${url}/api/v1/${path}?${new URLSearchParams(params).toString()}`);
    const body = (await response.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`Prometheus ${path} ${JSON.stringify(params)}: ${body.error}`);
    return body.data;
  };
  return {
    url,
    scrapeMs,
    queryRange: async (expr, from, to, stepSeconds) =>
      (
        await api<{ result: PromSeries[] }>('query_range', {
          query: expr,
          start: String(from.getTime() / 1000),
          end: String(to.getTime() / 1000),
          step: String(stepSeconds),
        })
      ).result,
    labelValues: (label, match) => api<string[]>(`label/${label}/values`, { 'match[]': match }),
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
