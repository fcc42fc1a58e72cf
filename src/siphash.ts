// SipHash-2-4 (Aumasson and Bernstein, 2012): a keyed hash (PRF) with a 128-bit key and a 64-bit output,
// made for MACs of short messages; the MAC of the branch ids (tm/branch-ids.ts). It replaced HMAC-SHA256
// there (64 of its bits kept, so forging one is the same one guess in 2^64): HMAC pays two SHA-256
// compressions (128 rounds over arrays) for a 25-byte message, SipHash 2 rounds per 8 bytes and 4 to
// finish (10), here all in local variables: ~150-250 ns per MAC against ~1.6 µs (hot, micro-run), and
// less code and data to bring back into the caches when it runs once per transaction between other work.
// JavaScript has no 64-bit integers that cost nothing (BigInt allocates), so each 64-bit word is two
// 32-bit halves. test/siphash.test.ts checks the reference vectors and a BigInt rendering of the paper.

import { hex32 } from './hex-digits.ts';

/** A SipHash-2-4 key. */
export class SipHash24 {
  // k0 and k1, as 32-bit halves (little-endian words, as the algorithm reads the key).
  readonly #k0lo: number;
  readonly #k0hi: number;
  readonly #k1lo: number;
  readonly #k1hi: number;
  /** The message's bytes when it is ASCII (grown as needed). */
  #ascii = new Uint8Array(64);
  #length = 0;

  constructor(key: Uint8Array) {
    if (key.length !== 16) throw new Error('SipHash24: the key is 16 bytes');
    this.#k0lo = word(key, 0);
    this.#k0hi = word(key, 4);
    this.#k1lo = word(key, 8);
    this.#k1hi = word(key, 12);
  }

  /** SipHash-2-4 of the UTF-8 bytes of `message`: 16 hex digits, the 64-bit value's most significant first. */
  hex(message: string): string {
    const bytes = this.#bytes(message);
    const length = this.#length;
    // v0..v3 as high and low halves.
    let v0h = this.#k0hi ^ 0x736f6d65;
    let v0l = this.#k0lo ^ 0x70736575;
    let v1h = this.#k1hi ^ 0x646f7261;
    let v1l = this.#k1lo ^ 0x6e646f6d;
    let v2h = this.#k0hi ^ 0x6c796765;
    let v2l = this.#k0lo ^ 0x6e657261;
    let v3h = this.#k1hi ^ 0x74656462;
    let v3l = this.#k1lo ^ 0x79746573;
    // The message as 8-byte words, the last one holding the remaining bytes and the length's low byte on
    // top: two rounds each (c = 2), the word xored into v3 before them and into v0 after; then v2 ^= 0xff
    // and four rounds (d = 4). One loop over every round, so that the round is written once.
    const words = (length >>> 3) + 1;
    const rounds = 2 * words + 4;
    let mh = 0;
    let ml = 0;
    for (let r = 0; r < rounds; r++) {
      if (r < 2 * words && (r & 1) === 0) {
        const at = 4 * r; // 8 bytes per word, two rounds per word
        if (at + 8 <= length) {
          ml = word(bytes, at);
          mh = word(bytes, at + 4);
        } else {
          ml = 0;
          mh = (length & 255) << 24;
          for (let i = at; i < length; i++) {
            if (i - at < 4) ml |= bytes[i] << (8 * (i - at));
            else mh |= bytes[i] << (8 * (i - at - 4));
          }
        }
        v3h ^= mh;
        v3l ^= ml;
      }
      // SipRound. A 64-bit addition's carry comes from an unsigned compare of the low halves: summing them
      // as doubles and testing for 2^32 measured four times slower.
      // v0 += v1; v1 <<<= 13; v1 ^= v0; v0 <<<= 32
      let lo = (v0l + v1l) | 0;
      v0h = (v0h + v1h + (lo >>> 0 < v0l >>> 0 ? 1 : 0)) | 0;
      v0l = lo;
      let th = (v1h << 13) | (v1l >>> 19);
      let tl = (v1l << 13) | (v1h >>> 19);
      v1h = th ^ v0h;
      v1l = tl ^ v0l;
      th = v0h;
      v0h = v0l;
      v0l = th;
      // v2 += v3; v3 <<<= 16; v3 ^= v2
      lo = (v2l + v3l) | 0;
      v2h = (v2h + v3h + (lo >>> 0 < v2l >>> 0 ? 1 : 0)) | 0;
      v2l = lo;
      th = (v3h << 16) | (v3l >>> 16);
      tl = (v3l << 16) | (v3h >>> 16);
      v3h = th ^ v2h;
      v3l = tl ^ v2l;
      // v0 += v3; v3 <<<= 21; v3 ^= v0
      lo = (v0l + v3l) | 0;
      v0h = (v0h + v3h + (lo >>> 0 < v0l >>> 0 ? 1 : 0)) | 0;
      v0l = lo;
      th = (v3h << 21) | (v3l >>> 11);
      tl = (v3l << 21) | (v3h >>> 11);
      v3h = th ^ v0h;
      v3l = tl ^ v0l;
      // v2 += v1; v1 <<<= 17; v1 ^= v2; v2 <<<= 32
      lo = (v2l + v1l) | 0;
      v2h = (v2h + v1h + (lo >>> 0 < v2l >>> 0 ? 1 : 0)) | 0;
      v2l = lo;
      th = (v1h << 17) | (v1l >>> 15);
      tl = (v1l << 17) | (v1h >>> 15);
      v1h = th ^ v2h;
      v1l = tl ^ v2l;
      th = v2h;
      v2h = v2l;
      v2l = th;
      if (r < 2 * words && (r & 1) === 1) {
        v0h ^= mh;
        v0l ^= ml;
        if (r === 2 * words - 1) v2l ^= 0xff;
      }
    }
    return hex32(v0h ^ v1h ^ v2h ^ v3h) + hex32(v0l ^ v1l ^ v2l ^ v3l);
  }

  /** The message's UTF-8 bytes (their count in #length): in the scratch buffer when it is ASCII. */
  #bytes(message: string): Uint8Array {
    if (this.#ascii.length < message.length) this.#ascii = new Uint8Array(message.length * 2);
    const buffer = this.#ascii;
    for (let i = 0; i < message.length; i++) {
      const c = message.charCodeAt(i);
      if (c > 0x7f) {
        const utf8 = Buffer.from(message, 'utf8');
        this.#length = utf8.length;
        return utf8;
      }
      buffer[i] = c;
    }
    this.#length = message.length;
    return buffer;
  }
}

/** The little-endian 32-bit word at `at`. */
function word(bytes: Uint8Array, at: number): number {
  return bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24);
}
