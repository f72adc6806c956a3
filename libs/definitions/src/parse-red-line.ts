import type { RedLine, RedLineEffect } from './model';
import {
  childPath,
  expected,
  isMapping,
  itemPath,
  readMapping,
  readNumber,
  readString,
  report,
  type ParseContext,
} from './parse-context';
import { parseComparison } from './parse-comparison';

const SIMPLE_EFFECTS = ['veto', 'zero-dimension', 'zero-kpi'] as const;
const EFFECT_HINT = `one of ${SIMPLE_EFFECTS.join(', ')}, { deduct: n }, { capGrade: B }`;

function parseEffect(ctx: ParseContext, value: unknown, path: string): RedLineEffect | undefined {
  if (typeof value === 'string') {
    const kind = SIMPLE_EFFECTS.find((e) => e === value);
    if (kind !== undefined) return { kind };
    expected(ctx, path, EFFECT_HINT, value);
    return undefined;
  }
  if (!isMapping(value) || Object.keys(value).length !== 1) {
    expected(ctx, path, EFFECT_HINT, value);
    return undefined;
  }
  const spec = readMapping(ctx, value, path, ['deduct', 'capGrade']);
  if (spec === undefined) return undefined;
  if (spec['deduct'] !== undefined) {
    const points = readNumber(ctx, spec, 'deduct', path, 'positive', true);
    return points === undefined ? undefined : { kind: 'deduct', points };
  }
  if (spec['capGrade'] !== undefined) {
    const grade = readString(ctx, spec, 'capGrade', path, true);
    return grade === undefined ? undefined : { kind: 'cap-grade', grade };
  }
  return undefined;
}

// `{ when: target-missed | { gt: 0 }, effects: [veto, { deduct: 5 }] }`
export function parseRedLine(ctx: ParseContext, value: unknown, path: string): RedLine | undefined {
  const spec = readMapping(ctx, value, path, ['when', 'effects']);
  if (spec === undefined) return undefined;
  const whenPath = childPath(path, 'when');
  let when: RedLine['when'] | undefined;
  const rawWhen = spec['when'];
  if (rawWhen === undefined) report(ctx, whenPath, 'missing required key "when"');
  else if (rawWhen === 'target-missed') when = 'target-missed';
  else if (typeof rawWhen === 'string')
    expected(ctx, whenPath, 'target-missed or a comparison such as { gt: 0 }', rawWhen);
  else when = parseComparison(ctx, rawWhen, whenPath);

  const effectsPath = childPath(path, 'effects');
  const rawEffects = spec['effects'];
  const effects: RedLineEffect[] = [];
  let ok = true;
  if (rawEffects === undefined) {
    report(ctx, effectsPath, 'missing required key "effects"');
    ok = false;
  } else {
    // one effect may be written without the list
    const items: readonly unknown[] = Array.isArray(rawEffects) ? (rawEffects as readonly unknown[]) : [rawEffects];
    if (items.length === 0) {
      report(ctx, effectsPath, 'expected at least one effect, got an empty list');
      ok = false;
    }
    items.forEach((item, i) => {
      const effect = parseEffect(ctx, item, Array.isArray(rawEffects) ? itemPath(effectsPath, i) : effectsPath);
      if (effect === undefined) ok = false;
      else effects.push(effect);
    });
  }
  return when === undefined || !ok ? undefined : { when, effects };
}
