import { describe, expect, it } from 'vitest';
import { expandPromQL, expandSql } from './grafana-interpolation';

// The expansion against what Grafana's own sources say it sends (pkg/tsdb/grafana-postgresql-datasource
// macros.go, sqleng.Interpolate; SqlDatasource.interpolateVariable; the Prometheus datasource's
// interpolateQueryExpr): the dashboard tests are only as good as this.
const range = { from: new Date('2018-04-12T18:00:00Z'), to: new Date('2018-04-12T18:05:00.250Z') };
const none = {};

describe("Grafana's expansion of a Postgres query", () => {
  it('expands the time macros as the Postgres macro engine does', () => {
    expect(expandSql('WHERE $__timeFilter(t)', none, range, 1000)).toBe(
      "WHERE t BETWEEN '2018-04-12T18:00:00Z' AND '2018-04-12T18:05:00.25Z'",
    );
    expect(expandSql('$__timeFrom() $__timeTo()', none, range, 1000)).toBe(
      "'2018-04-12T18:00:00Z' '2018-04-12T18:05:00.25Z'",
    );
    expect(expandSql('WHERE $__unixEpochFilter(e)', none, range, 1000)).toBe(
      'WHERE e >= 1523556000 AND e <= 1523556300',
    );
    expect(expandSql('$__unixEpochFrom() $__unixEpochTo() $__interval_ms $__interval', none, range, 60_000)).toBe(
      '1523556000 1523556300 60000 1m',
    );
    expect(expandSql("SELECT $__timeGroupAlias(t, '1d')", none, range, 1000)).toBe(
      'SELECT floor(extract(epoch from t)/86400)*86400 AS "time"',
    );
    expect(expandSql("GROUP BY $__timeGroup(t, '5m')", none, range, 1000)).toBe(
      'GROUP BY floor(extract(epoch from t)/300)*300',
    );
  });

  it('aliases a $__timeGroup followed by a comma, as Grafana still does for pre-5.3 queries', () => {
    expect(expandSql("SELECT $__timeGroup(t,'5m'), v ORDER BY $__timeGroup(t,'5m')", none, range, 1000)).toBe(
      'SELECT floor(extract(epoch from t)/300)*300 AS "time", v ORDER BY floor(extract(epoch from t)/300)*300 AS "time"',
    );
  });

  it('refuses an unknown macro and one without its arguments', () => {
    expect(() => expandSql('$__timeFilterr(t)', none, range, 1000)).toThrow('unknown macro');
    expect(() => expandSql('$__timeGroup(t)', none, range, 1000)).toThrow('needs time column and interval');
  });

  it("quotes a multi-value or all-including variable's values, and puts a plain one in bare", () => {
    const sql = "org = '$org' AND team IN ($team) AND kpi IN (${kpi}) AND x = $x";
    const selections = {
      org: { multi: false, includeAll: false, value: "O'1" },
      team: { multi: true, includeAll: true, value: ['T1', "T'2"] },
      kpi: { multi: true, includeAll: false, value: 'fcr' },
      x: { multi: true, includeAll: true, value: { allValue: 'x' } },
    };
    expect(expandSql(sql, selections, range, 1000)).toBe(
      "org = 'O''1' AND team IN ('T1','T''2') AND kpi IN ('fcr') AND x = x",
    );
  });
});

describe("Grafana's expansion of a PromQL expression", () => {
  it('joins several values as an escaped regex alternation, one as itself, and takes a custom all value raw', () => {
    const expr = 'up{instance=~"$instance"}';
    const as = (value: string | string[] | { allValue: string }) =>
      expandPromQL(expr, { instance: { multi: true, includeAll: true, value } }, 1000, 1000);
    expect(as(['10.0.0.1:8080', 'b'])).toBe('up{instance=~"(10\\\\.0\\\\.0\\\\.1:8080|b)"}');
    expect(as('a.b')).toBe('up{instance=~"a\\\\.b"}');
    expect(as({ allValue: '.*' })).toBe('up{instance=~".*"}');
  });

  it('makes $__rate_interval at least four scrapes, and more than the step', () => {
    expect(expandPromQL('rate(x[$__rate_interval])', {}, 1000, 15_000)).toBe('rate(x[1m])');
    expect(expandPromQL('rate(x[$__rate_interval])', {}, 120_000, 15_000)).toBe('rate(x[2m])'); // 135 s
    expect(expandPromQL('x[$__interval]', {}, 1000, 15_000)).toBe('x[15s]');
  });
});
