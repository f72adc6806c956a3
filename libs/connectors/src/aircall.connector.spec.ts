import { describe, expect, it } from 'vitest';
import { context, delivery, eventsOf, request } from './connector-test-support';
import { aircall } from './aircall.connector';

// Aircall's webhook event and Call object (https://developer.aircall.io/api-references/#call-overview):
// times in unix seconds, answered_at null for a missed call.
const callEnded = (call: Record<string, unknown> = {}, token = '45XXYYZZa08') =>
  JSON.stringify({
    resource: 'call',
    event: 'call.ended',
    timestamp: 1764583300,
    token,
    data: {
      id: 812,
      direct_link: 'https://api.aircall.io/v1/calls/812',
      direction: 'inbound',
      status: 'done',
      missed_call_reason: null,
      started_at: 1764583000,
      answered_at: 1764583020,
      ended_at: 1764583200,
      duration: 200,
      raw_digits: '+33 1 23 45 67 89',
      user: { id: 456, name: 'Wang Fang', email: 'wang.fang@example.com' },
      number: { id: 1234, digits: '+33 1 98 76 54 32' },
      ...call,
    },
  });

describe('aircall: the token in the body', () => {
  const verify = (body: string) => aircall.verify(request({ body }), ['45XXYYZZa08', 'NEWTOKEN'], 0);
  it('takes either active token, refuses another, none, or a body without one', () => {
    expect(verify(callEnded())).toEqual({ ok: true });
    expect(verify(callEnded({}, 'NEWTOKEN'))).toEqual({ ok: true });
    expect(verify(callEnded({}, 'guess'))).toEqual({ ok: false, refusal: 'bad_signature' });
    expect(verify('{"event":"call.ended"}')).toEqual({ ok: false, refusal: 'missing_signature' });
    expect(verify('not json')).toEqual({ ok: false, refusal: 'missing_signature' });
  });

  it('keeps the body without its token', () => {
    expect(JSON.parse(aircall.redact(callEnded()))).toMatchObject({ token: '***', data: { id: 812 } });
  });
});

describe('aircall: mapping', () => {
  it('call.ended → call.ended: talk from answer to end, wait from start to answer; hold and wrap-up unmeasured', () => {
    expect(eventsOf(aircall.map(delivery(callEnded()), context()))).toEqual([
      {
        specversion: '1.0',
        id: 'call-812',
        source: 'test/src_000000000001',
        type: 'call.ended',
        time: new Date(1764583200_000).toISOString(),
        subject: '812',
        data: {
          orgId: 'O1',
          agentId: '456',
          callId: '812',
          answered: true,
          talkSeconds: 180,
          waitSeconds: 20,
          unmeasured: ['holdSeconds', 'wrapSeconds'],
        },
      },
    ]);
  });

  it('a missed call is unanswered, its wait the whole ring; other events are acknowledged', () => {
    const missed = callEnded({ answered_at: null, missed_call_reason: 'no_available_agent', user: null });
    expect(eventsOf(aircall.map(delivery(missed), context()))[0]?.data).toMatchObject({
      answered: false,
      talkSeconds: 0,
      waitSeconds: 200,
    });
    const created = JSON.stringify({ resource: 'call', event: 'call.created', timestamp: 1, token: 't', data: {} });
    expect(aircall.map(delivery(created), context())).toEqual([
      { kind: 'ignored', reason: 'call.created: no KPI meaning' },
    ]);
    expect(aircall.map(delivery(callEnded({ ended_at: null })), context())).toMatchObject([
      { kind: 'unmappable', code: 'malformed_payload' },
    ]);
  });
});
