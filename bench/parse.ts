// Parse benchmark: src/sip against the `sip` npm package, measured in the same run.
//
//   node_modules/.bin/node bench/parse.ts
//
// Message: bench/fixtures/invite.sip, an ~850-octet INVITE with two Vias, Record-Route, Contact and SDP.
// - parse+reads: parse, then read the Request-URI, top Via branch, Call-ID, CSeq and From tag.
// - parse+edit+serialize: parse, push a Via, change the Request-URI, write the message out as a Buffer.
// Each case is warmed up, then timed over rounds that alternate between the two parsers; the median round
// of each is reported.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseMessage, type SipRequest } from '../src/sip/index.ts';

interface SipPackage {
  parse(data: Buffer | string): SipPackageMessage | undefined;
  stringify(message: SipPackageMessage): string;
}
interface SipPackageMessage {
  uri: string;
  headers: {
    via: { params: { branch: string } }[];
    'call-id': string;
    cseq: { seq: number; method: string };
    from: { params: { tag: string } };
  } & Record<string, unknown>;
}

const sip = createRequire(import.meta.url)('sip') as SipPackage;
const data = readFileSync(new URL('./fixtures/invite.sip', import.meta.url));
const NEW_VIA = 'SIP/2.0/UDP proxy.example.com;branch=z9hG4bKbench1;rport';
const NEW_URI = 'sip:bob@192.0.2.200:5060';

let sink = 0;

function oursReads(): void {
  const result = parseMessage(data, { datagram: true });
  if (!result.ok) throw new Error(result.error.detail);
  const m = result.value as SipRequest;
  sink +=
    m.uri.length +
    m.via.branch!.length +
    m.callId.length +
    m.cseq.seq +
    m.cseq.method.length +
    m.from!.tag!.length;
}

function sipReads(): void {
  const m = sip.parse(data)!;
  const h = m.headers;
  sink +=
    m.uri.length + h.via[0].params.branch.length + h['call-id'].length + h.cseq.seq + h.cseq.method.length;
  sink += h.from.params.tag.length;
}

function oursEdit(): void {
  const result = parseMessage(data, { datagram: true });
  if (!result.ok) throw new Error(result.error.detail);
  const m = result.value as SipRequest;
  m.pushVia(NEW_VIA);
  m.setUri(NEW_URI);
  sink += m.toBuffer().length;
}

function sipEdit(): void {
  const m = sip.parse(data)!;
  m.headers.via.unshift({
    version: '2.0',
    protocol: 'UDP',
    host: 'proxy.example.com',
    params: { branch: 'z9hG4bKbench1', rport: null },
  } as never);
  m.uri = NEW_URI;
  sink += Buffer.from(sip.stringify(m), 'binary').length;
}

/**
 * Median nanoseconds per call of `ours` and `theirs` over `rounds` rounds of `iterations` calls each, after a
 * warm-up. Rounds alternate between the two so that load from elsewhere on the machine hits both alike.
 */
function measurePair(
  ours: () => void,
  theirs: () => void,
  iterations = 10_000,
  rounds = 21,
): [number, number] {
  for (let i = 0; i < iterations * 3; i++) {
    ours();
    theirs();
  }
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < rounds; r++) {
    a.push(timePerCall(ours, iterations));
    b.push(timePerCall(theirs, iterations));
  }
  return [median(a), median(b)];
}

function timePerCall(fn: () => void, iterations: number): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn();
  return Number(process.hrtime.bigint() - start) / iterations;
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)];
}

function checkSameReads(): void {
  const ours = parseMessage(data, { datagram: true });
  const theirs = sip.parse(data)!;
  if (!ours.ok) throw new Error(ours.error.detail);
  const m = ours.value as SipRequest;
  const same =
    m.uri === theirs.uri &&
    m.via.branch === theirs.headers.via[0].params.branch &&
    m.callId === theirs.headers['call-id'] &&
    m.cseq.seq === theirs.headers.cseq.seq &&
    m.from?.tag === theirs.headers.from.params.tag;
  if (!same) throw new Error('the two parsers read the message differently');
}

checkSameReads();
const rows = [
  ['parse+reads', ...measurePair(oursReads, sipReads)],
  ['parse+edit+serialize', ...measurePair(oursEdit, sipEdit)],
] as const;

console.log(`message: ${data.length} octets, node ${process.version}`);
for (const [name, ours, theirs] of rows) {
  console.log(
    `${name.padEnd(22)} src/sip ${ours.toFixed(0).padStart(6)} ns/msg   sip ${theirs.toFixed(0).padStart(6)} ns/msg   ` +
      `${(theirs / ours).toFixed(1)}x faster`,
  );
}
if (sink === 0) console.log('unreachable');
