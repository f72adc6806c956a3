import type { CanonicalEvent } from '#libs/events';

// The text of an earlier line of the file (1-based), read again when its key comes back.
export type LineText = (line: number) => string;

// The first delivery of each (source, id) of an event file, in memory that does not grow with the
// events' text: an open-addressing table of typed arrays holding, per key, two 32-bit hashes and the
// line number of its first delivery (12 bytes a slot, 4/3 to 8/3 slots a key: 100 MB for 4.5 million keys). The table never
// decides on hashes alone: when both hashes match, the first line is read again (`lineText`) and its
// source and id compared, so a collision costs a re-read and never a wrong answer. Keys come back
// rarely (re-sent deliveries), so re-reads are rare too.
export class FirstDeliveries {
  private lines = new Int32Array(1 << 16); // 0: empty slot
  private hashes = new Int32Array(1 << 16);
  private tags = new Int32Array(1 << 16);
  private size = 0;

  constructor(private readonly lineText: LineText) {}

  // The first delivery of the event's key and its line, or undefined, after taking `line` as the
  // first delivery, when there is none.
  firstOf(event: CanonicalEvent, line: number): { line: number; event: CanonicalEvent } | undefined {
    const { source, id } = event;
    const hash = hashKey(source, id, 0x811c9dc5, 0x01000193);
    const tag = hashKey(source, id, 0x9747b28c, 0x5bd1e995);
    let mask = this.lines.length - 1;
    let slot = hash & mask;
    for (;;) {
      const kept = this.lines[slot] as number;
      if (kept === 0) break;
      if (this.hashes[slot] === hash && this.tags[slot] === tag) {
        const first = JSON.parse(this.lineText(kept)) as CanonicalEvent; // it passed checkEvent
        if (first.source === source && first.id === id) return { line: kept, event: first };
      }
      slot = (slot + 1) & mask;
    }
    if ((this.size + 1) * 4 > this.lines.length * 3) {
      this.grow();
      mask = this.lines.length - 1;
      slot = hash & mask;
      while (this.lines[slot] !== 0) slot = (slot + 1) & mask;
    }
    this.lines[slot] = line;
    this.hashes[slot] = hash;
    this.tags[slot] = tag;
    this.size++;
    return undefined;
  }

  private grow(): void {
    const { lines, hashes, tags } = this;
    this.lines = new Int32Array(lines.length * 2);
    this.hashes = new Int32Array(lines.length * 2);
    this.tags = new Int32Array(lines.length * 2);
    const mask = this.lines.length - 1;
    for (let i = 0; i < lines.length; i++) {
      if (lines[i] === 0) continue;
      const hash = hashes[i] as number;
      let slot = hash & mask;
      while (this.lines[slot] !== 0) slot = (slot + 1) & mask;
      this.lines[slot] = lines[i] as number;
      this.hashes[slot] = hash;
      this.tags[slot] = tags[i] as number;
    }
  }
}

// FNV-1a-style over source, a separator and id (UTF-16 code units), with the given basis and prime
// (two pairs give two hashes); then mixed (murmur3's finaliser) so that the low bits, which pick the
// slot, depend on every character.
function hashKey(source: string, id: string, basis: number, prime: number): number {
  let h = basis;
  for (let i = 0; i < source.length; i++) h = Math.imul(h ^ source.charCodeAt(i), prime);
  h = Math.imul(h ^ 0xffff, prime);
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), prime);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
