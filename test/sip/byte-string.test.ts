import { describe, expect, it } from 'vitest';
import {
  byteStringToUtf8,
  fromByteString,
  isByteString,
  toByteString,
  utf8ToByteString,
} from '../../src/sip/byte-string.ts';

describe('byte strings', () => {
  it('map octets one to one, UTF-8 included', () => {
    const octets = Buffer.from([0x00, 0x41, 0xc3, 0xa9, 0xff]);
    const text = toByteString(octets);
    expect(text.length).toBe(5);
    expect(text.charCodeAt(2)).toBe(0xc3);
    expect(fromByteString(text).equals(octets)).toBe(true);
    expect(toByteString(new Uint8Array(octets))).toBe(text);
  });

  it('convert JS text through UTF-8', () => {
    const bytes = utf8ToByteString('Jörg ☎');
    expect(bytes.length).toBe(9);
    expect(isByteString(bytes)).toBe(true);
    expect(byteStringToUtf8(bytes)).toBe('Jörg ☎');
    expect(isByteString('☎')).toBe(false);
  });
});
