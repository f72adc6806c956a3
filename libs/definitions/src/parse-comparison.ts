import type { Comparison } from './model';
import { childPath, expected, isMapping, oneOfMessage, report, type ParseContext } from './parse-context';

export const COMPARISON_OPS: readonly Comparison['op'][] = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte'];

// `{ gt: 0 }` → { op: 'gt', value: 0 }: exactly one operator with a number.
export function parseComparison(ctx: ParseContext, value: unknown, path: string): Comparison | undefined {
  if (!isMapping(value)) {
    expected(ctx, path, `a comparison such as { lte: 0 } (${COMPARISON_OPS.join(', ')})`, value);
    return undefined;
  }
  const keys = Object.keys(value);
  const [key] = keys;
  if (keys.length !== 1 || key === undefined) {
    report(ctx, path, `expected exactly one operator (${COMPARISON_OPS.join(', ')}), got ${keys.length}`);
    return undefined;
  }
  const op = COMPARISON_OPS.find((o) => o === key);
  if (op === undefined) {
    report(ctx, childPath(path, key), `unknown operator "${key}"; ${oneOfMessage(key, COMPARISON_OPS)}`);
    return undefined;
  }
  const operand = value[key];
  if (typeof operand !== 'number' || !Number.isFinite(operand)) {
    expected(ctx, childPath(path, key), 'a number', operand);
    return undefined;
  }
  return { op, value: operand };
}
