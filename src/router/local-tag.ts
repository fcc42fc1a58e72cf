// The To tag of a reply the server generates. Derived from the request (Call-ID, From tag, top Via branch)
// so that a retransmitted request gets a reply with the same tag, as Kamailio's sl module does, and
// prefixed with a per-process value so that two servers do not mint the same tag.
import { randomBytes } from 'node:crypto';
import type { SipRequest } from '../sip/index.ts';

const PREFIX = randomBytes(4).toString('hex');

/** FNV-1a, 32 bits, of `text` continuing from `hash`: cheap and well spread for short strings. */
function fnv1a(hash: number, text: string): number {
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash;
}

/** True for a tag this process minted: an ACK carrying it acknowledges a reply of ours. */
export function isLocalTag(tag: string | undefined): boolean {
  return tag?.startsWith(`${PREFIX}.`) === true;
}

export function localToTag(request: SipRequest): string {
  // The hash of `${Call-ID}\n${From tag}\n${branch}`, taken part by part: no joined string per reply.
  let hash = fnv1a(0x811c9dc5, request.callId);
  hash = fnv1a(hash, '\n');
  hash = fnv1a(hash, request.from?.tag ?? '');
  hash = fnv1a(hash, '\n');
  hash = fnv1a(hash, request.via.branch ?? '');
  return `${PREFIX}.${(hash >>> 0).toString(16)}`;
}
