// KSR permissions and pike over a route context: Kamailio's return codes, the source address and port of
// the context, groups, names, the tenant of the context as the only table reached, denials counted per
// tenant, and pike's 1 / -2 / -1 per tenant.
import { describe, expect, it } from 'vitest';
import type { PermissionsHost, RouteHost } from '../../src/kemi/index.ts';
import { permissions } from '../../src/kemi/permissions.ts';
import { pike } from '../../src/kemi/pike.ts';
import { AddressStore, PikeStore } from '../../src/state/index.ts';
import type { Source } from '../../src/transport/index.ts';
import { call, contextFor, INVITE } from './fixture.ts';

function addresses(): AddressStore {
  const opened = AddressStore.open({ dir: undefined, maxPerTenant: 100 });
  if (!opened.ok) throw new Error(opened.error);
  const store = opened.value;
  const rows = [
    { group: 1, address: '10.0.0.0/24', port: 0 },
    { group: 2, address: '10.0.0.1', port: 5062, tag: 'pbx' },
    { group: 3, address: '2001:db8::/32', port: 5060 },
    { group: 4, address: 'gw.example.com', port: 0 },
  ];
  const added = store.addMany('acme', rows);
  if (!added.ok) throw new Error(added.error.message);
  if (!store.add('other', { group: 1, address: '192.0.2.1' }).ok) throw new Error('add');
  return store;
}

function setup(tenant: string | undefined, remote = { address: '10.0.0.1', port: 5062 }) {
  const host: PermissionsHost = { store: addresses(), denied: {} };
  const source: Source = { proto: 'udp', remote, local: { address: '127.0.0.1', port: 5060 } };
  const extra: Partial<RouteHost> = { permissions: host, pike: new PikeStore(undefined, () => 0) };
  const script = tenant === undefined ? undefined : { tenant, version: 1 };
  const { ctx } = contextFor(INVITE, 'request', source, extra, script);
  const perm = (name: string, ...args: (string | number)[]) => call(permissions, name, ctx, ...args);
  return { ctx, perm, host, extra };
}

describe('KSR permissions', () => {
  it('allow-source-address: 1 when $si/$sp match a row of the group, else -1', () => {
    const { perm } = setup('acme');
    expect(perm('allow-source-address', 1)).toBe(1);
    expect(perm('allow-source-address', 2)).toBe(1);
    expect(perm('allow-source-address', 3)).toBe(-1);
    const elsewhere = setup('acme', { address: '10.0.1.1', port: 5062 });
    expect(elsewhere.perm('allow-source-address', 1)).toBe(-1);
    const otherPort = setup('acme', { address: '10.0.0.1', port: 5099 });
    expect(otherPort.perm('allow-source-address', 2)).toBe(-1);
    expect(otherPort.perm('allow-source-address', 1)).toBe(1);
  });

  it('allow-address: an IP of either family or a name, with its port', () => {
    const { perm } = setup('acme');
    expect(perm('allow-address', 3, '2001:db8::5', 5060)).toBe(1);
    expect(perm('allow-address', 3, '[2001:db8::5]', 5060)).toBe(1);
    expect(perm('allow-address', 3, '2001:db8::5', 5061)).toBe(-1);
    expect(perm('allow-address', 1, '::ffff:10.0.0.9', 1)).toBe(1);
    expect(perm('allow-address', 1, '::a00:9', 1)).toBe(-1);
    expect(perm('allow-address', 4, 'gw.example.com', 5070)).toBe(1);
    expect(perm('allow-address', 4, 'gw2.example.com', 5070)).toBe(-1);
    expect(perm('allow-address', 1, '', 5060)).toBe(-1);
  });

  it('the *-group functions answer the group of the row, or -1', () => {
    const { perm } = setup('acme');
    // 10.0.0.1:5062 is in group 2 (its host row) and in group 1 (a range): the host row answers.
    expect(perm('allow-source-address-group')).toBe(2);
    expect(perm('allow-address-group', '10.0.0.1', 5000)).toBe(1);
    expect(perm('allow-address-group', '2001:db8:1::1', 5060)).toBe(3);
    expect(perm('allow-address-group', 'gw.example.com', 0)).toBe(4);
    expect(perm('allow-address-group', '192.0.2.1', 5060)).toBe(-1);
  });

  it("reaches only the context tenant's rows, and counts its denials", () => {
    const other = setup('other', { address: '10.0.0.1', port: 5062 });
    expect(other.perm('allow-source-address', 1)).toBe(-1);
    expect(other.perm('allow-source-address-group')).toBe(-1);
    expect(other.perm('allow-address', 1, '192.0.2.1', 5060)).toBe(1);
    const acme = setup('acme');
    expect(acme.perm('allow-address', 1, '192.0.2.1', 5060)).toBe(-1);
    expect(other.host.denied).toEqual({
      other: { 'allow-source-address': 1, 'allow-source-address-group': 1 },
    });
    expect(acme.host.denied).toEqual({ acme: { 'allow-address': 1 } });
  });

  it('answers -1 without a tenant', () => {
    const { perm } = setup(undefined);
    expect(perm('allow-source-address', 1)).toBe(-1);
    expect(perm('allow-source-address-group')).toBe(-1);
  });
});

describe('KSR pike', () => {
  it('pike-check-req counts $si: 1 up to the density, -2 once, then -1', () => {
    const { ctx, extra } = setup('acme');
    const verdicts = Array.from({ length: 32 }, () => call(pike, 'pike-check-req', ctx));
    expect(verdicts.slice(0, 29).every((v) => v === 1)).toBe(true);
    expect(verdicts.slice(29)).toEqual([-2, -1, -1]);
    expect(extra.pike!.counts()).toEqual([
      { tenant: 'acme', detected: 1, blocked: 2, evicted: 0, entries: 1 },
    ]);
  });

  it("pike-check-ip: -1 for no IP address; another tenant's counts are its own", () => {
    const { ctx, extra } = setup('acme');
    expect(call(pike, 'pike-check-ip', ctx, 'not-an-ip')).toBe(-1);
    expect(call(pike, 'pike-check-ip', ctx, '')).toBe(-1);
    for (let i = 0; i < 40; i++) call(pike, 'pike-check-ip', ctx, '203.0.113.5');
    expect(call(pike, 'pike-check-ip', ctx, '203.0.113.5')).toBe(-1);
    const { ctx: otherCtx } = contextFor(INVITE, 'request', undefined, extra, {
      tenant: 'other',
      version: 1,
    });
    expect(call(pike, 'pike-check-ip', otherCtx, '203.0.113.5')).toBe(1);
  });
});
