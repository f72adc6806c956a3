// Grafana's own expansion of a dashboard query, so that the tests run what Grafana would send: template
// variables first (the frontend's templateSrv with the datasource's interpolateVariable), then, for SQL,
// the backend's global substitutions and the Postgres macro engine (pkg/tsdb/grafana-postgresql-datasource:
// sqleng.Interpolate, macros.go); for PromQL, the Prometheus datasource's interpolateQueryExpr and the
// range variables.

export interface TimeRange {
  from: Date;
  to: Date;
}

// A variable's current value as Grafana holds it: one value, several (a multi-value selection, or "All"
// without a custom all value: every option), or a custom all value, which goes in unformatted.
export interface Selection {
  multi: boolean;
  includeAll: boolean;
  value: string | string[] | { allValue: string };
}

export type Selections = Readonly<Record<string, Selection>>;

// templateSrv's variable syntax: $name, [[name]], ${name}, ${name:format}; builtins ($__…) are no variable
const VARIABLE = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:^}]+))?(?::([^}]+))?\}/g;

function replaceVariables(
  text: string,
  selections: Selections,
  format: (value: string | string[], selection: Selection) => string,
): string {
  return text.replace(VARIABLE, (whole, a?: string, b?: string, _f?: string, c?: string) => {
    const selection = selections[(a ?? b ?? c) as string];
    if (selection === undefined) return whole;
    const { value } = selection;
    return typeof value === 'object' && !Array.isArray(value) ? value.allValue : format(value, selection);
  });
}

// SqlDatasource.interpolateVariable with Postgres's quoteLiteral: a multi-value or all-including variable's
// values are quoted literals joined by commas, a plain one goes in bare (its quotes doubled)
const quoteLiteral = (value: string) => `'${value.replace(/'/g, "''")}'`;
const sqlValue = (value: string | string[], s: Selection): string =>
  Array.isArray(value)
    ? value.map(quoteLiteral).join(',')
    : s.multi || s.includeAll
      ? quoteLiteral(value)
      : value.replace(/'/g, "''");

// Go's time.RFC3339Nano in UTC: no trailing zeros in the fraction, none at all for whole seconds
const rfc3339Nano = (at: Date) => at.toISOString().replace(/\.?0+Z$/, 'Z');
const unix = (at: Date) => Math.floor(at.getTime() / 1000);

// gtime.ParseInterval's units, in seconds (Go prints the float64 product with %v)
const UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800, y: 31_536_000 };
function intervalSeconds(raw: string): number {
  const match = /^(\d+)(ms|s|m|h|d|w|y)$/.exec(raw.replace(/^'|'$/g, '').trim());
  if (match === null) throw new Error(`error parsing interval ${raw}`);
  return Number(match[1]) * (UNITS[match[2] as string] as number);
}

const MACRO = /\$([_a-zA-Z0-9]+)\(([^)]*)\)/g;

function postgresMacro(name: string, args: string[], range: TimeRange): string {
  const column = () => {
    if (args[0] === undefined || args[0] === '') throw new Error(`missing time column argument for macro ${name}`);
    return args[0];
  };
  switch (name) {
    case '__time':
      return `${column()} AS "time"`;
    case '__timeEpoch':
      return `extract(epoch from ${column()}) as "time"`;
    case '__timeFilter':
      return `${column()} BETWEEN '${rfc3339Nano(range.from)}' AND '${rfc3339Nano(range.to)}'`;
    case '__timeFrom':
      return `'${rfc3339Nano(range.from)}'`;
    case '__timeTo':
      return `'${rfc3339Nano(range.to)}'`;
    case '__timeGroup': {
      if (args.length < 2) throw new Error(`macro ${name} needs time column and interval and optional fill value`);
      const seconds = intervalSeconds(args[1] as string);
      return `floor(extract(epoch from ${args[0]})/${seconds})*${seconds}`;
    }
    case '__timeGroupAlias':
      return `${postgresMacro('__timeGroup', args, range)} AS "time"`;
    case '__unixEpochFilter':
      return `${column()} >= ${unix(range.from)} AND ${column()} <= ${unix(range.to)}`;
    case '__unixEpochGroup': {
      if (args.length < 2) throw new Error(`macro ${name} needs time column and interval and optional fill value`);
      const seconds = intervalSeconds(args[1] as string);
      return `floor((${args[0]})/${seconds})*${seconds}`;
    }
    case '__unixEpochGroupAlias':
      return `${postgresMacro('__unixEpochGroup', args, range)} AS "time"`;
    default:
      throw new Error(`unknown macro "${name}"`);
  }
}

// A Postgres panel, variable or annotation query as Grafana runs it over `range` with `intervalMs`.
export function expandSql(rawSql: string, selections: Selections, range: TimeRange, intervalMs: number): string {
  const templated = replaceVariables(rawSql, selections, sqlValue);
  const global = templated
    .replaceAll('$__interval_ms', String(intervalMs))
    .replaceAll('$__interval', formatInterval(intervalMs))
    .replaceAll('$__unixEpochFrom()', String(unix(range.from)))
    .replaceAll('$__unixEpochTo()', String(unix(range.to)));
  return global.replace(MACRO, (whole, name: string, rawArgs: string) => {
    // before Grafana 5.3, $__timeGroup followed by a comma meant the aliased form: the engine still says so
    // when the first occurrence of the same call is followed by one
    let macro = name;
    if (name === '__timeGroup') {
      const at = global.indexOf(whole);
      if (at >= 0 && global[at + whole.length] === ',') macro = '__timeGroupAlias';
    }
    return postgresMacro(
      macro,
      rawArgs.split(',').map((a) => a.trim()),
      range,
    );
  });
}

// the Prometheus datasource's interpolateQueryExpr (classic escaping)
const regularEscape = (value: string) => value.replace(/\\/g, '\\\\').replace(/'/g, "\\\\'");
const regexEscape = (value: string) => value.replace(/\\/g, '\\\\\\\\').replace(/[$^*{}[\]+?.()|]/g, '\\\\$&');
const promValue = (value: string | string[], s: Selection): string => {
  if (!s.multi && !s.includeAll) return regularEscape(Array.isArray(value) ? value.join(',') : value);
  if (!Array.isArray(value)) return regexEscape(value);
  const escaped = value.map(regexEscape);
  return escaped.length === 1 ? (escaped[0] as string) : `(${escaped.join('|')})`;
};

// A PromQL expression as the Prometheus datasource sends it: $__interval is the range over the data points,
// no finer than the scrape interval; $__rate_interval is max($__interval + scrape interval, 4 × scrape
// interval), so that a rate always sees at least four scrapes.
export function expandPromQL(expr: string, selections: Selections, intervalMs: number, scrapeMs: number): string {
  const interval = Math.max(intervalMs, scrapeMs);
  return replaceVariables(expr, selections, promValue)
    .replaceAll('$__rate_interval', formatInterval(Math.max(interval + scrapeMs, 4 * scrapeMs)))
    .replaceAll('$__interval_ms', String(interval))
    .replaceAll('$__interval', formatInterval(interval));
}

// gtime.FormatInterval: the count of the largest unit the interval reaches, rounded down
function formatInterval(ms: number): string {
  const units = [
    ['y', 31_536_000_000],
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
    ['ms', 1],
  ] as const;
  const [unit, size] = units.find(([, size]) => ms >= size) ?? ['ms', 1];
  return `${Math.max(1, Math.floor(ms / size))}${unit}`;
}
