// The subscriber store: HA1 forms, tenants and tables apart, the quota, all-or-nothing imports, password
// changes, and (only when asked) plaintext passwords; persistence across a reopen.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { computeHa1 } from '../../src/sip/digest.ts';
import {
  loadAuthSecret,
  SECRET_FILE,
  type SubscriberOptions,
  SubscriberStore,
} from '../../src/state/index.ts';

const opened: SubscriberStore[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function open(over: Partial<SubscriberOptions> = {}): SubscriberStore {
  const r = SubscriberStore.open({ dir: undefined, maxSubscribers: 3, storePasswords: false, ...over });
  if (!r.ok) throw new Error(r.error);
  opened.push(r.value);
  return r.value;
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kemi-subscribers-'));
  dirs.push(dir);
  return dir;
}

describe('SubscriberStore', () => {
  it('keeps the HA1 forms of a password and no password', () => {
    const s = open();
    expect(s.add('t', 'subscriber', { username: 'alice', domain: 'Example.ORG', password: 'pw' }).ok).toBe(
      true,
    );
    const found = s.find('t', 'subscriber', 'alice', 'example.org', 'example.org')!;
    expect(found.ha1).toBe(computeHa1('MD5', 'alice', 'example.org', 'pw'));
    expect(found.ha1b).toBe(computeHa1('MD5', 'alice@example.org', 'example.org', 'pw'));
    expect(found.ha1Sha256).toBe(computeHa1('SHA-256', 'alice', 'example.org', 'pw'));
    expect(found.password).toBeUndefined();
    expect(
      open({ storePasswords: true }).add('t', 'subscriber', { username: 'a', domain: 'd', password: 'pw' })
        .ok,
    ).toBe(true);
    expect(opened[1].find('t', 'subscriber', 'a', 'd', 'd')?.password).toBe('pw');
  });

  it('keeps tenants and tables apart', () => {
    const s = open();
    s.add('t', 'subscriber', { username: 'alice', domain: 'example.org', password: 'pw' });
    expect(s.find('u', 'subscriber', 'alice', 'example.org', 'example.org')).toBeUndefined();
    expect(s.find('t', 'other', 'alice', undefined, 'example.org')).toBeUndefined();
    expect(s.find('t', 'subscriber', 'alice', undefined, 'x')?.domain).toBe('example.org');
    expect(s.list('u', 10, 0)).toEqual([]);
    expect(s.list('t', 10, 0).map((i) => `${i.username}@${i.domain}`)).toEqual(['alice@example.org']);
  });

  it('refuses a duplicate, an invalid name, and a subscriber past the quota', () => {
    const s = open();
    const alice = { username: 'alice', domain: 'example.org', password: 'pw' };
    s.add('t', 'subscriber', alice);
    expect(s.add('t', 'subscriber', alice)).toMatchObject({ ok: false, error: { code: 'exists' } });
    expect(s.add('t', 'subscriber', { ...alice, username: 'a b' })).toMatchObject({
      ok: false,
      error: { code: 'invalid' },
    });
    s.add('t', 'subscriber', { ...alice, username: 'b' });
    s.add('t', 'subscriber', { ...alice, username: 'c' });
    expect(s.add('t', 'subscriber', { ...alice, username: 'd' })).toMatchObject({
      ok: false,
      error: { code: 'quota' },
    });
    // The quota is per tenant.
    expect(s.add('u', 'subscriber', { ...alice, username: 'd' }).ok).toBe(true);
  });

  it('imports all or nothing, updating existing ones only when asked', () => {
    const s = open();
    s.add('t', 'subscriber', { username: 'alice', domain: 'd', password: 'old' });
    const list = [
      { username: 'alice', domain: 'd', password: 'new' },
      { username: 'bob', domain: 'd', password: 'pw' },
    ];
    expect(s.addAll('t', 'subscriber', list, false)).toMatchObject({ ok: false, error: { code: 'exists' } });
    expect(s.count('t')).toBe(1);
    expect(s.addAll('t', 'subscriber', list, true)).toEqual({ ok: true, value: { added: 1, updated: 1 } });
    expect(s.find('t', 'subscriber', 'alice', 'd', 'd')?.ha1).toBe(computeHa1('MD5', 'alice', 'd', 'new'));
    const tooMany = ['x', 'y', 'z'].map((username) => ({ username, domain: 'd', password: 'pw' }));
    expect(s.addAll('t', 'subscriber', tooMany, false)).toMatchObject({
      ok: false,
      error: { code: 'quota' },
    });
    expect(s.count('t')).toBe(2);
  });

  it('changes a password and removes a subscriber', () => {
    const s = open();
    s.add('t', 'subscriber', { username: 'alice', domain: 'd', password: 'old' });
    expect(s.setPassword('t', 'subscriber', { username: 'alice', domain: 'd', password: 'new' }).ok).toBe(
      true,
    );
    expect(s.find('t', 'subscriber', 'alice', 'd', 'd')?.ha1).toBe(computeHa1('MD5', 'alice', 'd', 'new'));
    expect(s.setPassword('t', 'subscriber', { username: 'bob', domain: 'd', password: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'unknown' },
    });
    expect(s.remove('t', 'subscriber', 'alice', 'd').ok).toBe(true);
    expect(s.remove('t', 'subscriber', 'alice', 'd').ok).toBe(false);
  });

  it('keeps subscribers across a reopen of the data dir', () => {
    const dir = tempDir();
    open({ dir }).add('t', 'subscriber', { username: 'alice', domain: 'd', password: 'pw' });
    opened.pop()?.close();
    expect(open({ dir }).count('t')).toBe(1);
  });
});

describe('loadAuthSecret', () => {
  it('makes a secret once, keeps it in the data dir (0600), and reads it back', () => {
    const dir = tempDir();
    const first = loadAuthSecret({ given: undefined, dataDir: dir });
    const second = loadAuthSecret({ given: undefined, dataDir: dir });
    expect(first.ok && second.ok && Buffer.from(first.value).equals(Buffer.from(second.value))).toBe(true);
    expect(statSync(join(dir, SECRET_FILE)).mode & 0o777).toBe(0o600);
    const given = loadAuthSecret({ given: 'a configured secret value', dataDir: dir });
    expect(given.ok && Buffer.from(given.value).toString()).toBe('a configured secret value');
  });
});
