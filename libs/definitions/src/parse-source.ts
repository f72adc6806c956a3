import { parseDocument } from 'yaml';
import type { DefinitionIssue } from './definition-issue';
import { parseDefinitionDocument, type ParsedDocument } from './parse-document';

function position(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

function emptyDocument(errors: DefinitionIssue[]): ParsedDocument {
  return {
    definitions: { orgs: [], indicators: [], scorecards: [] },
    origins: { orgs: [], indicators: [], scorecards: [] },
    errors,
  };
}

function parseJson(text: string, file: string): ParsedDocument {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const offset = /at position (\d+)/.exec(message)?.[1];
    const path = offset === undefined ? '' : position(text, Number(offset));
    return emptyDocument([{ file, path, message: `invalid JSON: ${message}`, severity: 'error' }]);
  }
  return parseDefinitionDocument(doc, file);
}

function parseYaml(text: string, file: string): ParsedDocument {
  // without pretty errors the library leaves the position out of the message: the issue carries it
  const doc = parseDocument(text, { prettyErrors: false });
  const toIssue =
    (severity: DefinitionIssue['severity']) =>
    (e: { message: string; pos: readonly [number, number] }): DefinitionIssue => ({
      file,
      path: position(text, e.pos[0]),
      message: `invalid YAML: ${e.message}`,
      severity,
    });
  const warnings = doc.warnings.map(toIssue('warning'));
  if (doc.errors.length > 0) return emptyDocument([...doc.errors.map(toIssue('error')), ...warnings]);
  // a file may share a block through an anchor many times (the library's default allows 100 uses)
  const parsed = parseDefinitionDocument(doc.toJS({ maxAliasCount: 1000 }), file);
  return { ...parsed, errors: [...warnings, ...parsed.errors] };
}

// The text of one definition file → the model; `.json` files are read as JSON, anything else as YAML.
export function parseDefinitionSource(text: string, file: string): ParsedDocument {
  return file.toLowerCase().endsWith('.json') ? parseJson(text, file) : parseYaml(text, file);
}
