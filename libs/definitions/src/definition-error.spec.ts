import { describe, expect, it } from 'vitest';
import { assertValidDefinitions, DefinitionError } from './definition-error';
import { formatIssue, hasErrors, type DefinitionIssue } from './definition-issue';

const WEIGHT: DefinitionIssue = {
  file: 'cs.yaml',
  path: 'scorecards[0].kpis[3].weight',
  message: 'expected a positive number, got 0',
  severity: 'error',
};
const SYNTAX: DefinitionIssue = {
  file: 'b.json',
  path: '',
  message: 'invalid JSON: Unexpected end of JSON input',
  severity: 'error',
};
const UNUSED: DefinitionIssue = {
  file: 'cs.yaml',
  path: 'indicators[1]',
  message: 'indicator "x" is not used',
  severity: 'warning',
};

describe('formatIssue', () => {
  it('names the file, the path when there is one, and the message', () => {
    expect(formatIssue(WEIGHT)).toBe('cs.yaml: scorecards[0].kpis[3].weight: expected a positive number, got 0');
    expect(formatIssue(SYNTAX)).toBe('b.json: invalid JSON: Unexpected end of JSON input');
  });
});

describe('hasErrors', () => {
  it('is true when any issue is an error, false for none or only warnings', () => {
    expect(hasErrors([UNUSED, WEIGHT])).toBe(true);
    expect(hasErrors([WEIGHT])).toBe(true);
    expect(hasErrors([UNUSED])).toBe(false);
    expect(hasErrors([])).toBe(false);
  });
});

describe('DefinitionError', () => {
  it('carries its code and every issue, and lists the errors alone in its message, one a line', () => {
    const error = new DefinitionError([WEIGHT, UNUSED, SYNTAX]);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('DefinitionError');
    expect(error.code).toBe('DEFINITIONS_INVALID');
    expect(error.issues).toEqual([WEIGHT, UNUSED, SYNTAX]);
    expect(error.message).toBe(
      [
        'invalid definitions (2 errors):',
        'cs.yaml: scorecards[0].kpis[3].weight: expected a positive number, got 0',
        'b.json: invalid JSON: Unexpected end of JSON input',
      ].join('\n'),
    );
  });
});

describe('assertValidDefinitions', () => {
  it('throws the DefinitionError of the issues when one is an error', () => {
    expect(() => assertValidDefinitions([UNUSED, WEIGHT])).toThrow(
      'invalid definitions (1 errors):\ncs.yaml: scorecards[0].kpis[3].weight: expected a positive number, got 0',
    );
    expect(() => assertValidDefinitions([WEIGHT])).toThrow(DefinitionError);
  });

  it('lets warnings alone, or nothing, pass', () => {
    expect(() => assertValidDefinitions([UNUSED])).not.toThrow();
    expect(() => assertValidDefinitions([])).not.toThrow();
  });
});
