// Dialog pins (issue 11): a UA that saw the server's Record-Route (`kwv=...`) tries to steer in-dialog
// requests to a replaced version: with a version written by hand, with a pin copied to another Call-ID, in
// a Route entry that is not the server's own, and into versions removed for failing (the breaker's
// rollback, an operator's rollback, a replaced version whose own failures tripped the breaker). A real
// `kemi-wasm serve` with a record-routing proxy route, a raw UDP socket as the UA and another as the callee;
// the callee sees which version ran each request in X-Req-Version. Only the genuine pin of a version in
// grace steers; everything else runs on the active version, and the refusals and failures are counted.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildStampedRoute, PLACEHOLDER } from '../registry/fixtures.ts';
import { responseText, sleep, type UdpPeer, udpPeer, until } from './raw-peer.ts';
import { admin, OPERATOR_TOKEN, type RegistryServer, startRegistryServer } from './registry-server.ts';

/**
 * A record-routing proxy: initial requests go to PRIMARY, in-dialog ones by their Route set (loose
 * routing) or their Request-URI; every relayed request names the version in X-Req-Version. A request
 * with X-Crash traps (a failing route, counted by the breaker).
 */
const PIN_ROUTE = `
import { KSR } from '../../sdk';

export * from '../../sdk/exports';

export function request_route(): void {
  if (KSR.hdr.is_present('X-Crash') > 0) unreachable();
  if (KSR.siputils.has_totag() > 0) {
    KSR.rr.loose_route();
    return relay();
  }
  if (KSR.is_method('OPTIONS')) {
    KSR.sl.sl_send_reply(200, 'OK');
    return KSR.x.exit();
  }
  KSR.hdr.remove('Route');
  KSR.rr.record_route();
  const primary = KSR.kx.get_def('PRIMARY');
  if (primary !== null) KSR.setdsturi(primary);
  relay();
}

function relay(): void {
  KSR.hdr.append('X-Req-Version: ${PLACEHOLDER}\\r\\n');
  if (KSR.tm.t_relay() < 0) KSR.sl.sl_reply_error();
  KSR.x.exit();
}

export function reply_route(): void {}

export function named_route(name: string): void {}
`;

const dir = mkdtempSync(join(tmpdir(), 'kemi-e2e-pins-'));
let server: RegistryServer | undefined;
const peers: UdpPeer[] = [];

afterAll(async () => {
  for (const p of peers) await p.close();
  if (server) expect(await server.process.stop()).toBe(0);
});

let sequence = 0;

describe('dialog pins', () => {
  it('steer only by a genuine pin in our own Route entry, and never to a version removed for failing', async () => {
    const route = await buildStampedRoute(PIN_ROUTE);
    const ua = await udpPeer();
    const callee = await udpPeer();
    peers.push(ua, callee);
    server = await startRegistryServer(
      {
        data_dir: join(dir, 'data'),
        tenants: [
          {
            name: 'acme',
            dialog_grace_s: 60,
            circuit_breaker: { failures: 3, window_s: 60 },
            relay_allow: { cidrs: ['127.0.0.1/32'], ports: [callee.port] },
          },
        ],
        defines: { PRIMARY: `sip:127.0.0.1:${callee.port}` },
      },
      dir,
    );
    const url = server.adminUrl;
    const proxy = server.process.ports.udp!;
    const own = `127.0.0.1:${proxy}`;
    const calleeUri = `sip:bob@127.0.0.1:${callee.port}`;

    // The callee answers every request it gets with 200 (back through the proxy).
    let answered = 0;
    const answering = setInterval(() => {
      for (; answered < callee.received.length; answered++) {
        const text = callee.received[answered];
        if (/^(INVITE|BYE|OPTIONS) /.test(text)) void callee.send(responseText(text, 200), proxy);
      }
    }, 10);

    const deploy = async (stamp: number) => {
      const r = await admin(url, 'POST', '/v1/tenants/acme/versions?activate=1', route.stamp(stamp));
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    };
    const activeVersion = async () => (await admin(url, 'GET', '/v1/tenants/acme')).body.active as number;

    /** A request of the UA, sent; the X-Req-Version (the version that ran it) the callee saw, if any. */
    const send = async (parts: {
      method: string;
      callId: string;
      toTag?: string;
      routes?: string[];
      headers?: string[];
    }): Promise<number | undefined> => {
      const n = ++sequence;
      const text = [
        `${parts.method} ${calleeUri} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${ua.port};branch=z9hG4bK-pins-${n};rport`,
        'Max-Forwards: 70',
        'From: <sip:alice@127.0.0.1>;tag=alice1',
        `To: <${calleeUri}>${parts.toTag ? `;tag=${parts.toTag}` : ''}`,
        `Call-ID: ${parts.callId}`,
        `CSeq: ${n} ${parts.method}`,
        'Contact: <sip:alice@127.0.0.1>',
        ...(parts.routes ?? []).map((r) => `Route: ${r}`),
        ...(parts.headers ?? []),
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
      const cseq = `\r\nCSeq: ${n} ${parts.method}\r\n`;
      const seen = () => callee.received.find((t) => t.includes(cseq));
      // The final response: the callee's 200 through the proxy, or the failed route's 500.
      const replied = () => ua.received.some((t) => /^SIP\/2\.0 [2-6]/.test(t) && t.includes(cseq));
      await ua.send(text, proxy);
      await until(replied, 5000);
      expect(replied(), `no final response to ${parts.method} ${n}`).toBe(true);
      const stamp = /\r\nX-Req-Version: (\d{8})\r\n/.exec(seen() ?? '')?.[1];
      return stamp === undefined ? undefined : Number(stamp);
    };

    /** An INVITE through the proxy; the Route entry (our Record-Route) of the dialog it made. */
    const dialog = async (callId: string): Promise<string> => {
      expect(await send({ method: 'INVITE', callId })).toBeGreaterThan(1000);
      const invite = callee.received.find((t) => t.startsWith('INVITE') && t.includes(`Call-ID: ${callId}`))!;
      const rr = /\r\nRecord-Route: (<[^>]+>)\r\n/.exec(invite)?.[1];
      expect(rr, invite).toBeDefined();
      return rr!;
    };
    const bye = (callId: string, routes: string[], headers?: string[]) =>
      send({ method: 'BYE', callId, toTag: 'uas1', routes, headers });
    const kwv = (rr: string) => /;kwv=([^;>]+)/.exec(rr)![1];

    try {
      await deploy(1001);
      const rrA = await dialog('call-a');
      expect(rrA).toMatch(new RegExp(`^<sip:${own.replace(/\./g, '\\.')};lr;ftag=alice1;kwv=1[.;>]`));
      await deploy(1002);
      expect(await activeVersion()).toBe(2);

      // The genuine pin of a version in grace steers.
      expect(await bye('call-a', [rrA])).toBe(1001);
      // A version written by hand, the pin copied to another Call-ID, the pin in a Route entry that is not
      // the server's own (on top, or below ours): the active version.
      expect(await bye('call-a', [`<sip:${own};lr;ftag=alice1;kwv=1>`])).toBe(1002);
      expect(await bye('call-other', [rrA])).toBe(1002);
      expect(await bye('call-a', [`<sip:127.0.0.1:${callee.port};lr;kwv=${kwv(rrA)}>`])).toBe(1002);
      expect(
        await bye('call-a', [`<sip:${own};lr>`, `<sip:127.0.0.1:${callee.port};lr;kwv=${kwv(rrA)}>`]),
      ).toBe(1002);

      // The breaker rolls v2 back to v1: a dialog of v2 gets no grace on v2.
      const rrB = await dialog('call-b');
      expect(rrB).toContain(';kwv=2');
      for (let i = 0; i < 3; i++) await ua.send(crashingOptions(ua.port, calleeUri, ++sequence), proxy);
      for (let i = 0; i < 100; i++) {
        if ((await activeVersion()) === 1) break;
        await sleep(100);
      }
      expect(await activeVersion()).toBe(1);
      expect(await bye('call-b', [rrB])).toBe(1001);

      // An operator rolls v3 back: a dialog of v3 gets no grace on v3.
      await deploy(1003);
      const rrC = await dialog('call-c');
      expect(rrC).toContain(';kwv=3');
      expect((await admin(url, 'POST', '/v1/tenants/acme/rollback')).status).toBe(200);
      expect(await activeVersion()).toBe(1);
      expect(await bye('call-c', [rrC])).toBe(1001);

      // v1 replaced again (not for failing: it keeps its grace); its pinned dialog fails three times: the
      // failures are counted, its own breaker trips, and its dialogs go to the active version.
      await deploy(1004);
      expect(await bye('call-a', [rrA])).toBe(1001);
      for (let i = 0; i < 3; i++) await bye('call-a', [rrA], ['X-Crash: 1']);
      expect(await bye('call-a', [rrA])).toBe(1004);

      const metrics = await (
        await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } })
      ).text();
      const metric = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(metrics)?.[1] ?? 0);
      expect(metric('kemi_dialog_pin_refused_total\\{reason="unverified"\\}')).toBe(2);
      expect(metric('kemi_dialog_pin_refused_total\\{reason="not-ours"\\}')).toBe(1);
      expect(metric('kemi_inactive_version_failures_total\\{tenant="acme"\\}')).toBe(3);
      expect(metric('kemi_breaker_events_total\\{tenant="acme",outcome="revoked"\\}')).toBe(1);
      expect(metric('kemi_breaker_events_total\\{tenant="acme",outcome="rollback"\\}')).toBe(1);
    } finally {
      clearInterval(answering);
    }
  }, 120_000);
});

/** An out-of-dialog OPTIONS whose route traps (X-Crash). */
function crashingOptions(port: number, uri: string, n: number): string {
  return [
    `OPTIONS ${uri} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bK-pins-${n};rport`,
    'Max-Forwards: 70',
    'From: <sip:alice@127.0.0.1>;tag=alice1',
    `To: <${uri}>`,
    `Call-ID: crash-${n}`,
    `CSeq: ${n} OPTIONS`,
    'X-Crash: 1',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}
