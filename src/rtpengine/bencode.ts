// Bencode, the encoding of rtpengine's "ng" control protocol (BitTorrent's: integers `i42e`, byte strings
// `4:spam`, lists `l...e`, dictionaries `d...e` with keys sorted). No npm bencode package is installed here,
// so this is a small strict one: the decoder refuses anything malformed (leading zeros, repeated keys,
// trailing bytes) within bounds on depth and item count, since the bytes come from the network. It takes
// dictionary keys in any order: rtpengine does not sort the keys of its replies. Strings are byte strings: one JS char per octet (latin1), as SIP bodies
// are kept in this codebase.
import { err, ok, type Result } from '../result.ts';

export type BValue = string | number | BValue[] | BDict;
export interface BDict {
  [key: string]: BValue;
}

/** Bounds of the decoder: nesting depth and the number of values in one message. */
export interface DecodeLimits {
  readonly maxDepth: number;
  readonly maxItems: number;
}

export const DECODE_LIMITS: DecodeLimits = { maxDepth: 16, maxItems: 10_000 };

/** Encodes `value`; integers must be safe integers, strings byte strings (chars 0..255). */
export function encode(value: BValue): Buffer {
  const parts: string[] = [];
  write(value, parts);
  return Buffer.from(parts.join(''), 'latin1');
}

function write(value: BValue, out: string[]): void {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError(`bencode: ${value} is not an integer`);
    out.push(`i${value}e`);
  } else if (typeof value === 'string') {
    for (let i = 0; i < value.length; i++)
      if (value.charCodeAt(i) > 0xff) throw new RangeError('bencode: a string is not a byte string');
    out.push(`${value.length}:`, value);
  } else if (Array.isArray(value)) {
    out.push('l');
    for (const item of value) write(item, out);
    out.push('e');
  } else {
    out.push('d');
    // Keys sorted as raw byte strings (the spec's order).
    for (const key of Object.keys(value).sort(compareBytes)) {
      write(key, out);
      write(value[key], out);
    }
    out.push('e');
  }
}

function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Decodes one whole value from `bytes`; anything malformed, too deep or too large is an error. */
export function decode(bytes: Buffer, limits: DecodeLimits = DECODE_LIMITS): Result<BValue, string> {
  const reader = new Reader(bytes.toString('latin1'), limits);
  try {
    const value = reader.value(0);
    if (reader.pos !== reader.text.length) return err(`trailing bytes at ${reader.pos}`);
    return ok(value);
  } catch (e) {
    if (e instanceof BencodeError) return err(e.message);
    throw e;
  }
}

class BencodeError extends Error {}

class Reader {
  pos = 0;
  #items = 0;
  readonly text: string;
  readonly #limits: DecodeLimits;

  constructor(text: string, limits: DecodeLimits) {
    this.text = text;
    this.#limits = limits;
  }

  value(depth: number): BValue {
    if (depth > this.#limits.maxDepth) this.#fail(`nested deeper than ${this.#limits.maxDepth}`);
    if (++this.#items > this.#limits.maxItems) this.#fail(`more than ${this.#limits.maxItems} values`);
    const c = this.text[this.pos];
    if (c === 'i') return this.#integer();
    if (c === 'l') return this.#list(depth);
    if (c === 'd') return this.#dict(depth);
    if (c !== undefined && c >= '0' && c <= '9') return this.#string();
    return this.#fail(c === undefined ? 'unexpected end' : `unexpected '${c}'`);
  }

  #integer(): number {
    const end = this.text.indexOf('e', this.pos);
    if (end < 0) this.#fail('unterminated integer');
    const digits = this.text.slice(this.pos + 1, end);
    if (!/^(0|-?[1-9][0-9]{0,15})$/.test(digits)) this.#fail(`bad integer '${digits.slice(0, 20)}'`);
    const n = Number(digits);
    if (!Number.isSafeInteger(n)) this.#fail(`integer ${digits} out of range`);
    this.pos = end + 1;
    return n;
  }

  #string(): string {
    const colon = this.text.indexOf(':', this.pos);
    if (colon < 0) this.#fail('unterminated string length');
    const digits = this.text.slice(this.pos, colon);
    if (!/^(0|[1-9][0-9]{0,8})$/.test(digits)) this.#fail(`bad string length '${digits.slice(0, 20)}'`);
    const start = colon + 1;
    const end = start + Number(digits);
    if (end > this.text.length) this.#fail('string runs past the end');
    this.pos = end;
    return this.text.slice(start, end);
  }

  #list(depth: number): BValue[] {
    this.pos++;
    const list: BValue[] = [];
    while (this.text[this.pos] !== 'e') {
      if (this.pos >= this.text.length) this.#fail('unterminated list');
      list.push(this.value(depth + 1));
    }
    this.pos++;
    return list;
  }

  #dict(depth: number): BDict {
    this.pos++;
    const dict: BDict = Object.create(null);
    while (this.text[this.pos] !== 'e') {
      if (this.pos >= this.text.length) this.#fail('unterminated dictionary');
      const c = this.text[this.pos];
      if (!(c >= '0' && c <= '9')) this.#fail('a dictionary key is not a string');
      const key = this.#string();
      if (Object.hasOwn(dict, key)) this.#fail(`key '${key}' repeated`);
      dict[key] = this.value(depth + 1);
    }
    this.pos++;
    return dict;
  }

  #fail(why: string): never {
    throw new BencodeError(`bencode: ${why} (at ${this.pos})`);
  }
}
