// The To tag of the server's own replies: this process's prefix, then the FNV-1a hash of Call-ID, From tag
// and top Via branch in hexadecimal (no leading zeros), so a retransmission gets the same tag.
import { describe, expect, it } from 'vitest';
import { isLocalTag, localToTag } from '../../src/router/local-tag.ts';
import { parseMessage, type SipRequest } from '../../src/sip/index.ts';

function options(n: number): SipRequest {
  const text =
    'OPTIONS sip:127.0.0.1 SIP/2.0\r\n' +
    `Via: SIP/2.0/UDP 127.0.0.1:9;rport;branch=z9hG4bK${n.toString(36)}\r\n` +
    `From: <sip:a@127.0.0.1>;tag=f${n}\r\n` +
    'To: <sip:127.0.0.1>\r\n' +
    `Call-ID: c${n * 7919}@127.0.0.1\r\n` +
    'CSeq: 1 OPTIONS\r\n' +
    'Content-Length: 0\r\n\r\n';
  const parsed = parseMessage(text);
  if (!parsed.ok) throw new Error(parsed.error.detail);
  return parsed.value as SipRequest;
}

/** The hash as written out, independently of the server's code. */
function expectedHash(request: SipRequest): string {
  const joined = `${request.callId}\n${request.from?.tag ?? ''}\n${request.via.branch ?? ''}`;
  let hash = 0x811c9dc5;
  for (let i = 0; i < joined.length; i++) hash = Math.imul(hash ^ joined.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16);
}

describe('localToTag', () => {
  it('is the prefix and the hash in hexadecimal, over the whole 32-bit range', () => {
    const requests = Array.from({ length: 4000 }, (_, n) => options(n));
    const prefix = localToTag(requests[0]).split('.')[0];
    let high = 0;
    let short = 0;
    for (const request of requests) {
      const hash = expectedHash(request);
      if (hash.length === 8 && Number.parseInt(hash[0], 16) >= 8) high++;
      if (hash.length < 8) short++;
      expect(localToTag(request)).toBe(`${prefix}.${hash}`);
    }
    // Hashes past 2^31 and hashes with leading zero digits were both among them.
    expect(high).toBeGreaterThan(1000);
    expect(short).toBeGreaterThan(100);
  });

  it('is the same for a retransmission and marks the tag as this process own', () => {
    const tag = localToTag(options(42));
    expect(localToTag(options(42))).toBe(tag);
    expect(localToTag(options(43))).not.toBe(tag);
    expect(isLocalTag(tag)).toBe(true);
    expect(isLocalTag(`x${tag}`)).toBe(false);
    expect(isLocalTag(undefined)).toBe(false);
  });
});
