// What one socket may join: at most `maxRooms` rooms, and joins at a bounded rate (a token bucket: a new
// socket may join its whole room bound at once — a reconnect joins every room again — then `perTenSeconds`
// joins per 10 s). Plain code, checked before the token or the database is looked at, so a flood of
// joins costs neither.
export interface JoinLimits {
  maxRooms: number;
  perTenSeconds: number;
}

export const JOIN_LIMITS: JoinLimits = { maxRooms: 32, perTenSeconds: 20 };

export class JoinBudget {
  private tokens: number;
  private updatedAt: number;
  private readonly held = new Set<string>();

  constructor(
    now: number,
    private readonly limits: JoinLimits = JOIN_LIMITS,
  ) {
    this.tokens = limits.maxRooms;
    this.updatedAt = now;
  }

  // one join may go on, or why not
  take(now: number): string | undefined {
    const { maxRooms, perTenSeconds } = this.limits;
    this.tokens = Math.min(maxRooms, this.tokens + ((now - this.updatedAt) / 10_000) * perTenSeconds);
    this.updatedAt = now;
    if (this.tokens < 1) return `rate-limited: at most ${perTenSeconds} joins per 10 s (${maxRooms} at once)`;
    this.tokens -= 1;
    return undefined;
  }

  // the room is held from now on (until released: a join refused after all), or why not
  hold(room: string): string | undefined {
    if (this.held.has(room)) return undefined;
    if (this.held.size >= this.limits.maxRooms)
      return `too-many-rooms: a socket joins at most ${this.limits.maxRooms} rooms`;
    this.held.add(room);
    return undefined;
  }

  release(room: string): void {
    this.held.delete(room);
  }
}
