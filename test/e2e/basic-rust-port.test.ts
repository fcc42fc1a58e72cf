// The Rust port of Kamailio's basic KEMI script (guest-examples/rust/basic), built with the real toolchain
// (`buildGuest`: Debian's cargo for wasm32, then componentized) and run by a real `kemi-wasm serve` (UDP,
// ephemeral port, an admin API to provision the subscriber). Raw UDP peers on 127.0.0.2, so that the
// requests come from an address that is not the server's own (ksr_route_reqinit's antiflood branch runs),
// check the first routes of the script end to end: a scanner is answered 200 OK before anything else, an
// OPTIONS keepalive to the server with no user gets 200 Keepalive, a REGISTER without credentials is
// challenged (401) and one answering the challenge is saved (200 with the binding), and a call to a
// registered user is relayed to his contact through the branch, onreply and failure routes the script arms
// by their Lua names. The per-route suite of both ports is test/e2e/basic/.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerChallenge, parseChallenge } from '../../fixtures/digest-client.ts';
import { buildGuest } from '../../src/builder/index.ts';
import { type ServerProcess, startServerProcess } from './harness.ts';
import { responseText, type UdpPeer, udpPeer, until } from './raw-peer.ts';
import { OPERATOR_TOKEN, runCli } from './registry-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'kemi-e2e-basic-rust-'));
let server: ServerProcess | undefined;
let port: number;
const peers: UdpPeer[] = [];

beforeAll(async () => {
  const built = await buildGuest('guest-examples/rust/basic', { out: join(dir, 'basic-rust.wasm') });
  if (!built.ok) throw new Error(`${built.error.message}\n${built.error.output ?? ''}`);
  const config = join(dir, 'kemi.yaml');
  writeFileSync(
    config,
    JSON.stringify({
      listen: ['udp:127.0.0.1:0'],
      // The cfg's alias: the users' domain is this server on any port.
      domains: ['basic.test'],
      data_dir: join(dir, 'data'),
      // ksr_branch_manage and ksr_onreply_manage write KSR.dbg lines: the test reads them.
      log_level: 'debug',
      admin: { listen: '127.0.0.1:0', operator_token: OPERATOR_TOKEN },
      tenants: [
        {
          name: 'basic',
          module: built.value.out,
          // WITH_ANTIFLOOD: the table pike's offenders are banned in (the cfg's htable "ipban").
          htables: { ipban: { autoexpire: 300 } },
          // The registered UAs are on loopback (127.0.0.2): ksr_route_relay may send there.
          relay_allow: { cidrs: ['127.0.0.0/8'] },
        },
      ],
    }),
  );
  server = await startServerProcess(['--config', config]);
  port = server.ports.udp!;
  const admin = server.lines.find((l) => l.msg === 'admin listening');
  for (const user of ['alice', 'bob']) {
    const added = await runCli(['subscriber', 'add', `${user}@basic.test`, '--password', `${user}-pw`], {
      KEMI_WASM_SERVER: String(admin?.url),
      KEMI_WASM_TOKEN: OPERATOR_TOKEN,
      KEMI_WASM_TENANT: 'basic',
    });
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
  }
}, 300_000);

afterAll(async () => {
  for (const p of peers.splice(0)) await p.close();
  if (server) expect(await server.stop()).toBe(0);
});

async function peer(): Promise<UdpPeer> {
  const p = await udpPeer('127.0.0.2');
  peers.push(p);
  return p;
}

function sip(
  p: UdpPeer,
  o: {
    method: string;
    uri: string;
    from: string;
    to: string;
    callId: string;
    cseq?: number;
    extra?: string[];
  },
): string {
  return [
    `${o.method} ${o.uri} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.2:${p.port};rport;branch=z9hG4bK-${o.callId}-${o.cseq ?? 1}`,
    'Max-Forwards: 70',
    `From: <${o.from}>;tag=t-${o.callId}`,
    `To: <${o.to}>`,
    `Call-ID: ${o.callId}`,
    `CSeq: ${o.cseq ?? 1} ${o.method}`,
    ...(o.extra ?? []),
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

/** Sends `text` from `p` and returns the final response carrying its Call-ID and CSeq number. */
async function exchange(p: UdpPeer, text: string): Promise<string> {
  const callId = /^Call-ID: (.*)$/m.exec(text)![1].trim();
  const cseq = /^CSeq: (\d+)/m.exec(text)![1];
  const isFinal = (t: string) =>
    /^SIP\/2\.0 [2-6]\d\d /.test(t) && t.includes(`Call-ID: ${callId}`) && t.includes(`CSeq: ${cseq} `);
  await p.send(text, port);
  await until(() => p.received.some(isFinal), 5000);
  const reply = p.received.find(isFinal);
  if (reply === undefined) throw new Error(`no final response to ${callId} CSeq ${cseq}`);
  return reply;
}

const statusLine = (reply: string) => reply.slice(0, reply.indexOf('\r\n'));

describe('the Rust port of the basic KEMI script', () => {
  it('ksr_route_reqinit: a scanner (User-Agent friendly-scanner) is answered 200 OK, nothing else is done', async () => {
    const p = await peer();
    const text = sip(p, {
      method: 'OPTIONS',
      uri: `sip:bob@basic.test`,
      from: 'sip:scan@basic.test',
      to: 'sip:bob@basic.test',
      callId: 'basic-rust-scanner',
      extra: ['User-Agent: friendly-scanner'],
    });
    expect(statusLine(await exchange(p, text))).toBe('SIP/2.0 200 OK');
    // The same request without the scanner's User-Agent goes on to ksr_route_auth: From is a local
    // user, so it is challenged. The 200 above came from the scanner check, not from a later route.
    const plain = sip(p, {
      method: 'OPTIONS',
      uri: `sip:bob@basic.test`,
      from: 'sip:scan@basic.test',
      to: 'sip:bob@basic.test',
      callId: 'basic-rust-not-scanner',
    });
    expect(statusLine(await exchange(p, plain))).toMatch(/^SIP\/2\.0 407 /);
  }, 30_000);

  it('ksr_route_reqinit: an OPTIONS to the server itself with no user is a keepalive (200 Keepalive)', async () => {
    const p = await peer();
    const text = sip(p, {
      method: 'OPTIONS',
      uri: `sip:127.0.0.1:${port}`,
      from: 'sip:ua@example.net',
      to: `sip:127.0.0.1:${port}`,
      callId: 'basic-rust-keepalive',
    });
    expect(statusLine(await exchange(p, text))).toBe('SIP/2.0 200 Keepalive');
  }, 30_000);

  it('ksr_route_auth and ksr_route_registrar: REGISTER is challenged (401), the answer is saved (200)', async () => {
    const p = await peer();
    const register = (cseq: number, authorization?: string) =>
      sip(p, {
        method: 'REGISTER',
        uri: 'sip:basic.test',
        from: 'sip:alice@basic.test',
        to: 'sip:alice@basic.test',
        callId: 'basic-rust-register',
        cseq,
        extra: [
          `Contact: <sip:alice@127.0.0.2:${p.port}>`,
          'Expires: 60',
          ...(authorization ? [`Authorization: ${authorization}`] : []),
        ],
      });
    const first = await exchange(p, register(1));
    expect(statusLine(first)).toMatch(/^SIP\/2\.0 401 /);
    const value = /^WWW-Authenticate: (.*)$/im.exec(first)?.[1];
    expect(value).toBeDefined();
    const challenge = parseChallenge(value!.trim());
    // auth_challenge(realm, 0): the realm is the From domain, and flags 0 ask for no qop.
    expect(challenge.realm).toBe('basic.test');
    expect(challenge.qop).toBeUndefined();

    const authorization = answerChallenge(challenge, {
      username: 'alice',
      password: 'alice-pw',
      method: 'REGISTER',
      uri: 'sip:basic.test',
    });
    const second = await exchange(p, register(2, authorization));
    expect(statusLine(second)).toBe('SIP/2.0 200 OK');
    expect(second).toMatch(new RegExp(`^Contact: <sip:alice@127\\.0\\.0\\.2:${p.port}>;expires=\\d+`, 'mi'));

    // A wrong password is challenged again, not saved.
    const wrong = answerChallenge(challenge, {
      username: 'alice',
      password: 'not-alice-pw',
      method: 'REGISTER',
      uri: 'sip:basic.test',
    });
    expect(statusLine(await exchange(p, register(3, wrong)))).toMatch(/^SIP\/2\.0 401 /);
  }, 30_000);

  it('ksr_route_location and ksr_route_relay: an INVITE to the registered user reaches his contact (Record-Route); his 486 comes back after ksr_failure_manage', async () => {
    // bob registers (the challenge answered) from his own socket.
    const bob = await peer();
    const register = (cseq: number, authorization?: string) =>
      sip(bob, {
        method: 'REGISTER',
        uri: 'sip:basic.test',
        from: 'sip:bob@basic.test',
        to: 'sip:bob@basic.test',
        callId: 'basic-rust-register-bob',
        cseq,
        extra: [
          `Contact: <sip:bob@127.0.0.2:${bob.port}>`,
          'Expires: 60',
          ...(authorization ? [`Authorization: ${authorization}`] : []),
        ],
      });
    const challenged = await exchange(bob, register(1));
    const challenge = parseChallenge(/^WWW-Authenticate: (.*)$/im.exec(challenged)![1].trim());
    const authorization = answerChallenge(challenge, {
      username: 'bob',
      password: 'bob-pw',
      method: 'REGISTER',
      uri: 'sip:basic.test',
    });
    expect(statusLine(await exchange(bob, register(2, authorization)))).toBe('SIP/2.0 200 OK');

    // A caller of a foreign domain calls a local user: ksr_route_auth lets it through (not an open relay:
    // the R-URI is this server), ksr_route_location finds bob's binding, ksr_route_relay arms the branch,
    // onreply and failure routes and relays.
    const caller = await peer();
    const invite = sip(caller, {
      method: 'INVITE',
      uri: 'sip:bob@basic.test',
      from: 'sip:carol@example.net',
      to: 'sip:bob@basic.test',
      callId: 'basic-rust-call',
      extra: [`Contact: <sip:carol@127.0.0.2:${caller.port}>`],
    });
    await caller.send(invite, port);
    const isInvite = (t: string) => t.startsWith(`INVITE sip:bob@127.0.0.2:${bob.port} `);
    await until(() => bob.received.some(isInvite), 5000);
    const relayed = bob.received.find(isInvite);
    expect(relayed).toBeDefined();
    expect(relayed).toMatch(/^Record-Route: <sip:127\.0\.0\.1[:;][^>]*lr[^>]*>/m);

    // bob is busy: the failure route (ksr_failure_manage) runs and the 486 goes back to the caller.
    const isFinal = (t: string) => t.startsWith('SIP/2.0 486 ') && t.includes('Call-ID: basic-rust-call');
    await bob.send(responseText(relayed!, 486, 'Busy Here'), port);
    await until(() => caller.received.some(isFinal), 5000);
    expect(caller.received.some(isFinal)).toBe(true);

    // The named routes ran under their Lua names: their KSR.dbg lines are in the log.
    const scriptLines = () => server!.lines.filter((l) => l.script === 'dbg').map((l) => String(l.msg));
    await until(() => scriptLines().includes('incoming reply'), 5000);
    expect(scriptLines()).toContain(`new branch [0] to sip:bob@127.0.0.2:${bob.port}`);
    expect(scriptLines()).toContain('incoming reply');
  }, 30_000);
});
