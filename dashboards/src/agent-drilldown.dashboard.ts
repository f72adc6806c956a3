import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as Table } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeSeries } from '@grafana/grafana-foundation-sdk/timeseries';
import { baseDashboard, grid, targetStyle, totalsPanel } from './panels';
import {
  both,
  kpiVariable,
  latestKpis,
  orgVariable,
  scorecardVariable,
  SqlQuery,
  sqlVariable,
  teamVariable,
} from './queries';

const AGENT_CARDS = `org_id = '$org' AND level = 'agent' AND entity_id = '$agent' AND scorecard = '$scorecard'`;

// The median over the team's agents (as the roster has them now) of each agent's last value of each
// local day: `value` is a column of reporting.kpi_history or scorecard_history, `where` narrows its rows.
const teamMedian = (view: string, value: string, where: string) => `
  SELECT (d.local_date::timestamp AT TIME ZONE d.time_zone) AS time,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY d.value) AS "team median"
  FROM (SELECT DISTINCT ON (h.entity_id, h.local_date) h.local_date, h.time_zone, h.${value} AS value
        FROM reporting.${view} h
        JOIN reporting.agents a ON a.org_id = h.org_id AND a.agent_id = h.entity_id AND a.team_id = '$team'
          AND a.valid_to IS NULL
        WHERE $__timeFilter(h.at) AND h.org_id = '$org' AND h.level = 'agent' AND h.scorecard = '$scorecard' ${where}
        ORDER BY h.entity_id, h.local_date, h.at DESC) d
  GROUP BY 1 ORDER BY 1`;

// Agent drill-down: one agent's total and KPIs over time, against target and against the team median.
export function agentDrilldown(timeZone: string): Dashboard {
  return baseDashboard(
    'kpi-pulse-agent-drilldown',
    both('KPI Pulse: agent drill-down', '坐席下钻'),
    timeZone,
    "An agent's KPIs over time against target and the team median, from the reporting schema",
  )
    .withVariable(orgVariable())
    .withVariable(teamVariable(false))
    .withVariable(
      sqlVariable(
        'agent',
        'Agent · 坐席',
        `SELECT agent_id AS __value, name AS __text FROM reporting.agents
         WHERE org_id = '$org' AND team_id = '$team' AND valid_to IS NULL`,
      ),
    )
    .withVariable(scorecardVariable(`level = 'agent' AND entity_id = '$agent'`))
    .withVariable(kpiVariable(`level = 'agent' AND entity_id = '$agent'`))
    .withPanel(
      totalsPanel()
        .title(both('Total against the team median', '总分与团队中位数'))
        .gridPos(grid(0, 0, 24, 8))
        .withTarget(
          new SqlQuery(
            `SELECT at AS time, total AS agent FROM reporting.scorecard_history
             WHERE $__timeFilter(at) AND ${AGENT_CARDS} ORDER BY 1`,
          ),
        )
        .withTarget(new SqlQuery(teamMedian('scorecard_history', 'total', ''), 'time_series', 'B'))
        .overrideByName('team median', targetStyle)
        .timezone([timeZone]),
    )
    .withPanel(
      new TimeSeries()
        .title(both('$kpi: agent, target, team median', '$kpi：坐席、目标、团队中位数'))
        .gridPos(grid(0, 8, 12, 8))
        .repeat('kpi')
        .repeatDirection('h')
        .maxPerRow(2)
        .withTarget(
          new SqlQuery(
            `SELECT at AS time, actual AS agent FROM reporting.kpi_history
             WHERE $__timeFilter(at) AND ${AGENT_CARDS} AND kpi IN ($kpi) ORDER BY 1`,
          ),
        )
        .withTarget(
          new SqlQuery(
            `SELECT $__timeGroupAlias(at, '1h'), max(target) AS target FROM reporting.kpi_history
             WHERE $__timeFilter(at) AND ${AGENT_CARDS} AND kpi IN ($kpi) GROUP BY 1 ORDER BY 1`,
            'time_series',
            'B',
          ),
        )
        .withTarget(new SqlQuery(teamMedian('kpi_history', 'actual', 'AND h.kpi IN ($kpi)'), 'time_series', 'C'))
        .overrideByName('target', targetStyle)
        .overrideByName('team median', [{ id: 'custom.lineStyle', value: { fill: 'dot', dash: [0, 10] } }])
        .decimals(2)
        .timezone([timeZone]),
    )
    .withPanel(
      new Table()
        .title(both("The agent's KPIs now", '坐席当前指标'))
        .gridPos(grid(0, 16, 24, 10))
        .withTarget(
          latestKpis('k.kpi, k.name_en, k.name_zh, k.dimension', `k.level = 'agent' AND k.entity_id = '$agent'`, '1'),
        )
        .decimals(2),
    )
    .build();
}
