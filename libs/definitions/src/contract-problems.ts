import { dataFieldNames, EVENT_TYPES, isEventType, type EventType } from '#libs/events';
import { assertUnreachable } from './assert-unreachable';
import type { Aggregation, FieldPath, Measure, Term } from './model';
import { childPath, itemPath, suggest } from './parse-context';

// A term that names a type or a data field the event contract (libs/events) does not have: it would
// count nothing, silently. The path is relative to the indicator (`.numerator.where["data.x"]`).
export interface ContractProblem {
  path: string;
  message: string;
}

const DATA_PREFIX = 'data.';

function didYouMean(word: string, candidates: readonly string[], display: (name: string) => string): string {
  const hint = suggest(word, candidates);
  return hint === undefined ? '' : `; did you mean "${display(hint)}"?`;
}

// `x` and `[x, y]` are both read as lists: a single name is reported at the key, as it was written.
function listPath(path: string, index: number, length: number): string {
  return length === 1 ? path : itemPath(path, index);
}

// Every data field the term names, with where it is named.
function namedFields(term: Term, path: string): { path: string; field: FieldPath }[] {
  const named = term.where.map((c) => ({ path: childPath(`${path}.where`, c.field), field: c.field }));
  const aggregation: Aggregation = term.aggregation;
  switch (aggregation.kind) {
    case 'count':
      break;
    case 'sum':
    case 'distinct': {
      const at = `${path}.${aggregation.kind}`;
      aggregation.fields.forEach((field, i) => named.push({ path: listPath(at, i, aggregation.fields.length), field }));
      break;
    }
    case 'duration':
      named.push({ path: `${path}.duration.from`, field: aggregation.from });
      named.push({ path: `${path}.duration.to`, field: aggregation.to });
      break;
    default:
      assertUnreachable(aggregation);
  }
  if (term.timeField !== 'time') named.push({ path: `${path}.time`, field: term.timeField });
  return named.filter((n) => n.field.startsWith(DATA_PREFIX));
}

function termProblems(term: Term, path: string): ContractProblem[] {
  const problems: ContractProblem[] = [];
  const types: EventType[] = [];
  term.types.forEach((type, i) => {
    if (isEventType(type)) types.push(type);
    else {
      const hint = didYouMean(type, EVENT_TYPES, (t) => t);
      const known = hint === '' ? `; the contract's types: ${EVENT_TYPES.join(', ')}` : hint;
      problems.push({
        path: listPath(`${path}.of`, i, term.types.length),
        message: `unknown event type "${type}"${known}`,
      });
    }
  });
  // with no known type there is nothing to check the fields against (the type is reported already)
  if (types.length === 0) return problems;
  const carried = [...new Set(types.flatMap((t) => dataFieldNames(t)))];
  for (const { path: at, field } of namedFields(term, path)) {
    // data fields are flat: `data.amount.x` names the field amount
    const name = field.slice(DATA_PREFIX.length).split('.')[0] ?? '';
    if (carried.includes(name)) continue;
    const hint = didYouMean(name, carried, (n) => `${DATA_PREFIX}${n}`);
    const known = hint === '' ? `; they carry ${carried.map((n) => `${DATA_PREFIX}${n}`).join(', ')}` : hint;
    problems.push({ path: at, message: `unknown field "${field}": not carried by ${types.join(', ')}${known}` });
  }
  return problems;
}

// A lifecycle key must be carried by every type of both ends, or those events could never be joined.
function keyProblems(key: FieldPath, ends: readonly Term[], path: string): ContractProblem[] {
  if (!key.startsWith(DATA_PREFIX)) return [];
  const name = key.slice(DATA_PREFIX.length).split('.')[0] ?? '';
  const types = ends.flatMap((end) => end.types).filter(isEventType);
  const without = [...new Set(types.filter((t) => !dataFieldNames(t).includes(name)))];
  if (without.length === 0) return [];
  return [{ path: `${path}.key`, message: `unknown field "${key}": not carried by ${without.join(', ')}` }];
}

// The contract problems of an indicator's measure; none for overdue and manual measures, whose events
// the engine knows itself.
export function contractProblems(measure: Measure): ContractProblem[] {
  switch (measure.kind) {
    case 'terms': {
      const { numerator, denominator } = measure;
      // `average:` gives a denominator that shares the numerator's types and conditions: report once
      const average = denominator !== undefined && denominator.types === numerator.types;
      if (average) return termProblems(numerator, '.average');
      return [
        ...termProblems(numerator, '.numerator'),
        ...(denominator === undefined ? [] : termProblems(denominator, '.denominator')),
      ];
    }
    case 'lifecycle':
    case 'conversion': {
      const path = `.${measure.kind}`;
      return [
        ...termProblems(measure.from, `${path}.from`),
        ...termProblems(measure.to, `${path}.to`),
        ...keyProblems(measure.key, [measure.from, measure.to], path),
      ];
    }
    case 'overdue-ratio':
    case 'manual':
      return [];
    default:
      return assertUnreachable(measure);
  }
}
