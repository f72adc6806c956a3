import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { context, delivery, eventsOf, request } from './connector-test-support';
import { twilio } from './twilio.connector';

const form = (params: Record<string, string>) => new URLSearchParams(params).toString();

describe('twilio: X-Twilio-Signature', () => {
  it('matches the example of Twilio’s security guide (auth token 12345 → 0/KCTR6DLpKmkAf8muzZqo1nDgQ=)', () => {
    // https://www.twilio.com/docs/usage/security#validating-requests
    const body = form({
      CallSid: 'CA1234567890ABCDE',
      Caller: '+12349013030',
      Digits: '1234',
      From: '+12349013030',
      To: '+18005551212',
    });
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    const verify = (signature: string, b = body, secrets = ['12345']) =>
      twilio.verify(request({ url, body: b, headers: { 'x-twilio-signature': signature } }), secrets, 0);
    expect(verify('0/KCTR6DLpKmkAf8muzZqo1nDgQ=')).toEqual({ ok: true });
    expect(verify('0/KCTR6DLpKmkAf8muzZqo1nDgQ=', body, ['rotated', '12345'])).toEqual({ ok: true });
    expect(verify('0/KCTR6DLpKmkAf8muzZqo1nDgQ=', body.replace('1234&', '1235&'))).toEqual({
      ok: false,
      refusal: 'bad_signature',
    });
    expect(verify('0/KCTR6DLpKmkAf8muzZqo1nDgQ=', body, ['54321'])).toEqual({ ok: false, refusal: 'bad_signature' });
    expect(twilio.verify(request({ url, body }), ['12345'], 0)).toEqual({ ok: false, refusal: 'missing_signature' });
  });

  it('signs the URL as called, parameters sorted by name whatever their order in the body', () => {
    const url = 'https://kpi.example.com/v1/sources/twilio/src_0a1b2c3d4e5f';
    const body = 'To=%2B18005551212&CallStatus=completed&AccountSid=AC1&CallSid=CA1';
    const expected = createHmac('sha1', 'tok')
      .update(`${url}AccountSidAC1CallSidCA1CallStatuscompletedTo+18005551212`)
      .digest('base64');
    expect(twilio.verify(request({ url, body, headers: { 'x-twilio-signature': expected } }), ['tok'], 0)).toEqual({
      ok: true,
    });
  });
});

describe('twilio: a repeated parameter (form-encoding sends a list as the same key again)', () => {
  const url = 'https://kpi.example.com/v1/sources/twilio/src_0a1b2c3d4e5f';
  const signed = (text: string) => createHmac('sha1', 'tok').update(`${url}${text}`).digest('base64');
  const verify = (body: string, signature: string) =>
    twilio.verify(request({ url, body, headers: { 'x-twilio-signature': signature } }), ['tok'], 0);

  it('signs its distinct values sorted, each after the name, as Twilio’s libraries do', () => {
    const body = 'CallSid=CA1&StirVerstat=B&StirVerstat=A&StirVerstat=B';
    expect(verify(body, signed('CallSidCA1StirVerstatAStirVerstatB'))).toEqual({ ok: true });
    expect(verify(body, signed('CallSidCA1StirVerstatBStirVerstatAStirVerstatB'))).toEqual({
      ok: false,
      refusal: 'bad_signature',
    });
  });

  it('maps a callback whose extra parameters repeat; one whose status or call repeats differently is named', () => {
    const base = `CallSid=CA${'0'.repeat(31)}1&CallStatus=completed&CallDuration=30&Timestamp=Tue,%2001%20Dec%202026%2009:45:01%20%2B0000`;
    expect(eventsOf(twilio.map(delivery(`${base}&ForwardedFrom=a&ForwardedFrom=b`), context()))).toHaveLength(1);
    expect(eventsOf(twilio.map(delivery(`${base}&CallStatus=completed`), context()))).toHaveLength(1);
    expect(twilio.map(delivery(`${base}&CallStatus=busy`), context())).toEqual([
      {
        kind: 'unmappable',
        code: 'malformed_payload',
        field: 'CallStatus',
        reason: 'CallStatus: sent more than once with different values',
      },
    ]);
  });
});

describe('twilio: mapping voice status callbacks', () => {
  // the parameters of a status callback (https://www.twilio.com/docs/voice/api/call-resource#statuscallback)
  const callback = (fields: Record<string, string>) =>
    form({
      AccountSid: 'AC8f1e2d3c4b5a69788796a5b4c3d2e1f0',
      ApiVersion: '2010-04-01',
      CallSid: 'CA4f3e2d1c0b9a88776655443322110ffe',
      CallStatus: 'completed',
      CallDuration: '185',
      Called: '+8613800000000',
      Caller: '+14155550100',
      Direction: 'inbound',
      From: '+14155550100',
      To: 'client:wang.fang',
      Timestamp: 'Tue, 01 Dec 2026 09:45:01 +0000',
      CallbackSource: 'call-progress-events',
      SequenceNumber: '3',
      ...fields,
    });

  it('completed → an answered call.ended with CallDuration as talk time; the Client leg names the agent', () => {
    expect(eventsOf(twilio.map(delivery(callback({}), 0, 'application/x-www-form-urlencoded'), context()))).toEqual([
      {
        specversion: '1.0',
        id: 'CA4f3e2d1c0b9a88776655443322110ffe-completed',
        source: 'test/src_000000000001',
        type: 'call.ended',
        time: '2026-12-01T09:45:01.000Z',
        subject: 'CA4f3e2d1c0b9a88776655443322110ffe',
        data: {
          orgId: 'O1',
          agentId: 'wang.fang',
          callId: 'CA4f3e2d1c0b9a88776655443322110ffe',
          answered: true,
          talkSeconds: 185,
          unmeasured: ['holdSeconds', 'wrapSeconds', 'waitSeconds'],
        },
      },
    ]);
  });

  it('no-answer is unanswered; ringing and in-progress are acknowledged; a body without a CallSid is named', () => {
    expect(
      eventsOf(twilio.map(delivery(callback({ CallStatus: 'no-answer', CallDuration: '0' })), context()))[0]?.data,
    ).toMatchObject({
      answered: false,
      talkSeconds: 0,
    });
    expect(twilio.map(delivery(callback({ CallStatus: 'ringing' })), context())).toMatchObject([{ kind: 'ignored' }]);
    expect(twilio.map(delivery('CallStatus=completed'), context())).toMatchObject([
      { kind: 'unmappable', code: 'malformed_payload' },
    ]);
  });
});
