// A bounds-checked cursor over wasm binary bytes: LEB128 integers, names, sub-ranges. Every read past the
// end or malformed encoding throws BinaryFormatError with the absolute byte offset, so the readers built on
// it stay free of length checks and a truncated upload is reported where it breaks.

export class BinaryFormatError extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(`${message} at byte ${offset}`);
    this.offset = offset;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export class ByteReader {
  readonly bytes: Uint8Array;
  pos: number;
  readonly end: number;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    this.bytes = bytes;
    this.pos = start;
    this.end = end;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  fail(message: string, offset = this.pos): never {
    throw new BinaryFormatError(message, offset);
  }

  u8(): number {
    if (this.pos >= this.end) this.fail('unexpected end of data');
    return this.bytes[this.pos++];
  }

  peek(): number {
    if (this.pos >= this.end) this.fail('unexpected end of data');
    return this.bytes[this.pos];
  }

  /** Unsigned LEB128, at most 32 bits. */
  u32(): number {
    return this.uleb(32);
  }

  /** Unsigned LEB128 up to 64 bits, as a JS number (exact below 2^53; memory64 limits fit). */
  u64(): number {
    return this.uleb(64);
  }

  private uleb(bits: 32 | 64): number {
    const start = this.pos;
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = this.u8();
      // The fifth byte of a u32 carries its last 4 bits; a u64 ends by the tenth byte.
      if (bits === 32 ? shift === 28 && byte > 0x0f : shift > 63) this.fail('integer too large', start);
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7;
    }
  }

  /** Signed LEB128 (s33 and friends): only its extent matters to the callers. */
  skipLeb(): void {
    let n = 0;
    while (this.u8() & 0x80) if (++n > 10) this.fail('integer too long');
  }

  /** A count that announces `count` items of at least `minItemBytes` each: refuses counts the data cannot hold. */
  count(minItemBytes = 1): number {
    const at = this.pos;
    const n = this.u32();
    if (n * minItemBytes > this.end - this.pos)
      this.fail(`count ${n} exceeds the remaining ${this.end - this.pos} bytes`, at);
    return n;
  }

  take(length: number): Uint8Array {
    if (length > this.end - this.pos)
      this.fail(`length ${length} exceeds the remaining ${this.end - this.pos} bytes`);
    const out = this.bytes.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  name(): string {
    const at = this.pos;
    const length = this.u32();
    const raw = this.take(length);
    try {
      return utf8.decode(raw);
    } catch {
      this.fail('name is not valid UTF-8', at);
    }
  }

  /** A reader over the next `length` bytes; this reader moves past them. */
  sub(length: number): ByteReader {
    if (length > this.end - this.pos)
      this.fail(`section length ${length} exceeds the remaining ${this.end - this.pos} bytes`);
    const reader = new ByteReader(this.bytes, this.pos, this.pos + length);
    this.pos += length;
    return reader;
  }
}

/** Unsigned LEB128 encoding of a non-negative integer. */
export function encodeU(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    out.push(byte);
  } while (value > 0);
  return out;
}

/**
 * What the 8-byte preamble says: a core module (version 1, layer 0), a component (layer 1, any version),
 * or undefined when it is not wasm at all.
 */
export function wasmLayer(bytes: Uint8Array): 'core' | 'component' | undefined {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    return undefined;
  }
  if (bytes[6] === 1 && bytes[7] === 0) return 'component';
  if (bytes[4] === 1 && bytes[5] === 0 && bytes[6] === 0 && bytes[7] === 0) return 'core';
  return undefined;
}
