// The permissions address table: IPv4 and IPv6 ranges and hosts (never across families), ports (0 = any),
// groups (the lowest among several, a host row before a range), names as written, tenant isolation, the
// refusals of add (invalid, duplicate, the tenant cap) with bulk adds all-or-nothing, the index following
// every change, and rows kept in addresses.db across a reopen.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AddressStore, parseIp } from '../../src/state/index.ts';

const stores: AddressStore[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

function open(maxPerTenant = 1000, dir?: string): AddressStore {
  const opened = AddressStore.open({ dir, maxPerTenant });
  if (!opened.ok) throw new Error(opened.error);
  stores.push(opened.value);
  return opened.value;
}

function must(store: AddressStore, tenant: string, group: number, address: string, port = 0, tag?: string) {
  const added = store.add(tenant, { group, address, port, tag });
  if (!added.ok) throw new Error(added.error.message);
  return added.value;
}

const ip = (text: string) => {
  const v = parseIp(text);
  if (!v) throw new Error(`not an IP: ${text}`);
  return v;
};

describe('address table matching', () => {
  it('matches IPv4 ranges and hosts by prefix, and only IPv4', () => {
    const store = open();
    must(store, 'a', 1, '10.1.0.0/16');
    must(store, 'a', 1, '192.0.2.7');
    const index = store.index('a');
    expect(index.match(1, ip('10.1.255.3'), 5060)?.address).toBe('10.1.0.0/16');
    expect(index.match(1, ip('10.2.0.1'), 5060)).toBeUndefined();
    expect(index.match(1, ip('192.0.2.7'), 5060)?.address).toBe('192.0.2.7');
    expect(index.match(1, ip('192.0.2.8'), 5060)).toBeUndefined();
    // An IPv4-mapped IPv6 address is the IPv4 address; any other IPv6 address is not.
    expect(index.match(1, ip('::ffff:10.1.2.3'), 5060)?.address).toBe('10.1.0.0/16');
    expect(index.match(1, ip('::a01:203'), 5060)).toBeUndefined();
    expect(index.match(1, ip('64:ff9b::10.1.2.3'), 5060)).toBeUndefined();
  });

  it('matches IPv6 ranges and hosts, and no IPv4 address with them', () => {
    const store = open();
    must(store, 'a', 1, '2001:db8:aa::/48');
    must(store, 'a', 1, '2001:DB8::0:1');
    must(store, 'a', 2, '::/1');
    const index = store.index('a');
    expect(index.match(1, ip('2001:db8:aa:ffff::9'), 1)?.address).toBe('2001:db8:aa::/48');
    expect(index.match(1, ip('[2001:db8::1]'), 1)?.address).toBe('2001:db8::1');
    expect(index.match(1, ip('2001:db8:ab::1'), 1)).toBeUndefined();
    // ::/1 covers every IPv4-mapped and IPv4-compatible IPv6 address, and still no IPv4 address.
    expect(index.match(2, ip('::1'), 1)?.address).toBe('::/1');
    expect(index.match(2, ip('127.0.0.1'), 1)).toBeUndefined();
    expect(index.match(2, ip('::ffff:127.0.0.1'), 1)).toBeUndefined();
  });

  it('clears host bits of a range and refuses a /0', () => {
    const store = open();
    expect(must(store, 'a', 1, '10.9.8.7/8').address).toBe('10.0.0.0/8');
    expect(must(store, 'a', 1, '2001:db8::77/32').address).toBe('2001:db8::/32');
    expect(must(store, 'a', 1, '::ffff:172.16.0.1/108').address).toBe('172.16.0.0/12');
    for (const bad of ['0.0.0.0/0', '::/0', '10.0.0.0/33', '2001:db8::/129', '10.0.0.1/x', '300.1.1.1']) {
      const r = store.add('a', { group: 1, address: bad });
      expect(r.ok ? 'added' : r.error.code, bad).toBe('invalid');
    }
  });

  it('matches the port, 0 matching any', () => {
    const store = open();
    must(store, 'a', 1, '192.0.2.1', 5060);
    must(store, 'a', 1, '192.0.2.0/24', 0);
    must(store, 'a', 3, '198.51.100.1', 5080);
    const index = store.index('a');
    expect(index.match(1, ip('192.0.2.1'), 5060)?.port).toBe(5060);
    expect(index.match(1, ip('192.0.2.1'), 9999)?.address).toBe('192.0.2.0/24');
    expect(index.match(3, ip('198.51.100.1'), 5080)).toBeDefined();
    expect(index.match(3, ip('198.51.100.1'), 5060)).toBeUndefined();
    expect(index.findGroup(ip('198.51.100.1'), 5060)).toBeUndefined();
  });

  it('answers the group: a host row before a range, else the lowest group', () => {
    const store = open();
    must(store, 'a', 7, '10.0.0.0/8');
    must(store, 'a', 4, '10.1.0.0/16');
    must(store, 'a', 9, '10.1.2.3');
    must(store, 'a', 5, '10.1.2.3');
    const index = store.index('a');
    expect(index.findGroup(ip('10.1.2.3'), 5060)?.group).toBe(5);
    expect(index.findGroup(ip('10.1.2.4'), 5060)?.group).toBe(4);
    expect(index.findGroup(ip('10.2.0.1'), 5060)?.group).toBe(7);
    expect(index.findGroup(ip('11.0.0.1'), 5060)).toBeUndefined();
    // A row of one group does not answer for another.
    expect(index.match(9, ip('10.1.2.4'), 5060)).toBeUndefined();
    expect(index.match(7, ip('10.1.2.3'), 5060)?.address).toBe('10.0.0.0/8');
  });

  it('matches host names as written', () => {
    const store = open();
    must(store, 'a', 2, 'gw.example.com', 5060, 'carrier-x');
    const index = store.index('a');
    expect(index.matchName(2, 'gw.example.com', 5060)?.tag).toBe('carrier-x');
    expect(index.matchName(2, 'GW.example.com', 5060)).toBeUndefined();
    expect(index.matchName(1, 'gw.example.com', 5060)).toBeUndefined();
    expect(index.findGroupByName('gw.example.com', 5060)?.group).toBe(2);
    expect(index.findGroupByName('gw.example.com', 5061)).toBeUndefined();
  });
});

describe('address table rows', () => {
  it('keeps each tenant to its own rows', () => {
    const store = open();
    must(store, 'a', 1, '192.0.2.1');
    const b = must(store, 'b', 1, '198.51.100.1');
    expect(store.index('a').match(1, ip('198.51.100.1'), 5060)).toBeUndefined();
    expect(store.index('b').match(1, ip('192.0.2.1'), 5060)).toBeUndefined();
    expect(store.list('a').map((r) => r.address)).toEqual(['192.0.2.1']);
    // A row id of another tenant removes nothing.
    expect(store.remove('a', b.id)).toBe(false);
    expect(store.list('b')).toHaveLength(1);
    expect(store.countsByTenant()).toEqual({ a: 1, b: 1 });
  });

  it('follows adds and removals in the index', () => {
    const store = open();
    expect(store.index('a').match(1, ip('192.0.2.1'), 1)).toBeUndefined();
    const row = must(store, 'a', 1, '192.0.2.1');
    expect(store.index('a').match(1, ip('192.0.2.1'), 1)).toBeDefined();
    expect(store.remove('a', row.id)).toBe(true);
    expect(store.index('a').match(1, ip('192.0.2.1'), 1)).toBeUndefined();
  });

  it('refuses duplicates, bad values and rows past the tenant cap; a bulk add is all or none', () => {
    const store = open(3);
    must(store, 'a', 1, '192.0.2.1', 5060);
    const dup = store.add('a', { group: 1, address: '192.0.2.1', port: 5060 });
    expect(dup.ok ? 'added' : dup.error.code).toBe('duplicate');
    expect(store.add('a', { group: 2, address: '192.0.2.1', port: 5060 }).ok).toBe(true);
    for (const bad of [
      { group: -1, address: '10.0.0.1' },
      { group: 1, address: '10.0.0.1', port: 70000 },
      { group: 1, address: 'bad name!' },
      { group: 1, address: '10.0.0.1', tag: 'x\ny' },
    ]) {
      const r = store.add('a', bad);
      expect(r.ok ? 'added' : r.error.code, JSON.stringify(bad)).toBe('invalid');
    }
    const over = store.addMany('a', [
      { group: 3, address: '10.0.0.1' },
      { group: 3, address: '10.0.0.2' },
    ]);
    expect(over.ok ? 'added' : over.error.code).toBe('full');
    const badRow = store.addMany('b', [
      { group: 1, address: '10.0.0.1' },
      { group: 1, address: '10.0.0.1' },
    ]);
    expect(badRow.ok ? 'added' : [badRow.error.code, badRow.error.index]).toEqual(['duplicate', 1]);
    expect(store.list('b')).toEqual([]);
    expect(store.list('a')).toHaveLength(2);
  });

  it('keeps the rows in addresses.db across a reopen', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kemi-addresses-'));
    const first = open(10, dir);
    must(first, 'a', 1, '2001:db8::/32', 0, 'v6 peers');
    first.close();
    const again = open(10, dir);
    expect(again.list('a')).toEqual([
      { id: 1, group: 1, address: '2001:db8::/32', port: 0, tag: 'v6 peers' },
    ]);
    expect(again.index('a').match(1, ip('2001:db8:1::1'), 5060)?.tag).toBe('v6 peers');
  });
});
