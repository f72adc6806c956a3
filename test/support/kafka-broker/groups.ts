// The group coordinator of the test broker (test fixture only): real consumer-group membership with
// rebalances, session expiry and committed offsets, following the state machine of Kafka's own
// GroupCoordinator (Empty → PreparingRebalance → CompletingRebalance → Stable). Static membership
// (group.instance.id) is accepted on the wire but every member is treated as dynamic.

import { randomUUID } from 'node:crypto';
import { ErrorCode, type ErrorCodeValue } from './protocol';

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable';

export interface GroupProtocol {
  name: string;
  metadata: Buffer;
}

export interface JoinRequest {
  groupId: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string;
  protocols: GroupProtocol[];
  clientId: string;
  clientHost: string;
}

export interface JoinResult {
  errorCode: ErrorCodeValue;
  generationId: number;
  protocolName: string;
  leaderId: string;
  memberId: string;
  /** Filled for the leader only: every member with its metadata for the chosen protocol. */
  members: { memberId: string; groupInstanceId: string | null; metadata: Buffer }[];
}

export interface SyncResult {
  errorCode: ErrorCodeValue;
  assignment: Buffer;
}

export interface CommittedOffset {
  topic: string;
  partition: number;
  offset: number;
  metadata: string | null;
}

export interface GroupDescription {
  groupId: string;
  state: GroupState | 'Dead';
  protocolType: string;
  protocol: string;
  members: { memberId: string; clientId: string; clientHost: string; metadata: Buffer; assignment: Buffer }[];
}

// Kafka's defaults are 6 s–30 min; the floor is lower here so tests can exercise expiry quickly.
const MIN_SESSION_TIMEOUT_MS = 100;
const MAX_SESSION_TIMEOUT_MS = 30 * 60_000;

class Member {
  assignment: Buffer = Buffer.alloc(0);
  awaitingJoin: ((result: JoinResult) => void) | null = null;
  awaitingSync: ((result: SyncResult) => void) | null = null;
  sessionTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly memberId: string,
    public groupInstanceId: string | null,
    readonly clientId: string,
    readonly clientHost: string,
    public sessionTimeoutMs: number,
    public rebalanceTimeoutMs: number,
    public protocols: GroupProtocol[],
  ) {}

  metadataFor(protocol: string | null): Buffer {
    return this.protocols.find((p) => p.name === protocol)?.metadata ?? Buffer.alloc(0);
  }
}

class Group {
  state: GroupState = 'Empty';
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  readonly members = new Map<string, Member>();
  /** Ids handed out with MEMBER_ID_REQUIRED whose owners have not joined with them yet. */
  readonly pendingMembers = new Map<string, NodeJS.Timeout>();
  rebalanceTimer: NodeJS.Timeout | null = null;
  readonly offsets = new Map<string, Map<number, { offset: number; metadata: string | null }>>();

  constructor(readonly groupId: string) {}
}

function errorJoin(errorCode: ErrorCodeValue, memberId: string): JoinResult {
  return { errorCode, generationId: -1, protocolName: '', leaderId: '', memberId, members: [] };
}

function sameProtocols(a: GroupProtocol[], b: GroupProtocol[]): boolean {
  return a.length === b.length && a.every((p, i) => p.name === b[i]?.name && p.metadata.equals(b[i].metadata));
}

function unrefTimer(ms: number, fn: () => void): NodeJS.Timeout {
  const timer = setTimeout(fn, ms);
  // Timers must never keep a test process alive on their own.
  timer.unref();
  return timer;
}

export class GroupCoordinator {
  private readonly groups = new Map<string, Group>();

  join(request: JoinRequest, requireKnownMemberId: boolean): Promise<JoinResult> {
    const { groupId, memberId } = request;
    if (request.sessionTimeoutMs < MIN_SESSION_TIMEOUT_MS || request.sessionTimeoutMs > MAX_SESSION_TIMEOUT_MS) {
      return Promise.resolve(errorJoin(ErrorCode.INVALID_SESSION_TIMEOUT, memberId));
    }
    let group = this.groups.get(groupId);
    if (group === undefined) {
      if (memberId !== '') return Promise.resolve(errorJoin(ErrorCode.UNKNOWN_MEMBER_ID, memberId));
      group = new Group(groupId);
      this.groups.set(groupId, group);
    }
    if (!this.supportsProtocols(group, request.protocolType, request.protocols)) {
      return Promise.resolve(errorJoin(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, memberId));
    }

    if (memberId === '') {
      const newMemberId = `${request.clientId}-${randomUUID()}`;
      if (requireKnownMemberId) {
        // JoinGroup v4+: hand out the id first, so a client that dies before its second JoinGroup never
        // becomes a member that a rebalance has to wait for.
        const g = group;
        g.pendingMembers.set(
          newMemberId,
          unrefTimer(request.sessionTimeoutMs, () => {
            g.pendingMembers.delete(newMemberId);
            this.tryCompleteJoin(g);
          }),
        );
        return Promise.resolve(errorJoin(ErrorCode.MEMBER_ID_REQUIRED, newMemberId));
      }
      return this.addMemberAndRebalance(group, newMemberId, request);
    }

    const pending = group.pendingMembers.get(memberId);
    if (pending !== undefined) {
      clearTimeout(pending);
      group.pendingMembers.delete(memberId);
      return this.addMemberAndRebalance(group, memberId, request);
    }

    const member = group.members.get(memberId);
    if (member === undefined) return Promise.resolve(errorJoin(ErrorCode.UNKNOWN_MEMBER_ID, memberId));

    switch (group.state) {
      case 'Empty':
        return Promise.resolve(errorJoin(ErrorCode.UNKNOWN_MEMBER_ID, memberId));
      case 'PreparingRebalance':
        return this.updateMemberAndRebalance(group, member, request);
      case 'CompletingRebalance':
      case 'Stable':
        // A follower re-sending the same join (e.g. after a lost response) just gets the current
        // generation back; a changed subscription, or the leader rejoining, starts a new rebalance.
        if (
          sameProtocols(member.protocols, request.protocols) &&
          !(group.state === 'Stable' && this.isLeader(group, member))
        ) {
          this.scheduleSessionExpiry(group, member);
          return Promise.resolve(this.joinResultFor(group, member));
        }
        return this.updateMemberAndRebalance(group, member, request);
    }
  }

  sync(groupId: string, generationId: number, memberId: string, assignments: Map<string, Buffer>): Promise<SyncResult> {
    const empty = Buffer.alloc(0);
    const group = this.groups.get(groupId);
    const member = group?.members.get(memberId);
    if (group === undefined || member === undefined) {
      return Promise.resolve({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: empty });
    }
    if (generationId !== group.generationId) {
      return Promise.resolve({ errorCode: ErrorCode.ILLEGAL_GENERATION, assignment: empty });
    }
    switch (group.state) {
      case 'Empty':
        return Promise.resolve({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: empty });
      case 'PreparingRebalance':
        return Promise.resolve({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: empty });
      case 'Stable':
        this.scheduleSessionExpiry(group, member);
        return Promise.resolve({ errorCode: ErrorCode.NONE, assignment: member.assignment });
      case 'CompletingRebalance': {
        // Followers wait here until the leader's SyncGroup brings everyone's assignment.
        const result = new Promise<SyncResult>((resolve) => {
          member.awaitingSync?.({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: empty });
          member.awaitingSync = resolve;
        });
        this.scheduleSessionExpiry(group, member);
        if (this.isLeader(group, member)) {
          for (const m of group.members.values()) m.assignment = assignments.get(m.memberId) ?? empty;
          group.state = 'Stable';
          for (const m of group.members.values()) {
            const resolve = m.awaitingSync;
            m.awaitingSync = null;
            resolve?.({ errorCode: ErrorCode.NONE, assignment: m.assignment });
          }
        }
        return result;
      }
    }
  }

  heartbeat(groupId: string, generationId: number, memberId: string): ErrorCodeValue {
    const group = this.groups.get(groupId);
    const member = group?.members.get(memberId);
    if (group === undefined || member === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    this.scheduleSessionExpiry(group, member);
    switch (group.state) {
      case 'Empty':
        return ErrorCode.UNKNOWN_MEMBER_ID;
      case 'PreparingRebalance':
        // Tells the member to rejoin.
        return ErrorCode.REBALANCE_IN_PROGRESS;
      case 'CompletingRebalance':
      case 'Stable':
        return ErrorCode.NONE;
    }
  }

  leave(groupId: string, memberId: string): ErrorCodeValue {
    const group = this.groups.get(groupId);
    const member = group?.members.get(memberId);
    if (group === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (member === undefined) {
      const pending = group.pendingMembers.get(memberId);
      if (pending === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
      clearTimeout(pending);
      group.pendingMembers.delete(memberId);
      this.tryCompleteJoin(group);
      return ErrorCode.NONE;
    }
    this.removeMemberAndUpdateGroup(group, member);
    return ErrorCode.NONE;
  }

  commitOffsets(groupId: string, generationId: number, memberId: string, offsets: CommittedOffset[]): ErrorCodeValue {
    let group = this.groups.get(groupId);
    if (group === undefined) {
      // Only a client that does not use group management (generation -1) may commit for an unknown group.
      if (generationId >= 0) return ErrorCode.ILLEGAL_GENERATION;
      group = new Group(groupId);
      this.groups.set(groupId, group);
    }
    if (!(generationId < 0 && group.state === 'Empty')) {
      // Members may still commit while a rebalance is being prepared, before they rejoin.
      if (group.state === 'CompletingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
      const member = group.members.get(memberId);
      if (member === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
      if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
      this.scheduleSessionExpiry(group, member);
    }
    for (const { topic, partition, offset, metadata } of offsets) {
      let byPartition = group.offsets.get(topic);
      if (byPartition === undefined) {
        byPartition = new Map();
        group.offsets.set(topic, byPartition);
      }
      byPartition.set(partition, { offset, metadata });
    }
    return ErrorCode.NONE;
  }

  /** Committed offsets; `topics` null means every partition the group has committed. Missing ones are -1. */
  fetchOffsets(groupId: string, topics: { topic: string; partitions: number[] }[] | null): CommittedOffset[] {
    const stored =
      this.groups.get(groupId)?.offsets ?? new Map<string, Map<number, { offset: number; metadata: string | null }>>();
    const wanted =
      topics ?? [...stored.entries()].map(([topic, byPartition]) => ({ topic, partitions: [...byPartition.keys()] }));
    return wanted.flatMap(({ topic, partitions }) =>
      partitions.map((partition) => {
        const committed = stored.get(topic)?.get(partition);
        return { topic, partition, offset: committed?.offset ?? -1, metadata: committed?.metadata ?? '' };
      }),
    );
  }

  describe(groupId: string): GroupDescription {
    const group = this.groups.get(groupId);
    if (group === undefined) return { groupId, state: 'Dead', protocolType: '', protocol: '', members: [] };
    const stable = group.state === 'Stable';
    return {
      groupId,
      state: group.state,
      protocolType: group.protocolType ?? '',
      protocol: stable ? (group.protocolName ?? '') : '',
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        metadata: stable ? m.metadataFor(group.protocolName) : Buffer.alloc(0),
        assignment: stable ? m.assignment : Buffer.alloc(0),
      })),
    };
  }

  close(): void {
    for (const group of this.groups.values()) {
      if (group.rebalanceTimer !== null) clearTimeout(group.rebalanceTimer);
      for (const timer of group.pendingMembers.values()) clearTimeout(timer);
      for (const member of group.members.values()) {
        if (member.sessionTimer !== null) clearTimeout(member.sessionTimer);
      }
    }
    this.groups.clear();
  }

  private isLeader(group: Group, member: Member): boolean {
    return group.leaderId === member.memberId;
  }

  private supportsProtocols(group: Group, protocolType: string, protocols: GroupProtocol[]): boolean {
    if (protocolType === '' || protocols.length === 0) return false;
    if (group.members.size === 0) return true;
    if (protocolType !== group.protocolType) return false;
    return protocols.some((p) => this.allMembersSupport(group, p.name));
  }

  private allMembersSupport(group: Group, protocol: string): boolean {
    return [...group.members.values()].every((m) => m.protocols.some((p) => p.name === protocol));
  }

  private addMemberAndRebalance(group: Group, memberId: string, request: JoinRequest): Promise<JoinResult> {
    const member = new Member(
      memberId,
      request.groupInstanceId,
      request.clientId,
      request.clientHost,
      request.sessionTimeoutMs,
      request.rebalanceTimeoutMs,
      request.protocols,
    );
    if (group.members.size === 0) group.protocolType = request.protocolType;
    group.members.set(memberId, member);
    group.leaderId ??= memberId;
    return this.awaitJoin(group, member);
  }

  private updateMemberAndRebalance(group: Group, member: Member, request: JoinRequest): Promise<JoinResult> {
    member.protocols = request.protocols;
    member.sessionTimeoutMs = request.sessionTimeoutMs;
    member.rebalanceTimeoutMs = request.rebalanceTimeoutMs;
    member.groupInstanceId = request.groupInstanceId;
    return this.awaitJoin(group, member);
  }

  private awaitJoin(group: Group, member: Member): Promise<JoinResult> {
    const result = new Promise<JoinResult>((resolve) => {
      // A second JoinGroup from the same member supersedes the first.
      member.awaitingJoin?.(errorJoin(ErrorCode.REBALANCE_IN_PROGRESS, member.memberId));
      member.awaitingJoin = resolve;
    });
    this.scheduleSessionExpiry(group, member);
    if (group.state === 'PreparingRebalance') this.tryCompleteJoin(group);
    else this.prepareRebalance(group);
    return result;
  }

  private prepareRebalance(group: Group): void {
    if (group.state === 'CompletingRebalance') {
      // Followers waiting for an assignment of the generation being abandoned must rejoin.
      for (const m of group.members.values()) {
        const resolve = m.awaitingSync;
        m.awaitingSync = null;
        resolve?.({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: Buffer.alloc(0) });
      }
    }
    group.state = 'PreparingRebalance';
    if (group.rebalanceTimer !== null) clearTimeout(group.rebalanceTimer);
    const timeout = Math.max(0, ...[...group.members.values()].map((m) => m.rebalanceTimeoutMs));
    // Members that have not rejoined when the rebalance timeout passes are dropped.
    group.rebalanceTimer = unrefTimer(timeout, () => this.completeJoin(group));
    this.tryCompleteJoin(group);
  }

  private tryCompleteJoin(group: Group): void {
    if (group.state !== 'PreparingRebalance') return;
    const everyoneJoined = [...group.members.values()].every((m) => m.awaitingJoin !== null);
    if (everyoneJoined && group.pendingMembers.size === 0) this.completeJoin(group);
  }

  private completeJoin(group: Group): void {
    if (group.state !== 'PreparingRebalance') return;
    if (group.rebalanceTimer !== null) clearTimeout(group.rebalanceTimer);
    group.rebalanceTimer = null;
    for (const m of [...group.members.values()]) {
      if (m.awaitingJoin === null) this.removeMember(group, m);
    }
    group.generationId += 1;
    if (group.members.size === 0) {
      group.state = 'Empty';
      group.protocolName = null;
      group.protocolType = null;
      group.leaderId = null;
      return;
    }
    if (group.leaderId === null || !group.members.has(group.leaderId)) {
      group.leaderId = group.members.keys().next().value ?? null;
    }
    group.protocolName = this.selectProtocol(group);
    group.state = 'CompletingRebalance';
    for (const m of group.members.values()) {
      const resolve = m.awaitingJoin;
      m.awaitingJoin = null;
      resolve?.(this.joinResultFor(group, m));
      this.scheduleSessionExpiry(group, m);
    }
  }

  /** The first protocol, in the leader's order of preference, that every member supports. */
  private selectProtocol(group: Group): string {
    const leader = group.leaderId === null ? undefined : group.members.get(group.leaderId);
    const candidates = (leader ?? [...group.members.values()][0])?.protocols ?? [];
    return candidates.find((p) => this.allMembersSupport(group, p.name))?.name ?? '';
  }

  private joinResultFor(group: Group, member: Member): JoinResult {
    const leaderId = group.leaderId ?? '';
    return {
      errorCode: ErrorCode.NONE,
      generationId: group.generationId,
      protocolName: group.protocolName ?? '',
      leaderId,
      memberId: member.memberId,
      members:
        member.memberId === leaderId
          ? [...group.members.values()].map((m) => ({
              memberId: m.memberId,
              groupInstanceId: m.groupInstanceId,
              metadata: m.metadataFor(group.protocolName),
            }))
          : [],
    };
  }

  /** (Re)starts the member's session: it expires unless a heartbeat, join, sync or commit arrives in time. */
  private scheduleSessionExpiry(group: Group, member: Member): void {
    if (member.sessionTimer !== null) clearTimeout(member.sessionTimer);
    member.sessionTimer = unrefTimer(member.sessionTimeoutMs, () => {
      member.sessionTimer = null;
      if (group.members.get(member.memberId) !== member) return;
      // A member parked in JoinGroup or SyncGroup is waiting on the coordinator, not gone.
      if (member.awaitingJoin !== null || member.awaitingSync !== null) {
        this.scheduleSessionExpiry(group, member);
        return;
      }
      this.removeMemberAndUpdateGroup(group, member);
    });
  }

  private removeMember(group: Group, member: Member): void {
    if (member.sessionTimer !== null) clearTimeout(member.sessionTimer);
    member.sessionTimer = null;
    group.members.delete(member.memberId);
    const { awaitingJoin, awaitingSync } = member;
    member.awaitingJoin = null;
    member.awaitingSync = null;
    awaitingJoin?.(errorJoin(ErrorCode.UNKNOWN_MEMBER_ID, member.memberId));
    awaitingSync?.({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: Buffer.alloc(0) });
    if (group.leaderId === member.memberId) group.leaderId = group.members.keys().next().value ?? null;
  }

  private removeMemberAndUpdateGroup(group: Group, member: Member): void {
    this.removeMember(group, member);
    switch (group.state) {
      case 'Empty':
        break;
      case 'Stable':
      case 'CompletingRebalance':
        this.prepareRebalance(group);
        break;
      case 'PreparingRebalance':
        this.tryCompleteJoin(group);
        break;
    }
  }
}
