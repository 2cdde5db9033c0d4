/**
 * Bounds-checked big-endian reads over one frame. Running past the end throws
 * `OutOfBytes`, which only the decoders in gateway/ catch: they turn it into a
 * `truncated` outcome, so no decoder throws to its caller.
 */
export class OutOfBytes extends Error {
  constructor(readonly needed: number) {
    super(`frame ends ${needed} byte(s) early`);
  }
}

export class ByteReader {
  offset: number;

  constructor(
    readonly bytes: Buffer,
    start = 0,
    readonly end = bytes.length,
  ) {
    this.offset = start;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  private take(n: number): number {
    if (this.offset + n > this.end) throw new OutOfBytes(this.offset + n - this.end);
    const at = this.offset;
    this.offset += n;
    return at;
  }

  u8(): number {
    return this.bytes[this.take(1)]!;
  }
  u16(): number {
    return this.bytes.readUInt16BE(this.take(2));
  }
  u24(): number {
    return this.bytes.readUIntBE(this.take(3), 3);
  }
  u32(): number {
    return this.bytes.readUInt32BE(this.take(4));
  }
  i32(): number {
    return this.bytes.readInt32BE(this.take(4));
  }
  u64(): bigint {
    return this.bytes.readBigUInt64BE(this.take(8));
  }
  slice(n: number): Buffer {
    const at = this.take(n);
    return this.bytes.subarray(at, at + n);
  }
}

/** A growing big-endian writer for the encoders (the simulator and the replies). */
export class ByteWriter {
  private buf: Buffer;
  length = 0;

  constructor(capacity = 256) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  /** Reserves n bytes and returns where they start; may replace `buf`, so callers read `buf` after calling it. */
  private room(n: number): number {
    if (this.length + n > this.buf.length) {
      const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + n));
      this.buf.copy(next, 0, 0, this.length);
      this.buf = next;
    }
    const at = this.length;
    this.length += n;
    return at;
  }

  u8(v: number): this {
    const at = this.room(1);
    this.buf[at] = v & 0xff;
    return this;
  }
  u16(v: number): this {
    const at = this.room(2);
    this.buf.writeUInt16BE(v & 0xffff, at);
    return this;
  }
  u24(v: number): this {
    const at = this.room(3);
    this.buf.writeUIntBE(v & 0xffffff, at, 3);
    return this;
  }
  u32(v: number): this {
    const at = this.room(4);
    this.buf.writeUInt32BE(v >>> 0, at);
    return this;
  }
  i32(v: number): this {
    const at = this.room(4);
    this.buf.writeInt32BE(v | 0, at);
    return this;
  }
  u64(v: bigint): this {
    const at = this.room(8);
    this.buf.writeBigUInt64BE(BigInt.asUintN(64, v), at);
    return this;
  }
  bytes(b: Uint8Array): this {
    const at = this.room(b.length);
    this.buf.set(b, at);
    return this;
  }
  /** Overwrites a u16/u32 written earlier (lengths known only at the end). */
  patchU16(at: number, v: number): this {
    this.buf.writeUInt16BE(v, at);
    return this;
  }
  patchU32(at: number, v: number): this {
    this.buf.writeUInt32BE(v >>> 0, at);
    return this;
  }
  toBuffer(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.length));
  }
  /** A view of the written bytes (no copy), for CRCs over what was written. */
  view(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}
