// Where each definition of a set was written: parallel to the set's lists, so that cross-checks can
// name the file and the path inside it.
export interface DefinitionOrigin {
  file: string;
  path: string; // `scorecards[2]`
}

export interface DefinitionOrigins {
  orgs: readonly DefinitionOrigin[];
  indicators: readonly DefinitionOrigin[];
  scorecards: readonly DefinitionOrigin[];
  // what set-wide findings (no default org) are reported against: the file or directory loaded
  root?: string;
}

const DEFAULT_FILE = '<definitions>';

export function rootOf(origins: DefinitionOrigins | undefined): string {
  return origins?.root ?? DEFAULT_FILE;
}

export type DefinitionKind = 'orgs' | 'indicators' | 'scorecards';

export function originOf(
  origins: DefinitionOrigins | undefined,
  kind: DefinitionKind,
  index: number,
): DefinitionOrigin {
  return origins?.[kind][index] ?? { file: origins?.root ?? DEFAULT_FILE, path: `${kind}[${index}]` };
}
