// The admin page in Debian's headless chromium (driven by puppeteer-core, which downloads no browser)
// against a real `kemi-wasm serve`: log in with a tenant token, upload two versions of an AssemblyScript
// route, activate, roll back (each checked by the route's answer over SIP), live counters, the trace of a
// call sent over a raw socket; and a tenant token that can neither see nor act on another tenant, through
// the page, through forged direct requests, and through a forged form on another page of the same host.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStampedRoute } from '../registry/fixtures.ts';
import { admin, optionsOnce, type RegistryServer, stampIn, startRegistryServer } from './registry-server.ts';

const CHROMIUM = '/usr/bin/chromium';
const ACME_TOKEN = 'e2e-page-acme-token-0123456789';
const OTHER_TOKEN = 'e2e-page-other-token-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'kemi-e2e-page-'));
let server: RegistryServer;
let browser: Browser;
let page: Page;
let files: string[];
let attacker: Server;
let attackerUrl: string;

beforeAll(async () => {
  const route = await buildStampedRoute();
  files = [1, 2].map((n) => {
    const file = join(dir, `acme-v${n}.wasm`);
    writeFileSync(file, route.stamp(n * 11));
    return file;
  });
  server = await startRegistryServer(
    {
      data_dir: join(dir, 'data'),
      tenants: [
        { name: 'acme', match: { domains: ['acme.example'] }, token: ACME_TOKEN },
        { name: 'other', match: { domains: ['other.example'] }, token: OTHER_TOKEN },
      ],
      unmatched: { reply: 403 },
      trace: { scope: 'all' },
    },
    dir,
  );
  // The other tenant has a version of its own, that acme must not be able to touch.
  expect(
    (await admin(server.adminUrl, 'POST', '/v1/tenants/other/versions?activate=1', route.stamp(99))).status,
  ).toBe(201);
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  page = await browser.newPage();
  // An attacker's page on another port of the same host: same site for the browser, so SameSite does not
  // keep the cookie from its forms; the origin check and the CSRF field must.
  attacker = createServer((req, res) => {
    const target = new URL(req.url ?? '/', 'http://x').searchParams.get('target') ?? '';
    res.setHeader('content-type', 'text/html');
    res.end(
      `<form id="f" method="post" action="${target}"><input name="version" value="1"></form>` +
        `<script>document.getElementById('f').submit()</script>`,
    );
  });
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`;
}, 180_000);

afterAll(async () => {
  await browser?.close();
  attacker?.close();
  expect(await server?.process.stop()).toBe(0);
});

const sipPort = () => server.process.ports.udp!;
const acmeStamp = async () => stampIn(await optionsOnce(sipPort(), 'sip:x@acme.example'));
const otherStamp = async () => stampIn(await optionsOnce(sipPort(), 'sip:x@other.example'));
const text = (selector: string) => page.$eval(selector, (e) => e.textContent ?? '');

/** Clicks `selector` and waits for the page it leads to: its HTTP status. */
async function submit(selector: string): Promise<number | undefined> {
  const [res] = await Promise.all([page.waitForNavigation(), page.click(selector)]);
  return res?.status();
}

describe('the admin page in chromium', () => {
  it('logs in with a tenant token and lists that tenant only', async () => {
    const res = await page.goto(`${server.adminUrl}/ui`);
    expect(res?.status()).toBe(200);
    expect(new URL(page.url()).pathname).toBe('/ui/login');
    await page.type('#token', ACME_TOKEN);
    expect(await submit('#login')).toBe(200);
    expect(
      await page.$$eval('#tenants tbody tr', (rows) => rows.map((r) => r.querySelector('a')?.textContent)),
    ).toEqual(['acme']);
    const cookies = await browser.cookies();
    const cookie = cookies.find((c) => c.name === 'kemi_admin')!;
    expect([cookie.httpOnly, cookie.sameSite, cookie.path]).toEqual([true, 'Strict', '/ui']);
    // Page scripts cannot read it.
    expect(await page.evaluate('document.cookie')).toBe('');
  });

  it('uploads versions and shows their validation result and who deployed them', async () => {
    await Promise.all([page.waitForNavigation(), page.click('#tenants a')]);
    for (const [i, file] of files.entries()) {
      const input = await page.$('#wasm');
      await input!.uploadFile(file);
      await page.click('#upload-activate');
      expect(await submit('#upload')).toBe(201);
      expect(await text('#notice')).toContain(`Stored v${i + 1}, active: valid component`);
    }
    expect(await text('#active-version')).toBe('v2');
    expect(await page.$$eval('#versions tbody tr .by', (cells) => cells.map((c) => c.textContent))).toEqual([
      'tenant:acme',
      'tenant:acme',
    ]);
    expect(await acmeStamp()).toBe(22);
  });

  it('an invalid upload shows why it was refused', async () => {
    const bad = join(dir, 'bad.wasm');
    writeFileSync(bad, Buffer.from('not a component'));
    await (await page.$('#wasm'))!.uploadFile(bad);
    expect(await submit('#upload')).toBe(422);
    expect(await text('#notice')).toMatch(/Upload refused: (malformed|not-component)/);
    expect(await acmeStamp()).toBe(22);
  });

  it('activates an older version, then rolls back', async () => {
    expect(await submit('#versions tr[data-version="1"] button.activate')).toBe(200);
    expect(await text('#notice')).toContain('Activated v1 (was v2)');
    expect(await acmeStamp()).toBe(11);
    expect(await submit('#rollback')).toBe(200);
    expect(await text('#notice')).toContain('Rolled back to v2 (was v1)');
    expect(await text('#active-version')).toBe('v2');
    expect(await acmeStamp()).toBe(22);
    expect(await text('#activations')).toMatch(/rollback\s*v2[\s\S]*tenant:acme/);
  });

  it('the live counters follow the server without a reload', async () => {
    const uploads = () =>
      page.$$eval('#counters tr[data-metric="kemi_uploads_total"]', (rows) =>
        rows.map((r) => `${r.children[1].textContent} ${r.querySelector('.value')?.textContent}`),
      );
    expect(await uploads()).toContain('result=ok 2');
    // Another client uploads: the page's script picks it up within a few refreshes.
    expect(
      (await admin(server.adminUrl, 'POST', '/v1/tenants/acme/versions', new Uint8Array([0, 1]))).status,
    ).toBe(422);
    await page.waitForFunction(
      `[...document.querySelectorAll('#counters tr[data-metric="kemi_uploads_total"]')].some((r) =>
        /result=(malformed|not-component)/.test(r.textContent))`,
      { timeout: 15_000 },
    );
  });

  it('shows the trace of a call sent over a raw socket', async () => {
    const reply = await optionsOnce(sipPort(), 'sip:x@acme.example');
    const callId = /^Call-ID: (.+?)\r?$/m.exec(reply ?? '')![1];
    await page.type('#call-id', callId);
    expect(await submit('#trace')).toBe(200);
    const trace = await page.$$eval('#trace-result li.traced', (items) =>
      items.map((li) => li.querySelector('.first-line')?.textContent),
    );
    expect(trace).toEqual(['OPTIONS sip:x@acme.example SIP/2.0', 'SIP/2.0 200 OK']);
    expect(await text('#trace-result pre')).toContain(`Call-ID: ${callId}`);
  });
});

describe('a tenant token and another tenant', () => {
  it('the page refuses the other tenant', async () => {
    const res = await page.goto(`${server.adminUrl}/ui/tenants/other`);
    expect(res?.status()).toBe(403);
    expect(await page.content()).toContain("this token is for tenant 'acme' only");
    expect((await page.goto(`${server.adminUrl}/ui/tenants/other/trace?call_id=x`))?.status()).toBe(403);
  });

  it('forged direct requests with the cookie and a valid CSRF field change nothing', async () => {
    await page.goto(`${server.adminUrl}/ui/tenants/acme`);
    const csrf = await page.$eval('input[name="csrf"]', (e) => (e as unknown as { value: string }).value);
    const cookie = (await browser.cookies()).find((c) => c.name === 'kemi_admin')!;
    const headers = {
      cookie: `kemi_admin=${cookie.value}`,
      'content-type': 'application/x-www-form-urlencoded',
    };
    const body = new URLSearchParams({ csrf, version: '1' }).toString();
    for (const path of ['/ui/tenants/other/activate', '/ui/tenants/other/rollback']) {
      const res = await fetch(`${server.adminUrl}${path}`, {
        method: 'POST',
        headers,
        body,
        redirect: 'manual',
      });
      expect(res.status, path).toBe(403);
    }
    // The cookie is no key to the API, whatever the tenant.
    for (const path of ['/v1/tenants/other/rollback', '/v1/tenants/acme/rollback']) {
      const res = await fetch(`${server.adminUrl}${path}`, { method: 'POST', headers, body });
      expect(res.status, path).toBe(401);
    }
    expect(await otherStamp()).toBe(99);
    expect(await acmeStamp()).toBe(22);
  });

  it("a forged form on another page of the same host cannot use the logged-in browser's cookie", async () => {
    for (const path of ['/ui/tenants/acme/activate', '/ui/tenants/acme/rollback']) {
      const [res] = await Promise.all([
        page.waitForNavigation(),
        page.goto(`${attackerUrl}?target=${encodeURIComponent(server.adminUrl + path)}`),
      ]);
      expect(res?.status(), path).toBe(403);
      expect(await page.content()).toContain('this form was sent from another site');
    }
    const api = await Promise.all([
      page.waitForNavigation(),
      page.goto(`${attackerUrl}?target=${encodeURIComponent(`${server.adminUrl}/v1/tenants/acme/rollback`)}`),
    ]);
    expect(api[0]?.status()).toBe(401);
    expect(await acmeStamp()).toBe(22);
    expect((await admin(server.adminUrl, 'GET', '/v1/tenants/acme')).body.active).toBe(2);
  });
});
