// TCP exhaustion (issue 11): one source opens connections past its per-IP cap (the default one) and is
// refused while a second source still connects and gets answers; a third fills the inbound budget and the
// proxy still opens its outbound relay connection; a header dripped a byte at a time is closed after the
// message-completion timeout. Attackers and victims are raw sockets on loopback addresses of their own
// (127.0.0.x as the local address); the relay target is a raw TCP listener. Every socket is closed, the
// server stopped by PID.
import { mkdtempSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGuest } from '../../src/builder/index.ts';
import { DEFAULT_LIMITS } from '../../src/transport/limits.ts';
import { OPERATOR_TOKEN, type RegistryServer, startRegistryServer } from './registry-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'kemi-e2e-tcp-'));
const PER_IP = DEFAULT_LIMITS.maxConnectionsPerIp;
const INBOUND = PER_IP + 36;
const MESSAGE_TIMEOUT_MS = 500;

interface Peer {
  readonly socket: Socket;
  readonly from: string;
  text(): string;
  isClosed(): boolean;
  readonly closed: Promise<void>;
}

const peers: Peer[] = [];
let server: RegistryServer;
let relay: Server;
let relayed = '';
const relaySockets: Socket[] = [];
let tcpPort: number;

/** A TCP connection to the server from the loopback address `from`. */
function open(from: string): Promise<Peer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: tcpPort, localAddress: from, noDelay: true });
    let data = '';
    let closed = false;
    socket.on('data', (d: Buffer) => {
      data += d.toString('latin1');
    });
    const peer: Peer = {
      socket,
      from,
      text: () => data,
      isClosed: () => closed,
      closed: new Promise((r) =>
        socket.once('close', () => {
          closed = true;
          r();
        }),
      ),
    };
    socket.once('connect', () => {
      socket.on('error', () => {}); // a refused connection may be reset: `closed` reports it
      peers.push(peer);
      resolve(peer);
    });
    socket.once('error', reject);
  });
}

async function until(test: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function request(method: string, uri: string, peer: Peer, callId: string): string {
  const { localPort } = peer.socket;
  return [
    `${method} ${uri} SIP/2.0`,
    `Via: SIP/2.0/TCP ${peer.from}:${localPort};branch=z9hG4bK-${callId}`,
    'Max-Forwards: 70',
    `From: <sip:victim@${peer.from}>;tag=${callId}`,
    `To: <${uri}>`,
    `Call-ID: ${callId}`,
    `CSeq: 1 ${method}`,
    `Contact: <sip:victim@${peer.from}:${localPort};transport=tcp>`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

async function metric(name: string): Promise<number> {
  const res = await fetch(`${server.adminUrl}/metrics`, {
    headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
  });
  const line = (await res.text()).split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** Opens `count` connections from `from`; resolves with those the server kept once `refused` were closed. */
async function flood(from: string, count: number, refused: number): Promise<Peer[]> {
  const opened: Peer[] = [];
  for (let i = 0; i < count; i++) opened.push(await open(from));
  await until(() => opened.filter((p) => p.isClosed()).length >= refused, `${refused} refusals from ${from}`);
  // Refusals are immediate; a moment more shows that no further connection is closed.
  await new Promise((r) => setTimeout(r, 200));
  expect(opened.filter((p) => p.isClosed())).toHaveLength(refused);
  return opened.filter((p) => !p.isClosed());
}

beforeAll(async () => {
  const built = await buildGuest('guest-examples/assemblyscript/proxy', { out: join(dir, 'proxy.wasm') });
  if (!built.ok) throw new Error(built.error.message);
  relay = createServer((socket) => {
    relaySockets.push(socket);
    socket.on('data', (d: Buffer) => {
      relayed += d.toString('latin1');
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
  const relayPort = (relay.address() as { port: number }).port;
  server = await startRegistryServer(
    {
      listen: ['tcp:127.0.0.1:0'],
      module: built.value.out,
      // The per-IP cap keeps its default: it is on without configuration.
      transport: { max_inbound_connections: INBOUND, message_timeout_ms: MESSAGE_TIMEOUT_MS },
      defines: { PRIMARY: `sip:127.0.0.1:${relayPort};transport=tcp` },
    },
    dir,
  );
  tcpPort = server.process.ports.tcp!;
}, 120_000);

afterAll(async () => {
  for (const socket of [...peers.map((p) => p.socket), ...relaySockets]) socket.destroy();
  if (relay) await new Promise((r) => relay.close(r));
  expect(await server?.process.stop()).toBe(0);
});

describe('TCP exhaustion', () => {
  let victim: Peer;

  it('refuses one source past its per-IP cap; a second source still connects and gets answers', async () => {
    await flood('127.0.0.1', PER_IP + 6, 6);
    victim = await open('127.0.0.2');
    victim.socket.write(request('OPTIONS', `sip:127.0.0.1:${tcpPort}`, victim, 'victim-options'));
    await until(() => victim.text().startsWith('SIP/2.0 200'), 'the victim to get 200');
    expect(await metric('kemi_transport_connections_rejected_per_ip_total')).toBe(6);
    const logged = server.process.lines.filter((l) => l.msg === 'tcp connection rejected');
    expect(logged[0]).toMatchObject({ limit: `maxConnectionsPerIp (${PER_IP})` });
  });

  it('closes a header dripped a byte at a time after the message-completion timeout', async () => {
    const dripper = await open('127.0.0.2');
    const text = request('OPTIONS', `sip:127.0.0.1:${tcpPort}`, dripper, 'drip');
    const started = Date.now();
    let sent = 0;
    // A byte every 50 ms resets any idle timer; the message would take ~14 s to complete.
    const drip = setInterval(() => {
      if (!dripper.isClosed() && sent < text.length - 1) dripper.socket.write(text[sent++]);
    }, 50);
    try {
      await dripper.closed;
    } finally {
      clearInterval(drip);
    }
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(MESSAGE_TIMEOUT_MS - 10);
    expect(elapsed).toBeLessThan(MESSAGE_TIMEOUT_MS + 2000);
    expect(dripper.text()).toBe('');
    expect(await metric('kemi_transport_message_timeouts_total')).toBe(1);
  });

  it('still opens outbound relays when inbound connections fill their budget', async () => {
    // 127.0.0.1 holds PER_IP, the victim 1: 127.0.0.3 takes the rest of the inbound budget and is refused past it.
    const rest = INBOUND - PER_IP - 1;
    await flood('127.0.0.3', rest + 5, 5);
    const late = await open('127.0.0.4');
    await late.closed;
    expect(await metric('kemi_transport_connections_rejected_total')).toBe(6 + 5 + 1);

    // The victim's connection still works, and its INVITE is relayed over a new outbound connection.
    victim.socket.write(request('INVITE', 'sip:bob@example.com', victim, 'victim-invite'));
    await until(() => relayed.includes('Call-ID: victim-invite'), 'the relayed INVITE');
    expect(relayed.startsWith('INVITE sip:bob@example.com SIP/2.0')).toBe(true);
    expect(await metric('kemi_transport_connections_opened_total')).toBe(1);
    expect(await metric('kemi_transport_outbound_refused_total')).toBe(0);
  });
});
