// A/B of the SIP layer (src/sip) alone: another checkout's (A, e.g. /work/main) against this one's (B),
// both loaded into this one process, rounds alternating A B B A ..., CPU time (process.cpuUsage) per
// message, medians. What the proxy does to each message, without sockets or routes:
// - options: a stateless OPTIONS (rport asked) parsed, received/rport added, the 200 written (sl reply);
// - invite relay: a SIPp INVITE parsed, the fields tm and sanity read, received added, Max-Forwards,
//   Record-Route and Via written (the Via as tm writes it), serialized;
// - response relay: a 200 with two Vias parsed, its top Via popped, serialized;
// - parse.ts: bench/parse.ts's two cases (an ~850-octet INVITE with host names).
//   node_modules/.bin/node bench/parse-ab.ts --base /work/main [--rounds 31]
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { OPTIONS } from '../fixtures/messages.ts';
import { abArgs, alternatingRounds, cpuPerCall } from './lib/ab-rounds.ts';

const { base, rounds: ROUNDS } = abArgs('parse-ab.ts', 31);
const ITERATIONS = 20_000;
const here = fileURLToPath(new URL('../', import.meta.url));

const crlf = (lines: string[]) => Buffer.from(lines.join('\r\n'), 'latin1');
const options = Buffer.from(OPTIONS, 'latin1');
const sdp = 'v=0\r\no=user1 53655765 2353687637 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n';
const invite = crlf([
  'INVITE sip:service@127.0.0.1:5060 SIP/2.0',
  'Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-1234-1-0',
  'From: sipp <sip:sipp@127.0.0.1:5061>;tag=1234SIPpTag001',
  'To: <sip:service@127.0.0.1:5060>',
  'Call-ID: 1-1234@127.0.0.1',
  'CSeq: 1 INVITE',
  'Contact: <sip:sipp@127.0.0.1:5061;transport=UDP>',
  'Max-Forwards: 70',
  'Content-Type: application/sdp',
  `Content-Length: ${sdp.length}`,
  '',
  sdp,
]);
const response = crlf([
  'SIP/2.0 200 OK',
  'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKab12cd34.0;rport=5070',
  'Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-1234-1-0;received=127.0.0.1',
  'Record-Route: <sip:127.0.0.1:5070;lr;ftag=1234SIPpTag001>',
  'From: sipp <sip:sipp@127.0.0.1:5061>;tag=1234SIPpTag001',
  'To: <sip:service@127.0.0.1:5060>;tag=5678SIPpTag011',
  'Call-ID: 1-1234@127.0.0.1',
  'CSeq: 1 INVITE',
  'Contact: <sip:127.0.0.1:5062;transport=UDP>',
  'Content-Length: 0',
  '',
  '',
]);
const fixture = readFileSync(new URL('./fixtures/invite.sip', import.meta.url));
const source = { address: '127.0.0.1', port: 40000 };

let sink = 0;
type Cases = Record<string, () => void>;

async function casesOf(tree: string): Promise<Cases> {
  const sip = await import(pathToFileURL(resolve(tree, 'src/sip/index.ts')).href);
  const { responseBytes } = await import(pathToFileURL(resolve(tree, 'src/sip/build-response.ts')).href);
  const parse = (data: Buffer) => {
    const result = sip.parseMessage(data, { datagram: true });
    if (!result.ok) throw new Error(result.error.detail);
    return result.value;
  };
  return {
    options: () => {
      const m = parse(options);
      sip.addReceived(m, source);
      sink += responseBytes(m, 200, 'OK', { toTag: 'abc123' }).length;
    },
    'invite relay': () => {
      const m = parse(invite);
      sip.addReceived(m, source);
      sink +=
        m.via.branch.length + m.callId.length + m.cseq.seq + m.from.tag.length + m.parsedUri.host.length;
      sink += (m.to.tag === undefined ? 1 : 0) + (m.maxForwards ?? 0) + (m.routes === undefined ? 1 : 0);
      m.setHeader('Max-Forwards', '69');
      m.prependHeader('Record-Route', '<sip:127.0.0.1:5070;lr;ftag=1234SIPpTag001>');
      // As tm writes its Via: pushOwnVia where the tree has it, the same value parsed back before.
      if (sip.pushOwnVia) sip.pushOwnVia(m, 'UDP', '127.0.0.1', 5070, 'z9hG4bKab12cd34.0');
      else m.pushVia('SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKab12cd34.0');
      sink += m.toBuffer().length;
    },
    'response relay': () => {
      const m = parse(response);
      sink += m.via.branch.length + m.callId.length + m.cseq.seq;
      m.popVia();
      sink += m.via.host.length + m.toBuffer().length;
    },
    'parse.ts parse+reads': () => {
      const m = parse(fixture);
      sink += m.uri.length + m.via.branch.length + m.callId.length + m.cseq.seq + m.from.tag.length;
    },
    'parse.ts edit+serialize': () => {
      const m = parse(fixture);
      m.pushVia('SIP/2.0/UDP proxy.example.com;branch=z9hG4bKbench1;rport');
      m.setUri('sip:bob@192.0.2.200:5060');
      sink += m.toBuffer().length;
    },
  };
}

const sides = [await casesOf(base), await casesOf(here)];
const names = Object.keys(sides[0]);
for (const side of sides) for (const name of names) for (let i = 0; i < 10 * ITERATIONS; i++) side[name]();
alternatingRounds(
  names,
  ROUNDS,
  (side, name) => cpuPerCall(sides[side][name], ITERATIONS),
  `A = ${base}, B = ${here}; CPU ns per message`,
);
if (sink === 0) console.log('unreachable');
