// nathelper end to end, over raw UDP against a real `kemi-wasm serve` (ephemeral ports): a UA on 127.0.0.2
// registers a Contact with a private address (10.0.0.5); the route (a WAT guest in Kamailio's basic-script
// shape) detects it with nat_uac_test(19), keeps the source with fix_nated_register and marks the binding
// NATed (setbflag 6, SIP ping 7) before save. An INVITE to the user reaches the UA at its received
// address, the server pings it with OPTIONS every natping_interval (replies absorbed and counted), and a
// UA that is not NATed is never pinged (ping_nated_only). A request relayed to an unregistered target gets
// its private Contact and SDP c= rewritten to the source (fix_nated_contact, fix_nated_sdp).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Guest } from '../../fixtures/guest.ts';
import type { ServerProcess } from './harness.ts';
import { responseText, type UdpPeer, udpPeer, until } from './raw-peer.ts';
import { startGuestServer } from './raw-sip.ts';
import { OPERATOR_TOKEN } from './registry-server.ts';

let server: ServerProcess;
let sipPort: number;
const peers: UdpPeer[] = [];

function natRoute(): Guest {
  const g = new Guest();
  const isRegister = g.call('core', 'is-method', ['REGISTER']);
  const natTest = g.call('nathelper', 'nat-uac-test', [19]);
  const fixRegister = g.call('nathelper', 'fix-nated-register', []);
  const natFlag = g.call('core', 'setbflag', [6]);
  const sipPingFlag = g.call('core', 'setbflag', [7]);
  const save = g.call('registrar', 'save', ['location', 0]);
  const lookup = g.call('registrar', 'lookup', ['location']);
  const privateContact = g.call('nathelper', 'nat-uac-test', [1]);
  const fixContact = g.call('nathelper', 'fix-nated-contact', []);
  const fixSdp = g.call('nathelper', 'fix-nated-sdp', [2]);
  const relay = g.call('tm', 't-relay', []);
  const replyError = g.call('sl', 'sl-reply-error', []);
  return g.route(
    'request-route',
    `(if ${isRegister}
       (then
         (if (i32.gt_s ${natTest} (i32.const 0))
           (then (drop ${fixRegister}) (drop ${natFlag}) (drop ${sipPingFlag})))
         (drop ${save})
         (return)))
     (if (i32.lt_s ${lookup} (i32.const 0))
       (then (if (i32.gt_s ${privateContact} (i32.const 0)) (then (drop ${fixContact}) (drop ${fixSdp})))))
     (if (i32.lt_s ${relay} (i32.const 0)) (then (drop ${replyError})))`,
  );
}

const SDP = [
  'v=0',
  'o=ua 1 1 IN IP4 10.0.0.5',
  's=-',
  'c=IN IP4 10.0.0.5',
  't=0 0',
  'm=audio 4000 RTP/AVP 0',
  '',
].join('\r\n');

function sip(opts: {
  method: string;
  uri: string;
  via: string;
  from: string;
  to: string;
  callId: string;
  contact: string;
  body?: string;
}): string {
  const body = opts.body ?? '';
  return [
    `${opts.method} ${opts.uri} SIP/2.0`,
    `Via: ${opts.via}`,
    'Max-Forwards: 70',
    `From: <${opts.from}>;tag=t-${opts.callId}`,
    `To: <${opts.to}>`,
    `Call-ID: ${opts.callId}`,
    `CSeq: 1 ${opts.method}`,
    `Contact: ${opts.contact}`,
    ...(opts.method === 'REGISTER' ? ['Expires: 300'] : []),
    ...(body === '' ? [] : ['Content-Type: application/sdp']),
    `Content-Length: ${body.length}`,
    '',
    body,
  ].join('\r\n');
}

const firstLine = (text: string) => text.slice(0, text.indexOf('\r\n'));
const header = (text: string, name: string) => new RegExp(`^${name}: *(.*)$`, 'mi').exec(text)?.[1];

async function metrics(): Promise<string> {
  const admin = server.lines.find((l) => l.msg === 'admin listening');
  const res = await fetch(`${String(admin?.url)}/metrics`, {
    headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
  });
  return res.text();
}

async function registered(peer: UdpPeer, user: string, contact: string, via: string): Promise<void> {
  const callId = `reg-${user}`;
  await peer.send(
    sip({
      method: 'REGISTER',
      uri: 'sip:127.0.0.1',
      via,
      from: `sip:${user}@127.0.0.1`,
      to: `sip:${user}@127.0.0.1`,
      callId,
      contact,
    }),
    sipPort,
  );
  await until(() => peer.received.some((t) => t.includes(`Call-ID: ${callId}`)), 5000);
  const reply = peer.received.find((t) => t.includes(`Call-ID: ${callId}`));
  expect(reply && firstLine(reply)).toBe('SIP/2.0 200 OK');
}

beforeAll(async () => {
  server = await startGuestServer({ name: 'nat', relay_allow: { cidrs: ['127.0.0.0/8'] } }, natRoute(), {
    registrar: { min_expires: 10 },
    nathelper: {
      natping_interval: 1,
      ping_nated_only: 1,
      nat_bflag: 6,
      sipping_bflag: 7,
      sipping_from: 'sip:pinger@kemi.test',
    },
    admin: { listen: '127.0.0.1:0', operator_token: OPERATOR_TOKEN },
  });
  sipPort = server.ports.udp!;
}, 60_000);

afterAll(async () => {
  for (const p of peers.splice(0)) await p.close();
  expect(await server.stop()).toBe(0);
});

describe('nathelper over UDP', () => {
  it('a NATed REGISTER is stored with its source; calls reach it there and it is kept alive with OPTIONS', async () => {
    const ua = await udpPeer('127.0.0.2');
    const direct = await udpPeer('127.0.0.1');
    const caller = await udpPeer('127.0.0.1');
    peers.push(ua, direct, caller);
    await registered(
      ua,
      'alice',
      '<sip:alice@10.0.0.5:5060>',
      'SIP/2.0/UDP 10.0.0.5:5060;rport;branch=z9hG4bK-ra',
    );
    await registered(
      direct,
      'bob',
      `<sip:bob@127.0.0.1:${direct.port}>`,
      `SIP/2.0/UDP 127.0.0.1:${direct.port};rport;branch=z9hG4bK-rb`,
    );

    await caller.send(
      sip({
        method: 'INVITE',
        uri: 'sip:alice@127.0.0.1',
        via: `SIP/2.0/UDP 127.0.0.1:${caller.port};rport;branch=z9hG4bK-inv1`,
        from: 'sip:carol@127.0.0.1',
        to: 'sip:alice@127.0.0.1',
        callId: 'inv-alice',
        contact: `<sip:carol@127.0.0.1:${caller.port}>`,
      }),
      sipPort,
    );
    await until(() => ua.received.some((t) => t.startsWith('INVITE ')), 5000);
    const invite = ua.received.find((t) => t.startsWith('INVITE '));
    // Delivered to 127.0.0.2:<port>, the received address; the R-URI is the registered contact.
    expect(invite && firstLine(invite)).toBe('INVITE sip:alice@10.0.0.5:5060 SIP/2.0');
    await ua.send(responseText(invite!, 486, 'Busy Here'), sipPort);

    // natping_interval 1 s: two rounds within a few seconds, each an OPTIONS to the contact.
    await until(() => ua.received.filter((t) => t.startsWith('OPTIONS ')).length >= 2, 8000);
    const pings = ua.received.filter((t) => t.startsWith('OPTIONS '));
    expect(pings.length).toBeGreaterThanOrEqual(2);
    expect(firstLine(pings[0])).toBe('OPTIONS sip:alice@10.0.0.5:5060 SIP/2.0');
    expect(header(pings[0], 'From')).toMatch(/^<sip:pinger@kemi\.test>;tag=/);
    expect(header(pings[0], 'Via')).toMatch(
      new RegExp(`^SIP/2\\.0/UDP 127\\.0\\.0\\.1:${sipPort};branch=z9hG4bK`),
    );
    for (const ping of pings) await ua.send(responseText(ping, 200), sipPort);
    // The replies are absorbed (no route runs for them) and counted.
    let text = '';
    const end = Date.now() + 5000;
    while (!/event="replied"/.test(text) && Date.now() < end) {
      text = await metrics();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(text).toMatch(/kemi_natping_total\{tenant="nat",event="replied"\} [1-9]/);
    expect(text).toMatch(/kemi_natping_total\{tenant="nat",event="sent"\} [1-9]/);
    // ping_nated_only: bob registered from where his Contact says, so he is never pinged.
    expect(direct.received.filter((t) => t.startsWith('OPTIONS '))).toEqual([]);
  }, 30_000);

  it('fix_nated_contact and fix_nated_sdp rewrite a relayed request from a NATed UA', async () => {
    const ua = await udpPeer('127.0.0.2');
    const target = await udpPeer('127.0.0.1');
    peers.push(ua, target);
    await ua.send(
      sip({
        method: 'INVITE',
        uri: `sip:dave@127.0.0.1:${target.port}`,
        via: 'SIP/2.0/UDP 10.0.0.5:5060;rport;branch=z9hG4bK-inv2',
        from: 'sip:alice@127.0.0.1',
        to: 'sip:dave@127.0.0.1',
        callId: 'inv-dave',
        contact: '<sip:alice@10.0.0.5:5060;ob>',
        body: SDP,
      }),
      sipPort,
    );
    await until(() => target.received.some((t) => t.startsWith('INVITE ')), 5000);
    const relayed = target.received.find((t) => t.startsWith('INVITE '));
    expect(relayed).toBeDefined();
    expect(header(relayed!, 'Contact')).toBe(`<sip:alice@127.0.0.2:${ua.port};ob>`);
    const body = relayed!.slice(relayed!.indexOf('\r\n\r\n') + 4);
    expect(body).toContain('c=IN IP4 127.0.0.2\r\n');
    expect(body).toContain('a=oldmediaip:10.0.0.5');
    expect(Number(header(relayed!, 'Content-Length'))).toBe(body.length);
    await target.send(responseText(relayed!, 486, 'Busy Here'), sipPort);
  }, 30_000);
});
