import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export interface SeedCard {
  id: string;
  kpis: { id: string; target: number }[];
  grades: unknown[];
}

export interface SeedDocument {
  apiVersion: string;
  orgs: unknown[];
  indicators: { id: string; description?: string }[];
  scorecards: SeedCard[];
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((d) =>
      d.isDirectory() ? yamlFiles(join(dir, d.name)) : d.name.endsWith('.yaml') ? [join(dir, d.name)] : [],
    )
    .sort();
}

// The seed definitions as one KPI-as-code document, as a client would publish them.
export function seedAsOneDocument(dir = 'definitions/seed'): SeedDocument {
  const doc: SeedDocument = { apiVersion: 'kpi-pulse/v1', orgs: [], indicators: [], scorecards: [] };
  for (const file of yamlFiles(dir)) {
    const part = parse(readFileSync(file, 'utf8')) as Partial<SeedDocument>;
    doc.orgs.push(...(part.orgs ?? []));
    doc.indicators.push(...(part.indicators ?? []));
    doc.scorecards.push(...(part.scorecards ?? []));
  }
  return doc;
}
