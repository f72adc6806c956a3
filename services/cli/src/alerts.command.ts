import type { Command } from 'commander';
import { runningApi, type RunningApiOptions } from './running-api';
import { UsageError } from './usage-error';

interface TailOptions extends RunningApiOptions {
  status?: string;
  interval: string;
  once?: boolean;
}

// a delivery as GET /v1/alert-deliveries answers it
interface DeliveryLine {
  id: string;
  status: string;
  channelKind: string;
  group: string;
  title: string;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

export function formatDelivery(d: DeliveryLine): string {
  const tries = d.attempts === 1 ? '1 try' : `${d.attempts} tries`;
  const at = d.deliveredAt ?? d.createdAt;
  const error = d.lastError === null ? '' : `: ${d.lastError}`;
  return `${at}  #${d.id}  ${d.status.padEnd(9)}  ${d.channelKind.padEnd(8)}  ${d.group || '—'}  ${d.title}  (${tries}${error})`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function registerAlertsCommand(program: Command): void {
  const alerts = program.command('alerts').description('Alert deliveries (docs/alerts.md).');
  alerts
    .command('tail')
    .description('Print alert deliveries as they happen: queued (pending), delivered, failed.')
    .option('--url <url>', 'the running KPI Pulse, default http://localhost:$PORT (8080)')
    .option(
      '--token <jwt>',
      'a sign-in token (default KPI_PULSE_TOKEN, else an admin token of --org from the local secret)',
    )
    .option('--org <org>', 'the org, for the token minted here', 'O1')
    .option('--status <status>', 'only pending, delivered or failed ones')
    .option('--interval <ms>', 'between two polls', '1000')
    .option('--once', 'print the latest deliveries and stop')
    .addHelpText(
      'after',
      `
Polls GET /v1/alert-deliveries: an admin sees the org's deliveries, a manager or agent those of their own
subscriptions. Each change of a delivery is a line: time, id, status, channel, group, title, tries (and the
last error of a failed try, secrets replaced by ***). A failed delivery is sent again with
POST /v1/alert-deliveries/<id>/retry.

Examples:
  npx kpi-pulse alerts tail                       (next to \`npm run demo\`)
  npx kpi-pulse alerts tail --status failed --once`,
    )
    .action(async (opts: TailOptions) => {
      const interval = Number(opts.interval);
      if (!Number.isInteger(interval) || interval < 100)
        throw new UsageError(`--interval: expected at least 100 ms, got "${opts.interval}"`);
      if (opts.status !== undefined && !['pending', 'delivered', 'failed'].includes(opts.status))
        throw new UsageError(`--status: expected pending, delivered or failed, got "${opts.status}"`);
      const { base, token } = await runningApi(opts, 'alerts-tail', '12h');
      const query = opts.status === undefined ? '' : `&status=${opts.status}`;
      const printed = new Set<string>(); // id and status: a delivery is printed again when its status changes
      for (;;) {
        let res: Response;
        try {
          res = await fetch(`${base}/v1/alert-deliveries?limit=200${query}`, {
            headers: { authorization: `Bearer ${token}` },
          });
        } catch (err) {
          throw new UsageError(`${base}: ${err instanceof Error ? err.message : String(err)} (is KPI Pulse up?)`);
        }
        if (!res.ok) throw new UsageError(`GET /v1/alert-deliveries answered ${res.status}: ${await res.text()}`);
        const deliveries = ((await res.json()) as DeliveryLine[]).reverse(); // oldest first
        for (const d of deliveries) {
          const seen = `${d.id}:${d.status}:${d.attempts}`;
          if (printed.has(seen)) continue;
          printed.add(seen);
          process.stdout.write(`${formatDelivery(d)}\n`);
        }
        if (opts.once === true) return;
        await sleep(interval);
      }
    });
}
