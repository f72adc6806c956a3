import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DASHBOARDS_DIR, DOC, dashboardJson, dashboards, documented } from './generate';

// dashboards/*.json are the generator's output, never edited by hand: `npm run dashboards` rewrites them
describe('dashboards/*.json', () => {
  const generated = dashboards();

  it('are exactly the generated dashboards, no more', () => {
    const committed = readdirSync(DASHBOARDS_DIR).filter((f) => f.endsWith('.json'));
    expect(committed.sort()).toEqual(Object.keys(generated).sort());
  });

  it.each(Object.keys(generated))('%s is what the generator writes (run `npm run dashboards`)', async (file) => {
    const committed = readFileSync(join(DASHBOARDS_DIR, file), 'utf8');
    expect(committed).toBe(await dashboardJson(file, generated[file] as (typeof generated)[string]));
  });

  it("docs/grafana.md's panel tables are the dashboards' (run `npm run dashboards`)", async () => {
    const doc = readFileSync(DOC, 'utf8');
    expect(doc).toBe(await documented(doc, generated));
  });

  it('gives each dashboard its own uid and every panel a title in English and Chinese', () => {
    const uids = Object.values(generated).map((d) => d.uid);
    expect(new Set(uids).size).toBe(uids.length);
    for (const d of Object.values(generated))
      for (const panel of d.panels ?? []) expect(panel.title, d.uid).toMatch(/^[^·]+ · .*\p{Script=Han}/u);
  });
});
