// Kafka wire primitives for the test broker (test fixture only): a bounds-checked reader and a growable
// writer for the big-endian, length-prefixed encoding of the classic (non-flexible) protocol versions.

/** Thrown when a request is shorter than its schema says; the broker answers CORRUPT_MESSAGE or drops the frame. */
export class WireError extends Error {}

export class Reader {
  private offset = 0;

  constructor(private readonly buf: Buffer) {}

  get remaining(): number {
    return this.buf.length - this.offset;
  }

  private take(size: number): number {
    if (size < 0 || this.offset + size > this.buf.length) {
      throw new WireError(`read of ${size} bytes at ${this.offset} past the end (${this.buf.length})`);
    }
    const at = this.offset;
    this.offset += size;
    return at;
  }

  int8(): number {
    return this.buf.readInt8(this.take(1));
  }

  skip(count: number): void {
    this.take(count);
  }

  bool(): boolean {
    return this.int8() !== 0;
  }

  int16(): number {
    return this.buf.readInt16BE(this.take(2));
  }

  int32(): number {
    return this.buf.readInt32BE(this.take(4));
  }

  uint32(): number {
    return this.buf.readUInt32BE(this.take(4));
  }

  int64(): bigint {
    return this.buf.readBigInt64BE(this.take(8));
  }

  /** Offsets and timestamps stay far below 2^53, so plain numbers are exact and easier to work with. */
  int64AsNumber(): number {
    return Number(this.int64());
  }

  /** Unsigned LEB128 (7 bits per byte, high bit = more). */
  uvarint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = this.buf.readUInt8(this.take(1));
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7;
      if (shift > 28) throw new WireError('varint longer than 5 bytes');
    }
  }

  /** Zigzag-encoded signed 32-bit varint, as used inside record batches. */
  varint(): number {
    const raw = this.uvarint();
    // zigzag: 0 → 0, 1 → -1, 2 → 1, 3 → -2 …
    return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
  }

  /** Zigzag-encoded signed 64-bit varint (record timestamp deltas). */
  varlong(): bigint {
    let raw = 0n;
    let shift = 0n;
    for (;;) {
      const byte = this.buf.readUInt8(this.take(1));
      raw |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) break;
      shift += 7n;
      if (shift > 63n) throw new WireError('varlong longer than 10 bytes');
    }
    return (raw >> 1n) ^ -(raw & 1n);
  }

  nullableString(): string | null {
    const length = this.int16();
    if (length === -1) return null;
    const at = this.take(length);
    return this.buf.toString('utf8', at, at + length);
  }

  /** A non-nullable string; a null on the wire (which clients should not send) reads as ''. */
  string(): string {
    return this.nullableString() ?? '';
  }

  nullableBytes(): Buffer | null {
    const length = this.int32();
    if (length === -1) return null;
    const at = this.take(length);
    // Copy: the frame buffer is transient and may be large; stored values must not pin it.
    return Buffer.from(this.buf.subarray(at, at + length));
  }

  bytes(): Buffer {
    return this.nullableBytes() ?? Buffer.alloc(0);
  }

  nullableArray<T>(item: (reader: Reader) => T): T[] | null {
    const length = this.int32();
    if (length === -1) return null;
    if (length < 0 || length > this.remaining) throw new WireError(`implausible array length ${length}`);
    const out: T[] = [];
    for (let i = 0; i < length; i++) out.push(item(this));
    return out;
  }

  array<T>(item: (reader: Reader) => T): T[] {
    return this.nullableArray(item) ?? [];
  }
}

export class Writer {
  private buf = Buffer.allocUnsafe(256);
  private length = 0;

  /** Reserves `size` bytes and returns where they start. Call it before touching `this.buf`: it may replace it. */
  private room(size: number): number {
    if (this.length + size > this.buf.length) {
      const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + size));
      this.buf.copy(next, 0, 0, this.length);
      this.buf = next;
    }
    const at = this.length;
    this.length += size;
    return at;
  }

  private byte(value: number): void {
    const at = this.room(1);
    this.buf.writeUInt8(value, at);
  }

  int8(value: number): this {
    const at = this.room(1);
    this.buf.writeInt8(value, at);
    return this;
  }

  bool(value: boolean): this {
    return this.int8(value ? 1 : 0);
  }

  int16(value: number): this {
    const at = this.room(2);
    this.buf.writeInt16BE(value, at);
    return this;
  }

  int32(value: number): this {
    const at = this.room(4);
    this.buf.writeInt32BE(value, at);
    return this;
  }

  int64(value: bigint | number): this {
    const at = this.room(8);
    this.buf.writeBigInt64BE(BigInt(value), at);
    return this;
  }

  uvarint(value: number): this {
    let rest = value;
    while (rest >= 0x80) {
      this.byte((rest % 0x80) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    this.byte(rest);
    return this;
  }

  varint(value: number): this {
    // zigzag maps small magnitudes of either sign to small unsigned numbers
    return this.uvarint(value >= 0 ? value * 2 : -value * 2 - 1);
  }

  varlong(value: bigint): this {
    let rest = BigInt.asUintN(64, (value << 1n) ^ (value >> 63n));
    while (rest >= 0x80n) {
      this.byte(Number(rest & 0x7fn) | 0x80);
      rest >>= 7n;
    }
    this.byte(Number(rest));
    return this;
  }

  nullableString(value: string | null): this {
    if (value === null) return this.int16(-1);
    const size = Buffer.byteLength(value, 'utf8');
    this.int16(size);
    const at = this.room(size);
    this.buf.write(value, at, size, 'utf8');
    return this;
  }

  string(value: string): this {
    return this.nullableString(value);
  }

  nullableBytes(value: Buffer | null): this {
    if (value === null) return this.int32(-1);
    this.int32(value.length);
    return this.raw(value);
  }

  bytes(value: Buffer): this {
    return this.nullableBytes(value);
  }

  /** Bytes without a length prefix (record sets are already framed by the caller). */
  raw(value: Buffer): this {
    const at = this.room(value.length);
    value.copy(this.buf, at);
    return this;
  }

  array<T>(items: readonly T[], item: (writer: this, value: T) => void): this {
    this.int32(items.length);
    for (const value of items) item(this, value);
    return this;
  }

  nullableArray<T>(items: readonly T[] | null, item: (writer: this, value: T) => void): this {
    if (items === null) return this.int32(-1);
    return this.array(items, item);
  }

  toBuffer(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}
