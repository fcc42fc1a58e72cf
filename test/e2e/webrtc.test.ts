// Browsers over WSS (RFC 7118) through a real `kemi-wasm serve` running the registrar example with
// authentication: Debian's chromium, headless, driven by puppeteer-core, loads a page this test serves on
// loopback with JsSIP from node_modules (bundled at test time), with fake media devices. Two browser users
// register over WSS, one calls the other, the call is answered and ended. Then a SIPp UAC over UDP calls a
// browser user: its SDP is plain RTP/AVP, which a WebRTC browser cannot take, so the browser answers 488;
// that proves the UDP caller's INVITE reached the browser over the browser's own WebSocket connection (the
// registrar saved it, nat_uac_test 64 / fix_nated_register), with a double Record-Route between the UDP and
// WSS legs (asserted on the INVITE the browser got), and that the browser's reply came back to the UDP
// caller (SIPp waits for the 488 and ACKs it).
// Chromium trusts the proxy's certificate by its public key only (--ignore-certificate-errors-spki-list,
// for the throwaway test CA's leaf), not by ignoring certificate errors.
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, launch, type Page } from 'puppeteer-core';
import { rolldown } from 'rolldown';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, runSipp, scenario } from '../../fixtures/sipp.ts';
import { createTestCa, type TestCa } from '../../fixtures/tls-certs.ts';
import { buildGuest } from '../../src/builder/index.ts';
import { ksrModules } from '../../src/kemi/index.ts';
import { expectAll, type ServerProcess, startServerProcess } from './harness.ts';
import { OPERATOR_TOKEN, runCli } from './registry-server.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const dir = mkdtempSync(join(tmpdir(), 'kemi-e2e-webrtc-'));
const TOLERANT = ['-default_behaviors', 'all,-abortunexp'];
let ca: TestCa;
let server: ServerProcess | undefined;
let web: Server | undefined;
let browser: Browser | undefined;
let ports: { udp: number; wss: number; web: number };
const users: Record<string, Page> = {};

/** The page: JsSIP and a few functions the test calls; every event goes to window.events. */
const PAGE = `<!doctype html><meta charset="utf-8"><title>kemi-wasm WebRTC test</title>
<script src="/jssip.js"></script>
<script>
window.events = [];
const note = (e) => window.events.push(e);
window.startUa = (user, password, url) => {
  const ua = new JsSIP.UA({
    sockets: [new JsSIP.WebSocketInterface(url)],
    uri: 'sip:' + user + '@127.0.0.1',
    password,
    register: true,
    session_timers: false,
  });
  ua.on('registered', () => note('registered'));
  ua.on('registrationFailed', (e) => note('registrationFailed ' + e.cause));
  ua.on('newRTCSession', ({ session, originator, request }) => {
    window.session = session;
    if (originator === 'remote') {
      note('incoming ' + session.remote_identity.uri.user);
      note('via ' + request.getHeader('Via'));
      note('rr ' + request.getHeaders('Record-Route').join(' | '));
    }
    for (const name of ['progress', 'accepted', 'confirmed', 'ended', 'failed'])
      session.on(name, (e) => note(name + (e && e.cause ? ' ' + e.cause : '')));
  });
  ua.start();
  window.ua = ua;
};
window.call = (target) =>
  window.ua.call(target, { mediaConstraints: { audio: true, video: false }, pcConfig: { iceServers: [] } });
window.answer = () => window.session.answer({ mediaConstraints: { audio: true, video: false }, pcConfig: { iceServers: [] } });
window.hangup = () => window.session.terminate();
</script>`;

async function provision(adminUrl: string, user: string): Promise<void> {
  const run = await runCli(['subscriber', 'add', `${user}@127.0.0.1`, '--password', `${user}-pw`], {
    KEMI_WASM_SERVER: adminUrl,
    KEMI_WASM_TOKEN: OPERATOR_TOKEN,
    KEMI_WASM_TENANT: 'a',
  });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
}

/** Waits until the page's events include `event` (a prefix), failing with the events seen. */
async function event(page: Page, wanted: string, timeoutMs = 20_000): Promise<void> {
  await page
    .waitForFunction(
      (w) => (globalThis as unknown as { events: string[] }).events.some((e) => e.startsWith(w)),
      {
        timeout: timeoutMs,
        polling: 50,
      },
      wanted,
    )
    .catch(async () => {
      const seen = await page.evaluate(() => (globalThis as unknown as { events: string[] }).events);
      throw new Error(`no '${wanted}' event; the page saw: ${JSON.stringify(seen)}`);
    });
}

async function openUser(user: string): Promise<Page> {
  const page = await browser!.newPage();
  page.on('pageerror', (e) => console.error(`[${user}] page error: ${e}`));
  await page.goto(`http://127.0.0.1:${ports.web}/`);
  await page.evaluate(
    (u, p, url) =>
      (globalThis as unknown as { startUa(u: string, p: string, url: string): void }).startUa(u, p, url),
    user,
    `${user}-pw`,
    `wss://127.0.0.1:${ports.wss}`,
  );
  await event(page, 'registered');
  users[user] = page;
  return page;
}

const run = (page: Page, fn: 'answer' | 'hangup') =>
  page.evaluate((f) => (globalThis as unknown as Record<string, () => void>)[f](), fn);

beforeAll(async () => {
  ca = createTestCa('kemi webrtc CA');
  const proxyCert = ca.issue('proxy', { ips: ['127.0.0.1'], dns: ['localhost'] });
  const spki = createHash('sha256')
    .update(
      new X509Certificate(readFileSync(proxyCert.certificate)).publicKey.export({
        type: 'spki',
        format: 'der',
      }),
    )
    .digest('base64');

  const bundle = await rolldown({
    input: fileURLToPath(new URL('../../node_modules/jssip/lib/JsSIP.js', import.meta.url)),
    platform: 'browser',
    logLevel: 'silent',
  });
  const jssip = (await bundle.generate({ format: 'iife', name: 'JsSIP' })).output[0].code;
  web = createServer((req, res) => {
    if (req.url === '/jssip.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript' });
      res.end(jssip);
    } else {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end(PAGE);
    }
  });
  await new Promise<void>((r) => web!.listen(0, '127.0.0.1', () => r()));
  const webAddress = web.address();

  const built = await buildGuest('guest-examples/assemblyscript/registrar', {
    out: join(dir, 'registrar.wasm'),
  });
  if (!built.ok) throw new Error(built.error.message);
  ports = {
    udp: await freePort(),
    wss: await freePort(),
    web: typeof webAddress === 'object' && webAddress ? webAddress.port : 0,
  };
  const listen = [`udp:127.0.0.1:${ports.udp}`, `wss:127.0.0.1:${ports.wss}`];
  const config = join(dir, 'kemi.yaml');
  writeFileSync(
    config,
    JSON.stringify({
      listen,
      data_dir: join(dir, 'data'),
      log_level: 'info',
      tls: { certificates: [proxyCert], ca: [ca.caFile] },
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
  const adminUrl = String(server.lines.find((l) => l.msg === 'admin listening')?.url);
  await provision(adminUrl, 'alice');
  await provision(adminUrl, 'bob');

  browser = await launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--ignore-certificate-errors-spki-list=${spki}`,
    ],
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((r) => (web ? web.close(() => r()) : r()));
  if (server) expect(await server.stop()).toBe(0);
  ca?.remove();
});

describe('WebRTC browsers over WSS', () => {
  it('two browser users register over WSS; alice calls bob, bob answers, alice hangs up', async () => {
    const alice = await openUser('alice');
    const bob = await openUser('bob');
    await alice.evaluate(() =>
      (globalThis as unknown as { call(t: string): void }).call('sip:bob@127.0.0.1'),
    );
    await event(bob, 'incoming alice');
    await run(bob, 'answer');
    await event(alice, 'confirmed');
    await event(bob, 'confirmed');
    await run(alice, 'hangup');
    // The BYE reached bob over his own connection (the alias in his Contact) and bob's 200 came back.
    await event(bob, 'ended');
    await event(alice, 'ended');
    const bobEvents = await bob.evaluate(() => (globalThis as unknown as { events: string[] }).events);
    expect(bobEvents.filter((e) => e.startsWith('failed'))).toEqual([]);
  }, 90_000);

  it('a SIPp UAC over UDP reaches a browser user over its WSS connection; RTP/AVP SDP gets 488', async () => {
    const bob = users.bob;
    const before = await bob.evaluate(() => (globalThis as unknown as { events: string[] }).events.length);
    // bob answers what comes in; his browser refuses the plain RTP offer, JsSIP answers 488.
    await bob.evaluate(() => {
      const w = globalThis as unknown as {
        ua: { on(e: string, f: (x: { originator: string }) => void): void };
        answer(): void;
      };
      w.ua.on('newRTCSession', ({ originator }) => {
        if (originator === 'remote') setTimeout(() => w.answer(), 100);
      });
    });
    const sipp = await runSipp(scenario('uac-488.xml'), {
      transport: 'udp',
      port: ports.udp,
      calls: 1,
      service: 'bob',
      extra: TOLERANT,
    });
    expectAll(sipp, 1);
    const events = await bob.evaluate(() => (globalThis as unknown as { events: string[] }).events);
    expect(events.slice(before)).toContain('incoming sipp');
    // Our Via on top says WSS; two Record-Route entries: the WSS side (transport=ws, RFC 7118) on top, the
    // UDP side below, both r2=on.
    const mine = events.slice(before);
    expect(mine.find((e) => e.startsWith('via '))).toMatch(
      new RegExp(`^via SIP/2\\.0/WSS 127\\.0\\.0\\.1:${ports.wss};`),
    );
    expect(mine.find((e) => e.startsWith('rr '))).toMatch(
      new RegExp(
        `^rr <sip:127\\.0\\.0\\.1:${ports.wss};transport=ws;r2=on;lr[^>]*> \\| <sip:127\\.0\\.0\\.1:${ports.udp};r2=on;lr`,
      ),
    );
    expect(events.slice(before).some((e) => e.startsWith('failed'))).toBe(true);
  }, 60_000);
});
