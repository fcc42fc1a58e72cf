// The To tag of a reply the server generates. Derived from the request (Call-ID, From tag, top Via branch)
// so that a retransmitted request gets a reply with the same tag, as Kamailio's sl module does, and
// prefixed with a per-process value so that two servers do not mint the same tag.
import { randomBytes } from 'node:crypto';
import type { SipRequest } from '../sip/index.ts';

const PREFIX = randomBytes(4).toString('hex');

/** FNV-1a, 32 bits: cheap and well spread for short strings. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/** True for a tag this process minted: an ACK carrying it acknowledges a reply of ours. */
export function isLocalTag(tag: string | undefined): boolean {
  return tag?.startsWith(`${PREFIX}.`) === true;
}

export function localToTag(request: SipRequest): string {
  const key = `${request.callId}\n${request.from?.tag ?? ''}\n${request.via.branch ?? ''}`;
  return `${PREFIX}.${fnv1a(key).toString(16)}`;
}
