// The (source, id) pair as one string. The source is length-prefixed so that no two pairs share a key:
// ('a|b', 'c') and ('a', 'b|c') give '3:a|b:c' and '1:a:b|c'.
export function idempotencyKey(e: { source: string; id: string }): string {
  return `${e.source.length}:${e.source}:${e.id}`;
}
