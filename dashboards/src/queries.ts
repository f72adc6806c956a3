import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { QueryVariableBuilder, VariableRefresh, VariableSort } from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';

// The datasources infra/grafana/provisioning declares, by uid: Postgres as the read-only reporting role,
// and the Prometheus that scrapes every service.
export const POSTGRES: dashboard.DataSourceRef = { type: 'grafana-postgresql-datasource', uid: 'kpi-pulse-postgres' };
export const PROMETHEUS: dashboard.DataSourceRef = { type: 'prometheus', uid: 'kpi-pulse-prometheus' };

// A title in both languages: Grafana has one title per panel, so each carries en and zh
export const both = (en: string, zh: string): string => `${en} · ${zh}`;

// A raw SQL query of Grafana's Postgres datasource (the SDK has no builder for it); `table` for tables,
// state timelines and annotations, `time_series` for a time column and values (long rows become series)
export class SqlQuery implements cog.Builder<cog.Dataquery> {
  constructor(
    private readonly rawSql: string,
    private readonly format: 'time_series' | 'table' = 'time_series',
    private readonly refId = 'A',
  ) {}

  build(): cog.Dataquery {
    return {
      refId: this.refId,
      datasource: POSTGRES,
      editorMode: 'code',
      format: this.format,
      rawQuery: true,
      rawSql: sql(this.rawSql),
      _implementsDataqueryVariant: () => undefined,
    } as cog.Dataquery;
  }
}

export const promQuery = (expr: string, legend: string, refId = 'A') =>
  new DataqueryBuilder().expr(expr).legendFormat(legend).refId(refId).range().datasource(PROMETHEUS);

// A variable whose options a reporting query lists (`__value`, `__text` columns), refreshed with the time range
export function sqlVariable(
  name: string,
  label: string,
  query: string,
  options: { multi?: boolean; includeAll?: boolean } = {},
): cog.Builder<dashboard.VariableModel> {
  return new QueryVariableBuilder(name)
    .label(label)
    .datasource(POSTGRES)
    .query(sql(query))
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc)
    .multi(options.multi ?? false)
    .includeAll(options.includeAll ?? false);
}

// An annotation from a reporting query (`time`, `timeend`, `text`, `tags`). Grafana keeps a SQL
// annotation's query in its target, which the schema types for built-in annotations only.
export function sqlAnnotation(name: string, color: string, query: string): cog.Builder<dashboard.AnnotationQuery> {
  const target = { refId: 'Anno', editorMode: 'code', format: 'table', rawQuery: true, rawSql: sql(query) };
  return {
    build: () => ({
      name,
      datasource: POSTGRES,
      enable: true,
      iconColor: color,
      target: target as unknown as dashboard.AnnotationTarget,
    }),
  };
}

// queries are written indented in the source: one line per clause in the JSON
const sql = (text: string): string =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join('\n');

// The variables the dashboards share: org → team (one, or several with All) → a scorecard of a level that
// the chosen entities have → its KPIs (several, with All: a panel repeats per KPI)
export const orgVariable = () =>
  sqlVariable('org', 'Org · 组织', `SELECT org_id AS __value, org_id AS __text FROM reporting.orgs`);

export const teamVariable = (several: boolean) =>
  sqlVariable(
    'team',
    'Team · 团队',
    `SELECT team_id AS __value, name AS __text FROM reporting.teams WHERE org_id = '$org'`,
    { multi: several, includeAll: several },
  );

export const scorecardVariable = (entities: string) =>
  sqlVariable(
    'scorecard',
    'Scorecard · 记分卡',
    `SELECT DISTINCT scorecard AS __value, name_en || ' · ' || name_zh AS __text FROM reporting.scorecards
     WHERE org_id = '$org' AND ${entities}`,
  );

export const kpiVariable = (entities: string) =>
  sqlVariable(
    'kpi',
    'KPI · 指标',
    `SELECT DISTINCT kpi AS __value, name_en || ' · ' || name_zh AS __text FROM reporting.scorecard_kpis
     WHERE org_id = '$org' AND ${entities} AND scorecard = '$scorecard'`,
    { multi: true, includeAll: true },
  );

// The KPI lines of the selected scorecard's latest card of each of `entities` (a condition on k)
export const latestKpis = (columns: string, entities: string, order: string) =>
  new SqlQuery(
    `SELECT ${columns}, k.actual, k.target, k.score, k.status, k.red_line
     FROM reporting.scorecard_kpis k
     WHERE k.org_id = '$org' AND ${entities} AND k.scorecard = '$scorecard'
       AND k.period_start = (SELECT max(s.period_start) FROM reporting.scorecards s WHERE s.org_id = k.org_id
         AND s.level = k.level AND s.entity_id = k.entity_id AND s.scorecard = k.scorecard)
     ORDER BY ${order}`,
    'table',
  );
