// Polls a condition until it holds or the time is up (then returns anyway: the test's own assertions
// say what did not happen).
export async function until(condition: () => Promise<boolean>, timeoutMs = 10_000, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, intervalMs));
}
