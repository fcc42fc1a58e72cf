// TLS through a real `kemi-wasm serve` running the registrar example (AssemblyScript) with authentication,
// certificates from a throwaway CA made at test time. A UA registers over its TLS connection and a SIPp UAC
// over UDP calls it: the INVITE goes over that same connection (Via TLS, double Record-Route UDP/TLS) and
// ACK and BYE follow the Route set. A UA registered with a Contact at its own TLS listener is called over a
// new outbound TLS connection, verified against the configured CA; one whose certificate the CA did not
// sign is refused (the caller gets an error reply, the failure is counted), and the server goes on.
import { createSocket } from 'node:dgram';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TLSSocket, type TLSSocket as TlsSocketType, connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, runSipp, scenario } from '../../fixtures/sipp.ts';
import { createTestCa, type TestCa } from '../../fixtures/tls-certs.ts';
import { buildGuest } from '../../src/builder/index.ts';
import { ksrModules } from '../../src/kemi/index.ts';
import { expectAll, type ServerProcess, startServerProcess } from './harness.ts';
import { streamUa } from './helpers/stream-ua.ts';
import { OPERATOR_TOKEN, runCli } from './registry-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'kemi-e2e-tls-'));
const TOLERANT = ['-default_behaviors', 'all,-abortunexp'];
let ca: TestCa;
let other: TestCa;
let server: ServerProcess | undefined;
let ports: { udp: number; tls: number };
let adminUrl: string;
let proxyCert: { certificate: string; key: string };
const listeners: Server[] = [];
const sockets: TlsSocketType[] = [];

async function provision(user: string): Promise<void> {
  const run = await runCli(['subscriber', 'add', `${user}@127.0.0.1`, '--password', `${user}-pw`], {
    KEMI_WASM_SERVER: adminUrl,
    KEMI_WASM_TOKEN: OPERATOR_TOKEN,
    KEMI_WASM_TENANT: 'a',
  });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
}

/** A TLS connection to the proxy, verifying its certificate with the test CA. */
function connectProxy(): Promise<TlsSocketType> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port: ports.tls, ca: ca.caPem });
    sockets.push(socket);
    socket.once('secureConnect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** A TLS server UA on an ephemeral port, presenting `cert`; the UA of its first connection. */
async function listeningUa(cert: { certificate: string; key: string }) {
  const { readFileSync } = await import('node:fs');
  const secure = { cert: readFileSync(cert.certificate), key: readFileSync(cert.key) };
  const accepted: ReturnType<typeof streamUa>[] = [];
  let sentBy = '';
  const listener = createServer((raw) => {
    raw.on('error', () => {});
    const tls = new TLSSocket(raw, { isServer: true, ...secure });
    tls.on('error', () => {});
    accepted.push(streamUa(tls, sentBy));
  });
  listeners.push(listener);
  await new Promise<void>((r) => listener.listen(0, '127.0.0.1', () => r()));
  const address = listener.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  // Its 200's Contact names the listener, where the in-dialog requests come over TLS too.
  sentBy = `127.0.0.1:${port}`;
  return { port, accepted };
}

async function metric(name: string): Promise<number> {
  const res = await fetch(`${adminUrl}/metrics`, { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } });
  const text = await res.text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.split(' ')[1] ?? Number.NaN);
}

/** A raw UDP INVITE to `user`; resolves with the final status. */
async function rawInvite(user: string): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  const port = socket.address().port;
  const invite =
    `INVITE sip:${user}@127.0.0.1:${ports.udp} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bK-raw${port}\r\n` +
    `From: <sip:raw@127.0.0.1>;tag=raw\r\nTo: <sip:${user}@127.0.0.1>\r\nCall-ID: raw-${port}\r\nCSeq: 1 INVITE\r\n` +
    `Contact: <sip:raw@127.0.0.1:${port}>\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`;
  return new Promise((resolve) => {
    socket.on('message', (msg) => {
      const status = Number(msg.toString('latin1').slice(8, 11));
      if (status >= 200) {
        socket.close();
        resolve(status);
      }
    });
    socket.send(invite, ports.udp, '127.0.0.1');
  });
}

beforeAll(async () => {
  ca = createTestCa('kemi e2e CA');
  other = createTestCa('not trusted');
  const issued = ca.issue('proxy', { ips: ['127.0.0.1'] });
  // The server reads a copy, which the reload test overwrites.
  proxyCert = { certificate: join(dir, 'live.crt'), key: join(dir, 'live.key') };
  copyFileSync(issued.certificate, proxyCert.certificate);
  copyFileSync(issued.key, proxyCert.key);
  const built = await buildGuest('guest-examples/assemblyscript/registrar', {
    out: join(dir, 'registrar.wasm'),
  });
  if (!built.ok) throw new Error(built.error.message);
  ports = { udp: await freePort(), tls: await freePort() };
  const listen = [`udp:127.0.0.1:${ports.udp}`, `tls:127.0.0.1:${ports.tls}`];
  const config = join(dir, 'kemi.yaml');
  writeFileSync(
    config,
    JSON.stringify({
      listen,
      data_dir: join(dir, 'data'),
      log_level: 'info',
      tls: { certificates: [proxyCert], ca: [ca.caFile], system_ca: false },
      tenants: [
        {
          name: 'a',
          match: { sockets: listen },
          route: built.value.out,
          relay_allow: { cidrs: ['127.0.0.1/32'] },
          capabilities: ksrModules.map((m) => m.name).filter((name) => name !== 'htable'),
        },
      ],
      admin: { listen: '127.0.0.1:0', operator_token: OPERATOR_TOKEN },
    }),
  );
  server = await startServerProcess(['--config', config]);
  adminUrl = String(server.lines.find((l) => l.msg === 'admin listening')?.url);
  for (const user of ['alice', 'bob', 'mallory']) await provision(user);
}, 120_000);

afterAll(async () => {
  for (const s of sockets) s.destroy();
  for (const l of listeners) l.close();
  if (server) expect(await server.stop()).toBe(0);
  ca?.remove();
  other?.remove();
});

describe('TLS through kemi-wasm serve', () => {
  it('a UA registered over its TLS connection is called over that connection from a UDP caller', async () => {
    const socket = await connectProxy();
    const via = `127.0.0.1:${socket.localPort}`;
    const alice = streamUa(socket, via);
    expect(await alice.register('alice', 'alice-pw', '127.0.0.1', `sip:alice@${via};transport=tls`)).toBe(
      200,
    );
    const run = await runSipp(scenario('uac-call.xml'), {
      transport: 'udp',
      port: ports.udp,
      calls: 1,
      service: 'alice',
      extra: TOLERANT,
    });
    expectAll(run, 1);
    const invite = alice.requests.find((r) => r.startsWith('INVITE '));
    expect(invite).toMatch(new RegExp(`^Via: SIP/2\\.0/TLS 127\\.0\\.0\\.1:${ports.tls};`, 'm'));
    // Double Record-Route: the TLS side on top (toward alice), the UDP side below.
    const rr = [...(invite ?? '').matchAll(/^Record-Route: (.*)$/gim)].map((m) => m[1]);
    expect(rr[0]).toMatch(new RegExp(`^<sip:127\\.0\\.0\\.1:${ports.tls};transport=tls;r2=on;lr`));
    expect(rr[1]).toMatch(new RegExp(`^<sip:127\\.0\\.0\\.1:${ports.udp};r2=on;lr`));
    expect(alice.requests.map((r) => r.slice(0, r.indexOf(' ')))).toEqual(['INVITE', 'ACK', 'BYE']);
    expect(await metric('kemi_transport_connections_opened_total')).toBe(0);
  }, 60_000);

  it('a Contact at a TLS listener is reached over a new connection verified against the CA', async () => {
    const bobHome = await listeningUa(ca.issue('bob', { ips: ['127.0.0.1'] }));
    const socket = await connectProxy();
    const bob = streamUa(socket, `127.0.0.1:${socket.localPort}`);
    const contact = `sip:bob@127.0.0.1:${bobHome.port};transport=tls`;
    expect(await bob.register('bob', 'bob-pw', '127.0.0.1', contact)).toBe(200);
    const run = await runSipp(scenario('uac-call.xml'), {
      transport: 'udp',
      port: ports.udp,
      calls: 1,
      service: 'bob',
      extra: TOLERANT,
    });
    expectAll(run, 1);
    expect(bobHome.accepted).toHaveLength(1);
    expect(bobHome.accepted[0].requests.map((r) => r.slice(0, r.indexOf(' ')))).toEqual([
      'INVITE',
      'ACK',
      'BYE',
    ]);
    expect(await metric('kemi_transport_connections_opened_total')).toBe(1);
  }, 60_000);

  it('a next hop whose certificate the CA set does not verify gets no request; the caller an error', async () => {
    const malloryHome = await listeningUa(other.issue('mallory', { ips: ['127.0.0.1'] }));
    const socket = await connectProxy();
    const mallory = streamUa(socket, `127.0.0.1:${socket.localPort}`);
    const contact = `sip:mallory@127.0.0.1:${malloryHome.port};transport=tls`;
    expect(await mallory.register('mallory', 'mallory-pw', '127.0.0.1', contact)).toBe(200);
    const status = await rawInvite('mallory');
    expect(status).toBeGreaterThanOrEqual(400);
    expect(malloryHome.accepted.every((ua) => ua.requests.length === 0)).toBe(true);
    expect(await metric('kemi_transport_tls_verify_failures_total')).toBe(1);
    expect(await metric('kemi_transport_tls_handshake_failures_total')).toBe(1);
    // The server goes on: alice's connection still carries calls.
    expect(await rawInvite('nobody')).toBe(404);
  }, 60_000);

  it('SIGHUP reloads the certificate: new handshakes get the new one, a broken file keeps the old', async () => {
    const subject = async () => {
      const socket = await connectProxy();
      const cn = String(socket.getPeerCertificate().subject.CN);
      socket.destroy();
      return cn;
    };
    expect(await subject()).toBe('proxy');
    const rotated = ca.issue('proxy-rotated', { ips: ['127.0.0.1'] });
    copyFileSync(rotated.certificate, proxyCert.certificate);
    copyFileSync(rotated.key, proxyCert.key);
    const reloaded = () => server!.lines.filter((l) => l.msg === 'tls certificates reloaded').length;
    process.kill(server!.pid, 'SIGHUP');
    await expect.poll(reloaded, { timeout: 10_000 }).toBe(1);
    expect(await subject()).toBe('proxy-rotated');
    // A key that does not belong to the certificate: the reload fails, logged, the rotated one stays.
    copyFileSync(ca.issue('other', { ips: ['127.0.0.1'] }).key, proxyCert.key);
    process.kill(server!.pid, 'SIGHUP');
    await expect
      .poll(
        () =>
          server!.lines.filter((l) => l.msg === 'tls reload failed, the previous certificates stay').length,
        {
          timeout: 10_000,
        },
      )
      .toBe(1);
    expect(await subject()).toBe('proxy-rotated');
  }, 60_000);
});
