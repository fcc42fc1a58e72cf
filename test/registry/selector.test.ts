// Which script serves a message: tenants by socket and request domain in configuration order, the
// unmatched policy, the 503 for a tenant without a version, and dialog pinning by Route parameter.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ModuleCompiler,
  RegistrySelector,
  TenantMatcher,
  type TenantSpec,
} from '../../src/registry/index.ts';
import { parseMessage, type SipRequest } from '../../src/sip/index.ts';
import type { Source } from '../../src/transport/index.ts';
import { buildStampedRoute, type StampedRoute } from './fixtures.ts';
import { type Opened, openRegistry, spec } from './helpers/setup.ts';

let compiler: ModuleCompiler;
let route: StampedRoute;
const opened: Opened[] = [];

beforeAll(async () => {
  compiler = new ModuleCompiler();
  route = await buildStampedRoute();
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

function source(proto: 'udp' | 'tcp', port: number, address = '127.0.0.1'): Source {
  return { proto, remote: { address: '10.0.0.1', port: 5999 }, local: { address, port } };
}

function request(method: string, uri: string, extra: string[] = []): SipRequest {
  const text = [
    `${method} ${uri} SIP/2.0`,
    'Via: SIP/2.0/UDP 10.0.0.1:5999;branch=z9hG4bK-1',
    'From: <sip:a@example.org>;tag=f1',
    `To: <sip:b@example.org>${extra.includes('in-dialog') ? ';tag=t1' : ''}`,
    'Call-ID: c1',
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
    await o.registry.upload(t.name, route.stamp(++n * 100), { by: 'test', activate: true });
  const refused: Refused[] = [];
  const selector = new RegistrySelector({
    registry: o.registry,
    matcher: new TenantMatcher(tenants, bound),
    unmatched,
    dialogTenants: new Set(tenants.filter((t) => t.dialogGraceMs > 0).map((t) => t.name)),
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
    await registry.upload('acme', route.stamp(9), { by: 'test', activate: true });
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
      refuse: (req, _s, status, reason) => refused.push({ status, reason, method: req.method }),
    });
    expect(selector.select(request('OPTIONS', 'sip:x@h'), source('udp', 5060))).toBeUndefined();
    expect(refused).toEqual([{ status: 503, reason: 'Service Unavailable', method: 'OPTIONS' }]);
  });
});

describe('dialog pinning', () => {
  const inDialog = (version: number) =>
    request('BYE', 'sip:b@10.0.0.2', ['in-dialog', `Route: <sip:127.0.0.1:5060;lr;kwv=${version}>`]);

  it('runs an in-dialog request on the version its Route names while that version is in grace', async () => {
    const { selector, registry } = await setup([spec('acme', { dialogGraceMs: 60_000 })]);
    await registry.upload('acme', route.stamp(9), { by: 'test', activate: true });
    expect(selector.select(inDialog(1), source('udp', 5060))?.version).toBe(1);
    expect(selector.counters.dialogPinned).toBe(1);
    // Unknown versions and requests outside a dialog get the active version.
    expect(selector.select(inDialog(7), source('udp', 5060))?.version).toBe(2);
    expect(
      selector.select(request('INVITE', 'sip:b@h', ['Route: <sip:127.0.0.1;lr;kwv=1>']), source('udp', 5060))
        ?.version,
    ).toBe(2);
  });

  it('ignores the parameter for tenants without a grace period', async () => {
    const { selector, registry } = await setup([spec('acme')]);
    registry.active('acme')!.pin();
    await registry.upload('acme', route.stamp(9), { by: 'test', activate: true });
    expect(selector.select(inDialog(1), source('udp', 5060))?.version).toBe(2);
  });
});
