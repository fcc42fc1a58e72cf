// Which script serves a message: tenants by socket and request domain in configuration order, the
// unmatched policy, the 503 for a tenant without a version, and dialog pinning by Route parameter.

import { createSecretKey, randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  DialogPins,
  ModuleCompiler,
  RegistrySelector,
  TenantMatcher,
  type TenantSpec,
} from '../../src/registry/index.ts';
import type { SipUri } from '../../src/sip/index.ts';
import { parseMessage, type SipRequest } from '../../src/sip/index.ts';
import type { Source } from '../../src/transport/index.ts';
import { buildStampedRoute, type StampedRoute } from './fixtures.ts';
import { type Opened, openRegistry, spec } from './helpers/setup.ts';

let compiler: ModuleCompiler;
let rt: StampedRoute;
const opened: Opened[] = [];

beforeAll(async () => {
  compiler = new ModuleCompiler();
  rt = await buildStampedRoute();
}, 60_000);
afterAll(() => compiler.close());
afterEach(async () => {
  for (const o of opened.splice(0)) await o.close();
});

const bound = [
  { proto: 'udp', address: '127.0.0.1', port: 5060, spec: 'udp:127.0.0.1:5060' },
  { proto: 'udp', address: '127.0.0.1', port: 5070, spec: 'udp:127.0.0.1:5070' },
  { proto: 'tcp', address: '0.0.0.0', port: 5080, spec: 'tcp:0.0.0.0:5080' },
];

const pins = new DialogPins(createSecretKey(randomBytes(32)));
/** This server: 127.0.0.1 port 5060 (the first bound socket). */
const isOwnUri = (uri: SipUri) => uri.host === '127.0.0.1' && (uri.port ?? 5060) === 5060;

function source(proto: 'udp' | 'tcp', port: number, address = '127.0.0.1'): Source {
  return { proto, remote: { address: '10.0.0.1', port: 5999 }, local: { address, port } };
}

function request(method: string, uri: string, extra: string[] = [], callId = 'c1'): SipRequest {
  const text = [
    `${method} ${uri} SIP/2.0`,
    'Via: SIP/2.0/UDP 10.0.0.1:5999;branch=z9hG4bK-1',
    'From: <sip:a@example.org>;tag=f1',
    `To: <sip:b@example.org>${extra.includes('in-dialog') ? ';tag=t1' : ''}`,
    `Call-ID: ${callId}`,
    `CSeq: 1 ${method}`,
    ...extra.filter((e) => e !== 'in-dialog'),
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const parsed = parseMessage(text, { datagram: true });
  if (!parsed.ok) throw new Error(parsed.error.detail);
  return parsed.value as SipRequest;
}

interface Refused {
  status: number;
  reason: string;
  method: string;
}

async function setup(
  tenants: TenantSpec[],
  unmatched: { tenant: string } | { reply: number } = { reply: 404 },
) {
  const o = await openRegistry(compiler, tenants);
  opened.push(o);
  let n = 0;
  for (const t of tenants)
    await o.registry.upload(t.name, rt.stamp(++n * 100), { by: 'test', activate: true });
  const refused: Refused[] = [];
  const selector = new RegistrySelector({
    registry: o.registry,
    matcher: new TenantMatcher(tenants, bound),
    unmatched,
    dialogTenants: new Set(tenants.filter((t) => t.dialogGraceMs > 0).map((t) => t.name)),
    pins,
    isOwnUri,
    refuse: (req, _src, status, reason) => refused.push({ status, reason, method: req.method }),
  });
  return { ...o, selector, refused };
}

const tenantOf = (s: { tenant: string } | undefined) => s?.tenant;

describe('matching', () => {
  it('matches by socket, then by domain, in configuration order', async () => {
    const { selector } = await setup([
      spec('by-socket', { sockets: ['udp:127.0.0.1:5070'] }),
      spec('by-domain', { domains: ['example.com', '*.example.net'] }),
      spec('both', { sockets: ['udp:127.0.0.1:5060'], domains: ['both.example'] }),
      spec('rest'),
    ]);
    expect(tenantOf(selector.select(request('OPTIONS', 'sip:x@example.com'), source('udp', 5070)))).toBe(
      'by-socket',
    );
    expect(tenantOf(selector.select(request('OPTIONS', 'sip:x@EXAMPLE.com'), source('udp', 5060)))).toBe(
      'by-domain',
    );
    expect(tenantOf(selector.select(request('OPTIONS', 'sip:x@a.b.example.net'), source('udp', 5060)))).toBe(
      'by-domain',
    );
    expect(tenantOf(selector.select(request('OPTIONS', 'sip:x@example.net'), source('udp', 5060)))).toBe(
      'rest',
    );
    expect(tenantOf(selector.select(request('OPTIONS', 'sip:x@both.example'), source('udp', 5060)))).toBe(
      'both',
    );
    expect(
      tenantOf(selector.select(request('OPTIONS', 'sip:x@both.example'), source('tcp', 5080, '10.1.1.1'))),
    ).toBe('rest');
  });

  it('a wildcard TCP listener matches its port on any local address', async () => {
    const { selector } = await setup([spec('tcp', { sockets: ['tcp:0.0.0.0:5080'] }), spec('rest')]);
    expect(tenantOf(selector.select(request('OPTIONS', 'sip:x@h'), source('tcp', 5080, '192.0.2.7')))).toBe(
      'tcp',
    );
    expect(tenantOf(selector.select(request('OPTIONS', 'sip:x@h'), source('udp', 5080, '192.0.2.7')))).toBe(
      'rest',
    );
  });

  it('returns the active version of the tenant, switching at activation', async () => {
    const { selector, registry } = await setup([spec('acme')]);
    expect(selector.select(request('OPTIONS', 'sip:x@h'), source('udp', 5060))?.version).toBe(1);
    await registry.upload('acme', rt.stamp(9), { by: 'test', activate: true });
    expect(selector.select(request('OPTIONS', 'sip:x@h'), source('udp', 5060))?.version).toBe(2);
  });
});

describe('unmatched messages and tenants without a version', () => {
  it('answers an unmatched request with the configured status, and never an ACK', async () => {
    const { selector, refused } = await setup([spec('acme', { domains: ['acme.example'] })], { reply: 403 });
    expect(selector.select(request('INVITE', 'sip:x@other.example'), source('udp', 5060))).toBeUndefined();
    expect(selector.select(request('ACK', 'sip:x@other.example'), source('udp', 5060))).toBeUndefined();
    expect(refused).toEqual([{ status: 403, reason: 'Forbidden', method: 'INVITE' }]);
    expect(selector.counters.unmatched).toBe(2);
  });

  it('gives unmatched requests to the unmatched tenant when configured', async () => {
    const { selector, refused } = await setup(
      [spec('acme', { domains: ['acme.example'] }), spec('fallback', { domains: ['fallback.example'] })],
      { tenant: 'fallback' },
    );
    expect(tenantOf(selector.select(request('OPTIONS', 'sip:x@nowhere'), source('udp', 5060)))).toBe(
      'fallback',
    );
    expect(refused).toEqual([]);
  });

  it('answers 503 for a tenant that has no version yet', async () => {
    const o = await openRegistry(compiler, [spec('empty')]);
    opened.push(o);
    const refused: Refused[] = [];
    const selector = new RegistrySelector({
      registry: o.registry,
      matcher: new TenantMatcher([spec('empty')], bound),
      unmatched: { reply: 404 },
      dialogTenants: new Set(),
      pins,
      isOwnUri,
      refuse: (req, _s, status, reason) => refused.push({ status, reason, method: req.method }),
    });
    expect(selector.select(request('OPTIONS', 'sip:x@h'), source('udp', 5060))).toBeUndefined();
    expect(refused).toEqual([{ status: 503, reason: 'Service Unavailable', method: 'OPTIONS' }]);
  });
});

describe('dialog pinning', () => {
  const route = (value: string, host = '127.0.0.1:5060') => `Route: <sip:${host};lr;ftag=f1;${value}>`;
  /** An in-dialog BYE whose top Route is ours with the pin this server signs for (tenant, version). */
  const inDialog = (tenant: string, version: number, callId = 'c1', signedFor = callId) =>
    request(
      'BYE',
      'sip:b@10.0.0.2',
      ['in-dialog', route(pins.routeParam(tenant, version, signedFor))],
      callId,
    );

  it('runs an in-dialog request on the version its own Route entry names while that version is in grace', async () => {
    const { selector, registry } = await setup([spec('acme', { dialogGraceMs: 60_000 })]);
    await registry.upload('acme', rt.stamp(9), { by: 'test', activate: true });
    expect(selector.select(inDialog('acme', 1), source('udp', 5060))?.version).toBe(1);
    expect(selector.counters.dialogPinned).toBe(1);
    // Unknown versions and requests outside a dialog get the active version.
    expect(selector.select(inDialog('acme', 7), source('udp', 5060))?.version).toBe(2);
    const initial = request('INVITE', 'sip:b@h', [route(pins.routeParam('acme', 1, 'c1'))]);
    expect(selector.select(initial, source('udp', 5060))?.version).toBe(2);
    expect(selector.counters.dialogPinned).toBe(1);
  });

  it('ignores and counts a pin that is forged, of another dialog or of another tenant', async () => {
    const { selector, registry } = await setup([
      spec('acme', { dialogGraceMs: 60_000, domains: ['acme.example'] }),
      spec('beta', { dialogGraceMs: 60_000 }),
    ]);
    await registry.upload('acme', rt.stamp(9), { by: 'test', activate: true });
    await registry.upload('beta', rt.stamp(8), { by: 'test', activate: true });
    await registry.upload('beta', rt.stamp(7), { by: 'test', activate: true });
    const at = (r: SipRequest) => selector.select(r, source('udp', 5060))?.version;
    const bye = (value: string, callId = 'c1', uri = 'sip:b@acme.example') =>
      request('BYE', uri, ['in-dialog', route(value)], callId);
    const good = pins.routeParam('acme', 1, 'c1');
    expect(at(bye(good))).toBe(1);
    // The old plain form, a MAC changed in one character, a MAC cut short, a version changed under a MAC.
    const mac = good.slice(good.indexOf('.') + 1);
    const flipped = `${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`;
    for (const forged of ['kwv=1', `kwv=1.${flipped}`, `kwv=1.${mac.slice(0, 10)}`, `kwv=2.${mac}`, 'kwv=1.'])
      expect(at(bye(forged)), forged).toBe(2);
    // Copied to another dialog: the MAC covers the Call-ID.
    expect(at(bye(good, 'other-call'))).toBe(2);
    // Signed for tenant beta's version 1 (also loaded, in grace): no good at acme, good at beta.
    const beta = pins.routeParam('beta', 1, 'c1');
    expect(at(bye(beta))).toBe(2);
    expect(at(bye(beta, 'c1', 'sip:b@beta.example'))).toBe(1);
    expect(selector.counters.dialogPinRefused).toEqual({ unverified: 7, 'not-ours': 0, revoked: 0 });
    expect(selector.counters.dialogPinned).toBe(2);
  });

  it('reads the pin only from the top Route entry, and only when that entry names this server', async () => {
    const { selector, registry } = await setup([spec('acme', { dialogGraceMs: 60_000 })]);
    await registry.upload('acme', rt.stamp(9), { by: 'test', activate: true });
    const good = pins.routeParam('acme', 1, 'c1');
    const at = (routes: string[]) =>
      selector.select(request('BYE', 'sip:b@10.0.0.2', ['in-dialog', ...routes]), source('udp', 5060))
        ?.version;
    // Below our own entry, or in an entry of another host or port on top.
    expect(at([route('x=1'), route(good)])).toBe(2);
    expect(at([route(good, '198.51.100.7')])).toBe(2);
    expect(at([route(good, '127.0.0.1:5070')])).toBe(2);
    expect(at([route(good, '198.51.100.7'), route(good)])).toBe(2);
    expect(selector.counters.dialogPinRefused['not-ours']).toBe(3);
    expect(at([route(good), route(good, '198.51.100.7')])).toBe(1);
  });

  it('gives no grace to a version an operator rolled back from', async () => {
    const { selector, registry } = await setup([spec('acme', { dialogGraceMs: 60_000 })]);
    await registry.upload('acme', rt.stamp(9), { by: 'test', activate: true });
    expect(selector.select(inDialog('acme', 2), source('udp', 5060))?.version).toBe(2);
    // A transaction of version 2 still runs (it stays loaded), yet no new dialog request goes to it.
    const v2 = registry.active('acme')!;
    v2.pin();
    await registry.rollback('acme', 'operator');
    expect(selector.select(inDialog('acme', 2), source('udp', 5060))?.version).toBe(1);
    expect(selector.counters.dialogPinRefused.revoked).toBe(1);
    // Activated again by an operator: it takes its dialogs again.
    await registry.activate('acme', 2, 'operator');
    expect(selector.select(inDialog('acme', 2), source('udp', 5060))?.version).toBe(2);
    v2.unpin();
  });

  it('ignores the parameter for tenants without a grace period', async () => {
    const { selector, registry } = await setup([spec('acme')]);
    registry.active('acme')!.pin();
    await registry.upload('acme', rt.stamp(9), { by: 'test', activate: true });
    expect(selector.select(inDialog('acme', 1), source('udp', 5060))?.version).toBe(2);
  });
});
