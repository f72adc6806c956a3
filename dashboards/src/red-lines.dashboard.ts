import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as Stat } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as StateTimeline } from '@grafana/grafana-foundation-sdk/statetimeline';
import { PanelBuilder as Table } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeSeries } from '@grafana/grafana-foundation-sdk/timeseries';
import { GraphDrawStyle } from '@grafana/grafana-foundation-sdk/common';
import { MappingType, ThresholdsConfigBuilder, ThresholdsMode } from '@grafana/grafana-foundation-sdk/dashboard';
import { baseDashboard, grid } from './panels';
import { both, orgVariable, SqlQuery, teamVariable } from './queries';

const BREACHES = `org_id = '$org' AND team_id IN ($team)`;
const OPEN = both('open', '触线中');
const RESOLVED = both('resolved', '已解除');
// the period ended with the red line still crossed: no longer open, never resolved
const ENDED = both('ended with its period', '随周期结束');

// any open breach is red
const anyIsRed = () =>
  new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([
    { value: null, color: 'green' },
    { value: 1, color: 'red' },
  ]);

// Red lines and alerts: breaches opened and resolved, by KPI and team, how long they stay open, and the
// alert rules' episodes.
export function redLines(timeZone: string): Dashboard {
  return baseDashboard(
    'kpi-pulse-red-lines',
    both('KPI Pulse: red lines and alerts', '红线与告警'),
    timeZone,
    'Red-line breaches and alert episodes by KPI and team, from the reporting schema',
  )
    .withVariable(orgVariable())
    .withVariable(teamVariable(true))
    .withPanel(
      new Stat()
        .title(both('Breaches open now', '当前触线'))
        .description('Breaches of periods still running; one whose period ended unresolved is counted as ended')
        .gridPos(grid(0, 0, 6, 5))
        .withTarget(
          new SqlQuery(
            `SELECT count(*) AS breaches FROM reporting.red_line_breaches WHERE ${BREACHES} AND state = 'open'`,
            'table',
          ),
        )
        .unit('none')
        .decimals(0)
        .thresholds(anyIsRed()),
    )
    .withPanel(
      new Stat()
        .title(both('Mean time to resolve', '平均解除时长'))
        .description('Event time from the card that showed the breach to the first card without it')
        .gridPos(grid(6, 0, 6, 5))
        .withTarget(
          new SqlQuery(
            `SELECT avg(extract(epoch FROM resolved_at - opened_at)) AS seconds FROM reporting.red_line_breaches
             WHERE $__timeFilter(opened_at) AND ${BREACHES} AND resolved_at IS NOT NULL`,
            'table',
          ),
        )
        .unit('s')
        .decimals(0),
    )
    .withPanel(
      new Stat()
        .title(both('Alerts firing now', '当前告警'))
        .gridPos(grid(12, 0, 6, 5))
        .withTarget(
          new SqlQuery(
            `SELECT count(*) AS alerts FROM reporting.alerts WHERE ${BREACHES} AND resolved_at IS NULL`,
            'table',
          ),
        )
        .unit('none')
        .decimals(0)
        .thresholds(anyIsRed()),
    )
    .withPanel(
      new TimeSeries()
        .title(both('Breaches opened and resolved per day', '每日触线与解除'))
        .gridPos(grid(0, 5, 24, 8))
        .withTarget(
          new SqlQuery(
            `SELECT $__timeGroupAlias(opened_at, '1d'), kpi || ' · ${OPEN}' AS metric, count(*) AS breaches
             FROM reporting.red_line_breaches WHERE $__timeFilter(opened_at) AND ${BREACHES}
             GROUP BY 1, 2 ORDER BY 1`,
          ),
        )
        .withTarget(
          new SqlQuery(
            `SELECT $__timeGroupAlias(resolved_at, '1d'), kpi || ' · ${RESOLVED}' AS metric, count(*) AS breaches
             FROM reporting.red_line_breaches WHERE $__timeFilter(resolved_at) AND ${BREACHES}
             GROUP BY 1, 2 ORDER BY 1`,
            'time_series',
            'B',
          ),
        )
        .withTarget(
          new SqlQuery(
            `SELECT $__timeGroupAlias(closed_at, '1d'), kpi || ' · ${ENDED}' AS metric, count(*) AS breaches
             FROM reporting.red_line_breaches WHERE state = 'ended' AND $__timeFilter(closed_at) AND ${BREACHES}
             GROUP BY 1, 2 ORDER BY 1`,
            'time_series',
            'C',
          ),
        )
        .drawStyle(GraphDrawStyle.Bars)
        .fillOpacity(70)
        .unit('none')
        .decimals(0)
        .timezone([timeZone]),
    )
    .withPanel(
      new StateTimeline()
        .title(both('Breaches by team and KPI', '按团队与指标的触线'))
        .gridPos(grid(0, 13, 24, 9))
        .withTarget(
          new SqlQuery(
            `SELECT time, breach, state FROM (
               SELECT opened_at AS time, coalesce(team_id, '-') || ' · ' || entity_id || ' · ' || kpi AS breach,
                      '${OPEN}' AS state
               FROM reporting.red_line_breaches
               WHERE ${BREACHES} AND opened_at <= $__timeTo() AND (closed_at IS NULL OR closed_at >= $__timeFrom())
               UNION ALL
               SELECT closed_at, coalesce(team_id, '-') || ' · ' || entity_id || ' · ' || kpi,
                      CASE state WHEN 'resolved' THEN '${RESOLVED}' ELSE '${ENDED}' END
               FROM reporting.red_line_breaches WHERE ${BREACHES} AND $__timeFilter(closed_at)) s
             ORDER BY 1`,
            'table',
          ),
        )
        .withTransformation({ id: 'partitionByValues', options: { fields: ['breach'], keepFields: false } })
        .mappings([
          {
            type: MappingType.ValueToText,
            options: {
              [OPEN]: { color: 'red', index: 0 },
              [RESOLVED]: { color: 'green', index: 1 },
              [ENDED]: { color: 'orange', index: 2 },
            },
          },
        ])
        .timezone([timeZone]),
    )
    .withPanel(
      new Table()
        .title(both('Time to resolve by KPI and team', '按指标与团队的解除时长'))
        .gridPos(grid(0, 22, 12, 9))
        .withTarget(
          new SqlQuery(
            `SELECT team_id AS team, kpi, count(*) AS breaches, count(resolved_at) AS resolved,
                    count(*) FILTER (WHERE state = 'ended') AS ended_unresolved,
                    avg(extract(epoch FROM resolved_at - opened_at)) AS mean_seconds_to_resolve
             FROM reporting.red_line_breaches WHERE $__timeFilter(opened_at) AND ${BREACHES}
             GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2`,
            'table',
          ),
        )
        .overrideByName('mean_seconds_to_resolve', [
          { id: 'unit', value: 's' },
          { id: 'decimals', value: 0 },
        ]),
    )
    .withPanel(
      new Table()
        .title(both('Breaches', '触线明细'))
        .gridPos(grid(12, 22, 12, 9))
        .withTarget(
          new SqlQuery(
            `SELECT opened_at, closed_at, state, team_id AS team, entity_id AS entity, level, scorecard, kpi, effect
             FROM reporting.red_line_breaches WHERE $__timeFilter(opened_at) AND ${BREACHES}
             ORDER BY opened_at DESC LIMIT 500`,
            'table',
          ),
        ),
    )
    .withPanel(
      new Table()
        .title(both('Alert episodes', '告警记录'))
        .description('Alert rules that fired in the time range (fired_at as Unix seconds against the range)')
        .gridPos(grid(0, 31, 24, 9))
        .withTarget(
          new SqlQuery(
            `SELECT fired_at, resolved_at, severity, name_en, name_zh, team_id AS team, entity_id AS entity, kpi, value
             FROM (SELECT *, extract(epoch FROM fired_at) AS fired_epoch FROM reporting.alerts) a
             WHERE $__unixEpochFilter(fired_epoch) AND ${BREACHES}
             ORDER BY fired_at DESC LIMIT 500`,
            'table',
          ),
        )
        .decimals(2),
    )
    .build();
}
