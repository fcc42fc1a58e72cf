import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SipHash24 } from '../src/siphash.ts';

// The reference vectors of the SipHash paper (appendix A) and its C implementation: key 00 01 .. 0f, message
// 00 01 .. (n-1) for n = 0 .. 63, each output as its 8 bytes in little-endian order.
const VECTORS = [
  '310e0edd47db6f72',
  'fd67dc93c539f874',
  '5a4fa9d909806c0d',
  '2d7efbd796666785',
  'b7877127e09427cf',
  '8da699cd64557618',
  'cee3fe586e46c9cb',
  '37d1018bf50002ab',
  '6224939a79f5f593',
  'b0e4a90bdf82009e',
  'f3b9dd94c5bb5d7a',
  'a7ad6b22462fb3f4',
  'fbe50e86bc8f1e75',
  '903d84c02756ea14',
  'eef27a8e90ca23f7',
  'e545be4961ca29a1',
  'db9bc2577fcc2a3f',
  '9447be2cf5e99a69',
  '9cd38d96f0b3c14b',
  'bd6179a71dc96dbb',
  '98eea21af25cd6be',
  'c7673b2eb0cbf2d0',
  '883ea3e395675393',
  'c8ce5ccd8c030ca8',
  '94af49f6c650adb8',
  'eab8858ade92e1bc',
  'f315bb5bb835d817',
  'adcf6b0763612e2f',
  'a5c91da7acaa4dde',
  '716595876650a2a6',
  '28ef495c53a387ad',
  '42c341d8fa92d832',
  'ce7cf2722f512771',
  'e37859f94623f3a7',
  '381205bb1ab0e012',
  'ae97a10fd434e015',
  'b4a31508beff4d31',
  '81396229f0907902',
  '4d0cf49ee5d4dcca',
  '5c73336a76d8bf9a',
  'd0a704536ba93e0e',
  '925958fcd6420cad',
  'a915c29bc8067318',
  '952b79f3bc0aa6d4',
  'f21df2e41d4535f9',
  '87577519048f53a9',
  '10a56cf5dfcd9adb',
  'eb75095ccd986cd0',
  '51a9cb9ecba312e6',
  '96afadfc2ce666c7',
  '72fe52975a4364ee',
  '5a1645b276d592a1',
  'b274cb8ebf87870a',
  '6f9bb4203de7b381',
  'eaecb2a30b22a87f',
  '9924a43cc1315724',
  'bd838d3aafbf8db7',
  '0b1a2a3265d51aea',
  '135079a3231ce660',
  '932b2846e4d70666',
  'e1915f5cb1eca46c',
  'f325965ca16d629f',
  '575ff28e60381be5',
  '724506eb4c328a95',
];

/** The 64-bit value (hex, most significant first) of an output written as little-endian bytes. */
const value = (littleEndian: string) => Buffer.from(littleEndian, 'hex').reverse().toString('hex');

/** SipHash-2-4 written plainly with BigInt, straight from the paper: the check of the 32-bit halves. */
function reference(key: Uint8Array, message: Uint8Array): string {
  const mask = (1n << 64n) - 1n;
  const rotl = (x: bigint, b: bigint) => ((x << b) | (x >> (64n - b))) & mask;
  const le = (bytes: Uint8Array, at: number) => Buffer.from(bytes.subarray(at, at + 8)).readBigUInt64LE();
  const k0 = le(key, 0);
  const k1 = le(key, 8);
  const v = [
    k0 ^ 0x736f6d6570736575n,
    k1 ^ 0x646f72616e646f6dn,
    k0 ^ 0x6c7967656e657261n,
    k1 ^ 0x7465646279746573n,
  ];
  const round = () => {
    v[0] = (v[0] + v[1]) & mask;
    v[1] = rotl(v[1], 13n) ^ v[0];
    v[0] = rotl(v[0], 32n);
    v[2] = (v[2] + v[3]) & mask;
    v[3] = rotl(v[3], 16n) ^ v[2];
    v[0] = (v[0] + v[3]) & mask;
    v[3] = rotl(v[3], 21n) ^ v[0];
    v[2] = (v[2] + v[1]) & mask;
    v[1] = rotl(v[1], 17n) ^ v[2];
    v[2] = rotl(v[2], 32n);
  };
  const padded = new Uint8Array(message.length - (message.length % 8) + 8);
  padded.set(message);
  padded[padded.length - 1] = message.length & 255;
  for (let at = 0; at < padded.length; at += 8) {
    const m = le(padded, at);
    v[3] ^= m;
    round();
    round();
    v[0] ^= m;
  }
  v[2] ^= 0xffn;
  for (let i = 0; i < 4; i++) round();
  return (v[0] ^ v[1] ^ v[2] ^ v[3]).toString(16).padStart(16, '0');
}

describe('SipHash24', () => {
  it('gives the 64 reference outputs (every length across the 8-byte words)', () => {
    const key = Uint8Array.from({ length: 16 }, (_, i) => i);
    VECTORS.forEach((expected, n) => {
      expect(
        reference(
          key,
          Uint8Array.from({ length: n }, (_, i) => i),
        ),
      ).toBe(value(expected));
    });
    const mac = new SipHash24(Uint8Array.from({ length: 16 }, (_, i) => i));
    VECTORS.forEach((expected, n) => {
      const message = String.fromCharCode(...Array.from({ length: n }, (_, i) => i));
      expect(mac.hex(message)).toBe(value(expected));
    });
  });

  it('hashes the UTF-8 bytes of a message that is not ASCII', () => {
    const key = randomBytes(16);
    const mac = new SipHash24(key);
    for (const message of ['é', 'udp|ü|5060', '日本語'.repeat(9), `${'a'.repeat(7)}€`]) {
      expect(mac.hex(message)).toBe(reference(key, Buffer.from(message, 'utf8')));
    }
    // A message after a longer one: the scratch buffer's old bytes are not read.
    mac.hex('x'.repeat(200));
    expect(mac.hex('ab')).toBe(reference(key, Buffer.from('ab')));
  });

  it('depends on the key', () => {
    const a = new SipHash24(randomBytes(16));
    const b = new SipHash24(randomBytes(16));
    expect(a.hex('42|udp|198.51.100.7|40000')).not.toBe(b.hex('42|udp|198.51.100.7|40000'));
    expect(() => new SipHash24(randomBytes(32))).toThrow();
  });
});
