// The TCP server and API handlers of the Kafka test broker (test fixture only, never a runtime option).
// One node (id 0) on 127.0.0.1 answers every request itself: it is the controller, the leader of every
// partition and the coordinator of every group. Requests on a connection are handled one at a time and
// answered in order, as a real broker does (it mutes a connection while a request is in flight).

import { createServer, type Server, type Socket } from 'node:net';
import { GroupCoordinator, type CommittedOffset, type GroupProtocol } from './groups';
import { Log, type Partition } from './log';
import {
  APIS,
  API_BY_KEY,
  API_VERSIONS_KEY,
  type ApiName,
  ErrorCode,
  type ErrorCodeValue,
  isValidTopicName,
} from './protocol';
import { InvalidBatchError, splitRecordSet } from './records';
import { Reader, WireError, Writer } from './wire';

export interface BrokerOptions {
  port: number;
  defaultPartitions: number;
  autoCreateTopics: boolean;
}

const NODE_ID = 0;
const HOST = '127.0.0.1';
const CLUSTER_ID = 'kafka-test-broker';
const MAX_FRAME_BYTES = 100 * 1024 * 1024;

interface FetchedPartition {
  index: number;
  errorCode: ErrorCodeValue;
  highWatermark: number;
  logStartOffset: number;
  batches: Buffer[];
}

interface RequestContext {
  apiVersion: number;
  clientId: string;
  clientHost: string;
}

function warn(message: string): void {
  console.warn(`[kafka-test-broker] ${message}`);
}

export class KafkaTestBroker {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly log = new Log();
  private readonly groups = new GroupCoordinator();
  /** Wakes long-polling fetches so close() does not wait for their maxWaitTime. */
  private readonly wakeOnClose = new Set<() => void>();
  private nextProducerId = 1000;
  private closed = false;
  port = 0;

  constructor(private readonly options: BrokerOptions) {
    this.server = createServer((socket) => this.onConnection(socket));
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, HOST, () => {
        this.server.off('error', reject);
        const address = this.server.address();
        if (address === null || typeof address === 'string') {
          reject(new Error('the test broker did not get a TCP address'));
          return;
        }
        this.port = address.port;
        resolve();
      });
    });
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    for (const wake of [...this.wakeOnClose]) wake();
    this.groups.close();
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  // ---- connections -------------------------------------------------------------------------------

  private onConnection(socket: Socket): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.setNoDelay(true);
    const clientHost = `/${socket.remoteAddress ?? HOST}`;
    const frames: Buffer[] = [];
    let buffered: Buffer = Buffer.alloc(0);
    let processing = false;

    const processFrames = async (): Promise<void> => {
      if (processing) return;
      processing = true;
      try {
        for (let frame = frames.shift(); frame !== undefined && !socket.destroyed; frame = frames.shift()) {
          const response = await this.handleFrame(frame, clientHost);
          if (response === 'close') socket.destroy();
          else if (response !== null && !socket.destroyed) socket.write(response);
        }
      } finally {
        processing = false;
      }
    };

    socket.on('data', (chunk: Buffer) => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      while (buffered.length >= 4) {
        const size = buffered.readInt32BE(0);
        if (size < 0 || size > MAX_FRAME_BYTES) {
          warn(`closing a connection that sent a frame of ${size} bytes`);
          socket.destroy();
          return;
        }
        if (buffered.length < 4 + size) break;
        frames.push(buffered.subarray(4, 4 + size));
        buffered = buffered.subarray(4 + size);
      }
      processFrames().catch((err: unknown) => {
        warn(`request handling failed, closing the connection: ${String(err)}`);
        socket.destroy();
      });
    });
    // A client that is killed resets its connections; that is expected, not an error of the broker.
    socket.on('error', () => undefined);
    socket.on('close', () => this.sockets.delete(socket));
  }

  /** Returns the response frame, null when none is due (acks=0), or 'close' for an unreadable request. */
  private async handleFrame(frame: Buffer, clientHost: string): Promise<Buffer | null | 'close'> {
    const reader = new Reader(frame);
    let apiKey: number;
    let apiVersion: number;
    let correlationId: number;
    let clientId: string;
    try {
      apiKey = reader.int16();
      apiVersion = reader.int16();
      correlationId = reader.int32();
      clientId = reader.nullableString() ?? '';
    } catch (err) {
      warn(`unreadable request header: ${String(err)}`);
      return 'close';
    }

    const api = API_BY_KEY.get(apiKey);
    if (api === undefined || apiVersion < api.minVersion || apiVersion > api.maxVersion) {
      if (apiKey === API_VERSIONS_KEY) {
        // The client probes newer ApiVersions first; a v0 error response listing our versions lets it step down.
        return frameResponse(correlationId, this.apiVersions(0, ErrorCode.UNSUPPORTED_VERSION));
      }
      warn(
        `unsupported request: api key ${apiKey}${api === undefined ? '' : ` (${api.name})`} v${apiVersion} ` +
          `from client "${clientId}"; only the versions advertised through ApiVersions are implemented`,
      );
      // The response schema of an unknown API/version is unknown; an error code right after the
      // correlation id is the best generic answer (it is the layout of most v0 responses).
      return frameResponse(correlationId, new Writer().int16(ErrorCode.UNSUPPORTED_VERSION));
    }

    try {
      const body = await this.dispatch(api.name, reader, { apiVersion, clientId, clientHost });
      return body === null ? null : frameResponse(correlationId, body);
    } catch (err) {
      if (err instanceof WireError) {
        warn(`malformed ${api.name} v${apiVersion} request from "${clientId}", closing the connection: ${err.message}`);
        return 'close';
      }
      throw err;
    }
  }

  private dispatch(name: ApiName, reader: Reader, ctx: RequestContext): Promise<Writer | null> | Writer | null {
    switch (name) {
      case 'ApiVersions':
        return this.apiVersions(ctx.apiVersion, ErrorCode.NONE);
      case 'Metadata':
        return this.metadata(reader);
      case 'CreateTopics':
        return this.createTopics(reader);
      case 'Produce':
        return this.produce(reader);
      case 'Fetch':
        return this.fetch(reader);
      case 'ListOffsets':
        return this.listOffsets(reader);
      case 'FindCoordinator':
        return this.findCoordinator(reader);
      case 'InitProducerId':
        return this.initProducerId(reader);
      case 'JoinGroup':
        return this.joinGroup(reader, ctx);
      case 'SyncGroup':
        return this.syncGroup(reader);
      case 'Heartbeat':
        return this.heartbeat(reader);
      case 'LeaveGroup':
        return this.leaveGroup(reader);
      case 'OffsetCommit':
        return this.offsetCommit(reader);
      case 'OffsetFetch':
        return this.offsetFetch(reader);
      case 'DescribeGroups':
        return this.describeGroups(reader);
    }
  }

  // ---- cluster and topics ------------------------------------------------------------------------

  private apiVersions(version: number, errorCode: ErrorCodeValue): Writer {
    const w = new Writer().int16(errorCode);
    w.array(APIS, (w, api) => {
      w.int16(api.key).int16(api.minVersion).int16(api.maxVersion);
    });
    if (version >= 1) w.int32(0); // throttle_time_ms
    return w;
  }

  private metadata(r: Reader): Writer {
    const requested = r.nullableArray((r) => r.string());
    const allowAutoTopicCreation = r.bool();
    const names = requested === null ? this.log.allTopics().map((t) => t.name) : [...new Set(requested)];

    const topics = names.map((name) => {
      let topic = this.log.topic(name);
      if (topic === undefined) {
        if (!isValidTopicName(name)) return { name, errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, partitions: 0 };
        if (!(this.options.autoCreateTopics && allowAutoTopicCreation)) {
          return { name, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, partitions: 0 };
        }
        topic = this.log.create(name, this.options.defaultPartitions);
      }
      return { name, errorCode: ErrorCode.NONE, partitions: topic.partitions.length };
    });

    const w = new Writer().int32(0); // throttle_time_ms
    w.array([NODE_ID], (w, nodeId) => {
      w.int32(nodeId).string(HOST).int32(this.port).nullableString(null);
    });
    w.nullableString(CLUSTER_ID).int32(NODE_ID); // cluster id, controller id
    w.array(topics, (w, t) => {
      w.int16(t.errorCode).string(t.name).bool(false);
      w.array(
        Array.from({ length: t.partitions }, (_, i) => i),
        (w, partition) => {
          w.int16(ErrorCode.NONE).int32(partition).int32(NODE_ID);
          w.array([NODE_ID], (w, id) => w.int32(id)); // replicas
          w.array([NODE_ID], (w, id) => w.int32(id)); // in-sync replicas
          w.array([], (w, id: number) => w.int32(id)); // offline replicas
        },
      );
    });
    return w;
  }

  private createTopics(r: Reader): Writer {
    const requests = r.array((r) => ({
      name: r.string(),
      numPartitions: r.int32(),
      replicationFactor: r.int16(),
      assignments: r.array((r) => ({ partition: r.int32(), replicas: r.array((r) => r.int32()) })),
      configs: r.array((r) => ({ name: r.string(), value: r.nullableString() })),
    }));
    r.int32(); // timeout: creation is immediate
    const validateOnly = r.bool();

    const seen = new Map<string, number>();
    for (const { name } of requests) seen.set(name, (seen.get(name) ?? 0) + 1);

    const results = requests.map(({ name, numPartitions, replicationFactor, assignments }) => {
      const fail = (errorCode: ErrorCodeValue, message: string) => ({ name, errorCode, message });
      if ((seen.get(name) ?? 0) > 1) return fail(ErrorCode.INVALID_REQUEST, `Topic '${name}' is listed twice.`);
      if (!isValidTopicName(name))
        return fail(ErrorCode.INVALID_TOPIC_EXCEPTION, `'${name}' is not a legal topic name.`);
      if (this.log.has(name)) return fail(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${name}' already exists.`);
      let partitions: number;
      if (assignments.length > 0) {
        if (numPartitions !== -1 || replicationFactor !== -1) {
          return fail(
            ErrorCode.INVALID_REQUEST,
            'Give either a replica assignment or partition count and replication factor.',
          );
        }
        partitions = assignments.length;
      } else if (numPartitions === -1) {
        partitions = this.options.defaultPartitions;
      } else if (numPartitions <= 0) {
        return fail(ErrorCode.INVALID_PARTITIONS, `Number of partitions must be larger than 0 (got ${numPartitions}).`);
      } else {
        partitions = numPartitions;
      }
      // The replication factor is accepted and ignored: a single node holds the only copy.
      if (!validateOnly) this.log.create(name, partitions);
      return { name, errorCode: ErrorCode.NONE, message: null };
    });

    const w = new Writer().int32(0);
    w.array(results, (w, t) => {
      w.string(t.name).int16(t.errorCode).nullableString(t.message);
    });
    return w;
  }

  // ---- produce and fetch -------------------------------------------------------------------------

  private produce(r: Reader): Writer | null {
    r.nullableString(); // transactional id: transactions are not supported (InitProducerId hands out plain ids)
    const acks = r.int16();
    r.int32(); // timeout: appends are immediate
    const topics = r.array((r) => ({
      name: r.string(),
      partitions: r.array((r) => ({ index: r.int32(), records: r.nullableBytes() })),
    }));

    const results = topics.map(({ name, partitions }) => ({
      name,
      partitions: partitions.map(({ index, records }) => {
        const partition = this.log.partition(name, index);
        const fail = (errorCode: ErrorCodeValue) => ({ index, errorCode, baseOffset: -1, logStartOffset: -1 });
        if (acks !== 0 && acks !== 1 && acks !== -1) return fail(ErrorCode.INVALID_REQUIRED_ACKS);
        if (partition === undefined) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        try {
          const batches = splitRecordSet(records ?? Buffer.alloc(0));
          // Produce v3+ carries exactly one batch per partition (that is what makes idempotence work).
          const [batch] = batches;
          if (batches.length !== 1 || batch === undefined) return fail(ErrorCode.CORRUPT_MESSAGE);
          const { errorCode, baseOffset } = partition.append(batch);
          if (errorCode !== ErrorCode.NONE) return fail(errorCode);
          return { index, errorCode, baseOffset, logStartOffset: partition.logStartOffset };
        } catch (err) {
          if (err instanceof InvalidBatchError) {
            warn(`rejected a batch for ${name}/${index}: ${err.message}`);
            return fail(ErrorCode.CORRUPT_MESSAGE);
          }
          throw err;
        }
      }),
    }));

    if (acks === 0) return null; // acks=0: the producer expects no response at all
    const w = new Writer();
    w.array(results, (w, t) => {
      w.string(t.name);
      w.array(t.partitions, (w, p) => {
        w.int32(p.index).int16(p.errorCode).int64(p.baseOffset).int64(-1).int64(p.logStartOffset);
      });
    });
    return w.int32(0);
  }

  private async fetch(r: Reader): Promise<Writer> {
    r.int32(); // replica id: always a consumer here
    const maxWaitMs = r.int32();
    const minBytes = r.int32();
    const maxBytes = r.int32();
    r.int8(); // isolation level: without transactions, read_committed and read_uncommitted read the same
    r.int32(); // session id
    r.int32(); // session epoch: every fetch is answered as a full, sessionless one (session id 0)
    const topics = r.array((r) => ({
      name: r.string(),
      partitions: r.array((r) => {
        const index = r.int32();
        r.int32(); // current leader epoch
        const fetchOffset = r.int64AsNumber();
        r.int64(); // the follower's log start offset
        return { index, fetchOffset, maxBytes: r.int32() };
      }),
    }));
    r.array((r) => [r.string(), r.array((r) => r.int32())]); // forgotten topics: no sessions, nothing to forget
    r.string(); // rack id

    // Long poll: until minBytes are there (or an error), park until a requested partition gets data or
    // maxWaitTime passes, and answer with whatever is there then. An idle consumer costs no CPU.
    const deadline = Date.now() + maxWaitMs;
    const watched = topics.flatMap((t) => t.partitions.flatMap((p) => this.log.partition(t.name, p.index) ?? []));
    let answer = this.readFetch(topics, maxBytes);
    while (answer.bytes < minBytes && !answer.hasError && Date.now() < deadline && !this.closed) {
      await this.waitForAppend(watched, deadline - Date.now());
      answer = this.readFetch(topics, maxBytes);
    }

    const w = new Writer().int32(0).int16(ErrorCode.NONE).int32(0); // throttle, error, session id
    w.array(answer.topics, (w, t) => {
      w.string(t.name);
      w.array(t.partitions, (w, p) => {
        w.int32(p.index).int16(p.errorCode);
        w.int64(p.highWatermark).int64(p.highWatermark).int64(p.logStartOffset); // last stable = high watermark
        w.array([], () => undefined); // aborted transactions: none
        w.int32(-1); // preferred read replica: none
        w.int32(p.batches.reduce((size, b) => size + b.length, 0));
        for (const batch of p.batches) w.raw(batch);
      });
    });
    return w;
  }

  private readFetch(
    topics: { name: string; partitions: { index: number; fetchOffset: number; maxBytes: number }[] }[],
    maxBytes: number,
  ) {
    let bytes = 0;
    let hasError = false;
    const result = topics.map(({ name, partitions }) => ({
      name,
      partitions: partitions.map(({ index, fetchOffset, maxBytes: partitionMaxBytes }): FetchedPartition => {
        const partition = this.log.partition(name, index);
        const noData = (errorCode: ErrorCodeValue, highWatermark: number, logStartOffset: number): FetchedPartition => {
          hasError = true;
          return { index, errorCode, highWatermark, logStartOffset, batches: [] };
        };
        if (partition === undefined) return noData(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1, -1);
        const { highWatermark, logStartOffset } = partition;
        if (fetchOffset < logStartOffset || fetchOffset > highWatermark) {
          return noData(ErrorCode.OFFSET_OUT_OF_RANGE, highWatermark, logStartOffset);
        }
        // Whole batches up to the partition limit; one batch even if larger, while the response has room.
        const batches = partition.read(fetchOffset, Math.min(partitionMaxBytes, maxBytes - bytes), bytes < maxBytes);
        for (const batch of batches) bytes += batch.length;
        return { index, errorCode: ErrorCode.NONE, highWatermark, logStartOffset, batches };
      }),
    }));
    return { topics: result, bytes, hasError };
  }

  private waitForAppend(partitions: Partition[], maxWaitMs: number): Promise<void> {
    return new Promise((resolve) => {
      const unsubscribes: (() => void)[] = [];
      const done = () => {
        clearTimeout(timer);
        for (const unsubscribe of unsubscribes) unsubscribe();
        this.wakeOnClose.delete(done);
        resolve();
      };
      const timer = setTimeout(done, maxWaitMs);
      for (const partition of partitions) unsubscribes.push(partition.onAppend(done));
      this.wakeOnClose.add(done);
    });
  }

  private listOffsets(r: Reader): Writer {
    r.int32(); // replica id
    r.int8(); // isolation level: the last stable offset is the high watermark
    const topics = r.array((r) => ({
      name: r.string(),
      partitions: r.array((r) => ({ index: r.int32(), timestamp: r.int64AsNumber() })),
    }));
    const w = new Writer().int32(0);
    w.array(topics, (w, t) => {
      w.string(t.name);
      w.array(t.partitions, (w, p) => {
        const partition = this.log.partition(t.name, p.index);
        if (partition === undefined) {
          w.int32(p.index).int16(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION).int64(-1).int64(-1);
          return;
        }
        let found: { offset: number; timestamp: number };
        if (p.timestamp === -1)
          found = { offset: partition.highWatermark, timestamp: -1 }; // latest
        else if (p.timestamp === -2)
          found = { offset: partition.logStartOffset, timestamp: -1 }; // earliest
        else found = partition.offsetForTimestamp(p.timestamp);
        w.int32(p.index).int16(ErrorCode.NONE).int64(found.timestamp).int64(found.offset);
      });
    });
    return w;
  }

  private initProducerId(r: Reader): Writer {
    r.nullableString(); // transactional id: every call gets a fresh id; transactions are not supported
    r.int32(); // transaction timeout
    const producerId = this.nextProducerId++;
    return new Writer().int32(0).int16(ErrorCode.NONE).int64(producerId).int16(0);
  }

  // ---- groups ------------------------------------------------------------------------------------

  private findCoordinator(r: Reader): Writer {
    r.string(); // key: a group id or a transactional id, both coordinated by this node
    const keyType = r.int8();
    const errorCode = keyType === 0 || keyType === 1 ? ErrorCode.NONE : ErrorCode.INVALID_REQUEST;
    return new Writer().int32(0).int16(errorCode).nullableString(null).int32(NODE_ID).string(HOST).int32(this.port);
  }

  private async joinGroup(r: Reader, ctx: RequestContext): Promise<Writer> {
    const request = {
      groupId: r.string(),
      sessionTimeoutMs: r.int32(),
      rebalanceTimeoutMs: r.int32(),
      memberId: r.string(),
      groupInstanceId: r.nullableString(),
      protocolType: r.string(),
      protocols: r.array((r): GroupProtocol => ({ name: r.string(), metadata: r.bytes() })),
      clientId: ctx.clientId,
      clientHost: ctx.clientHost,
    };
    // From v4 on, a new member first gets its id through MEMBER_ID_REQUIRED and joins again with it.
    const result = await this.groups.join(request, ctx.apiVersion >= 4);
    const w = new Writer().int32(0).int16(result.errorCode).int32(result.generationId);
    w.string(result.protocolName).string(result.leaderId).string(result.memberId);
    w.array(result.members, (w, m) => {
      w.string(m.memberId).nullableString(m.groupInstanceId).bytes(m.metadata);
    });
    return w;
  }

  private async syncGroup(r: Reader): Promise<Writer> {
    const groupId = r.string();
    const generationId = r.int32();
    const memberId = r.string();
    r.nullableString(); // group instance id
    const assignments = new Map(r.array((r): [string, Buffer] => [r.string(), r.bytes()]));
    const result = await this.groups.sync(groupId, generationId, memberId, assignments);
    return new Writer().int32(0).int16(result.errorCode).bytes(result.assignment);
  }

  private heartbeat(r: Reader): Writer {
    const groupId = r.string();
    const generationId = r.int32();
    const memberId = r.string();
    r.nullableString(); // group instance id
    return new Writer().int32(0).int16(this.groups.heartbeat(groupId, generationId, memberId));
  }

  private leaveGroup(r: Reader): Writer {
    const groupId = r.string();
    const members = r.array((r) => ({ memberId: r.string(), groupInstanceId: r.nullableString() }));
    const w = new Writer().int32(0).int16(ErrorCode.NONE);
    w.array(members, (w, m) => {
      w.string(m.memberId).nullableString(m.groupInstanceId).int16(this.groups.leave(groupId, m.memberId));
    });
    return w;
  }

  private offsetCommit(r: Reader): Writer {
    const groupId = r.string();
    const generationId = r.int32();
    const memberId = r.string();
    const topics = r.array((r) => ({
      name: r.string(),
      partitions: r.array((r) => ({ index: r.int32(), offset: r.int64AsNumber(), metadata: r.nullableString() })),
    }));

    const known: CommittedOffset[] = topics.flatMap((t) =>
      t.partitions
        .filter((p) => this.log.partition(t.name, p.index) !== undefined)
        .map((p) => ({ topic: t.name, partition: p.index, offset: p.offset, metadata: p.metadata })),
    );
    const groupError = this.groups.commitOffsets(groupId, generationId, memberId, known);

    const w = new Writer().int32(0);
    w.array(topics, (w, t) => {
      w.string(t.name);
      w.array(t.partitions, (w, p) => {
        const exists = this.log.partition(t.name, p.index) !== undefined;
        w.int32(p.index).int16(exists ? groupError : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      });
    });
    return w;
  }

  private offsetFetch(r: Reader): Writer {
    const groupId = r.string();
    const topics = r.nullableArray((r) => ({ topic: r.string(), partitions: r.array((r) => r.int32()) }));
    const offsets = this.groups.fetchOffsets(groupId, topics);

    const byTopic = new Map<string, CommittedOffset[]>();
    for (const o of offsets) byTopic.set(o.topic, [...(byTopic.get(o.topic) ?? []), o]);
    const w = new Writer().int32(0);
    w.array([...byTopic.entries()], (w, [topic, partitions]) => {
      w.string(topic);
      w.array(partitions, (w, p) => {
        w.int32(p.partition).int64(p.offset).nullableString(p.metadata).int16(ErrorCode.NONE);
      });
    });
    return w.int16(ErrorCode.NONE);
  }

  private describeGroups(r: Reader): Writer {
    const groupIds = r.array((r) => r.string());
    const w = new Writer().int32(0);
    w.array(groupIds, (w, groupId) => {
      const group = this.groups.describe(groupId);
      w.int16(ErrorCode.NONE)
        .string(group.groupId)
        .string(group.state)
        .string(group.protocolType)
        .string(group.protocol);
      w.array(group.members, (w, m) => {
        w.string(m.memberId).string(m.clientId).string(m.clientHost).bytes(m.metadata).bytes(m.assignment);
      });
    });
    return w;
  }
}

function frameResponse(correlationId: number, body: Writer): Buffer {
  const payload = body.toBuffer();
  const frame = Buffer.allocUnsafe(8 + payload.length);
  frame.writeInt32BE(4 + payload.length, 0);
  frame.writeInt32BE(correlationId, 4);
  payload.copy(frame, 8);
  return frame;
}
