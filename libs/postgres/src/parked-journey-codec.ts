import type { JourneySnapshot } from '#libs/indicators';

type Stored = Omit<JourneySnapshot, 'key'>;
type Arrival = NonNullable<Stored['from']>;
type Landing = NonNullable<Stored['landed']>;

// A parked key's journey as parked_journeys stores it: a positional JSON array, about a third of the
// JSON object it replaces. Its events repeat what the store need not:
//  - their owners (a ticket's events are mostly one agent's): each distinct (team, agent) once, the events
//    naming it by its place;
//  - their idempotency keys, which share a long prefix ("17:ticketing/zendesk:live-mx679php-zd-"): each
//    key is the length it shares with the key before it and the rest;
//  - their times, close together: each is the difference from the time before it (times are whole
//    milliseconds, so the sums are exact).
// [owners, from, tos, landed], where owners is [[team, agent], …] (null: none), an event
// [Δt, shared, rest, owner] and landed [Δt, value, count, owner]; from comes first, then the tos, then
// landed, each Δt from the time before it (the first from 0). The `stored` mark is not kept: a key called
// back from the store is marked stored by the engine. This is the table's format, which migration
// 1763888700000 writes with these functions: a change to it comes with a migration that re-encodes the rows.
type Owner = [team: string | null, agent: string | null];
type EncodedArrival = [dt: number, shared: number, rest: string, owner: number];
type EncodedLanding = [dt: number, value: number, count: number, owner: number];
type Encoded = [owners: Owner[], from: EncodedArrival | null, tos: EncodedArrival[], landed: EncodedLanding | null];

export function encodeJourney(j: Stored): string {
  const owners: Owner[] = [];
  const ownerIds = new Map<string, number>();
  const ownerOf = (o: { team: string | undefined; agent: string | undefined }): number => {
    const owner: Owner = [o.team ?? null, o.agent ?? null];
    const id = JSON.stringify(owner);
    let n = ownerIds.get(id);
    if (n === undefined) {
      n = owners.length;
      owners.push(owner);
      ownerIds.set(id, n);
    }
    return n;
  };
  let time = 0;
  let key = '';
  const arrival = (a: Arrival): EncodedArrival => {
    let shared = 0;
    while (shared < a.key.length && shared < key.length && a.key[shared] === key[shared]) shared++;
    const encoded: EncodedArrival = [a.t - time, shared, a.key.slice(shared), ownerOf(a)];
    time = a.t;
    key = a.key;
    return encoded;
  };
  const from = j.from === null ? null : arrival(j.from);
  const tos = j.tos.map(arrival);
  const landed: EncodedLanding | null =
    j.landed === null ? null : [j.landed.t - time, j.landed.value, j.landed.count, ownerOf(j.landed)];
  const encoded: Encoded = [owners, from, tos, landed];
  return JSON.stringify(encoded);
}

export function decodeJourney(text: string): Stored {
  const [owners, from, tos, landed] = JSON.parse(text) as Encoded;
  const ownerAt = (n: number): { team: string | undefined; agent: string | undefined } => {
    const [team, agent] = owners[n] as Owner;
    return { team: team ?? undefined, agent: agent ?? undefined };
  };
  let time = 0;
  let key = '';
  const arrival = ([dt, shared, rest, owner]: EncodedArrival): Arrival => {
    time += dt;
    key = key.slice(0, shared) + rest;
    return { t: time, key, ...ownerAt(owner) };
  };
  const decodedFrom = from === null ? null : arrival(from);
  const decodedTos = tos.map(arrival);
  let decodedLanded: Landing | null = null;
  if (landed !== null) {
    const [dt, value, count, owner] = landed;
    decodedLanded = { t: time + dt, value, count, ...ownerAt(owner) };
  }
  return { from: decodedFrom, tos: decodedTos, landed: decodedLanded };
}
