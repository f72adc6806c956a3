// A mistake in the command line or the definitions: exit code 2 with the reason.
export class UsageError extends Error {
  readonly code = 'usage';
}
