import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { combineDefinitions, type LoadedDefinitions } from './combine-definitions';
import type { DefinitionIssue } from './definition-issue';
import type { ParsedDocument } from './parse-document';
import { parseDefinitionSource } from './parse-source';

const DEFINITION_FILE = /\.(ya?ml|json)$/i;

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// Definition files under a directory, recursively, in path order; hidden entries are skipped.
function definitionFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...definitionFiles(path));
    else if (entry.isFile() && DEFINITION_FILE.test(entry.name)) files.push(path);
  }
  return files.sort(); // by UTF-16 code units, as `<` compares strings: not by locale
}

function failed(issue: DefinitionIssue): LoadedDefinitions {
  return {
    set: { orgs: [], indicators: [], scorecards: [] },
    issues: [issue],
    origins: { orgs: [], indicators: [], scorecards: [], root: issue.file },
  };
}

// A definition file, or a directory of them, → the merged set with every parse, cross-check and
// SMART finding. Nothing throws: unreadable paths are issues too.
export function loadDefinitions(path: string): LoadedDefinitions {
  let files: string[];
  try {
    files = statSync(path).isDirectory() ? definitionFiles(path) : [path];
  } catch (error) {
    return failed({ file: path, path: '', message: `cannot read: ${errorMessage(error)}`, severity: 'error' });
  }
  if (files.length === 0) {
    return failed({ file: path, path: '', message: 'no *.yaml, *.yml or *.json files', severity: 'error' });
  }
  const documents: ParsedDocument[] = files.map((file) => {
    try {
      return parseDefinitionSource(readFileSync(file, 'utf8'), file);
    } catch (error) {
      const issue: DefinitionIssue = {
        file,
        path: '',
        message: `cannot read: ${errorMessage(error)}`,
        severity: 'error',
      };
      return {
        definitions: { orgs: [], indicators: [], scorecards: [] },
        origins: { orgs: [], indicators: [], scorecards: [] },
        errors: [issue],
      };
    }
  });
  return combineDefinitions(documents, path);
}
