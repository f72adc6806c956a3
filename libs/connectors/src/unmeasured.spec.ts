import { describe, expect, it } from 'vitest';
import { loadDefinitions } from '#libs/definitions';
import { validateEvent, type CanonicalEvent } from '#libs/events';
import { IndicatorEngine } from '#libs/indicators';
import { aircall } from './aircall.connector';
import { context, delivery, eventsOf } from './connector-test-support';
import { twilio } from './twilio.connector';

// "No invented values" through the engine: a call whose vendor does not measure hold and wrap-up time is
// mapped without them (named in data.unmeasured), and the seed's average handle time (talk + hold + wrap
// of answered calls ÷ answered calls) leaves it out of both sides instead of averaging it as 0.
const { set } = loadDefinitions('definitions/seed');
const aht = set.indicators.find((i) => i.id === 'support.aht');
const org = { level: 'org', id: 'O1', orgId: 'O1' } as const;
const T = Date.parse('2026-12-01T02:00:00Z');

const measured = (id: string, talk: number, hold: number, wrap: number): CanonicalEvent => ({
  specversion: '1.0',
  id,
  source: 'telephony/pbx',
  type: 'call.ended',
  time: new Date(T + 60_000).toISOString(),
  data: {
    orgId: 'O1',
    callId: id,
    answered: true,
    talkSeconds: talk,
    holdSeconds: hold,
    wrapSeconds: wrap,
    waitSeconds: 5,
  },
});

const aircallCall = (id: number) =>
  JSON.stringify({
    resource: 'call',
    event: 'call.ended',
    timestamp: T / 1000,
    token: 't',
    data: { id, started_at: T / 1000 - 200, answered_at: T / 1000 - 180, ended_at: T / 1000 },
  });
const twilioCallback = (sid: string) =>
  new URLSearchParams({
    CallSid: sid,
    CallStatus: 'completed',
    CallDuration: '40',
    Timestamp: new Date(T).toUTCString(),
  }).toString();

function ahtOf(events: readonly CanonicalEvent[]) {
  const engine = new IndicatorEngine(aht === undefined ? [] : [aht], set.orgs);
  for (const e of events) engine.fold(e);
  const value = engine.value('support.aht', org, 'month');
  return [value?.value, value?.numerator, value?.denominator];
}

describe('unmeasured durations are not averaged in', () => {
  const fromConnectors = [
    ...eventsOf(aircall.map(delivery(aircallCall(1)), context({ source: 'aircall/src_1' }))),
    ...eventsOf(aircall.map(delivery(aircallCall(2)), context({ source: 'aircall/src_1' }))),
    ...eventsOf(twilio.map(delivery(twilioCallback(`CA${'0'.repeat(31)}1`)), context({ source: 'twilio/src_2' }))),
  ];
  const fromPbx = [measured('c1', 240, 30, 60), measured('c2', 120, 0, 30)];

  it('the connectors’ calls are valid events without hold and wrap-up time, naming them unmeasured', () => {
    expect(fromConnectors).toHaveLength(3);
    for (const e of fromConnectors) {
      expect(validateEvent(e).ok).toBe(true);
      expect(e.data).not.toHaveProperty('holdSeconds');
      expect(e.data).not.toHaveProperty('wrapSeconds');
      expect(e.data.unmeasured).toEqual(expect.arrayContaining(['holdSeconds', 'wrapSeconds']));
    }
  });

  it('the seed AHT over calls with and without measured hold and wrap-up equals the AHT of the measured ones', () => {
    expect(aht).toBeDefined();
    expect(ahtOf(fromPbx)).toEqual([240, 480, 2]); // (330 + 150) ÷ 2
    expect(ahtOf([...fromConnectors, ...fromPbx])).toEqual(ahtOf(fromPbx));
    // the connectors' calls alone give no AHT, not a talk-time-only one
    expect(ahtOf(fromConnectors)[0]).toBeNull();
  });
});
