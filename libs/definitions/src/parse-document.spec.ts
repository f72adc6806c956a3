import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDefinitionDocument } from './parse-document';
import { sampleDocument } from './sample-definitions.fixture';
import { lintSmart } from './smart-lint';
import { validateDefinitions } from './validate-definitions';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

// Every place in the sample document where a value can be replaced.
function placesOf(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return [path, ...value.flatMap((item, i) => placesOf(item, [...path, i]))];
  if (typeof value === 'object' && value !== null) {
    return [path, ...Object.entries(value).flatMap(([key, item]) => placesOf(item, [...path, key]))];
  }
  return [path];
}

function replaced(doc: unknown, path: readonly (string | number)[], value: Json): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return value;
  if (Array.isArray(doc)) {
    return (doc as readonly unknown[]).map((item, i) => (i === head ? replaced(item, rest, value) : item));
  }
  const record = doc as Record<string, unknown>;
  return { ...record, [head]: replaced(record[head], rest, value) };
}

describe('parseDefinitionDocument on broken documents', () => {
  const places = placesOf(sampleDocument()).filter((p) => p.length > 0);

  it('never throws, and reports each problem with the file and a path', () => {
    fc.assert(
      fc.property(fc.constantFrom(...places), fc.jsonValue() as fc.Arbitrary<Json>, (place, value) => {
        const parsed = parseDefinitionDocument(replaced(sampleDocument(), place, value), 'f.yaml');
        for (const issue of parsed.errors) {
          expect(issue.file).toBe('f.yaml');
          expect(issue.path).not.toBe('');
          expect(issue.message).not.toBe('');
        }
        // whatever was kept is a well-formed model the cross-checks can take
        expect(() => validateDefinitions(parsed.definitions)).not.toThrow();
        expect(() => lintSmart(parsed.definitions)).not.toThrow();
        expect(parsed.origins.scorecards).toHaveLength(parsed.definitions.scorecards.length);
      }),
      { numRuns: 400 },
    );
  });

  it('reports a change of a required value to nothing at that value', () => {
    const parsed = parseDefinitionDocument(
      replaced(sampleDocument(), ['scorecards', 0, 'kpis', 1, 'target'], null),
      'f.yaml',
    );
    expect(parsed.errors.map((e) => `${e.path}: ${e.message}`)).toEqual([
      'scorecards[0].kpis[1].target: expected a number, got nothing',
    ]);
  });
});
