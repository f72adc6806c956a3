import type { DefinitionIssue } from './definition-issue';
import type { DefinitionOrigin, DefinitionOrigins } from './definition-origins';
import type { DefinitionSet, IndicatorDef, OrgSettings, ScorecardDef } from './model';
import type { ParsedDocument } from './parse-document';
import { lintSmart } from './smart-lint';
import { validateDefinitions } from './validate-definitions';

export interface LoadedDefinitions {
  set: DefinitionSet;
  issues: DefinitionIssue[];
  origins: DefinitionOrigins;
}

// Merges parsed files in the order given, then cross-checks and lints the whole: an id defined in
// two files is reported by validateDefinitions, naming both.
export function combineDefinitions(documents: readonly ParsedDocument[], root?: string): LoadedDefinitions {
  const orgs: OrgSettings[] = [];
  const indicators: IndicatorDef[] = [];
  const scorecards: ScorecardDef[] = [];
  const origins = {
    orgs: [] as DefinitionOrigin[],
    indicators: [] as DefinitionOrigin[],
    scorecards: [] as DefinitionOrigin[],
  };
  const issues: DefinitionIssue[] = [];
  for (const doc of documents) {
    orgs.push(...doc.definitions.orgs);
    indicators.push(...doc.definitions.indicators);
    scorecards.push(...doc.definitions.scorecards);
    origins.orgs.push(...doc.origins.orgs);
    origins.indicators.push(...doc.origins.indicators);
    origins.scorecards.push(...doc.origins.scorecards);
    issues.push(...doc.errors);
  }
  const set: DefinitionSet = { orgs, indicators, scorecards };
  const withRoot: DefinitionOrigins = root === undefined ? origins : { ...origins, root };
  issues.push(...validateDefinitions(set, withRoot), ...lintSmart(set, withRoot));
  return { set, issues, origins: withRoot };
}
