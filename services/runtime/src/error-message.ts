// The message of whatever was thrown, for logs and error answers.
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
