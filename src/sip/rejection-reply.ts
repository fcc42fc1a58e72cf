// rejectionReply: the 400 / 505 / 513 a server sends back for a request that did not parse (RFC 3261
// 8.2.6, 16.3, 18.3), made from what of it could be read. Replies need the Via values (where to send, and
// for the client to match); without them, or for an ACK (never answered), or for a response, there is no
// reply and the caller drops and counts the message. A CSeq that is missing or unreadable is answered
// with "CSeq: 0 <method of the request line>": the client matches a response by its top Via branch and the
// CSeq method (17.1.3), so it still learns why, instead of retransmitting into silence (issue 11).

import { parseCSeq } from './cseq.ts';
import { parseNameAddr } from './name-addr.ts';
import type { ParseError } from './parse-error.ts';
import { splitList } from './split-list.ts';
import { parseVia } from './via.ts';

/**
 * The reply to the broken request `error` describes, or undefined when it cannot or must not be answered.
 * The reason phrase names the fault ("400 Bad CSeq"). A To without a tag gets one derived from the
 * request, so a retransmission gets the same reply.
 */
export function rejectionReply(error: ParseError): Buffer | undefined {
  if (
    error.kind !== 'request' ||
    error.method === undefined ||
    error.method === 'ACK' ||
    error.vias.length === 0
  ) {
    return undefined;
  }
  const top = splitList(error.vias[0])[0];
  if (top === undefined || parseVia(top) === undefined) return undefined;
  const cseq =
    error.cseq !== undefined && parseCSeq(error.cseq) !== undefined ? error.cseq : `0 ${error.method}`;

  let text = `SIP/2.0 ${error.status} ${error.reason}\r\n`;
  for (const via of error.vias) text += `Via: ${via}\r\n`;
  if (error.from !== undefined) text += `From: ${error.from}\r\n`;
  if (error.to !== undefined) {
    const to = parseNameAddr(error.to);
    text +=
      to !== undefined && to.tag === undefined
        ? `To: ${error.to};tag=${replyTag(error)}\r\n`
        : `To: ${error.to}\r\n`;
  }
  if (error.callId !== undefined) text += `Call-ID: ${error.callId}\r\n`;
  text += `CSeq: ${cseq}\r\nContent-Length: 0\r\n\r\n`;
  return Buffer.from(text, 'latin1');
}

// 64 bits of FNV-1a over what identifies the request, as 16 hex digits.
function replyTag(error: ParseError): string {
  const seed = `${error.callId}\n${error.from}\n${error.vias[0]}\n${error.cseq}`;
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < seed.length; i++) {
    const c = seed.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (a >>> 7);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}
