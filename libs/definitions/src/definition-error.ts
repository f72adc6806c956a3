import { formatIssue, type DefinitionIssue } from './definition-issue';

// Thrown by callers that cannot go on with invalid definitions (the live pipeline at start-up).
export class DefinitionError extends Error {
  readonly code = 'DEFINITIONS_INVALID';
  readonly issues: readonly DefinitionIssue[];

  constructor(issues: readonly DefinitionIssue[]) {
    const errors = issues.filter((i) => i.severity === 'error');
    super(`invalid definitions (${errors.length} errors):\n${errors.map(formatIssue).join('\n')}`);
    this.name = 'DefinitionError';
    this.issues = issues;
  }
}

export function assertValidDefinitions(issues: readonly DefinitionIssue[]): void {
  if (issues.some((i) => i.severity === 'error')) throw new DefinitionError(issues);
}
