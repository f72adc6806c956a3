import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import { GraphThresholdsStyleMode } from '@grafana/grafana-foundation-sdk/common';
import { PanelBuilder as TimeSeries } from '@grafana/grafana-foundation-sdk/timeseries';
import {
  DashboardBuilder,
  DashboardCursorSync,
  TextBoxVariableBuilder,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  VariableHide,
  type ThresholdsConfig,
} from '@grafana/grafana-foundation-sdk/dashboard';

// What every dashboard shares: its uid and tags, the org's time zone for axes and local days (the seed
// org's; generate.ts reads it from the definitions), and a refresh that follows the live pipeline.
export function baseDashboard(uid: string, title: string, timeZone: string, description: string): DashboardBuilder {
  return new DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags(['kpi-pulse'])
    .timezone(timeZone)
    .tooltip(DashboardCursorSync.Crosshair)
    .time({ from: 'now-30d', to: 'now' })
    .refresh('1m')
    .readonly();
}

// where the live scorecard page is served (the scorecard gateway); a link opens #/team/<org>/<team> there
export const scorecardUrlVariable = () =>
  new TextBoxVariableBuilder('scorecard_url')
    .label('Scorecard page · 记分卡页面')
    .defaultValue('http://localhost:8080')
    .hide(VariableHide.HideVariable);

// a card's total out of 100, coloured at the seed's grade floors (D below 70, C, B from 80, A from 90)
export const totalThresholds = (): cog.Builder<ThresholdsConfig> =>
  new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([
    { value: null, color: 'red' },
    { value: 70, color: 'orange' },
    { value: 80, color: 'yellow' },
    { value: 90, color: 'green' },
  ]);

export const grid = (x: number, y: number, w: number, h: number) => ({ x, y, w, h });

// a card's total over time: out of 100, the grade floors drawn dashed
export const totalsPanel = () =>
  new TimeSeries()
    .unit('none')
    .decimals(1)
    .min(0)
    .max(100)
    .thresholds(totalThresholds())
    .thresholdsStyle({ build: () => ({ mode: GraphThresholdsStyleMode.Dashed }) });

// the target drawn as a dashed line: a series named `target` (or `target …`)
export const targetStyle = [
  { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } },
  { id: 'color', value: { mode: 'fixed', fixedColor: 'blue' } },
  { id: 'custom.lineWidth', value: 2 },
];
