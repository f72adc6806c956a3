// The Kafka test broker (test/support/kafka-broker) driven by the real kafkajs 2.2.4 client: admin,
// idempotent producer and consumer groups, plus a few raw-protocol checks kafkajs cannot provoke.

import { spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../support/kafka-broker';
import { crc32c } from '../support/kafka-broker/records';
import { Reader, Writer } from '../support/kafka-broker/wire';

const ROOT = join(__dirname, '..', '..');

let broker: TestBroker;
let kafka: Kafka;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  broker = await startTestBroker();
  kafka = new Kafka({ clientId: 'broker-spec', brokers: broker.brokers, logLevel: logLevel.NOTHING });
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

afterAll(async () => {
  await broker.close();
});

async function admin(): Promise<Admin> {
  const a = kafka.admin();
  await a.connect();
  cleanups.push(() => a.disconnect());
  return a;
}

async function idempotentProducer(): Promise<Producer> {
  const p = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await p.connect();
  cleanups.push(() => p.disconnect());
  return p;
}

/** A group member that records the partitions of every assignment it gets (GROUP_JOIN). */
function member(groupId: string, options: { maxWaitTimeInMs?: number } = {}) {
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: 10_000,
    rebalanceTimeout: 10_000,
    heartbeatInterval: 300,
    maxWaitTimeInMs: options.maxWaitTimeInMs ?? 300,
  });
  const state: { assignment: number[]; joins: number } = { assignment: [], joins: 0 };
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    state.joins += 1;
    state.assignment = Object.values(payload.memberAssignment)
      .flat()
      .sort((a, b) => a - b);
  });
  cleanups.push(() => consumer.disconnect());
  return { consumer, state };
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function parsePartitions(line: string): number[] {
  const value: unknown = JSON.parse(line);
  return Array.isArray(value) ? value.filter((v): v is number => typeof v === 'number') : [];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Kafka test broker with kafkajs', () => {
  it('admin creates a topic with 4 partitions, sees them in metadata, and a second create fails cleanly', async () => {
    const a = await admin();
    expect(await a.createTopics({ topics: [{ topic: 'orders', numPartitions: 4, replicationFactor: 3 }] })).toBe(true);

    const { topics } = await a.fetchTopicMetadata({ topics: ['orders'] });
    expect(topics).toHaveLength(1);
    expect(topics[0]?.partitions.map((p) => [p.partitionId, p.leader]).sort()).toEqual([
      [0, 0],
      [1, 0],
      [2, 0],
      [3, 0],
    ]);

    // kafkajs reports TOPIC_ALREADY_EXISTS for every requested topic as `false`, not as an error.
    expect(await a.createTopics({ topics: [{ topic: 'orders', numPartitions: 8 }] })).toBe(false);
    expect((await a.fetchTopicMetadata({ topics: ['orders'] })).topics[0]?.partitions).toHaveLength(4);

    // validateOnly checks without creating; an impossible partition count is refused.
    await a.createTopics({
      validateOnly: true,
      waitForLeaders: false,
      topics: [{ topic: 'dry-run', numPartitions: 2 }],
    });
    expect(await a.listTopics()).not.toContain('dry-run');
    await expect(a.createTopics({ topics: [{ topic: 'bad', numPartitions: 0 }] })).rejects.toThrow();

    const cluster = await a.describeCluster();
    expect(cluster.controller).toBe(0);
    expect(cluster.brokers).toEqual([{ nodeId: 0, host: '127.0.0.1', port: broker.port }]);
  }, 30_000);

  it('an idempotent producer sends 1,000 keyed messages and a group reads each exactly once, in order per partition', async () => {
    const a = await admin();
    await a.createTopics({ topics: [{ topic: 'events', numPartitions: 4 }] });
    const producer = await idempotentProducer();

    const keyOf = (i: number) => (i % 10 === 0 ? null : `key-${i % 37}`);
    for (let start = 0; start < 1000; start += 100) {
      await producer.send({
        topic: 'events',
        acks: -1,
        messages: Array.from({ length: 100 }, (_, j) => {
          const i = start + j;
          return { key: keyOf(i), value: `value-${i}`, headers: { seq: String(i), kind: i % 2 ? 'odd' : 'even' } };
        }),
      });
    }
    // The log holds exactly 1,000 records: nothing was appended twice.
    const high = (await a.fetchTopicOffsets('events')).reduce((sum, p) => sum + Number(p.high), 0);
    expect(high).toBe(1000);

    const { consumer } = member('events-readers');
    const received: {
      partition: number;
      offset: number;
      seq: number;
      key: string | null;
      value: string;
      kind: string;
    }[] = [];
    await consumer.connect();
    await consumer.subscribe({ topics: ['events'], fromBeginning: true });
    await consumer.run({
      eachMessage: ({ partition, message }) => {
        received.push({
          partition,
          offset: Number(message.offset),
          seq: Number(message.headers?.seq?.toString()),
          key: message.key === null ? null : message.key.toString(),
          value: message.value?.toString() ?? '<null>',
          kind: message.headers?.kind?.toString() ?? '',
        });
        return Promise.resolve();
      },
    });
    await waitFor(() => received.length >= 1000, '1,000 messages');
    await sleep(500); // a duplicate delivery would show up here

    expect(received).toHaveLength(1000);
    expect(new Set(received.map((m) => m.seq)).size).toBe(1000);
    for (const m of received) {
      expect(m.value).toBe(`value-${m.seq}`);
      expect(m.key).toBe(keyOf(m.seq));
      expect(m.kind).toBe(m.seq % 2 ? 'odd' : 'even');
    }
    expect(received.some((m) => m.key === null)).toBe(true);
    for (let partition = 0; partition < 4; partition++) {
      const inPartition = received.filter((m) => m.partition === partition);
      expect(inPartition.length).toBeGreaterThan(0);
      // Offsets are dense from 0 and follow the send order.
      expect(inPartition.map((m) => m.offset)).toEqual(inPartition.map((_, i) => i));
      const seqs = inPartition.map((m) => m.seq);
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    }
  }, 30_000);

  it('a group splits partitions, and reassigns them when a member leaves or stops heartbeating', async () => {
    const a = await admin();
    await a.createTopics({ topics: [{ topic: 'shared', numPartitions: 4 }] });
    const groupId = 'sharing';

    const first = member(groupId);
    await first.consumer.connect();
    await first.consumer.subscribe({ topics: ['shared'] });
    await first.consumer.run({ eachMessage: () => Promise.resolve() });
    await waitFor(() => first.state.assignment.length === 4, 'the first member to own all partitions');

    const second = member(groupId);
    await second.consumer.connect();
    await second.consumer.subscribe({ topics: ['shared'] });
    await second.consumer.run({ eachMessage: () => Promise.resolve() });
    // Both members report the new generation's assignment (the first one still holds all 4 until it syncs).
    await waitFor(
      () =>
        first.state.assignment.length > 0 &&
        second.state.assignment.length > 0 &&
        first.state.assignment.length + second.state.assignment.length === 4,
      'both members to own partitions',
    );
    expect([...first.state.assignment, ...second.state.assignment].sort()).toEqual([0, 1, 2, 3]);

    // A clean leave (LeaveGroup) hands everything back to the remaining member.
    await second.consumer.disconnect();
    await waitFor(() => first.state.assignment.length === 4, 'the first member to get all partitions back');

    // A member that is SIGKILLed never leaves; it just stops heartbeating and must be expired.
    const doomed = spawn(
      process.execPath,
      [
        '-e',
        `
        const { Kafka, logLevel } = require('kafkajs');
        const kafka = new Kafka({ clientId: 'doomed', brokers: [process.env.BROKER], logLevel: logLevel.NOTHING });
        const consumer = kafka.consumer({
          groupId: process.env.GROUP, sessionTimeout: 3000, heartbeatInterval: 300, maxWaitTimeInMs: 300,
        });
        consumer.on(consumer.events.GROUP_JOIN, ({ payload }) =>
          process.stdout.write(JSON.stringify(Object.values(payload.memberAssignment).flat()) + '\\n'));
        (async () => {
          await consumer.connect();
          await consumer.subscribe({ topics: ['shared'] });
          await consumer.run({ eachMessage: async () => {} });
        })().catch((err) => { console.error(err); process.exit(1); });
        `,
      ],
      {
        cwd: ROOT,
        env: { ...process.env, BROKER: broker.brokers[0], GROUP: groupId },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    cleanups.push(() => Promise.resolve(doomed.kill('SIGKILL')));
    let doomedAssignment: number[] = [];
    let doomedOutput = '';
    doomed.stdout.on('data', (chunk: Buffer) => {
      doomedOutput += chunk.toString();
      const lines = doomedOutput.split('\n');
      doomedOutput = lines.pop() ?? '';
      for (const line of lines) doomedAssignment = parsePartitions(line);
    });
    await waitFor(
      () => doomedAssignment.length > 0 && first.state.assignment.length > 0 && first.state.assignment.length < 4,
      'the child process to share the partitions',
    );
    expect((await a.describeGroups([groupId])).groups[0]?.members).toHaveLength(2);

    const joinsBeforeKill = first.state.joins;
    const killedAt = Date.now();
    doomed.kill('SIGKILL');
    await waitFor(
      () => first.state.joins > joinsBeforeKill && first.state.assignment.length === 4,
      'the expired member’s partitions to be reassigned',
    );
    // Reassigned by session expiry (3 s without a heartbeat), not by anything noticing the dead connection.
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(2_000);
    const group = (await a.describeGroups([groupId])).groups[0];
    expect(group?.state).toBe('Stable');
    expect(group?.members.map((m) => m.clientId)).toEqual(['broker-spec']);
  }, 30_000);

  it('committed offsets are fetched back, and a restarted member resumes after them', async () => {
    const a = await admin();
    await a.createTopics({ topics: [{ topic: 'resumable', numPartitions: 2 }] });
    const producer = await idempotentProducer();
    const send = (from: number, to: number) =>
      producer.send({
        topic: 'resumable',
        messages: Array.from({ length: to - from }, (_, i) => ({ key: `k${from + i}`, value: String(from + i) })),
      });
    await send(0, 20);

    const consume = async (expected: number) => {
      const { consumer } = member('resumers');
      const seen: number[] = [];
      await consumer.connect();
      await consumer.subscribe({ topics: ['resumable'], fromBeginning: true });
      await consumer.run({
        autoCommitThreshold: 1,
        eachMessage: ({ message }) => {
          seen.push(Number(message.value?.toString()));
          return Promise.resolve();
        },
      });
      await waitFor(() => seen.length >= expected, `${expected} messages`);
      await sleep(300);
      await consumer.disconnect();
      return seen.sort((x, y) => x - y);
    };

    expect(await consume(20)).toEqual(Array.from({ length: 20 }, (_, i) => i));

    const ends = await a.fetchTopicOffsets('resumable');
    const [committed] = await a.fetchOffsets({ groupId: 'resumers', topics: ['resumable'] });
    expect(committed?.topic).toBe('resumable');
    expect(committed?.partitions.map((p) => [p.partition, p.offset]).sort()).toEqual(
      ends.map((p) => [p.partition, p.high]).sort(),
    );
    // Without topics, OffsetFetch returns everything the group committed.
    expect((await a.fetchOffsets({ groupId: 'resumers' })).map((t) => t.topic)).toEqual(['resumable']);

    await send(20, 30);
    expect(await consume(10)).toEqual(Array.from({ length: 10 }, (_, i) => 20 + i));
  }, 30_000);

  it('a fetch with nothing new long-polls for maxWaitTime, and wakes up when data arrives', async () => {
    const a = await admin();
    await a.createTopics({ topics: [{ topic: 'quiet', numPartitions: 1 }] });
    const producer = await idempotentProducer();
    const maxWaitTimeInMs = 2000;
    const { consumer, state } = member('pollers', { maxWaitTimeInMs });
    const durations: number[] = [];
    let fetchesStarted = 0;
    const received: string[] = [];
    consumer.on(consumer.events.FETCH_START, () => {
      fetchesStarted += 1;
    });
    consumer.on(consumer.events.FETCH, ({ payload }) => {
      if (state.assignment.length > 0) durations.push(payload.duration);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: ['quiet'], fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        received.push(message.value?.toString() ?? '');
        return Promise.resolve();
      },
    });
    await waitFor(() => durations.length >= 2, 'two fetches of an empty partition');

    // Produce while a fetch is parked on the broker.
    const started = fetchesStarted;
    await waitFor(() => fetchesStarted > started, 'the next fetch');
    await sleep(200);
    const idle = [...durations];
    await producer.send({ topic: 'quiet', messages: [{ value: 'wake up' }] });
    await waitFor(() => received.length === 1 && durations.length > idle.length, 'the message');

    expect(received).toEqual(['wake up']);
    // Every fetch before the send found nothing and was held for (about) maxWaitTime…
    for (const duration of idle) expect(duration).toBeGreaterThanOrEqual(0.8 * maxWaitTimeInMs);
    // …while the parked one returned with the data instead of sitting out its maxWaitTime.
    expect(durations[idle.length]).toBeLessThan(0.8 * maxWaitTimeInMs);
  }, 30_000);
});

// ---- raw protocol: what kafkajs never sends on its own ----------------------------------------------

class RawClient {
  private buffered = Buffer.alloc(0);
  private readonly waiting: ((frame: Buffer) => void)[] = [];
  private correlationId = 0;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      while (this.buffered.length >= 4 && this.buffered.length >= 4 + this.buffered.readInt32BE(0)) {
        const size = this.buffered.readInt32BE(0);
        const frame = this.buffered.subarray(4, 4 + size);
        this.buffered = this.buffered.subarray(4 + size);
        this.waiting.shift()?.(frame);
      }
    });
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Sends one request and returns its response body (after the correlation id, which is checked). */
  async request(apiKey: number, apiVersion: number, body: Writer): Promise<Reader> {
    const correlationId = ++this.correlationId;
    const payload = new Writer().int16(apiKey).int16(apiVersion).int32(correlationId).nullableString('raw');
    payload.raw(body.toBuffer());
    const bytes = payload.toBuffer();
    const frame = await new Promise<Buffer>((resolve) => {
      this.waiting.push(resolve);
      this.socket.write(Buffer.concat([new Writer().int32(bytes.length).toBuffer(), bytes]));
    });
    const reader = new Reader(frame);
    expect(reader.int32()).toBe(correlationId);
    return reader;
  }

  close(): void {
    this.socket.destroy();
  }
}

/**
 * A record batch v2 with uncompressed records, as an idempotent producer would write it; record i is
 * stamped `timestamp + 10 * i`.
 */
function recordBatch(producerId: bigint, baseSequence: number, values: string[], timestamp: number): Buffer {
  const records = new Writer();
  values.forEach((value, i) => {
    const body = new Writer()
      .int8(0)
      .varlong(BigInt(10 * i))
      .varint(i)
      .varint(-1); // attributes, Δt, Δoffset, null key
    body.varint(Buffer.byteLength(value)).raw(Buffer.from(value)).varint(0); // value, no headers
    const bytes = body.toBuffer();
    records.varint(bytes.length).raw(bytes);
  });
  const checked = new Writer()
    .int16(0) // attributes: no compression, create time
    .int32(values.length - 1)
    .int64(timestamp)
    .int64(timestamp + 10 * (values.length - 1))
    .int64(producerId)
    .int16(0)
    .int32(baseSequence)
    .int32(values.length)
    .raw(records.toBuffer())
    .toBuffer();
  return new Writer()
    .int64(0)
    .int32(4 + 1 + 4 + checked.length)
    .int32(-1)
    .int8(2)
    .int32(crc32c(checked) | 0)
    .raw(checked)
    .toBuffer();
}

describe('Kafka test broker on the wire', () => {
  it('answers a retried idempotent batch with its original offset instead of appending it again', async () => {
    const a = await admin();
    await a.createTopics({ topics: [{ topic: 'retried', numPartitions: 1 }] });
    const client = await RawClient.open(broker.port);
    cleanups.push(() => Promise.resolve(client.close()));

    const init = await client.request(22, 1, new Writer().nullableString(null).int32(60_000));
    init.int32();
    expect(init.int16()).toBe(0);
    const producerId = init.int64();

    const produce = async (batch: Buffer) => {
      const body = new Writer().nullableString(null).int16(-1).int32(5_000);
      body.array(['retried'], (w, topic) => {
        w.string(topic).array([batch], (w, records) => w.int32(0).nullableBytes(records));
      });
      const r = await client.request(0, 7, body);
      r.int32(); // topics
      r.string();
      r.int32(); // partitions
      r.int32();
      return { errorCode: r.int16(), baseOffset: Number(r.int64()) };
    };

    const t0 = 1_700_000_000_000;
    const first = recordBatch(producerId, 0, ['a', 'b', 'c'], t0);
    expect(await produce(first)).toEqual({ errorCode: 0, baseOffset: 0 });
    expect(await produce(first)).toEqual({ errorCode: 0, baseOffset: 0 }); // the retry
    expect(await produce(recordBatch(producerId, 3, ['d', 'e'], t0 + 1000))).toEqual({ errorCode: 0, baseOffset: 3 });
    expect(await produce(first)).toEqual({ errorCode: 0, baseOffset: 0 }); // a late retry of the first
    expect((await produce(recordBatch(producerId, 9, ['x'], t0))).errorCode).toBe(45); // a gap: out of order
    const corrupt = recordBatch(producerId, 5, ['f'], t0);
    corrupt.writeUInt8(corrupt.readUInt8(corrupt.length - 1) ^ 0xff, corrupt.length - 1); // breaks the CRC
    expect((await produce(corrupt)).errorCode).toBe(2);

    const [partition] = await a.fetchTopicOffsets('retried');
    expect(partition?.high).toBe('5');
    // By timestamp: the first record at or after t, or -1 past the last one.
    const byTime = async (ts: number) => (await a.fetchTopicOffsetsByTimestamp('retried', ts))[0]?.offset;
    expect(await byTime(t0)).toBe('0');
    expect(await byTime(t0 + 5)).toBe('1'); // inside the first batch: resolved to the record
    expect(await byTime(t0 + 20)).toBe('2');
    expect(await byTime(t0 + 21)).toBe('3');
    expect(await byTime(t0 + 2000)).toBe('5'); // kafkajs maps "none" (-1) to the high watermark
  }, 30_000);

  it('answers a fetch past the end with OFFSET_OUT_OF_RANGE, and an unknown API version with an error', async () => {
    const a = await admin();
    await a.createTopics({ topics: [{ topic: 'short', numPartitions: 1 }] });
    const client = await RawClient.open(broker.port);
    cleanups.push(() => Promise.resolve(client.close()));

    const body = new Writer()
      .int32(-1)
      .int32(5_000)
      .int32(1)
      .int32(1 << 20)
      .int8(1)
      .int32(0)
      .int32(-1);
    body.array(['short'], (w, topic) => {
      w.string(topic).array([0], (w, partition) => {
        w.int32(partition)
          .int32(-1)
          .int64(7)
          .int64(-1)
          .int32(1 << 20);
      });
    });
    body.array([], () => undefined).string('');
    const started = Date.now();
    const r = await client.request(1, 11, body);
    expect(Date.now() - started).toBeLessThan(5_000); // an error is answered without waiting
    r.int32();
    expect(r.int16()).toBe(0);
    r.int32();
    r.int32();
    expect(r.string()).toBe('short');
    r.int32();
    expect(r.int32()).toBe(0);
    expect(r.int16()).toBe(1); // OFFSET_OUT_OF_RANGE
    expect(Number(r.int64())).toBe(0); // high watermark

    const versions = await client.request(18, 3, new Writer());
    expect(versions.int16()).toBe(35); // UNSUPPORTED_VERSION, with the supported list for the client to step down
    const listed = versions.array((r) => [r.int16(), r.int16(), r.int16()]);
    expect(listed).toContainEqual([1, 11, 11]);
    expect(listed).toContainEqual([18, 0, 2]);
  }, 30_000);
});
