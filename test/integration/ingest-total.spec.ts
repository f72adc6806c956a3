import { Agent, request } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PostgresEventLog, RejectedEventsRepository } from '#libs/postgres';
import { IngestGatewayModule } from '../../services/ingest-gateway/src/ingest-gateway.module';
import { ticketSolved } from '../support/events';
import { migratedTestDatabase, type TestDatabase } from '../support/postgres';
import { asSource, sourceToken } from '../support/sources';
import { startTestApp } from '../support/test-app';

interface Outcome {
  index: number;
  status: string;
  id?: string;
  field?: string;
  code?: string;
  reason?: string;
}
interface Answer {
  accepted: number;
  duplicates: number;
  rejected: number;
  results: Outcome[];
}

// The log lines the app writes (JSON, one a line, on stderr), captured around each test.
const logged: Record<string, unknown>[] = [];
const writeStderr = process.stderr.write.bind(process.stderr);
beforeEach(() => {
  logged.length = 0;
  process.stderr.write = (chunk: string | Uint8Array, ...rest: never[]) => {
    for (const line of String(chunk).split('\n')) {
      if (line.startsWith('{"time"')) logged.push(JSON.parse(line) as Record<string, unknown>);
    }
    return writeStderr(chunk, ...rest);
  };
});
afterEach(() => {
  process.stderr.write = writeStderr;
});
const errorsLogged = () => logged.filter((l) => l['level'] === 'error');

describe('ingest is total: every request ends in 2xx with an outcome per event, or a 4xx naming the problem', () => {
  let t: TestDatabase;
  let app: INestApplication;
  let base: string;
  let token: string;
  beforeAll(async () => {
    t = await migratedTestDatabase();
    ({ app, base } = await startTestApp(t, [IngestGatewayModule]));
    token = await sourceToken(t.db, 'ticketing/zendesk');
  });
  afterAll(async () => {
    await app.close();
    await t.drop();
  });

  const post = (body: string | Buffer, headers: Record<string, string>) =>
    fetch(`${base}/v1/events`, { method: 'POST', headers, body });
  const json = (body: unknown) => JSON.stringify(body);
  const deadLetters = async () =>
    Number((await t.db.query<{ n: string }[]>(`SELECT count(*) AS n FROM rejected_events`))[0]?.n);

  it('takes the documented media types and refuses a missing or other Content-Type with 415', async () => {
    const batch = await post(json([ticketSolved('m1')]), asSource(token, 'application/cloudevents-batch+json'));
    expect(batch.status).toBe(202);
    const one = await post(json(ticketSolved('m2')), asSource(token, 'application/cloudevents+json; charset=utf-8'));
    expect(((await one.json()) as Answer).accepted).toBe(1);

    // a Buffer body: fetch sends no Content-Type of its own
    const none = await post(Buffer.from(json(ticketSolved('m3'))), { authorization: `Bearer ${token}` });
    const plain = await post(json(ticketSolved('m3')), asSource(token, 'text/plain'));
    const latin1 = await post(json(ticketSolved('m3')), asSource(token, 'application/json; charset=iso-8859-1'));
    expect([none.status, plain.status, latin1.status]).toEqual([415, 415, 415]);
    expect(await none.json()).toMatchObject({
      statusCode: 415,
      message:
        'Content-Type is missing: expected one of application/json, application/cloudevents+json, application/cloudevents-batch+json, application/x-ndjson',
    });
    expect(((await plain.json()) as { message: string }).message).toMatch(
      /^Content-Type "text\/plain" is not accepted/,
    );
    expect(((await latin1.json()) as { message: string }).message).toBe(
      'charset iso-8859-1 is not accepted: events are UTF-8',
    );
  });

  it('answers 400 naming the problem for a body that is empty, not UTF-8, not JSON, or nested 10,000 deep', async () => {
    const headers = asSource(token, 'application/json');
    const cases: [string | Buffer, string | RegExp][] = [
      ['', 'the body is empty: expected events'],
      ['  \n', 'the body is empty: expected events'],
      [Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), 'the body is not UTF-8 text'],
      ['{"specversion": "1.0", ', /^the body is not valid JSON: /],
      ['['.repeat(10_000) + ']'.repeat(10_000), 'the body nests deeper than 64 levels of objects and arrays'],
    ];
    for (const [body, message] of cases) {
      const r = await post(body, headers);
      expect(r.status).toBe(400);
      expect(((await r.json()) as { message: string }).message).toMatch(message);
    }
    const batch = await post(json(ticketSolved('b1')), asSource(token, 'application/cloudevents-batch+json'));
    expect(batch.status).toBe(400);
    expect(errorsLogged()).toEqual([]); // a client's mistake is not the server's error
  });

  it('rejects by name every event Postgres could not store as sent, stores the rest, and keeps storable dead letters', async () => {
    const deep = (levels: number): unknown => (levels === 0 ? 1 : { a: deep(levels - 1) });
    const solved = ticketSolved('s-ok', 1, '2026-11-02T23:30:00-15:59');
    const body =
      '[' +
      [
        json(solved),
        json({ ...ticketSolved('s-nul'), subject: 'a\u0000b' }),
        json({ ...ticketSolved('s-key'), data: { ...ticketSolved('s-key').data, 'x\u0000y': 1 } }),
        json(ticketSolved('s-sur')).replace('"k-s-sur"', '"k-\\ud800"'),
        json({ ...ticketSolved('s-deep'), data: { ...ticketSolved('s-deep').data, nest: deep(40) } }),
        json(ticketSolved('s-off', 1, '2026-11-02T10:00:00+16:00')),
        json(ticketSolved('s-inf')).replace('"handleSeconds":60', '"handleSeconds":60,"extra":1e400'),
        json(ticketSolved('s-big')).replace('"handleSeconds":60', '"handleSeconds":1e308'),
        json({ ...ticketSolved('s-id'), id: 's-\u0000' }),
      ].join(',') +
      ']';
    const before = await deadLetters();
    const r = await post(body, asSource(token, 'application/json'));
    expect(r.status).toBe(202);
    const answer = (await r.json()) as Answer;
    expect(answer.results.map((o) => [o.status, o.field, o.code])).toEqual([
      ['accepted', undefined, undefined],
      ['rejected', 'subject', 'nul_character'],
      ['rejected', 'data.x\\u0000y', 'nul_character'],
      ['rejected', 'data.ticketId', 'lone_surrogate'],
      ['rejected', 'data.nest.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a', 'too_deep'],
      ['rejected', 'time', 'invalid_value'],
      ['rejected', 'data.extra', 'not_finite'],
      ['rejected', 'data.handleSeconds', 'invalid_value'],
      ['rejected', 'id', 'nul_character'],
    ]);
    expect(answer.results[5]?.reason).toBe(
      "time: the UTC offset is beyond ±15:59: expected a real zone's offset, e.g. +08:00",
    );
    expect(answer.results[7]?.reason).toBe('data.handleSeconds: expected at most 1000000000000000 (1e15)');
    expect(answer.results[8]?.id).toBeUndefined(); // an id it could not store is not echoed

    // the accepted event's time is the right instant, stored in UTC
    const [row] = await t.db.query<{ event_time: Date }[]>(`SELECT event_time FROM event_log WHERE event_id = 's-ok'`);
    expect(row?.event_time.toISOString()).toBe('2026-11-03T15:29:00.000Z');
    // every rejection is a dead letter, its text escaped where Postgres would refuse it
    expect(await deadLetters()).toBe(before + 8);
    const dead = await new RejectedEventsRepository(t.db).latest(8);
    expect(dead.find((d) => d.code === 'nul_character' && d.field === 'subject')?.payload).toContain('"a\\u0000b"');
    expect(dead.find((d) => d.code === 'lone_surrogate')?.payload).toContain('"k-\\ud800"');
  });

  it('refuses 9.5 MiB of [1,1,…] with 413 at once: no dead letters, a short answer', async () => {
    const before = await deadLetters();
    const body = `[${'1,'.repeat(4_999_999)}1]`;
    const r = await post(body, asSource(token, 'application/json'));
    expect(r.status).toBe(413);
    expect(((await r.json()) as { message: string }).message).toBe(
      '5000000 events, over the limit of 10000 events per request: post them in smaller batches',
    );
    expect(await deadLetters()).toBe(before);
    const huge = await post('x'.repeat(11 * 1024 * 1024), asSource(token, 'application/x-ndjson'));
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { message: string }).message).toBe(
      'the body is over the limit of 10485760 bytes per request',
    );
    expect(errorsLogged()).toEqual([]);
  });

  it('commits the events and the dead letters of a request in one transaction: a 503 took nothing, logged with its request id', async () => {
    const log = new PostgresEventLog(t.db);
    const end = await log.endOffset();
    const before = await deadLetters();
    const body = json([ticketSolved('tx-good'), ticketSolved('tx-bad', 0)]);
    // the dead letters cannot be written: the table is away
    await t.db.query(`ALTER TABLE rejected_events RENAME TO rejected_events_away`);
    let failed: Response;
    try {
      failed = await post(body, { ...asSource(token, 'application/json'), 'x-request-id': 'req-tx-1' });
    } finally {
      await t.db.query(`ALTER TABLE rejected_events_away RENAME TO rejected_events`);
    }
    expect(failed.status).toBe(503);
    expect(failed.headers.get('x-request-id')).toBe('req-tx-1');
    expect(await log.endOffset()).toBe(end); // the good event was not taken either
    expect(await deadLetters()).toBe(before);
    const [line] = errorsLogged();
    expect(line).toMatchObject({
      level: 'error',
      status: 503,
      method: 'POST',
      path: '/v1/events',
      requestId: 'req-tx-1',
    });
    expect(String(line?.['cause'])).toMatch(/rejected_events/);

    // posted again, it is taken now, for the first time
    const again = await post(body, asSource(token, 'application/json'));
    expect(again.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(((await again.json()) as Answer).results.map((o) => o.status)).toEqual(['accepted', 'rejected']);
    expect(await deadLetters()).toBe(before + 1);
  });
});

describe('the OpenAPI document of POST /v1/events', () => {
  let t: TestDatabase;
  let app: INestApplication;
  beforeAll(async () => {
    t = await migratedTestDatabase();
    ({ app } = await startTestApp(t, [IngestGatewayModule]));
  });
  afterAll(async () => {
    await app.close();
    await t.drop();
  });

  it('gives the request and every answer a schema: 202 outcomes, 400 / 401 / 413 / 415 / 503 errors', () => {
    const doc = SwaggerModule.createDocument(app, new DocumentBuilder().build());
    const post = doc.paths['/v1/events']?.post;
    expect(Object.keys(post?.requestBody && 'content' in post.requestBody ? post.requestBody.content : {})).toEqual([
      'application/json',
      'application/cloudevents+json',
      'application/cloudevents-batch+json',
      'application/x-ndjson',
    ]);
    const schemaOf = (status: string) => {
      const answer = post?.responses[status];
      return answer !== undefined && 'content' in answer ? answer.content?.['application/json']?.schema : undefined;
    };
    expect(schemaOf('202')).toEqual({ $ref: '#/components/schemas/IngestResponse' });
    for (const status of ['400', '401', '413', '415', '503'])
      expect(schemaOf(status)).toEqual({ $ref: '#/components/schemas/HttpError' });
    expect(Object.keys(doc.components?.schemas ?? {})).toEqual(
      expect.arrayContaining(['CanonicalEvent', 'IngestOutcome', 'IngestResponse', 'HttpError']),
    );
  });
});

describe('ingest limits from the environment (INGEST_*)', () => {
  let t: TestDatabase;
  let app: INestApplication;
  let base: string;
  let token: string;
  beforeAll(async () => {
    t = await migratedTestDatabase();
    ({ app, base } = await startTestApp(t, [IngestGatewayModule], undefined, {
      INGEST_MAX_REQUEST_BYTES: '65536',
      INGEST_MAX_EVENTS: '50',
      INGEST_MAX_EVENT_BYTES: '2048',
      INGEST_MAX_DEAD_LETTERS: '5',
    }));
    token = await sourceToken(t.db, 'ticketing/zendesk');
  });
  afterAll(async () => {
    await app.close();
    await t.drop();
  });

  const post = (body: string, type = 'application/json') =>
    fetch(`${base}/v1/events`, { method: 'POST', headers: asSource(token, type), body });

  it('bounds events per request, bytes per request and per event, and dead letters per request', async () => {
    expect((await post(JSON.stringify(Array.from({ length: 51 }, () => 1)))).status).toBe(413);
    expect((await post(`${JSON.stringify(ticketSolved('big'))}\n`.repeat(400), 'application/x-ndjson')).status).toBe(
      413,
    );

    const large = { ...ticketSolved('l1'), data: { ...ticketSolved('l1').data, note: 'x'.repeat(3000) } };
    const items = [large, ticketSolved('ok1'), ...Array.from({ length: 40 }, () => 1)];
    const r = await post(JSON.stringify(items));
    expect(r.status).toBe(202);
    const answer = (await r.json()) as Answer;
    expect(answer.results).toHaveLength(42); // every outcome answered
    expect(answer).toMatchObject({ accepted: 1, rejected: 41 });
    expect(answer.results[0]).toMatchObject({ field: 'event', code: 'too_large' });
    expect(answer.results[0]?.reason).toMatch(/^event: 3\d{3} bytes, over the limit of 2048 bytes per event$/);

    const dead = await new RejectedEventsRepository(t.db).latest(100);
    expect(dead).toHaveLength(6); // 5 one by one, 1 summary
    expect(dead[0]).toMatchObject({
      field: 'request',
      code: 'too_many_rejections',
      reason:
        'request: 36 more rejected events are not kept one by one (over 5 dead letters per request); their outcomes were answered',
      payload: '{"notKept":36,"byCode":{"invalid_type":36}}',
    });
    // the payload of the too-large event is kept up to the bound
    expect(dead[5]?.payload.length).toBeLessThan(2048 + 40);
    expect(dead[5]?.payload).toMatch(/… \[cut: 3\d{3} characters in all\]$/);
  });

  it('keeps an idle connection longer than a client pool does, so a connection reused after 7 s is never reset', async () => {
    // Node's default closed idle connections after 5 s (plus a second): a sender reusing one just then got ECONNRESET
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const send = () =>
      new Promise<{ status: number; reused: boolean }>((resolve, reject) => {
        const body = JSON.stringify([ticketSolved(`keep-${Math.random()}`)]);
        const req = request(
          `${base}/v1/events`,
          { method: 'POST', agent, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } },
          (res) => {
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    try {
      expect(await send()).toEqual({ status: 202, reused: false });
      await new Promise((r) => setTimeout(r, 7_000));
      expect(await send()).toEqual({ status: 202, reused: true });
    } finally {
      agent.destroy();
    }
  });
});
