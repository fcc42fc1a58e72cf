// Digest authentication end to end: a real `kemi-wasm serve` with three tenants on their own UDP sockets
// (A: the AssemblyScript registrar example, B: the Rust one, P: the AssemblyScript proxy example with
// WITH_AUTH), subscribers provisioned with `kemi-wasm subscriber add` and `import`. Tenant A's challenges
// offer SHA-256 then MD5; B and P offer MD5 only (tenants[].auth_algorithms), as SIPp 3.6 answers only an
// MD5 challenge. SIPp registers (B) and calls (P) with MD5 ([authentication]); a raw UDP client computing the
// digest itself covers SHA-256, a wrong password, an unknown user, a stale nonce, a replayed
// Authorization and a tenant's subscribers unseen by another tenant. Every process is bounded and stopped
// by PID; every port is ephemeral.
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerChallenge, parseChallenge } from '../../fixtures/digest-client.ts';
import { freePort, runSipp, scenario } from '../../fixtures/sipp.ts';
import { finished, startSippUas } from '../../fixtures/sipp-uas.ts';
import { buildGuest } from '../../src/builder/index.ts';
import { expectAll, type ServerProcess, startServerProcess } from './harness.ts';
import { sleep, type UdpPeer, udpPeer, until } from './raw-peer.ts';
import { closeSockets, next, udpSocket } from './raw-sip.ts';
import { OPERATOR_TOKEN, runCli } from './registry-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'kemi-e2e-auth-'));
const NONCE_EXPIRE_S = 3;
const TOLERANT = ['-default_behaviors', 'all,-abortunexp'];

let server: ServerProcess | undefined;
let adminUrl: string;
let ports: { a: number; b: number; p: number; callee: number };

function cli(args: string[], tenant: string) {
  return runCli(['subscriber', ...args], {
    KEMI_WASM_SERVER: adminUrl,
    KEMI_WASM_TOKEN: OPERATOR_TOKEN,
    KEMI_WASM_TENANT: tenant,
  });
}

beforeAll(async () => {
  const out: Record<string, string> = {};
  for (const example of ['assemblyscript/registrar', 'rust/registrar', 'assemblyscript/proxy']) {
    const built = await buildGuest(`guest-examples/${example}`, {
      out: join(dir, `${example.replace('/', '-')}.wasm`),
    });
    if (!built.ok) throw new Error(built.error.message);
    out[example] = built.value.out;
  }
  ports = { a: await freePort(), b: await freePort(), p: await freePort(), callee: await freePort() };
  const socket = (port: number) => `udp:127.0.0.1:${port}`;
  const config = join(dir, 'kemi.yaml');
  writeFileSync(
    config,
    JSON.stringify({
      listen: [socket(ports.a), socket(ports.b), socket(ports.p)],
      domains: ['example.test'],
      data_dir: join(dir, 'data'),
      log_level: 'info',
      admin: { listen: '127.0.0.1:0', operator_token: OPERATOR_TOKEN },
      auth: { algorithms: ['SHA-256', 'MD5'], nonce_expire: NONCE_EXPIRE_S },
      registrar: { min_expires: 10 },
      tenants: [
        { name: 'a', match: { sockets: [socket(ports.a)] }, module: out['assemblyscript/registrar'] },
        {
          name: 'b',
          match: { sockets: [socket(ports.b)] },
          module: out['rust/registrar'],
          auth_algorithms: ['MD5'],
        },
        {
          name: 'p',
          match: { sockets: [socket(ports.p)] },
          module: out['assemblyscript/proxy'],
          relay_allow: { cidrs: ['127.0.0.1/32'] },
          auth_algorithms: ['MD5'],
          defines: { WITH_AUTH: '1', WITH_IPAUTH: '1', PRIMARY: `sip:127.0.0.1:${ports.callee}` },
        },
      ],
    }),
  );
  server = await startServerProcess(['--config', config]);
  adminUrl = String(server.lines.find((l) => l.msg === 'admin listening')?.url);
  for (const [tenant, user] of [
    ['a', 'alice@127.0.0.1'],
    ['p', 'carol@example.test'],
  ]) {
    const added = await cli(['add', user, '--password', `${user.split('@')[0]}-pw`], tenant);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
  }
  const csv = join(dir, 'b.csv');
  writeFileSync(csv, 'username,domain,password\nbob,127.0.0.1,bob-pw\ndave,127.0.0.1,"d,ave"\n');
  const imported = await cli(['import', csv], 'b');
  expect(imported.stdout).toContain('2 added');
  expect(imported.stdout + imported.stderr).not.toContain('bob-pw');
}, 180_000);

afterAll(async () => {
  closeSockets();
  if (server) expect(await server.stop()).toBe(0);
});

// ---- a raw UA ---------------------------------------------------------------------------------------------

interface Ua {
  readonly socket: Socket & { port: number };
  readonly server: number;
  readonly user: string;
  cseq: number;
  readonly callId: string;
}

async function ua(server: number, user: string): Promise<Ua> {
  return {
    socket: await udpSocket(),
    server,
    user,
    cseq: 0,
    callId: `auth-${user}-${Math.random().toString(36).slice(2)}`,
  };
}

function registerText(u: Ua, authorization?: string): string {
  u.cseq++;
  return [
    `REGISTER sip:127.0.0.1:${u.server} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${u.socket.port};rport;branch=z9hG4bK-${u.callId}-${u.cseq}`,
    'Max-Forwards: 70',
    `From: <sip:${u.user}@127.0.0.1>;tag=t-${u.callId}`,
    `To: <sip:${u.user}@127.0.0.1>`,
    `Call-ID: ${u.callId}`,
    `CSeq: ${u.cseq} REGISTER`,
    `Contact: <sip:${u.user}@127.0.0.1:${u.socket.port}>`,
    'Expires: 60',
    ...(authorization ? [`Authorization: ${authorization}`] : []),
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

/** Sends the text and waits for the final response to that CSeq. */
async function send(u: Ua, text: string): Promise<string> {
  const cseq = u.cseq;
  const reply = next(
    u.socket,
    (t) => /^SIP\/2\.0 [2-6]\d\d /.test(t) && t.includes(`CSeq: ${cseq} REGISTER`),
  );
  u.socket.send(text, u.server, '127.0.0.1');
  const got = await reply;
  if (got === undefined) throw new Error(`no final response to CSeq ${cseq}`);
  return got;
}

const status = (reply: string) => Number(reply.slice(8, 11));
const challenges = (reply: string) =>
  [...reply.matchAll(/^WWW-Authenticate: (.*)$/gim)].map((m) => parseChallenge(m[1].trim()));

/** A REGISTER challenged, then answered with `password` on the challenge of `algorithm`. */
async function registerWith(u: Ua, password: string, algorithm: 'SHA-256' | 'MD5') {
  const first = await send(u, registerText(u));
  expect(status(first)).toBe(401);
  const challenge = challenges(first).find((c) => c.algorithm === algorithm)!;
  const authorization = answerChallenge(challenge, {
    username: u.user,
    password,
    method: 'REGISTER',
    uri: `sip:127.0.0.1:${u.server}`,
  });
  return { reply: await send(u, registerText(u, authorization)), authorization, challenge };
}

async function metric(name: string, labels: string): Promise<number> {
  const res = await fetch(`${adminUrl}/metrics`, { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } });
  const line = (await res.text()).split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

// ---- the tests -----------------------------------------------------------------------------------------------

describe('digest authentication of REGISTER', () => {
  it('SIPp registers with MD5 through tenant B (401, then 200)', async () => {
    const run = await runSipp(scenario('register.xml'), {
      transport: 'udp',
      port: ports.b,
      calls: 1,
      service: 'bob',
      extra: [...TOLERANT, '-au', 'bob', '-ap', 'bob-pw'],
    });
    expectAll(run, 1);
  }, 30_000);

  it('a challenge offers SHA-256 then MD5 with one nonce; the SHA-256 answer registers', async () => {
    const u = await ua(ports.a, 'alice');
    const { reply, challenge } = await registerWith(u, 'alice-pw', 'SHA-256');
    expect(status(reply)).toBe(200);
    expect(challenge.qop).toBe('auth');
  }, 30_000);

  it('the Rust registrar in tenant B takes an MD5 answer for a subscriber imported from CSV', async () => {
    const u = await ua(ports.b, 'dave');
    expect(status((await registerWith(u, 'd,ave', 'MD5')).reply)).toBe(200);
  }, 30_000);

  it('a wrong password and an unknown user are challenged again, and counted by cause', async () => {
    const wrongBefore = await metric('kemi_auth_failures_total', 'tenant="a",cause="wrong-password"');
    const unknownBefore = await metric('kemi_auth_failures_total', 'tenant="a",cause="unknown-user"');
    expect(status((await registerWith(await ua(ports.a, 'alice'), 'not-it', 'SHA-256')).reply)).toBe(401);
    expect(status((await registerWith(await ua(ports.a, 'mallory'), 'x', 'MD5')).reply)).toBe(401);
    expect(await metric('kemi_auth_failures_total', 'tenant="a",cause="wrong-password"')).toBe(
      wrongBefore + 1,
    );
    expect(await metric('kemi_auth_failures_total', 'tenant="a",cause="unknown-user"')).toBe(
      unknownBefore + 1,
    );
  }, 30_000);

  it('a stale nonce is answered with stale=true, and the retry with the new nonce registers', async () => {
    const u = await ua(ports.a, 'alice');
    const first = await send(u, registerText(u));
    const old = challenges(first)[0];
    await sleep((NONCE_EXPIRE_S + 1.5) * 1000);
    const answer = (c: typeof old) =>
      answerChallenge(c, {
        username: 'alice',
        password: 'alice-pw',
        method: 'REGISTER',
        uri: `sip:127.0.0.1:${ports.a}`,
      });
    const stale = await send(u, registerText(u, answer(old)));
    expect(status(stale)).toBe(401);
    const fresh = challenges(stale);
    expect(fresh.every((c) => c.stale)).toBe(true);
    expect(fresh[0].nonce).not.toBe(old.nonce);
    expect(status(await send(u, registerText(u, answer(fresh[0]))))).toBe(200);
  }, 30_000);

  it('a replayed Authorization (same nonce and nc, new transaction) is refused', async () => {
    const u = await ua(ports.a, 'alice');
    const { reply, authorization } = await registerWith(u, 'alice-pw', 'MD5');
    expect(status(reply)).toBe(200);
    const before = await metric('kemi_auth_failures_total', 'tenant="a",cause="nonce-reused"');
    const replay = await send(u, registerText(u, authorization));
    expect(status(replay)).toBe(401);
    expect(await metric('kemi_auth_failures_total', 'tenant="a",cause="nonce-reused"')).toBe(before + 1);
  }, 30_000);

  it("tenant B does not know tenant A's subscriber", async () => {
    const before = await metric('kemi_auth_failures_total', 'tenant="b",cause="unknown-user"');
    expect(status((await registerWith(await ua(ports.b, 'alice'), 'alice-pw', 'MD5')).reply)).toBe(401);
    expect(await metric('kemi_auth_failures_total', 'tenant="b",cause="unknown-user"')).toBe(before + 1);
    const listed = await cli(['list'], 'b');
    expect(listed.stdout).not.toContain('alice');
    expect(listed.stdout).toContain('dave');
  }, 30_000);
});

describe('digest authentication of initial requests (proxy example, WITH_AUTH)', () => {
  it('an INVITE from a local user is challenged (407), then relayed with credentials (SIPp, MD5)', async () => {
    const calls = 2;
    const callee = await startSippUas(scenario('uas-call.xml'), {
      transport: 'udp',
      port: ports.callee,
      calls,
      extra: TOLERANT,
    });
    const run = await runSipp(scenario('uac-auth-call.xml'), {
      transport: 'udp',
      port: ports.p,
      calls,
      rate: 10,
      service: 'carol',
      extra: [...TOLERANT, '-au', 'carol', '-ap', 'carol-pw'],
    });
    expectAll(run, calls);
    expectAll(await finished(callee), calls);
  }, 60_000);

  it('WITH_IPAUTH: an INVITE from a trusted peer (address group 1) is relayed without a challenge; others get 407', async () => {
    const added = await runCli(['address', 'add', '127.0.0.2', '--group', '1'], {
      KEMI_WASM_SERVER: adminUrl,
      KEMI_WASM_TOKEN: OPERATOR_TOKEN,
      KEMI_WASM_TENANT: 'p',
    });
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    // The callee listens where PRIMARY points (the SIPp UAS of the test above has stopped).
    const callee = createSocket('udp4');
    const onCallee: string[] = [];
    callee.on('message', (m) => onCallee.push(m.toString('latin1')));
    await new Promise<void>((resolve) => callee.bind(ports.callee, '127.0.0.1', resolve));
    const trusted = await udpPeer('127.0.0.2');
    const stranger = await udpPeer('127.0.0.3');
    const invite = (peer: UdpPeer, callId: string) =>
      [
        'INVITE sip:bob@example.test SIP/2.0',
        `Via: SIP/2.0/UDP ${peer.address}:${peer.port};rport;branch=z9hG4bK-${callId}`,
        'Max-Forwards: 70',
        `From: <sip:carol@example.test>;tag=f-${callId}`,
        'To: <sip:bob@example.test>',
        `Call-ID: ${callId}`,
        'CSeq: 1 INVITE',
        `Contact: <sip:carol@${peer.address}:${peer.port}>`,
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
    try {
      await trusted.send(invite(trusted, 'ipauth-trusted'), ports.p);
      await stranger.send(invite(stranger, 'ipauth-stranger'), ports.p);
      await until(
        () =>
          onCallee.some((t) => t.includes('Call-ID: ipauth-trusted')) &&
          stranger.received.some((t) => t.startsWith('SIP/2.0 407')),
        5_000,
      );
      expect(onCallee.some((t) => t.startsWith('INVITE ') && t.includes('Call-ID: ipauth-trusted'))).toBe(
        true,
      );
      expect(onCallee.some((t) => t.includes('ipauth-stranger'))).toBe(false);
      expect(stranger.received.some((t) => t.startsWith('SIP/2.0 407'))).toBe(true);
      expect(trusted.received.some((t) => t.startsWith('SIP/2.0 407'))).toBe(false);
    } finally {
      await trusted.close();
      await stranger.close();
      await new Promise<void>((resolve) => callee.close(() => resolve()));
    }
  }, 60_000);
});
