// Raw SIP over UDP for the e2e tests that attack a server from a plain socket: the attacker, a peer and a
// victim listener are node:dgram sockets on 127.0.0.1 (ephemeral ports), and the tenant route is a WAT guest.
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Guest } from '../../fixtures/guest.ts';
import { type ServerProcess, startServerProcess } from './harness.ts';

const sockets: Socket[] = [];

/** Closes every socket udpSocket() opened. */
export function closeSockets(): void {
  for (const s of sockets.splice(0)) s.close();
}

/** The route: with X-Raise, set Max-Forwards to 70 (rmappend); then t-relay, sl-reply-error on failure. */
export function relayRoute(): Guest {
  const g = new Guest();
  const raise = g.call('hdr', 'rmappend', ['Max-Forwards', 'Max-Forwards: 70']);
  const present = g.call('hdr', 'is-present', ['X-Raise']);
  const relay = g.call('tm', 't-relay', []);
  const replyError = g.call('sl', 'sl-reply-error', []);
  return g.route(
    'request-route',
    `(if (i32.gt_s ${present} (i32.const 0)) (then (drop ${raise})))
     (if (i32.lt_s ${relay} (i32.const 0)) (then (drop ${replyError})))`,
  );
}

/** A server on an ephemeral UDP port whose one tenant runs relayRoute() under `relayAllow`. */
export function startRelayServer(tenant: string, relayAllow: object): Promise<ServerProcess> {
  return startGuestServer({ name: tenant, relay_allow: relayAllow }, relayRoute());
}

/**
 * A server on an ephemeral UDP port whose one tenant (`tenant`: its name and other keys) runs `guest`;
 * `config` adds top-level keys.
 */
export async function startGuestServer(
  tenant: { name: string } & Record<string, unknown>,
  guest: Guest,
  config: object = {},
): Promise<ServerProcess> {
  const dir = mkdtempSync(join(tmpdir(), `kemi-e2e-${tenant.name}-`));
  const wasm = join(dir, 'route.wasm');
  writeFileSync(wasm, await guest.component());
  const file = join(dir, 'kemi.yaml');
  writeFileSync(
    file,
    JSON.stringify({
      listen: ['udp:127.0.0.1:0'],
      log_level: 'info',
      ...config,
      tenants: [{ ...tenant, module: wasm }],
    }),
  );
  return startServerProcess(['--config', file]);
}

/** A UDP socket on 127.0.0.1, an ephemeral port. */
export async function udpSocket(): Promise<Socket & { port: number }> {
  const socket = createSocket('udp4');
  sockets.push(socket);
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return Object.assign(socket, { port: socket.address().port });
}

/** An OPTIONS from the socket on `port` (rport asked), to `uri`. */
export function request(
  port: number,
  opts: { callId: string; uri: string; maxForwards?: number; extra?: string[] },
) {
  return [
    `OPTIONS ${opts.uri} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${port};rport;branch=z9hG4bK-${opts.callId}`,
    `Max-Forwards: ${opts.maxForwards ?? 70}`,
    'From: <sip:attacker@127.0.0.1>;tag=a1',
    'To: <sip:bob@127.0.0.1>',
    `Call-ID: ${opts.callId}`,
    'CSeq: 1 OPTIONS',
    ...(opts.extra ?? []),
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

/** The first message on `socket` whose text passes `test`, within `ms`; undefined when none came. */
export function next(
  socket: Socket,
  test: (text: string) => boolean,
  ms = 3000,
): Promise<string | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      socket.off('message', on);
      resolve(undefined);
    }, ms);
    const on = (msg: Buffer) => {
      const text = msg.toString('latin1');
      if (!test(text)) return;
      clearTimeout(timer);
      socket.off('message', on);
      resolve(text);
    };
    socket.on('message', on);
  });
}

export const finalTo = (callId: string) => (text: string) =>
  /^SIP\/2\.0 [2-6]\d\d /.test(text) && text.includes(`Call-ID: ${callId}`);
