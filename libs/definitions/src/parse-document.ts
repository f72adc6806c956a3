import type { DefinitionIssue } from './definition-issue';
import type { DefinitionOrigin, DefinitionOrigins } from './definition-origins';
import type { IndicatorDef, OrgSettings, ScorecardDef } from './model';
import { describe, itemPath, readList, readMapping, report, type ParseContext } from './parse-context';
import { parseIndicator } from './parse-indicator';
import { parseOrg } from './parse-org';
import { parseScorecard } from './parse-scorecard';

export const API_VERSION = 'kpi-pulse/v1';
const DOCUMENT_KEYS = ['apiVersion', 'orgs', 'indicators', 'scorecards'] as const;

export interface DefinitionLists {
  orgs: OrgSettings[];
  indicators: IndicatorDef[];
  scorecards: ScorecardDef[];
}

export interface ParsedDocument {
  definitions: DefinitionLists;
  origins: DefinitionOrigins;
  errors: DefinitionIssue[];
}

function parseSection<T>(
  ctx: ParseContext,
  value: unknown,
  key: string,
  parse: (ctx: ParseContext, value: unknown, path: string) => T | undefined,
  into: T[],
  origins: DefinitionOrigin[],
): void {
  if (value === undefined || value === null) return;
  const list = readList(ctx, value, key);
  list?.forEach((item, i) => {
    const path = itemPath(key, i);
    const parsed = parse(ctx, item, path);
    if (parsed === undefined) return;
    into.push(parsed);
    origins.push({ file: ctx.file, path });
  });
}

// One YAML/JSON document, already read into plain values, → the model with defaults applied.
// Entries too broken to key on are left out; every problem is in `errors` (warnings included).
export function parseDefinitionDocument(doc: unknown, file: string): ParsedDocument {
  const ctx: ParseContext = { file, issues: [] };
  const definitions: DefinitionLists = { orgs: [], indicators: [], scorecards: [] };
  const origins = {
    orgs: [] as DefinitionOrigin[],
    indicators: [] as DefinitionOrigin[],
    scorecards: [] as DefinitionOrigin[],
  };
  const result = { definitions, origins, errors: ctx.issues };
  if (doc === null || doc === undefined) {
    report(ctx, '', 'the file is empty', 'warning');
    return result;
  }
  const map = readMapping(ctx, doc, '', DOCUMENT_KEYS);
  if (map === undefined) return result;
  const apiVersion = map['apiVersion'];
  if (apiVersion === undefined) report(ctx, 'apiVersion', `missing required key "apiVersion" (${API_VERSION})`);
  else if (apiVersion !== API_VERSION) {
    report(ctx, 'apiVersion', `expected ${API_VERSION}, got ${describe(apiVersion)}`);
    return result;
  }
  parseSection(ctx, map['orgs'], 'orgs', parseOrg, definitions.orgs, origins.orgs);
  parseSection(ctx, map['indicators'], 'indicators', parseIndicator, definitions.indicators, origins.indicators);
  parseSection(ctx, map['scorecards'], 'scorecards', parseScorecard, definitions.scorecards, origins.scorecards);
  return result;
}
