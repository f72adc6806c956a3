export type IssueSeverity = 'error' | 'warning';

// One problem in the definitions: the file, the path inside it (`scorecards[0].kpis[3].weight`) and
// what is wrong there.
export interface DefinitionIssue {
  file: string;
  path: string;
  message: string;
  severity: IssueSeverity;
}

export function formatIssue(issue: DefinitionIssue): string {
  return issue.path === '' ? `${issue.file}: ${issue.message}` : `${issue.file}: ${issue.path}: ${issue.message}`;
}

export function hasErrors(issues: readonly DefinitionIssue[]): boolean {
  return issues.some((i) => i.severity === 'error');
}
