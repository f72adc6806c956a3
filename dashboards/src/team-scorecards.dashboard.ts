import { MappingType, type Dashboard, type ValueMap } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as StateTimeline } from '@grafana/grafana-foundation-sdk/statetimeline';
import { PanelBuilder as Table } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeSeries } from '@grafana/grafana-foundation-sdk/timeseries';
import { GraphDrawStyle } from '@grafana/grafana-foundation-sdk/common';
import { baseDashboard, grid, scorecardUrlVariable, targetStyle, totalsPanel, totalThresholds } from './panels';
import {
  both,
  kpiVariable,
  latestKpis,
  orgVariable,
  scorecardVariable,
  SqlQuery,
  sqlAnnotation,
  teamVariable,
} from './queries';

// the selected teams' cards of the selected scorecard, within the time range
const TEAM_CARDS = `org_id = '$org' AND level = 'team' AND entity_id IN ($team) AND scorecard = '$scorecard'`;

export const GRADE_COLOURS: ValueMap[] = [
  {
    type: MappingType.ValueToText,
    options: {
      A: { color: 'green', index: 0 },
      B: { color: 'yellow', index: 1 },
      C: { color: 'orange', index: 2 },
      D: { color: 'red', index: 3 },
    },
  },
];

// Team scorecards: totals, grades, dimension scores and each KPI against its target, per team, with the
// red lines crossed as annotations and a link from each team to its live scorecard page.
export function teamScorecards(timeZone: string): Dashboard {
  return baseDashboard(
    'kpi-pulse-team-scorecards',
    both('KPI Pulse: team scorecards', '团队记分卡'),
    timeZone,
    'Totals, grades, dimension scores and KPIs against target per team, from the reporting schema',
  )
    .withVariable(orgVariable())
    .withVariable(teamVariable(true))
    .withVariable(scorecardVariable(`level = 'team' AND entity_id IN ($team)`))
    .withVariable(kpiVariable(`level = 'team'`))
    .withVariable(scorecardUrlVariable())
    .annotation(
      sqlAnnotation(
        both('Red lines crossed', '触碰红线'),
        'red',
        `SELECT opened_at AS time, closed_at AS timeend, entity_id || ': ' || kpi || ' (' || effect || ')' AS text,
                scorecard AS tags
         FROM reporting.red_line_breaches
         WHERE $__timeFilter(opened_at) AND org_id = '$org' AND team_id IN ($team)`,
      ),
    )
    .withPanel(
      new Table()
        .title(both('Teams now', '各团队当前'))
        .description('The latest card of each team; the team opens its live scorecard page')
        .gridPos(grid(0, 0, 10, 8))
        .withTarget(
          new SqlQuery(
            `SELECT team, name, total, grade, period, scored_at FROM (
               SELECT DISTINCT ON (s.entity_id) s.entity_id AS team, t.name, s.total, s.grade, s.period_start AS period,
                      s.scored_at
               FROM reporting.scorecards s JOIN reporting.teams t ON t.org_id = s.org_id AND t.team_id = s.entity_id
               WHERE s.org_id = '$org' AND s.level = 'team' AND s.entity_id IN ($team) AND s.scorecard = '$scorecard'
               ORDER BY s.entity_id, s.period_start DESC) latest
             ORDER BY total DESC NULLS LAST`,
            'table',
          ),
        )
        .decimals(1)
        .thresholds(totalThresholds())
        .overrideByName('team', [
          {
            id: 'links',
            value: [
              {
                title: both('Live scorecard', '实时记分卡'),
                url: '${scorecard_url}/#/team/${org}/${__value.raw}',
                targetBlank: true,
              },
            ],
          },
        ])
        .overrideByName('grade', [{ id: 'mappings', value: GRADE_COLOURS }]),
    )
    .withPanel(
      totalsPanel()
        .title(both('Total by team', '各团队总分'))
        .gridPos(grid(10, 0, 14, 8))
        .withTarget(
          new SqlQuery(
            `SELECT at AS time, entity_id AS metric, total FROM reporting.scorecard_history
             WHERE $__timeFilter(at) AND ${TEAM_CARDS} ORDER BY 1`,
          ),
        )
        .timezone([timeZone]),
    )
    .withPanel(
      new StateTimeline()
        .title(both('Grade by team', '各团队等级'))
        .gridPos(grid(0, 8, 12, 7))
        .withTarget(
          new SqlQuery(
            `SELECT at AS time, entity_id AS team, grade FROM reporting.scorecard_history
             WHERE $__timeFilter(at) AND ${TEAM_CARDS} ORDER BY 1`,
            'table',
          ),
        )
        .withTransformation({ id: 'partitionByValues', options: { fields: ['team'], keepFields: false } })
        .mappings(GRADE_COLOURS)
        .timezone([timeZone]),
    )
    .withPanel(
      new TimeSeries()
        .title(both('Dimension scores', '维度得分'))
        .gridPos(grid(12, 8, 12, 7))
        .withTarget(
          new SqlQuery(
            `SELECT at AS time, entity_id || ' · ' || dimension AS metric, score FROM reporting.dimension_score_history
             WHERE $__timeFilter(at) AND ${TEAM_CARDS} ORDER BY 1`,
          ),
        )
        .unit('none')
        .decimals(1)
        .min(0)
        .timezone([timeZone]),
    )
    .withPanel(
      new TimeSeries()
        .title(both("Total at each local day's end", '每日（当地）收盘总分'))
        .description("The last total of each day in the org's time zone")
        .gridPos(grid(0, 15, 24, 7))
        .withTarget(
          new SqlQuery(
            `SELECT time, metric, total FROM (
               SELECT DISTINCT ON (entity_id, local_date) (local_date::timestamp AT TIME ZONE time_zone) AS time,
                      entity_id AS metric, total
               FROM reporting.scorecard_history
               WHERE $__timeFilter(at) AND ${TEAM_CARDS}
               ORDER BY entity_id, local_date, at DESC) daily
             ORDER BY 1`,
          ),
        )
        .drawStyle(GraphDrawStyle.Bars)
        .fillOpacity(60)
        .unit('none')
        .decimals(1)
        .min(0)
        .max(100)
        .thresholds(totalThresholds())
        .timezone([timeZone]),
    )
    .withPanel(
      new TimeSeries()
        .title(both('$kpi: actual and target', '$kpi：实际值与目标'))
        .description('Each team’s actual; the dashed line is the target (the threshold drawn)')
        .gridPos(grid(0, 22, 12, 8))
        .repeat('kpi')
        .repeatDirection('h')
        .maxPerRow(2)
        .withTarget(
          new SqlQuery(
            `SELECT at AS time, entity_id AS metric, actual FROM reporting.kpi_history
             WHERE $__timeFilter(at) AND ${TEAM_CARDS} AND kpi IN ($kpi) ORDER BY 1`,
          ),
        )
        .withTarget(
          new SqlQuery(
            `SELECT $__timeGroupAlias(at, '1h'), max(target) AS target FROM reporting.kpi_history
             WHERE $__timeFilter(at) AND ${TEAM_CARDS} AND kpi IN ($kpi) GROUP BY 1 ORDER BY 1`,
            'time_series',
            'B',
          ),
        )
        .overrideByName('target', targetStyle)
        .decimals(2)
        .timezone([timeZone]),
    )
    .withPanel(
      new Table()
        .title(both('KPIs on the latest cards', '最新记分卡的指标'))
        .gridPos(grid(0, 30, 24, 10))
        .withTarget(
          latestKpis(
            'k.entity_id AS team, k.kpi, k.name_en, k.name_zh, k.dimension',
            `k.level = 'team' AND k.entity_id IN ($team)`,
            '1, 2',
          ),
        )
        .decimals(2),
    )
    .build();
}
