import { describe, expect, it } from 'vitest';
import { quietUntil } from './quiet-hours';
import { flushGroups, routeAlerts, type AlertGroup, type RoutableAlert, type Routed } from './route-alerts';
import { ROUTING_DEFAULTS, type Silence, type Subscription, type SubscriptionOwner } from './subscription';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
// 2026-12-01 10:00 in Shanghai (UTC+8)
const T0 = Date.parse('2026-12-01T10:00:00+08:00');

const admin: SubscriptionOwner = { subject: 'boss', role: 'admin', orgId: 'O1', teams: [], agentId: null };

function subscription(over: Partial<Subscription> = {}): Subscription {
  return {
    id: 's1',
    orgId: 'O1',
    owner: admin,
    matchers: {},
    channel: null,
    language: 'en',
    ...ROUTING_DEFAULTS,
    quietHours: null,
    timeZone: 'Asia/Shanghai',
    ...over,
  };
}

// agent `agent` of `team` crossed the red line of csat (fired) or came back (resolved)
function alert(agent: string, team: string, kind: 'fired' | 'resolved' = 'fired', at = T0): RoutableAlert {
  const instance = `O1|cs|red|csat|agent|${agent}|1764518400000`;
  return {
    key: `${instance}|${kind === 'fired' ? at : T0}|${kind}`,
    instance,
    kind,
    at,
    labels: {
      org: 'O1',
      team,
      agent,
      scorecard: 'cs',
      kpi: 'csat',
      rule: 'red',
      kind: 'red-line',
      severity: 'critical',
    },
  };
}

// runs routing and flushes in order, keeping the groups as the store would
class Router {
  groups: AlertGroup[] = [];
  constructor(
    public subscriptions: Subscription[],
    public silences: Silence[] = [],
  ) {}
  route(now: number, alerts: RoutableAlert[]) {
    return this.keep(routeAlerts({ ...this.input(), now }, alerts));
  }
  flush(now: number) {
    return this.keep(flushGroups({ ...this.input(), now }));
  }
  private input() {
    return { subscriptions: this.subscriptions, silences: this.silences, groups: this.groups };
  }
  private keep(r: Routed<RoutableAlert>) {
    const id = (g: AlertGroup) => `${g.subscription}/${g.key}`;
    const changed = new Set([...r.keep, ...r.drop].map(id));
    this.groups = [...this.groups.filter((g) => !changed.has(id(g))), ...r.keep];
    return r;
  }
}

const agents = (team: string, n: number) => Array.from({ length: n }, (_, i) => alert(`${team}-A${i}`, team));
const sent = (r: Routed<RoutableAlert>) =>
  r.messages.map((m) => `${m.group} ${m.reason} ${m.alerts.map((a) => `${a.labels.agent}:${a.kind}`).join(' ')}`);

describe('routing transitions into messages (Alertmanager semantics)', () => {
  it('a storm of 40 agents breaching at once is one message per team, after the group wait', () => {
    const router = new Router([subscription()]);
    const storm = [...agents('T1', 25), ...agents('T2', 15)];
    expect(router.route(T0, storm).messages).toEqual([]);
    expect(router.flush(T0 + 29 * SECOND).messages).toEqual([]);
    const due = router.flush(T0 + 30 * SECOND);
    expect(due.messages.map((m) => [m.group, m.alerts.length])).toEqual([
      ['team=T1', 25],
      ['team=T2', 15],
    ]);
    expect(router.flush(T0 + 31 * SECOND).messages).toEqual([]); // sent once
  });

  it('with no group wait the batch goes out at once, still one message per group', () => {
    const router = new Router([subscription({ groupWaitMs: 0, groupBy: [] })]);
    const r = router.route(T0, [...agents('T1', 3), ...agents('T2', 2)]);
    expect(r.messages.map((m) => [m.group, m.alerts.length])).toEqual([['', 5]]);
  });

  it('changes after the first message wait for the group interval; the resolve notice ends the group', () => {
    const router = new Router([subscription()]);
    router.route(T0, [alert('a1', 'T1')]);
    router.flush(T0 + 30 * SECOND);
    router.route(T0 + MINUTE, [alert('a2', 'T1', 'fired', T0 + MINUTE), alert('a1', 'T1', 'resolved', T0 + MINUTE)]);
    expect(router.flush(T0 + 5 * MINUTE).messages).toEqual([]);
    expect(sent(router.flush(T0 + 5 * MINUTE + 30 * SECOND))).toEqual(['team=T1 changes a2:fired a1:resolved']);
    router.route(T0 + 6 * MINUTE, [alert('a2', 'T1', 'resolved', T0 + 6 * MINUTE)]);
    expect(sent(router.flush(T0 + 11 * MINUTE))).toEqual(['team=T1 changes a2:resolved']);
    expect(router.groups).toEqual([]); // nothing firing, nothing pending: the group is gone
  });

  it('an unchanged firing group is sent again every repeat interval, with a new key each time', () => {
    const router = new Router([subscription({ groupWaitMs: 0, repeatIntervalMs: HOUR })]);
    const first = router.route(T0, [alert('a1', 'T1')]).messages[0];
    expect(router.flush(T0 + HOUR - SECOND).messages).toEqual([]);
    const again = router.flush(T0 + HOUR).messages[0];
    expect(again?.reason).toBe('repeat');
    expect(again?.alerts.map((a) => a.key)).toEqual(first?.alerts.map((a) => a.key));
    const third = router.flush(T0 + 2 * HOUR).messages[0];
    expect(new Set([first?.key, again?.key, third?.key]).size).toBe(3);
  });

  it('a silence mutes the alerts it matches, and their resolutions; the others go out', () => {
    const silence: Silence = {
      id: 'x',
      orgId: 'O1',
      matchers: { team: 'T1' },
      startsAt: T0 - MINUTE,
      endsAt: T0 + HOUR,
      createdBy: 'boss',
      comment: 'maintenance',
    };
    const router = new Router([subscription({ groupWaitMs: 0 })], [silence]);
    const r = router.route(T0, [alert('a1', 'T1'), alert('b1', 'T2')]);
    expect(sent(r)).toEqual(['team=T2 changes b1:fired']);
    expect(r.silenced.map((s) => [s.alert.labels.agent, s.silence])).toEqual([['a1', 'x']]);
    // after the silence ended, the silenced alert's resolution is not sent either (never told it fired)
    expect(router.route(T0 + 2 * HOUR, [alert('a1', 'T1', 'resolved', T0 + 2 * HOUR)]).messages).toEqual([]);
    // an alert firing after the silence ended is sent
    expect(sent(router.route(T0 + 2 * HOUR, [alert('a2', 'T1', 'fired', T0 + 2 * HOUR)]))).toEqual([
      'team=T1 changes a2:fired',
    ]);
  });

  it("quiet hours in the org's time zone hold messages until they end, then send them together", () => {
    const night = Date.parse('2026-12-01T23:00:00+08:00');
    const morning = Date.parse('2026-12-02T08:00:00+08:00');
    const router = new Router([subscription({ groupWaitMs: 0, quietHours: { from: '22:00', to: '08:00' } })]);
    expect(router.route(night, [alert('a1', 'T1')]).messages).toEqual([]);
    expect(router.groups[0]?.nextAt).toBe(morning);
    router.route(night + HOUR, [alert('a2', 'T1', 'fired', night + HOUR)]);
    expect(router.flush(morning - MINUTE).messages).toEqual([]);
    expect(sent(router.flush(morning))).toEqual(['team=T1 changes a1:fired a2:fired']);
  });

  it('each subscription gets what its owner may read: an agent their own, a manager their teams', () => {
    const agent: SubscriptionOwner = { subject: 'u-a1', role: 'agent', orgId: 'O1', teams: ['T1'], agentId: 'a1' };
    const manager: SubscriptionOwner = { subject: 'u-m', role: 'manager', orgId: 'O1', teams: ['T2'], agentId: null };
    const outsider: SubscriptionOwner = { ...admin, orgId: 'O2' };
    const router = new Router([
      subscription({ id: 'agent', owner: agent, groupWaitMs: 0 }),
      subscription({ id: 'manager', owner: manager, groupWaitMs: 0 }),
      subscription({ id: 'other-org', owner: outsider, orgId: 'O2', groupWaitMs: 0 }),
      subscription({ id: 'critical-t1', matchers: { team: ['T1'], severity: 'critical' }, groupWaitMs: 0 }),
    ]);
    const r = router.route(T0, [alert('a1', 'T1'), alert('a2', 'T1'), alert('b1', 'T2')]);
    expect(r.messages.map((m) => `${m.subscription}: ${m.alerts.map((a) => a.labels.agent).join(' ')}`)).toEqual([
      'agent: a1',
      'manager: b1',
      'critical-t1: a1 a2',
    ]);
  });

  it('the same transitions routed again give the same message keys; another subscription, another key', () => {
    const route = () =>
      new Router([subscription({ groupWaitMs: 0 }), subscription({ id: 's2', groupWaitMs: 0 })]).route(
        T0,
        agents('T1', 3),
      ).messages;
    const [a, b] = route();
    expect(route().map((m) => m.key)).toEqual([a?.key, b?.key]);
    expect(a?.key).not.toBe(b?.key);
  });
});

describe('quiet hours', () => {
  const zone = 'Asia/Shanghai';
  const at = (local: string) => Date.parse(`2026-12-01T${local}:00+08:00`);
  it('span midnight when from is after to, end at `to` local time', () => {
    const q = { from: '22:00', to: '08:00' };
    expect(quietUntil(q, zone, at('21:59'))).toBeNull();
    expect(quietUntil(q, zone, at('22:00'))).toBe(Date.parse('2026-12-02T08:00:00+08:00'));
    expect(quietUntil(q, zone, at('07:59'))).toBe(at('08:00'));
    expect(quietUntil(q, zone, at('08:00'))).toBeNull();
  });
  it('within a day when from is before to; an empty window is never quiet', () => {
    expect(quietUntil({ from: '12:00', to: '13:30' }, zone, at('12:45'))).toBe(at('13:30'));
    expect(quietUntil({ from: '12:00', to: '13:30' }, zone, at('13:30'))).toBeNull();
    expect(quietUntil({ from: '12:00', to: '12:00' }, zone, at('12:00'))).toBeNull();
  });
});
