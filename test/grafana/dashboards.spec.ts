import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Client, type QueryResult } from 'pg';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDefinitions } from '#libs/definitions';
import { evaluate, type EvaluationReport, type ReportedScorecard } from '#libs/evaluation';
import { orderingKey } from '#libs/event-log';
import { validateEvent, type CanonicalEvent } from '#libs/events';
import { createDataSource, migrate, PostgresEventLog, REPORTING_ROLE, RosterRepository } from '#libs/postgres';
import { manualIndicatorSpecs, simulate } from '#libs/simulator';
import { formatLocal } from '#libs/time';
import { AlertingModule } from '../../services/alerting/src/alerting.module';
import { IndicatorProcessorModule } from '../../services/indicator-processor/src/indicator-processor.module';
import { IngestGatewayModule } from '../../services/ingest-gateway/src/ingest-gateway.module';
import { importDemoRoster } from '../../services/runtime/src/demo-source';
import { ScorecardGatewayModule } from '../../services/scorecard-gateway/src/scorecard-gateway.module';
import { ScoringServiceModule } from '../../services/scoring-service/src/scoring-service.module';
import { DATABASE_URL, type TestDatabase } from '../support/postgres';
import { asSource, postAsSources, sourceToken } from '../support/sources';
import { startTestApp } from '../support/test-app';
import { tokenFor } from '../support/tokens';
import { until } from '../support/until';
import { expandPromQL, expandSql, type Selection, type Selections, type TimeRange } from './grafana-interpolation';
import { startPrometheus, type RunningPrometheus } from './prometheus';

// The committed dashboards, run the way Grafana runs them, against the live pipeline after a simulated
// month: every panel, variable and annotation query over Postgres as Grafana's read-only role, every
// PromQL expression by a real Prometheus scraping the pipeline's /metrics.

const DASHBOARDS = join(__dirname, '..', '..', 'dashboards');
const TIME_ZONE = 'Asia/Shanghai'; // the seed org's
const TEAMS = 2;
const AGENTS = 3;
const PASSWORD = `grafana-${randomBytes(6).toString('hex')}`;

interface Target {
  refId: string;
  datasource: { type: string };
  rawSql?: string;
  format?: 'time_series' | 'table';
  expr?: string;
}
interface Panel {
  type: string;
  title: string;
  repeat?: string;
  targets?: Target[];
  transformations?: { id: string; options: { fields?: string[] } }[];
  fieldConfig?: { overrides?: { matcher: { id: string; options: string } }[] };
}
interface Variable {
  type: string;
  name: string;
  multi?: boolean;
  includeAll?: boolean;
  allValue?: string;
  query?: string;
  datasource?: { type: string };
}
interface DashboardJson {
  uid: string;
  panels: Panel[];
  templating: { list: Variable[] };
  annotations: { list?: { name: string; target: { rawSql: string } }[] };
}

const dashboards: DashboardJson[] = readdirSync(DASHBOARDS)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(DASHBOARDS, f), 'utf8')) as DashboardJson);
const byUid = (uid: string) => dashboards.find((d) => d.uid === uid) as DashboardJson;
const sqlDashboards = dashboards.filter((d) => d.templating.list.some((v) => v.datasource?.type.includes('postgres')));
const isSql = (t: Target) => t.datasource.type === 'grafana-postgresql-datasource';

// a simulated month of org O1 with its reviewers' manual scores, valid events only, in time order
const { set: definitions } = loadDefinitions(join(__dirname, '..', '..', 'definitions', 'seed'));
const manual = manualIndicatorSpecs(definitions);
const events: CanonicalEvent[] = [];
for (const line of simulate({
  orgs: 1,
  teamsPerOrg: TEAMS,
  agentsPerTeam: AGENTS,
  days: 30,
  start: '2026-11-01',
  seed: 16,
  manualIndicators: manual.indicators,
  reviewers: manual.reviewers,
})) {
  const checked = validateEvent(line.event);
  if (checked.ok) events.push(checked.event);
}
// and a reviewer's correction: the month's last score in team O1-T1 (every variable's first value) that
// crossed a red line (a complaint, a privacy violation) set to 0 an hour before the month's last event,
// through ingest: a breach opens and, scoring rounds later, resolves
const crossing = events.findLast(
  (e) =>
    e.type === 'kpi.manual_score' &&
    e.data.teamId === 'O1-T1' &&
    Number(e.data.value) > 0 &&
    // at the level of the card that draws the red line: an agent's complaints, a team's privacy violations
    ((e.data.indicator === 'manual.presales.rights_complaints' && e.data.agentId !== undefined) ||
      (e.data.indicator === 'manual.support.privacy_violations' && e.data.agentId === undefined)),
);
if (crossing === undefined) throw new Error('the simulated month crosses no manual red line');
const correction = validateEvent({
  ...crossing,
  id: `${crossing.id}-corrected`,
  time: new Date(Math.max(...events.map((e) => Date.parse(e.time))) - 3_600_000).toISOString(),
  data: { ...crossing.data, value: 0 },
});
if (!correction.ok) throw new Error(`the correction is invalid: ${JSON.stringify(correction)}`);
events.push(correction.event);
events.sort((a, b) => Date.parse(a.time) - Date.parse(b.time));

// Postgres types as Grafana's SQL frames see them: numbers, times, text
const NUMERIC = new Set([20, 21, 23, 700, 701, 1700]);
const TIMES = new Set([1082, 1114, 1184]);
const asMs = (v: unknown) => (v instanceof Date ? v.getTime() : Number(v) * 1000); // numbers: Unix seconds

describe('Grafana dashboards over the live pipeline after a simulated month', () => {
  let database: string;
  let t: TestDatabase;
  let app: INestApplication;
  let base: string;
  let grafana: Client; // as Grafana's datasource signs in
  let prometheus: RunningPrometheus;
  let socket: Socket;
  let report: EvaluationReport;
  let streamedFrom: Date;
  let range: TimeRange;

  beforeAll(async () => {
    // a database of its own: the reporting schema is `reporting` next to data in `public`, as deployed
    database = `kpi_grafana_${randomBytes(5).toString('hex')}`;
    const admin = new Client({ connectionString: DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    const url = new URL(DATABASE_URL);
    url.pathname = `/${database}`;
    const db = createDataSource({ url: url.toString() });
    await db.initialize();
    await migrate(db, { reportingPassword: PASSWORD });
    t = {
      db,
      schema: 'public',
      drop: async () => {
        await db.destroy();
        const admin = new Client({ connectionString: DATABASE_URL });
        await admin.connect();
        await admin.query(`DROP DATABASE ${database} WITH (FORCE)`);
        await admin.end();
      },
    };
    await importDemoRoster(new RosterRepository(db), TEAMS, AGENTS);
    // the clock stays at the last event, as evaluate's does
    ({ app, base } = await startTestApp(
      t,
      [IngestGatewayModule, IndicatorProcessorModule, ScoringServiceModule, ScorecardGatewayModule, AlertingModule],
      undefined,
      { PROCESSOR_TICK_MS: '0', PROCESSOR_FLUSH_MS: '100' },
    ));
    const { host } = new URL(base);
    prometheus = await startPrometheus([host]);
    socket = io(`${base}/scorecards`, {
      transports: ['websocket'],
      auth: { token: await tokenFor({ role: 'admin', org: 'O1' }) },
    });
    await socket.emitWithAck('join', { room: 'org:O1' });

    // all but the last day straight into the log; the last day through ingest, half an hour of event time
    // per request and source (within every indicator's allowed lateness), and a request of bad events
    streamedFrom = new Date();
    const lastDay = Date.parse(events[events.length - 1]?.time as string) - 86_400_000;
    const logged = events.filter((e) => Date.parse(e.time) < lastDay);
    const log = new PostgresEventLog(db);
    for (let i = 0; i < logged.length; i += 2000)
      await log.append(logged.slice(i, i + 2000).map((event) => ({ key: orderingKey(event), event })));
    const tokens = new Map<string, string>();
    const posted = events.slice(logged.length);
    for (let from = lastDay; from <= lastDay + 86_400_000; from += 1_800_000) {
      const window = posted.filter((e) => Date.parse(e.time) >= from && Date.parse(e.time) < from + 1_800_000);
      for (const answer of await postAsSources(db, base, window, tokens)) expect(answer.status).toBe(202);
    }
    const bad = await fetch(`${base}/v1/events`, {
      method: 'POST',
      headers: asSource(await sourceToken(db, 'ticketing/zendesk')),
      body: JSON.stringify([{ specversion: '1.0', id: 'no-type', source: 'ticketing/zendesk' }]),
    });
    expect(bad.status).toBe(202);

    // the processor has folded every event, and the scoring has settled
    const folded = async () => {
      const [row] = await db.query<{ done: boolean }[]>(
        `SELECT coalesce((SELECT max(log_offset) FROM indicator_values), 0) >= (SELECT max("offset") FROM event_log) AS done`,
      );
      return row?.done === true;
    };
    await until(folded, 240_000, 500);
    expect(await folded()).toBe(true);
    const quiet = async () => {
      const [row] = await db.query<{ quiet: boolean }[]>(
        `SELECT max(updated_at) < now() - interval '3 seconds' AS quiet FROM scorecards`,
      );
      return row?.quiet === true;
    };
    await until(quiet, 60_000, 500);

    const asOf = formatLocal(TIME_ZONE, Date.parse(events[events.length - 1]?.time as string));
    report = evaluate({ definitions, lines: events.map((e) => JSON.stringify(e)), asOf });
    range = { from: new Date('2026-10-25T00:00:00Z'), to: new Date(Date.now() + 3_600_000) };

    const role = new URL(url.toString());
    role.username = REPORTING_ROLE;
    role.password = PASSWORD;
    grafana = new Client({ connectionString: role.toString() });
    await grafana.connect();
  }, 600_000);

  afterAll(async () => {
    socket?.close();
    await grafana?.end();
    await prometheus?.stop();
    await app?.close();
    await t?.drop();
  });

  const run = (sql: string): Promise<QueryResult<Record<string, unknown>>> => grafana.query(sql);

  // Grafana's variables in order, each query over the ones before it: every variable lists options, and
  // is set to all of them (a multi-value variable) or the first; `pick` sets some to one value instead
  async function variables(dashboard: DashboardJson, pick: Record<string, string> = {}, single = false) {
    const selections: Record<string, Selection> = {};
    const options: Record<string, string[]> = {};
    for (const v of dashboard.templating.list) {
      if (v.type === 'textbox') {
        selections[v.name] = { multi: false, includeAll: false, value: v.query ?? '' };
        continue;
      }
      if (v.datasource?.type !== 'grafana-postgresql-datasource') continue;
      const result = await run(expandSql(v.query as string, selections, range, 3_600_000));
      const values = result.rows.map((r) => String(r.__value ?? Object.values(r)[0]));
      expect(values.length, `variable ${dashboard.uid}.${v.name}: ${v.query}`).toBeGreaterThan(0);
      if (result.fields.some((f) => f.name === '__value')) expect(result.fields.map((f) => f.name)).toContain('__text');
      options[v.name] = values;
      const chosen = pick[v.name] ?? (v.multi === true && !single ? values : values[0]);
      if (pick[v.name] !== undefined) expect(values, v.name).toContain(chosen);
      selections[v.name] = { multi: v.multi === true, includeAll: v.includeAll === true, value: chosen as string };
    }
    return { selections, options };
  }

  // A panel's SQL queries, each with the rows it returned; a repeated panel once per value of its variable
  async function runPanel(panel: Panel, selections: Selections, options: Record<string, string[]>) {
    const values = panel.repeat === undefined ? [undefined] : (options[panel.repeat] ?? []);
    const runs: { target: Target; result: QueryResult<Record<string, unknown>> }[] = [];
    for (const value of values) {
      const scoped =
        value === undefined
          ? selections
          : {
              ...selections,
              [panel.repeat as string]: { ...(selections[panel.repeat as string] as Selection), value },
            };
      for (const target of (panel.targets ?? []).filter(isSql)) {
        const sql = expandSql(target.rawSql as string, scoped, range, 3_600_000);
        expect(sql, 'every variable and macro expanded').not.toMatch(/\$/);
        runs.push({ target, result: await run(sql) });
      }
    }
    return runs;
  }

  function expectShape(panel: Panel, target: Target, result: QueryResult<Record<string, unknown>>): void {
    const where = `${panel.title} ${target.refId}`;
    expect(result.rows.length, where).toBeGreaterThan(0);
    const needsTime = target.format === 'time_series' || panel.type === 'state-timeline';
    if (!needsTime) return;
    const time = result.fields.find((f) => f.name === 'time');
    expect(time, `${where}: a time column`).toBeDefined();
    expect(TIMES.has(time?.dataTypeID as number) || NUMERIC.has(time?.dataTypeID as number), where).toBe(true);
    // long rows (a text column) become series only in ascending time (data.LongToWide)
    const times = result.rows.map((r) => asMs(r.time));
    expect(times, `${where}: ascending time`).toEqual([...times].sort((a, b) => a - b));
    if (target.format === 'time_series') {
      const values = result.fields.filter((f) => f.name !== 'time' && NUMERIC.has(f.dataTypeID));
      expect(values.length, `${where}: a numeric value column`).toBeGreaterThan(0);
      for (const f of result.fields.filter((f) => f.name !== 'time' && !NUMERIC.has(f.dataTypeID)))
        expect(f.name, `${where}: the one text column names the series`).toBe('metric');
    }
  }

  it('gives Grafana a role that reads the reporting schema and nothing else', async () => {
    expect((await run('SELECT current_user AS who')).rows).toEqual([{ who: REPORTING_ROLE }]);
    expect((await run('SELECT count(*)::int AS n FROM reporting.scorecards')).rows[0]?.n).toBeGreaterThan(0);
    await expect(run('SELECT * FROM public.event_log LIMIT 1')).rejects.toMatchObject({ code: '42501' });
    await expect(run('SELECT * FROM public.scorecards LIMIT 1')).rejects.toMatchObject({ code: '42501' });
    await expect(run(`DELETE FROM reporting.scorecards`)).rejects.toMatchObject({ code: '42501' });
    await expect(run(`CREATE TABLE reporting.x (a int)`)).rejects.toMatchObject({ code: '42501' });
  });

  it('reads only the reporting schema in every dashboard', () => {
    const sql = sqlDashboards.flatMap((d) => [
      ...d.templating.list.flatMap((v) => (v.datasource?.type.includes('postgres') ? [v.query as string] : [])),
      ...d.panels.flatMap((p) => (p.targets ?? []).filter(isSql).map((t) => t.rawSql as string)),
      ...(d.annotations.list ?? []).map((a) => a.target.rawSql),
    ]);
    expect(sql.length).toBeGreaterThan(20);
    for (const query of sql)
      for (const [, table] of query.matchAll(/(?<!epoch )\b(?:FROM|JOIN)\s+([a-z_.]+)/gi))
        if (!['latest', 'daily', 'd', 's', 'a'].includes(table as string)) expect(table, query).toMatch(/^reporting\./);
  });

  describe.each(sqlDashboards.map((d) => [d.uid, d] as const))('%s', (_uid, dashboard) => {
    it.each([
      ['every multi-value variable at All', false],
      ['every variable at its first value', true],
    ])('runs every variable, panel and annotation query with %s: rows of the panel’s shape', async (_, single) => {
      const { selections, options } = await variables(dashboard, {}, single);
      let ran = 0;
      for (const panel of dashboard.panels) {
        const runs = await runPanel(panel, selections, options);
        for (const { target, result } of runs) expectShape(panel, target, result);
        // the fields the panel styles by name and the values it partitions by are what its queries return
        const returned = new Set(
          runs.flatMap(({ result }) => [
            ...result.fields.map((f) => f.name),
            ...result.rows.map((r) => r.metric).filter((m) => typeof m === 'string'),
          ]),
        );
        for (const o of panel.fieldConfig?.overrides ?? [])
          if (o.matcher.id === 'byName')
            expect(returned, `${panel.title}: ${o.matcher.options}`).toContain(o.matcher.options);
        for (const tr of panel.transformations ?? [])
          for (const field of tr.options.fields ?? []) expect(returned, panel.title).toContain(field);
        ran += runs.length;
      }
      for (const annotation of dashboard.annotations.list ?? []) {
        const result = await run(expandSql(annotation.target.rawSql, selections, range, 3_600_000));
        expect(result.rows.length, annotation.name).toBeGreaterThan(0);
        expect(result.fields.map((f) => f.name)).toEqual(expect.arrayContaining(['time', 'text']));
      }
      expect(ran).toBeGreaterThan(2);
    });
  });

  // the card evaluate prints for a scorecard and entity: its latest period's
  const evaluated = (scorecard: string, level: string, id: string): ReportedScorecard => {
    const cards = report.scorecards
      .filter((c) => c.scorecard === scorecard && c.entity.level === level && c.entity.id === id)
      .sort((a, b) => a.periodStart.localeCompare(b.periodStart));
    const card = cards[cards.length - 1];
    if (card === undefined) throw new Error(`evaluate printed no ${scorecard} card for ${level} ${id}`);
    return card;
  };
  const round = (v: unknown) => (v === null ? null : Math.round(Number(v) * 1e6) / 1e6);
  const panelRows = async (uid: string, title: string, pick: Record<string, string> = {}) => {
    const dashboard = byUid(uid);
    const { selections, options } = await variables(dashboard, pick);
    const panel = dashboard.panels.find((p) => p.title.startsWith(title)) as Panel;
    expect(panel, title).toBeDefined();
    const [first] = await runPanel(panel, selections, options);
    return { rows: first?.result.rows ?? [], selections };
  };

  it.each(['cs-supervisor-monthly', 'sales-manager-quarterly'])(
    'shows the totals and grades of `kpi-pulse evaluate` in "Teams now" (%s)',
    async (scorecard) => {
      const { rows } = await panelRows('kpi-pulse-team-scorecards', 'Teams now', { org: 'O1', scorecard });
      expect(rows).toHaveLength(TEAMS);
      for (const row of rows) {
        const card = evaluated(scorecard, 'team', row.team as string);
        expect({ team: row.team, total: round(row.total), grade: row.grade }).toEqual({
          team: row.team,
          total: round(card.total),
          grade: card.grade,
        });
      }
    },
  );

  it("shows each KPI's actual and target of `kpi-pulse evaluate` on the teams' and an agent's latest cards", async () => {
    const team = await panelRows('kpi-pulse-team-scorecards', 'KPIs on the latest cards', {
      org: 'O1',
      scorecard: 'cs-supervisor-monthly',
    });
    expect(team.rows.length).toBeGreaterThan(TEAMS * 5);
    for (const row of team.rows) {
      const kpi = evaluated('cs-supervisor-monthly', 'team', row.team as string).kpis.find((k) => k.kpi === row.kpi);
      expect({
        row: `${String(row.team)} ${String(row.kpi)}`,
        actual: round(row.actual),
        target: round(row.target),
      }).toEqual({
        row: `${String(row.team)} ${String(row.kpi)}`,
        actual: round(kpi?.actual ?? null),
        target: round(kpi?.target),
      });
    }
    const agent = await panelRows('kpi-pulse-agent-drilldown', "The agent's KPIs now", {
      org: 'O1',
      team: 'O1-T2',
      agent: 'O1-T2-A3',
      scorecard: 'presales-cs-monthly',
    });
    expect(agent.rows.length).toBeGreaterThan(3);
    const card = evaluated('presales-cs-monthly', 'agent', 'O1-T2-A3');
    for (const row of agent.rows) {
      const kpi = card.kpis.find((k) => k.kpi === row.kpi);
      expect({ kpi: row.kpi, actual: round(row.actual), target: round(row.target) }).toEqual({
        kpi: row.kpi,
        actual: round(kpi?.actual ?? null),
        target: round(kpi?.target),
      });
    }
  });

  it('evaluates every PromQL expression and variable on a real Prometheus scraping the pipeline: each returns series', async () => {
    const dashboard = byUid('kpi-pulse-pipeline-health');
    const instance = new URL(base).host;
    const variable = dashboard.templating.list.find((v) => v.name === 'instance') as Variable;
    const match = /^label_values\((\w+), (\w+)\)$/.exec(variable.query as string);
    expect(match).not.toBeNull();
    // the pipeline has been scraped for a while, through the stream
    await until(
      async () => (await prometheus.labelValues('instance', match?.[1] as string)).includes(instance),
      30_000,
    );
    expect(await prometheus.labelValues(match?.[2] as string, match?.[1] as string)).toContain(instance);
    const selections: Selections[] = [
      { instance: { multi: true, includeAll: true, value: { allValue: variable.allValue as string } } },
      { instance: { multi: true, includeAll: true, value: instance } },
      { instance: { multi: true, includeAll: true, value: [instance, 'elsewhere:9'] } },
    ];
    const to = new Date();
    let evaluated = 0;
    for (const panel of dashboard.panels)
      for (const target of panel.targets ?? [])
        for (const selection of selections) {
          const expr = expandPromQL(target.expr as string, selection, 1000, prometheus.scrapeMs);
          expect(expr).not.toMatch(/\$/);
          const series = await prometheus.queryRange(expr, streamedFrom, to, 1);
          expect(series.length, `${panel.title}: ${expr}`).toBeGreaterThan(0);
          evaluated++;
        }
    expect(evaluated).toBeGreaterThan(20);
  });
});
