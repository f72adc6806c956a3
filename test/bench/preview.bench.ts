import { combineDefinitions, loadDefinitions, parseDefinitionDocument } from '#libs/definitions';
import { orderingKey } from '#libs/event-log';
import type { CanonicalEvent } from '#libs/events';
import { EventLogRange, PostgresEventLog } from '#libs/postgres';
import { replayPreview } from '#libs/preview';
import { manualIndicatorSpecs, simulate } from '#libs/simulator';
import { migratedTestDatabase } from '../support/postgres';
import { seedWithTarget } from '../support/preview';

export interface PreviewBench {
  events: number;
  loadSeconds: number;
  previewSeconds: number;
  eventsPerSecond: number;
  rssMiB: number;
  cards: number;
  gradeChanges: number;
}

// The what-if preview of a month of 1,000 agents (50 teams of 20, the seed's event mix and reviews) in the
// Postgres log: the events are appended as ingest appends them (not timed), then the seed definitions with
// the supervisors' AHT target changed are previewed a day into the next month, so November is the
// previous period, scored as closed, and December the current one.
export async function benchPreview(
  teams: number,
  agentsPerTeam: number,
  onProgress: (line: string) => void,
): Promise<PreviewBench> {
  const published = loadDefinitions('definitions/seed').set;
  const draft = combineDefinitions([
    parseDefinitionDocument(seedWithTarget('cs-supervisor-monthly', 'aht', 200), 'draft.json'),
  ]).set;
  const manual = manualIndicatorSpecs(published);
  const t = await migratedTestDatabase();
  try {
    const log = new PostgresEventLog(t.db);
    const loadStart = performance.now();
    let batch: CanonicalEvent[] = [];
    let events = 0;
    for (const line of simulate({
      orgs: 1,
      teamsPerOrg: teams,
      agentsPerTeam,
      days: 30,
      start: '2026-11-01',
      seed: 42,
      manualIndicators: manual.indicators,
      reviewers: manual.reviewers,
    })) {
      if (line.kind !== 'valid') continue;
      batch.push(line.event);
      if (batch.length === 5000) {
        await log.append(batch.map((event) => ({ key: orderingKey(event), event })));
        events += batch.length;
        batch = [];
        if (events % 250_000 === 0) onProgress(`  loaded ${events.toLocaleString('en-US')} events`);
      }
    }
    await log.append(batch.map((event) => ({ key: orderingKey(event), event })));
    events += batch.length;
    await t.db.query('ANALYZE event_log');
    const loadSeconds = (performance.now() - loadStart) / 1000;

    let lastShown = 0;
    const start = performance.now();
    const report = await replayPreview({
      orgId: 'O1',
      published,
      draft,
      asOfMs: Date.parse('2026-12-02T12:00:00+08:00'),
      events: new EventLogRange(t.db),
      onProgress: (p) => {
        if (p.events - lastShown < 500_000 && p.events !== p.total) return;
        lastShown = p.events;
        onProgress(`  replayed ${p.events.toLocaleString('en-US')} of ${p.total.toLocaleString('en-US')}`);
      },
    });
    const previewSeconds = (performance.now() - start) / 1000;
    return {
      events: report.replayed.events,
      loadSeconds,
      previewSeconds,
      eventsPerSecond: report.replayed.events / previewSeconds,
      rssMiB: process.memoryUsage().rss / 2 ** 20,
      cards: report.scorecards.reduce((n, d) => n + (d.after?.cards ?? 0), 0),
      gradeChanges: report.scorecards.reduce((n, d) => n + d.changed.grades, 0),
    };
  } finally {
    await t.drop();
  }
}
