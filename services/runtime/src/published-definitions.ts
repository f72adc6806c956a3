import { combineDefinitions, parseDefinitionSource, type DefinitionSet } from '#libs/definitions';

// The definition set of a published version's source text, or undefined when it no longer parses.
export function parsePublished(source: string): DefinitionSet | undefined {
  const parsed = combineDefinitions([parseDefinitionSource(source, 'published.yaml')]);
  return parsed.issues.some((i) => i.severity === 'error') ? undefined : parsed.set;
}
