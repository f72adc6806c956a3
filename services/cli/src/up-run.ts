import { manualIndicatorSpecs } from '#libs/simulator';
import type { AccessClaims } from '#libs/access';
import { mintToken, secretsKey, sharedSecret } from '#runtime/auth';
import { ConfigError, loadConfig, type RuntimeConfig } from '#runtime/config';
import { AlertSubscriptionsRepository, RosterRepository, SecretBox, SourcesRepository } from '#libs/postgres';
import { startDemoReceiver, type DemoReceiver } from '#runtime/demo-receiver';
import {
  demoSourceTokens,
  importDemoRoster,
  postDemoHistory,
  startDemoSource,
  type DemoSource,
} from '#runtime/demo-source';
import { previousWeek, weekOfInstant, type ReviewWeek } from '#libs/review';
import type { DefinitionSet } from '#libs/definitions';
import { StopSignals } from '#runtime/run-services';
import { SERVICE_NAMES, type ServiceName } from '#runtime/service-names';
import { StartupError, up } from '#runtime/up';
import type { Database } from '#runtime/database';
import { errorMessage } from '#libs/pipeline';
import { UsageError } from './usage-error';

export interface UpOptions {
  demo?: boolean;
  rate: string;
  teams: string;
  agents: string;
  history: string;
  services?: string[];
}

// Ready-made links into the scorecard page, one per role, for the demo org (the tokens last 12 hours).
async function signInLinks(url: string, config: RuntimeConfig): Promise<string[]> {
  if (config.auth.jwksUrl !== undefined) return [`  scorecards  ${url}/   (sign in with a token from your issuer)`];
  const secret = sharedSecret(config);
  const link = async (path: string, subject: string, claims: AccessClaims) =>
    `${url}${path}?token=${await mintToken(secret, subject, claims, '12h')}`;
  return [
    `  scorecard page, signed in as (tokens for 12 h; more with: npx kpi-pulse token --help)`,
    `    admin            ${await link('/', 'admin@O1', { role: 'admin', org: 'O1' })}`,
    `    manager O1-T1    ${await link('/', 'manager@O1-T1', { role: 'manager', org: 'O1', teams: ['O1-T1'] })}`,
    `    agent O1-T1-A1   ${await link('/', 'O1-T1-A1', { role: 'agent', org: 'O1', teams: ['O1-T1'], agent: 'O1-T1-A1' })}`,
    `    TV (wall screen) ${await link('/tv', 'display@O1', { role: 'display', org: 'O1' })}`,
  ];
}

// The demo's write tokens, and a curl that posts with one.
function ingestTokenLines(url: string, tokens: ReadonlyMap<string, string>): string[] {
  const zendesk = tokens.get('ticketing/zendesk') ?? '';
  return [
    `  ingest tokens (one per simulated source; new ones at every start, the old ones revoked):`,
    ...[...tokens].map(([uri, token]) => `    ${uri.padEnd(18)} ${token}`),
    `  try:  curl -X POST ${url}/v1/events -H 'authorization: Bearer ${zendesk}' \\`,
    `          -H 'content-type: application/json' -d '{"specversion":"1.0","id":"try-1","source":"ticketing/zendesk",` +
      `"type":"ticket.solved","time":"<now, RFC 3339>","data":{"orgId":"O1","teamId":"O1-T1","agentId":"O1-T1-A1",` +
      `"ticketId":"T-1","contacts":1,"handleSeconds":300,"resolutionSeconds":900}}'`,
  ];
}

// The demo's weekly review packs of the last week, made once its history is in: it waits until the
// weekly team card's last week is closed (or a few minutes have passed), then makes each team's pack.
async function makeDemoPacks(
  url: string,
  config: RuntimeConfig,
  week: ReviewWeek,
  teams: number,
  stopping: () => boolean,
): Promise<string> {
  const token = await mintToken(sharedSecret(config), 'demo@O1', { role: 'admin', org: 'O1' }, '1h');
  const headers = { authorization: `Bearer ${token}` };
  const closedEnd = new Date(week.end).toISOString();
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    const res = await fetch(`${url}/v1/closed-periods?scorecard=sales-team-weekly&limit=1`, { headers });
    const [latest] = res.ok ? ((await res.json()) as { periodEnd: string }[]) : [];
    if (latest?.periodEnd === closedEnd) break;
    if (Date.now() > deadline || stopping()) return `${week.label} not closed yet: make the packs on the page`;
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
  for (let team = 1; team <= teams; team++)
    await fetch(`${url}/v1/review-packs/O1-T${team}/${week.label}`, { method: 'POST', headers });
  return `${week.label} closed, its packs made`;
}

const demoZone = (definitions: DefinitionSet): string =>
  definitions.orgs.find((o) => o.id === '*')?.timeZone ?? 'Asia/Shanghai';

function positive(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${name}: expected a positive number, got "${text}"`);
  return n;
}

// `kpi-pulse up`: the pipeline in this process, and with --demo its simulated sources, until a stop signal.
export async function runUp(opts: UpOptions): Promise<void> {
  const signals = new StopSignals();
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message);
    throw err;
  }
  const names = (opts.services ?? SERVICE_NAMES) as ServiceName[];
  for (const name of names) {
    if (!(SERVICE_NAMES as readonly string[]).includes(name))
      throw new UsageError(`--services: unknown service "${name}"`);
  }
  const rate = positive('--rate', opts.rate);
  const teams = positive('--teams', opts.teams);
  const agents = positive('--agents', opts.agents);
  const historyDays = Number(opts.history);
  if (!Number.isInteger(historyDays) || historyDays < 0 || historyDays > 366)
    throw new UsageError(`--history: expected whole days, 0–366, got "${opts.history}"`);
  // the demo makes last week's packs itself once its history is in; a schedule running meanwhile
  // would make them from half the history
  if (opts.demo === true && historyDays > 0) process.env.REVIEW_PACK_SCHEDULE ??= 'off';
  const start = async (services: readonly ServiceName[]) => {
    try {
      return await up(config, services);
    } catch (err) {
      if (err instanceof StartupError) throw new UsageError(err.message);
      throw err;
    }
  };
  const started = Date.now();
  // The demo's history goes into the log before the processor starts: it folds the backlog in time
  // order and ticks the org's clock to the wall clock only once caught up (a tick first would make
  // every event older than its lateness late).
  const box = new SecretBox(secretsKey(config));
  const sourcesOf = (db: Database['db']) => new SourcesRepository(db, box);
  let posted = 0;
  if (opts.demo === true && historyDays > 0 && config.kafkaBrokers === undefined) {
    const ingestOnly = await start(['ingest-gateway']);
    try {
      const tokens = await demoSourceTokens(sourcesOf(ingestOnly.database.db), 'O1');
      await importDemoRoster(new RosterRepository(ingestOnly.database.db), teams, agents);
      const manual = manualIndicatorSpecs(ingestOnly.definitions);
      posted = await postDemoHistory(ingestOnly.database.db, {
        url: `${ingestOnly.url}/v1/events`,
        tokens,
        teams,
        agents,
        manualIndicators: manual.indicators,
        reviewers: manual.reviewers,
        timeZone: demoZone(ingestOnly.definitions),
        days: historyDays,
      });
    } finally {
      await ingestOnly.close();
    }
  }
  const running = await start(names);
  const { url, database, definitions } = running;
  const lines = [
    `KPI Pulse is up in ${Date.now() - started} ms (${database.embedded ? `embedded Postgres, data in ${config.dataDir}/postgres` : 'DATABASE_URL'})`,
    `  ingest      POST ${url}/v1/events   (one event, an array, or NDJSON)`,
    `  scorecards  socket.io ${url}/scorecards   (emit "join" {room: "team:O1:O1-T1"})`,
    `  health      ${url}/health/ready`,
    `  metrics     ${url}/metrics`,
    `  API docs    ${url}/docs`,
  ];
  let source: DemoSource | undefined;
  let receiver: DemoReceiver | undefined;
  if (opts.demo === true) {
    const manual = manualIndicatorSpecs(definitions);
    const zone = demoZone(definitions);
    const tokens = await demoSourceTokens(sourcesOf(database.db), 'O1');
    await importDemoRoster(new RosterRepository(database.db), teams, agents);
    if (posted > 0)
      lines.push(`  history     ${posted} simulated events of the ${historyDays} days before today, folded first`);
    source = startDemoSource({
      url: `${url}/v1/events`,
      tokens,
      rate,
      teams,
      agents,
      manualIndicators: manual.indicators,
      reviewers: manual.reviewers,
      timeZone: zone,
    });
    lines.push(`  demo        ${rate} simulated events/s for ${teams} teams × ${agents} agents (org O1)`);
    lines.push(`  roster      O1's roster of record replaced by the demo's teams and agents (GET /v1/roster)`);
    lines.push(...ingestTokenLines(url, tokens));
    if (names.includes('alerting')) {
      receiver = await startDemoReceiver(new AlertSubscriptionsRepository(database.db, box), 'O1', (line) =>
        process.stdout.write(`  ${line}\n`),
      );
      lines.push(
        `  alerts      every O1 alert goes, grouped by team, to a local webhook receiver at ${receiver.url}`,
        `              (printed below as "alert → …"); follow the deliveries: npx kpi-pulse alerts tail`,
      );
    }
    // tokens are printed for the demo only: a real start prints no credential
    if (names.includes('scorecard-gateway')) lines.push(...(await signInLinks(url, config)));
  }
  process.stdout.write(`${lines.join('\n')}\nCtrl-C stops (the processor checkpoints first).\n`);
  // the packs are made while the pipeline runs, so that a stop signal meanwhile stops it as any other
  let stopping = false;
  const packs =
    posted > 0 && names.includes('scorecard-gateway')
      ? (async () => {
          const week = previousWeek(weekOfInstant(demoZone(definitions), Date.now()));
          const review = await makeDemoPacks(url, config, week, teams, () => stopping);
          process.stdout.write(`  review      ${review}: ${url}/#/review/O1/O1-T1/${week.label} (sign in above)\n`);
        })().catch((err: unknown) => process.stderr.write(`demo review packs: ${errorMessage(err)}\n`))
      : undefined;
  await signals.next();
  stopping = true;
  await packs;
  await source?.stop();
  await running.close();
  await receiver?.close();
  const skipped = source?.skipped() ?? 0;
  process.stdout.write(
    `stopped${source === undefined ? '' : ` after ${source.sent()} demo events`}` +
      `${skipped > 0 ? ` (${skipped} skipped: ingest could not keep up with --rate)` : ''}\n`,
  );
}
