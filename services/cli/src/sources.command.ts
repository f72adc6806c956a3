import type { Command } from 'commander';
import { parseDuration } from '#libs/definitions';
import { WEBHOOK_OUTCOMES } from '#libs/pipeline';
import { runningApi, type RunningApiOptions } from './running-api';
import { UsageError } from './usage-error';

// `--since 2h` (that long ago) or `--since 2026-12-01T00:00:00+08:00`: the instant, or undefined.
export function sinceOf(text: string, now: number): Date | undefined {
  const ago = parseDuration(text);
  if (ago !== undefined) return new Date(now - ago);
  const at = /^\d{4}-\d{2}-\d{2}T/.test(text) ? Date.parse(text) : NaN;
  return Number.isFinite(at) ? new Date(at) : undefined;
}

async function apiOf(opts: RunningApiOptions): Promise<{ base: string; headers: Record<string, string> }> {
  const { base, token } = await runningApi(opts, 'sources', '1h');
  return { base, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } };
}

async function call(base: string, path: string, init: RequestInit): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(`${base}${path}`, init);
  } catch (err) {
    throw new UsageError(`${base}: ${err instanceof Error ? err.message : String(err)} (is KPI Pulse up?)`);
  }
  if (!res.ok) throw new UsageError(`${init.method ?? 'GET'} ${path} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

const withApi = (command: Command): Command =>
  command
    .option('--url <url>', 'the running KPI Pulse, default http://localhost:$PORT (8080)')
    .option(
      '--token <jwt>',
      "an admin's sign-in token (default KPI_PULSE_TOKEN, else one of --org from the local secret)",
    )
    .option('--org <org>', 'the org, for the token minted here', 'O1');

export function registerSourcesCommand(program: Command): void {
  const sources = program
    .command('sources')
    .description("Sources and connectors: a vendor's webhooks (docs/connectors.md).");
  withApi(
    sources
      .command('replay <sourceId>')
      .description(
        "Map a connector's kept webhooks again (after a mapping fix): the idempotency keys count each event once.",
      )
      .requiredOption(
        '--since <time>',
        'the webhooks received since: a time (2026-12-01T00:00:00Z) or a span ago (2h, 7d)',
      ),
  )
    .addHelpText(
      'after',
      `
Calls POST /v1/sources/<sourceId>/replay as an admin of the source's org and prints what the webhooks'
items came to: accepted (new events), duplicate (counted before), rejected (dead letters), ignored.

Examples:
  npx kpi-pulse sources replay src_3f9a1c2b4d5e --since 24h
  npx kpi-pulse sources replay src_3f9a1c2b4d5e --since 2026-12-01T00:00:00+08:00`,
    )
    .action(async (sourceId: string, opts: RunningApiOptions & { since: string }) => {
      const since = sinceOf(opts.since, Date.now());
      if (since === undefined)
        throw new UsageError(
          `--since: expected a time such as 2026-12-01T00:00:00Z or a span such as 2h, got "${opts.since}"`,
        );
      const { base, headers } = await apiOf(opts);
      const answer = (await call(base, `/v1/sources/${encodeURIComponent(sourceId)}/replay`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ since: since.toISOString() }),
      })) as { payloads: number; counts: Record<string, number> };
      const counts = Object.entries(answer.counts)
        .filter(([name]) => name !== 'refused')
        .map(([name, n]) => `${n} ${name}`)
        .join(', ');
      process.stdout.write(`${answer.payloads} webhooks since ${since.toISOString()} mapped again: ${counts}\n`);
    });
  withApi(
    sources
      .command('list')
      .description("The org's sources; a connector's webhooks by outcome, its last delivery and last error."),
  ).action(async (opts: RunningApiOptions) => {
    const { base, headers } = await apiOf(opts);
    const listed = (await call(base, '/v1/sources', { headers })) as {
      id: string;
      uri: string;
      name: string;
      webhooks?: { outcomes: Record<string, number>; lastDeliveryAt: string | null; lastError: string | null };
    }[];
    for (const s of listed) {
      const w = s.webhooks;
      const outcomes =
        w === undefined ? '' : `  ${WEBHOOK_OUTCOMES.map((k) => `${k} ${w.outcomes[k] ?? 0}`).join(', ')}`;
      const last =
        w === undefined
          ? ''
          : `  last ${w.lastDeliveryAt ?? 'never'}${w.lastError === null ? '' : `  error: ${w.lastError}`}`;
      process.stdout.write(`${s.id}  ${s.uri}  ${s.name}${outcomes}${last}\n`);
    }
  });
}
