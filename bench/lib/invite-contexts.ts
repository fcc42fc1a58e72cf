// The route-call benches' input: one INVITE (to bob@example.com, which the hello example answers 404) from
// a UDP peer, as fresh route contexts over fresh parses (what the server makes per message) whose host
// notes what the route asks of it.
import { RouteContext } from '../../src/kemi/index.ts';
import { silentLogger } from '../../src/logger.ts';
import { parseMessage, type SipRequest } from '../../src/sip/index.ts';
import type { Source } from '../../src/transport/index.ts';
import { notingHost } from '../noting-host.ts';

const source: Source = {
  proto: 'udp',
  remote: { address: '192.0.2.10', port: 5062 },
  local: { address: '127.0.0.1', port: 5060 },
};

const INVITE = [
  'INVITE sip:bob@example.com SIP/2.0',
  'Via: SIP/2.0/UDP 192.0.2.10:5062;branch=z9hG4bK-bench;rport',
  'Max-Forwards: 70',
  'From: <sip:alice@example.org>;tag=a1',
  'To: <sip:bob@example.com>',
  'Call-ID: bench-1@192.0.2.10',
  'CSeq: 1 INVITE',
  'Content-Length: 0',
  '',
  '',
].join('\r\n');

/** `n` request contexts of the INVITE, each over its own parse. */
export function inviteContexts(n: number): RouteContext[] {
  const out: RouteContext[] = [];
  for (let i = 0; i < n; i++) {
    const parsed = parseMessage(INVITE);
    if (!parsed.ok) throw new Error(parsed.error.detail);
    out.push(new RouteContext('request', parsed.value as SipRequest, source, notingHost, silentLogger));
  }
  return out;
}
