import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { QueryVariableBuilder, VariableRefresh } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as TimeSeries } from '@grafana/grafana-foundation-sdk/timeseries';
import { baseDashboard, grid } from './panels';
import { both, PROMETHEUS, promQuery } from './queries';

const ON = '{instance=~"$instance"}';
const quantiles = (metric: string) =>
  [0.5, 0.95, 0.99].map((q, i) =>
    promQuery(
      `histogram_quantile(${q}, sum by (le) (rate(${metric}_bucket${ON}[$__rate_interval])))`,
      `p${q * 100}`,
      String.fromCharCode(65 + i),
    ),
  );

// Pipeline health from Prometheus (the metrics of services/runtime/src/metrics.ts).
export function pipelineHealth(timeZone: string): Dashboard {
  const panel = (title: string, x: number, y: number, unit: string) =>
    new TimeSeries()
      .title(title)
      .gridPos(grid(x, y, 12, 8))
      .unit(unit)
      .timezone([timeZone]);
  return baseDashboard(
    'kpi-pulse-pipeline-health',
    both('KPI Pulse: pipeline health', '管道健康'),
    timeZone,
    'Ingest, processing, scoring and delivery of the live pipeline, from Prometheus',
  )
    .time({ from: 'now-1h', to: 'now' })
    .refresh('30s')
    .withVariable(
      new QueryVariableBuilder('instance')
        .label('Instance · 实例')
        .datasource(PROMETHEUS)
        .query('label_values(kpi_events_in_total, instance)')
        .refresh(VariableRefresh.OnTimeRangeChanged)
        .multi(true)
        .includeAll(true)
        .allValue('.*'),
    )
    .withPanel(
      panel(both('Events by outcome', '按结果的事件速率'), 0, 0, 'ops')
        .withTarget(promQuery(`sum by (outcome) (rate(kpi_events_total${ON}[$__rate_interval]))`, '{{outcome}}'))
        .decimals(1),
    )
    .withPanel(
      panel(both('Rejected by stage and code', '按原因的拒收'), 12, 0, 'ops')
        .withTarget(
          promQuery(`sum by (stage, code) (rate(kpi_rejected_total${ON}[$__rate_interval]))`, '{{stage}} {{code}}'),
        )
        .decimals(2),
    )
    .withPanel(
      panel(both('Consumer lag', '消费延迟'), 0, 8, 'none')
        .withTarget(promQuery(`max by (instance) (kpi_consumer_lag_events${ON})`, '{{instance}}'))
        .decimals(0)
        .min(0),
    )
    .withPanel(
      panel(both('Fold and flush time (p95)', '折叠与写入耗时 (p95)'), 12, 8, 's')
        .withTarget(
          promQuery(
            `histogram_quantile(0.95, sum by (le) (rate(kpi_fold_seconds_bucket${ON}[$__rate_interval])))`,
            'fold p95',
          ),
        )
        .withTarget(
          promQuery(
            `histogram_quantile(0.95, sum by (le) (rate(kpi_flush_seconds_bucket${ON}[$__rate_interval])))`,
            'flush p95',
            'B',
          ),
        )
        .decimals(3),
    )
    .withPanel(
      panel(both('Scoring round time', '评分轮次耗时'), 0, 16, 's').targets(quantiles('kpi_score_seconds')).decimals(3),
    )
    .withPanel(
      panel(both('End-to-end latency', '端到端延迟'), 12, 16, 's')
        .description('From durable acceptance at ingest to the scorecard update leaving the gateway')
        .targets(quantiles('kpi_end_to_end_seconds'))
        .decimals(3),
    )
    .withPanel(
      panel(both('Scorecard sockets', '记分卡连接数'), 0, 24, 'none')
        .withTarget(promQuery(`sum by (instance) (kpi_gateway_sockets${ON})`, '{{instance}}'))
        .decimals(0)
        .min(0),
    )
    .withPanel(
      panel(both('Alert transitions', '告警状态变化'), 12, 24, 'ops')
        .description('Alert rule instances that fired or resolved')
        .withTarget(promQuery(`sum(rate(kpi_alert_transitions_total${ON}[$__rate_interval]))`, 'fired or resolved'))
        .decimals(2),
    )
    .build();
}
