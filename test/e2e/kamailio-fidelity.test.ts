// Behaviour on the wire that follows Kamailio 5.6, against a real `kemi-wasm serve` and raw UDP sockets on
// ephemeral ports. The tenant runs an AssemblyScript route shaped like Kamailio's basic KEMI script
// (misc/examples/kemi/kamailio-basic-kemi-lua.lua): REGISTER saved (the source kept as received address,
// as fix_nated_register does), lookup's -2 answered 405 and -1 404, the rest relayed statefully.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGuest } from '../../src/builder/index.ts';
import { type ServerProcess, startServerProcess } from './harness.ts';
import { responseText, statuses, type UdpPeer, udpPeer, until } from './raw-peer.ts';

const dir = mkdtempSync(join(tmpdir(), 'kemi-e2e-fidelity-'));
const sdk = fileURLToPath(new URL('../../guest-examples/assemblyscript/sdk', import.meta.url));

const ROUTE = (sdkPath: string) => `import { KSR } from '${sdkPath}';

export * from '${sdkPath}/exports';

export function request_route(): void {
  if (KSR.is_CANCEL()) {
    if (KSR.tm.t_check_trans() > 0) KSR.tm.t_relay();
    return KSR.x.exit();
  }
  if (KSR.is_ACK()) {
    if (KSR.tm.t_check_trans() > 0) KSR.tm.t_relay();
    return KSR.x.exit();
  }
  if (KSR.is_REGISTER()) {
    KSR.pv.sets('$avp(RECEIVED)', KSR.kx.get_srcuri());
    KSR.registrar.save('location', 0);
    return KSR.x.exit();
  }
  const rc = KSR.registrar.lookup('location');
  if (rc < 0) {
    if (rc == -2) KSR.sl.send_reply(405, 'Method Not Allowed');
    else KSR.sl.send_reply(404, 'Not Found');
    return KSR.x.exit();
  }
  if (KSR.tm.t_relay() < 0) KSR.sl.sl_reply_error();
}

export function reply_route(): void {}

export function named_route(name: string): void {}
`;

let server: ServerProcess | undefined;
let sipPort: number;
const peers: UdpPeer[] = [];

async function peer(): Promise<UdpPeer> {
  const p = await udpPeer();
  peers.push(p);
  return p;
}

function register(
  from: UdpPeer,
  opts: { user: string; contact: string; callId: string; cseq: number; allow?: string },
): string {
  return [
    `REGISTER sip:127.0.0.1:${sipPort} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${from.port};branch=z9hG4bK-${opts.callId}-${opts.cseq};rport`,
    'Max-Forwards: 70',
    `From: <sip:${opts.user}@127.0.0.1>;tag=r1`,
    `To: <sip:${opts.user}@127.0.0.1>`,
    `Call-ID: ${opts.callId}`,
    `CSeq: ${opts.cseq} REGISTER`,
    `Contact: <${opts.contact}>;expires=600`,
    ...(opts.allow === undefined ? [] : [`Allow: ${opts.allow}`]),
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

function request(from: UdpPeer, method: string, user: string, callId: string): string {
  return [
    `${method} sip:${user}@127.0.0.1:${sipPort} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${from.port};branch=z9hG4bK-${callId};rport`,
    'Max-Forwards: 70',
    `From: <sip:caller@127.0.0.1>;tag=c1`,
    `To: <sip:${user}@127.0.0.1>`,
    `Call-ID: ${callId}`,
    `CSeq: 1 ${method}`,
    `Contact: <sip:caller@127.0.0.1:${from.port}>`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

const finals = (p: UdpPeer, callId: string) =>
  p.received.filter((t) => t.startsWith('SIP/2.0') && t.includes(`Call-ID: ${callId}`));

beforeAll(async () => {
  const project = join(dir, 'route');
  mkdirSync(join(project, 'assembly'), { recursive: true });
  writeFileSync(join(project, 'asconfig.json'), '{ "entries": ["assembly/index.ts"] }\n');
  writeFileSync(join(project, 'assembly/index.ts'), ROUTE(relative(join(project, 'assembly'), sdk)));
  const built = await buildGuest(project, { out: join(dir, 'route.wasm') });
  if (!built.ok) throw new Error(built.error.message);
  const config = join(dir, 'kemi.yaml');
  writeFileSync(
    config,
    JSON.stringify({
      listen: ['udp:127.0.0.1:0'],
      log_level: 'info',
      tenants: [
        {
          name: 'basic',
          module: built.value.out,
          relay_allow: { cidrs: ['127.0.0.1/32'] },
          registrar: { method_filtering: 1 },
        },
      ],
    }),
  );
  server = await startServerProcess(['--config', config]);
  sipPort = server.ports.udp!;
}, 120_000);

afterAll(async () => {
  for (const p of peers.splice(0)) await p.close();
  if (server) expect(await server.stop()).toBe(0);
});

describe('registrar on the wire', () => {
  // usrloc get_ucontact: the same Call-ID and CSeq within cseq_delay is a retransmission (Kamailio answers
  // it as the original; kemi-wasm answered 500 before).
  it('answers a retransmitted REGISTER like the original: 200 with the binding', async () => {
    const ua = await peer();
    const text = register(ua, {
      user: 'retx',
      contact: `sip:retx@127.0.0.1:${ua.port}`,
      callId: 'retx-1',
      cseq: 1,
    });
    await ua.send(text, sipPort);
    await until(() => finals(ua, 'retx-1').length >= 1, 5_000);
    await ua.send(text, sipPort);
    await until(() => finals(ua, 'retx-1').length >= 2, 5_000);
    const replies = finals(ua, 'retx-1');
    expect(statuses(replies)).toEqual([200, 200]);
    expect(replies[1]).toMatch(new RegExp(`Contact: <sip:retx@127.0.0.1:${ua.port}>;expires=(600|599)`));
  });

  // registrar lookup.c: -2 when only bindings that do not allow the method are left (method_filtering);
  // the basic KEMI script answers it 405.
  it('lookup -2 for a method the registered UA does not allow: 405; an allowed one is relayed', async () => {
    const ua = await peer();
    const caller = await peer();
    await ua.send(
      register(ua, {
        user: 'bob',
        contact: `sip:bob@127.0.0.1:${ua.port}`,
        callId: 'bob-reg',
        cseq: 1,
        allow: 'INVITE, ACK, BYE, CANCEL, OPTIONS',
      }),
      sipPort,
    );
    await until(() => finals(ua, 'bob-reg').length >= 1, 5_000);
    expect(statuses(finals(ua, 'bob-reg'))).toEqual([200]);
    await caller.send(request(caller, 'MESSAGE', 'bob', 'bob-msg'), sipPort);
    await until(() => finals(caller, 'bob-msg').length >= 1, 5_000);
    expect(finals(caller, 'bob-msg')[0].split('\r\n')[0]).toBe('SIP/2.0 405 Method Not Allowed');
    await caller.send(request(caller, 'OPTIONS', 'bob', 'bob-opt'), sipPort);
    await until(() => ua.received.some((t) => t.startsWith('OPTIONS ')), 5_000);
    expect(ua.received.filter((t) => t.startsWith('MESSAGE '))).toEqual([]);
  });

  // lookup.c: the binding's received address (here the REGISTER's source, set as $avp(RECEIVED) the way
  // fix_nated_register does) is the destination; the R-URI keeps the registered contact.
  it('sends to the received address of a binding whose contact is unreachable (NAT)', async () => {
    const ua = await peer();
    const caller = await peer();
    const contact = 'sip:carol@192.168.77.10:5060';
    await ua.send(register(ua, { user: 'carol', contact, callId: 'carol-reg', cseq: 1 }), sipPort);
    await until(() => finals(ua, 'carol-reg').length >= 1, 5_000);
    expect(statuses(finals(ua, 'carol-reg'))).toEqual([200]);
    await caller.send(request(caller, 'OPTIONS', 'carol', 'carol-opt'), sipPort);
    await until(() => ua.received.some((t) => t.startsWith('OPTIONS ')), 5_000);
    const relayed = ua.received.find((t) => t.startsWith('OPTIONS '));
    expect(relayed?.split('\r\n')[0]).toBe(`OPTIONS ${contact} SIP/2.0`);
  });
});

describe('tm on the wire', () => {
  // RFC 3261 9.1 and RFC 3326: a forked call answered on one phone; the other had not sent a provisional
  // yet, so its CANCEL waits for one, and then carries the Reason Kamailio's tm gives it.
  it('a CANCEL held for the ringing phone keeps Reason: SIP;cause=200 (Call completed elsewhere)', async () => {
    const phone1 = await peer();
    const phone2 = await peer();
    const caller = await peer();
    for (const [ua, callId] of [
      [phone1, 'dave-reg-1'],
      [phone2, 'dave-reg-2'],
    ] as const) {
      await ua.send(
        register(ua, { user: 'dave', contact: `sip:dave@127.0.0.1:${ua.port}`, callId, cseq: 1 }),
        sipPort,
      );
      await until(() => finals(ua, callId).length >= 1, 5_000);
      expect(statuses(finals(ua, callId))).toEqual([200]);
    }
    await caller.send(request(caller, 'INVITE', 'dave', 'dave-call'), sipPort);
    const invite = (ua: UdpPeer) => ua.received.find((t) => t.startsWith('INVITE '));
    await until(() => invite(phone1) !== undefined && invite(phone2) !== undefined, 5_000);
    await phone1.send(responseText(invite(phone1)!, 200, 'OK'), sipPort);
    await until(() => finals(caller, 'dave-call').some((t) => t.startsWith('SIP/2.0 200')), 5_000);
    await phone2.send(responseText(invite(phone2)!, 180, 'Ringing'), sipPort);
    await until(() => phone2.received.some((t) => t.startsWith('CANCEL ')), 5_000);
    const cancel = phone2.received.find((t) => t.startsWith('CANCEL '));
    expect(cancel).toBeDefined();
    expect(cancel).toContain('\r\nReason: SIP;cause=200;text="Call completed elsewhere"\r\n');
  });
});
