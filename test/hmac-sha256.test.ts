import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HmacSha256 } from '../src/hmac-sha256.ts';

describe('HmacSha256', () => {
  it('gives the RFC 4231 test case 2 digest', () => {
    const mac = new HmacSha256(Buffer.from('Jefe'));
    expect(mac.hex('what do ya want for nothing?')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('equals node:crypto for every message length across the one- and two-block paddings', () => {
    for (const keyLength of [0, 1, 32, 64]) {
      const key = randomBytes(keyLength);
      const mac = new HmacSha256(key);
      for (let length = 0; length <= 200; length++) {
        const message = randomBytes(length).toString('base64').slice(0, length);
        expect(mac.hex(message)).toBe(createHmac('sha256', key).update(message).digest('hex'));
      }
    }
  });

  it('hashes the UTF-8 bytes of a message that is not ASCII', () => {
    const key = randomBytes(32);
    const mac = new HmacSha256(key);
    for (const message of ['é', 'udp|ü|5060', '日本語'.repeat(30), `${'a'.repeat(55)}€`]) {
      expect(mac.hex(message)).toBe(createHmac('sha256', key).update(message, 'utf8').digest('hex'));
    }
  });

  it('cuts the digest to the hex digits asked for', () => {
    const key = randomBytes(32);
    const full = createHmac('sha256', key).update('7|udp|127.0.0.1|5060').digest('hex');
    const mac = new HmacSha256(key);
    expect(mac.hex('7|udp|127.0.0.1|5060', 16)).toBe(full.slice(0, 16));
    expect(mac.hex('7|udp|127.0.0.1|5060', 12)).toBe(full.slice(0, 12));
  });

  it('refuses a key longer than a block (it would have to be hashed first)', () => {
    expect(() => new HmacSha256(randomBytes(65))).toThrow(/longer than 64/);
  });
});
