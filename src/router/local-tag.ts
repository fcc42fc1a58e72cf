// The To tag of a reply the server generates. Derived from the request (Call-ID, From tag, top Via branch)
// so that a retransmitted request gets a reply with the same tag, as Kamailio's sl module does, and
// prefixed with a per-process value so that two servers do not mint the same tag.
import { randomBytes } from 'node:crypto';
import type { SipRequest } from '../sip/index.ts';

const PREFIX = randomBytes(4).toString('hex');
/** What every tag of this process starts with. */
const TAG_START = `${PREFIX}.`;

/** FNV-1a, 32 bits, of `text` continuing from `hash`: cheap and well spread for short strings. */
function fnv1a(hash: number, text: string): number {
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash;
}

/** True for a tag this process minted: an ACK carrying it acknowledges a reply of ours. */
export function isLocalTag(tag: string | undefined): boolean {
  return tag?.startsWith(TAG_START) === true;
}

export function localToTag(request: SipRequest): string {
  // The hash of `${Call-ID}\n${From tag}\n${branch}`, taken part by part: no joined string per reply.
  let hash = fnv1a(0x811c9dc5, request.callId);
  hash = fnv1a(hash, '\n');
  hash = fnv1a(hash, request.from?.tag ?? '');
  hash = fnv1a(hash, '\n');
  hash = fnv1a(hash, request.via.branch ?? '');
  return TAG_START + hex32(hash);
}

/**
 * `(hash >>> 0).toString(16)`, written from the two 16-bit halves: an unsigned value past 2^31 is no small
 * integer, and V8 formats such a number in radix 16 by its slow double path (~0.3 µs, a tenth of what the
 * whole sl reply costs); each half is a small integer.
 */
function hex32(hash: number): string {
  const high = hash >>> 16;
  const low = (hash & 0xffff).toString(16);
  return high === 0 ? low : high.toString(16) + low.padStart(4, '0');
}
