import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { format, resolveConfig } from 'prettier';
import { loadDefinitions } from '#libs/definitions';
import { agentDrilldown } from './agent-drilldown.dashboard';
import { pipelineHealth } from './pipeline-health.dashboard';
import { redLines } from './red-lines.dashboard';
import { teamScorecards } from './team-scorecards.dashboard';

export const DASHBOARDS_DIR = join(__dirname, '..');

// Every dashboard by file name, in the time zone of the seed definitions' org (the one `up` loads): axes
// and local days read as the scorecards' own calendar.
export function dashboards(): Record<string, Dashboard> {
  const { set } = loadDefinitions(join(DASHBOARDS_DIR, '..', 'definitions', 'seed'));
  const timeZone = set.orgs[0]?.timeZone ?? 'browser';
  return {
    'team-scorecards.json': teamScorecards(timeZone),
    'agent-drilldown.json': agentDrilldown(timeZone),
    'red-lines.json': redLines(timeZone),
    'pipeline-health.json': pipelineHealth(timeZone),
  };
}

// the file as committed: formatted as the repository's Prettier formats JSON, so `npm test`'s format
// check and the generator agree
export async function dashboardJson(file: string, dashboard: Dashboard): Promise<string> {
  const path = join(DASHBOARDS_DIR, file);
  return format(JSON.stringify(dashboard), { ...(await resolveConfig(path)), filepath: path });
}

async function main(): Promise<void> {
  for (const [file, dashboard] of Object.entries(dashboards())) {
    writeFileSync(join(DASHBOARDS_DIR, file), await dashboardJson(file, dashboard));
    process.stdout.write(`dashboards/${file}\n`);
  }
}

if (require.main === module) void main();
