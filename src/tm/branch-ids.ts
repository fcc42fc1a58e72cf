// Via branch parameters this proxy puts on the requests it sends (RFC 3261 8.1.1.7, 16.6 step 8): the magic
// cookie, a per-process prefix (two processes never mint the same value) and a counter. A request forwarded
// statelessly (an ACK for a 2xx) gets a branch derived from the one it arrived with, so the ACK sent again
// for a retransmitted 2xx carries the same branch (16.11).
//
// A branch of a transaction's request is also signed for where its responses go back (issue 11): a
// response that outlives its transaction (a 2xx retransmitted after it ended) is forwarded statelessly by
// its next Via (16.11), and without a proof anyone could send us a "response" with our Via on top and any
// next Via, making the server a relay to any host and port. The branch carries a MAC (SipHash-2-4 under a
// per-process random key) over the counter and the transaction's upstream: for UDP the address and port,
// which the next Via must name again (we wrote its received/rport); for TCP the id of the request's
// connection, which is the only way the response may go (never a new connection).
import { randomBytes } from 'node:crypto';
import { hex32 } from '../hex-digits.ts';
import { BRANCH_MAGIC_COOKIE, ipAddressKey, type SipRequest, type Via } from '../sip/index.ts';
import { SipHash24 } from '../siphash.ts';
import type { SendTarget } from '../transport/index.ts';

const PREFIX = `${BRANCH_MAGIC_COOKIE}${randomBytes(4).toString('hex')}`;
// SipHash-2-4 in JavaScript (src/siphash.ts): a MAC made for short messages. node:crypto's createHmac,
// called once per transaction between other work, ran cold at ~24 µs per MAC; HMAC-SHA256 in JavaScript
// at ~5 µs (two SHA-256 compressions for a 30-byte message).
const KEY = new SipHash24(randomBytes(16));
let counter = 0;

/**
 * A branch no other request of this process carries. With `upstream` (the transaction's reply target) it
 * is signed for it, so that statelessReplyTarget accepts a response carrying it; `suffix` (the loop hash of
 * tm/loop-detection.ts, which must stay last) ends it.
 */
export function newBranchId(upstream?: SendTarget, suffix = ''): string {
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  const n = counter.toString(36);
  // Joined, not concatenated: a branch lives as long as its transaction lingers (5 s), and a concatenated
  // one is a tree of about ten V8 cons strings, each an object the young generation copies and promotes.
  if (upstream === undefined) return [PREFIX, '.', n, suffix].join('');
  if ('proto' in upstream && upstream.proto === 'udp')
    return [PREFIX, '.', n, '.u', mac(n, udpHop(upstream.address, upstream.port)), suffix].join('');
  const id = upstream.connectionId;
  return id === undefined
    ? [PREFIX, '.', n, suffix].join('')
    : [PREFIX, '.', n, '.t', id.toString(36), '.', mac(n, tcpHop(id)), suffix].join('');
}

/**
 * Where a response goes on statelessly once our Via (with `branch`) is popped and `next` is on top: a UDP
 * address the branch was signed for, or the TCP connection it was signed for (send to it, or nowhere).
 * Undefined when this process did not mint `branch` for that hop: the response must be dropped.
 */
export function statelessReplyTarget(branch: string | undefined, next: Via): SendTarget | undefined {
  if (branch === undefined || !branch.startsWith(`${PREFIX}.`)) return undefined;
  const parts = branch.slice(PREFIX.length + 1).split('.');
  if (parts.length > 1 && parts[parts.length - 1].charCodeAt(0) === 108 /* l: the loop hash */) parts.pop();
  const n = parts[0];
  if (parts.length === 2 && parts[1].charCodeAt(0) === 117 /* u */) {
    const hop = udpDestination(next);
    if (hop === undefined || parts[1].slice(1) !== mac(n, udpHop(hop.address, hop.port))) return undefined;
    return { proto: 'udp', address: hop.address, port: hop.port };
  }
  if (parts.length === 3 && parts[1].charCodeAt(0) === 116 /* t */) {
    const id = Number.parseInt(parts[1].slice(1), 36);
    if (!Number.isSafeInteger(id) || parts[2] !== mac(n, tcpHop(id))) return undefined;
    return { connectionId: id };
  }
  return undefined;
}

/** The branch for a stateless forward of `request`: the same for the same incoming top Via. */
export function statelessBranchId(request: SipRequest): string {
  const key = `${request.via.branch ?? ''}\n${request.callId}\n${request.cseq.seq}`;
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return `${PREFIX}.s${hex32(hash)}`;
}

/**
 * Where a UDP response goes by a Via this server wrote received/rport into (RFC 3581): the address the
 * request came from and, as router/reply-target.ts decides it, the source port when rport is there, else
 * the sent-by port (maddr is not followed). A Via naming another transport has no such answer here.
 */
function udpDestination(via: Via): { address: string; port: number } | undefined {
  if (via.transport !== 'UDP') return undefined;
  const address = ipAddressKey(via.received ?? via.host);
  if (address === undefined) return undefined;
  return { address, port: typeof via.rport === 'number' ? via.rport : (via.port ?? 5060) };
}

function udpHop(address: string, port: number): string {
  return `udp|${ipAddressKey(address) ?? address.toLowerCase()}|${port}`;
}

function tcpHop(connectionId: number): string {
  return `tcp|${connectionId}`;
}

/** 64 bits (16 hex digits): a forgery is one guess in 2^64 per datagram. */
function mac(n: string, hop: string): string {
  return KEY.hex(`${n}|${hop}`);
}
