// HMAC-SHA256 (RFC 2104, FIPS 180-4) in plain JavaScript, for the short MACs the message path makes per
// transaction (tm/branch-ids.ts). node:crypto gives the same bytes, but each call goes through OpenSSL's
// provider machinery: warm it costs ~2 µs, and on a server where the call comes once per transaction
// between other work it runs cold, measured at ~24 µs per MAC under bench/proxy-calls.ts. Here the key's
// inner and outer pad blocks are compressed once, so a MAC of a message under 56 bytes is two compressions
// (~1 µs). test/hmac-sha256.test.ts checks the output against node:crypto's createHmac.

import { hex32 } from './hex-digits.ts';

const K = Int32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);
const IV = Int32Array.from([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);
const BLOCK = 64;

/** One SHA-256 compression of the 64 bytes of `block` at `at` into `state`; `w` is scratch. */
function compress(state: Int32Array, block: Uint8Array, at: number, w: Int32Array): void {
  for (let i = 0; i < 16; i++) {
    const j = at + i * 4;
    w[i] = (block[j] << 24) | (block[j + 1] << 16) | (block[j + 2] << 8) | block[j + 3];
  }
  for (let i = 16; i < 64; i++) {
    const x = w[i - 15];
    const y = w[i - 2];
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
  }
  let a = state[0];
  let b = state[1];
  let c = state[2];
  let d = state[3];
  let e = state[4];
  let f = state[5];
  let g = state[6];
  let h = state[7];
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i] + w[i]) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = (state[0] + a) | 0;
  state[1] = (state[1] + b) | 0;
  state[2] = (state[2] + c) | 0;
  state[3] = (state[3] + d) | 0;
  state[4] = (state[4] + e) | 0;
  state[5] = (state[5] + f) | 0;
  state[6] = (state[6] + g) | 0;
  state[7] = (state[7] + h) | 0;
}

/** An HMAC-SHA256 key: its pad blocks compressed once. */
export class HmacSha256 {
  readonly #inner = new Int32Array(8);
  readonly #outer = new Int32Array(8);
  readonly #state = new Int32Array(8);
  readonly #w = new Int32Array(64);
  /** The message's bytes when it is ASCII (grown as needed). */
  #ascii = new Uint8Array(BLOCK);
  /** The last partial block, the padding and the length. */
  readonly #tail = new Uint8Array(2 * BLOCK);
  readonly #digest = new Uint8Array(32);

  constructor(key: Uint8Array) {
    if (key.length > BLOCK) throw new Error('HmacSha256: keys longer than 64 bytes are not supported');
    const pad = new Uint8Array(BLOCK);
    this.#inner.set(IV);
    pad.fill(0x36);
    for (let i = 0; i < key.length; i++) pad[i] ^= key[i];
    compress(this.#inner, pad, 0, this.#w);
    this.#outer.set(IV);
    pad.fill(0x5c);
    for (let i = 0; i < key.length; i++) pad[i] ^= key[i];
    compress(this.#outer, pad, 0, this.#w);
  }

  /** The first `hexDigits` (at most 64) hex digits of HMAC-SHA256(key, UTF-8 of `message`). */
  hex(message: string, hexDigits = 64): string {
    const state = this.#state;
    state.set(this.#inner);
    this.#hash(state, this.#bytes(message), BLOCK);
    // The outer hash of the 32-byte inner digest: one block after the outer pad's.
    const inner = this.#digest;
    for (let i = 0; i < 8; i++) {
      const v = state[i];
      inner[i * 4] = v >>> 24;
      inner[i * 4 + 1] = v >>> 16;
      inner[i * 4 + 2] = v >>> 8;
      inner[i * 4 + 3] = v;
    }
    state.set(this.#outer);
    this.#hash(state, inner, BLOCK);
    let out = '';
    for (let i = 0; i * 8 < hexDigits; i++) out += hex32(state[i]);
    return out.length > hexDigits ? out.slice(0, hexDigits) : out;
  }

  /** The message's UTF-8 bytes: in the scratch buffer when it is ASCII. */
  #bytes(message: string): Uint8Array {
    if (this.#ascii.length < message.length) this.#ascii = new Uint8Array(message.length * 2);
    const buffer = this.#ascii;
    for (let i = 0; i < message.length; i++) {
      const c = message.charCodeAt(i);
      if (c > 0x7f) return Buffer.from(message, 'utf8');
      buffer[i] = c;
    }
    return buffer.subarray(0, message.length);
  }

  /** Hashes `data` into `state`, which has absorbed `before` bytes (whole blocks), and pads. */
  #hash(state: Int32Array, data: Uint8Array, before: number): void {
    const w = this.#w;
    let at = 0;
    for (; at + BLOCK <= data.length; at += BLOCK) compress(state, data, at, w);
    // The tail, 0x80, zeros and the length in bits: one block, or two when the tail leaves under 9 bytes.
    const tail = this.#tail;
    tail.fill(0);
    const rest = data.length - at;
    for (let i = 0; i < rest; i++) tail[i] = data[at + i];
    tail[rest] = 0x80;
    const blocks = rest + 9 > BLOCK ? 2 : 1;
    const bits = (before + data.length) * 8;
    const end = blocks * BLOCK;
    const high = Math.floor(bits / 2 ** 32);
    tail[end - 8] = high >>> 24;
    tail[end - 7] = high >>> 16;
    tail[end - 6] = high >>> 8;
    tail[end - 5] = high;
    tail[end - 4] = bits >>> 24;
    tail[end - 3] = bits >>> 16;
    tail[end - 2] = bits >>> 8;
    tail[end - 1] = bits;
    compress(state, tail, 0, w);
    if (blocks === 2) compress(state, tail, BLOCK, w);
  }
}
