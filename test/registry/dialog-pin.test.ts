// The dialog pin token (kwv=<version>.<mac>): signed for tenant, version and Call-ID, read only from our own
// top Route entry; and its key, kept in the data dir so dialogs outlive a restart.
import { createSecretKey, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DialogPins, loadPinKey, PIN_KEY_FILE } from '../../src/registry/index.ts';
import { parseMessage, type SipRequest, type SipUri } from '../../src/sip/index.ts';

const own = (uri: SipUri) => uri.host === 'proxy.example' || uri.host === '192.0.2.1';

function bye(routes: string[], callId = 'call-1', toTag = true): SipRequest {
  const text = [
    'BYE sip:bob@198.51.100.2 SIP/2.0',
    'Via: SIP/2.0/UDP 198.51.100.1;branch=z9hG4bK-1',
    'From: <sip:alice@example.org>;tag=a',
    `To: <sip:bob@example.org>${toTag ? ';tag=b' : ''}`,
    `Call-ID: ${callId}`,
    'CSeq: 2 BYE',
    ...routes.map((r) => `Route: ${r}`),
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const parsed = parseMessage(text, { datagram: true });
  if (!parsed.ok) throw new Error(parsed.error.detail);
  return parsed.value as SipRequest;
}

const pins = () => new DialogPins(createSecretKey(randomBytes(32)));

describe('the dialog pin token', () => {
  it('is the version and a 96-bit MAC in base64url, verified for the same tenant and Call-ID', () => {
    const p = pins();
    const param = p.routeParam('acme', 7, 'call-1');
    expect(param).toMatch(/^kwv=7\.[A-Za-z0-9_-]{16}$/);
    expect(p.routeParam('acme', 7, 'call-1')).toBe(param);
    const route = `<sip:proxy.example;lr;${param}>`;
    expect(p.claim(bye([route]), 'acme', own)).toEqual({ kind: 'pinned', version: 7 });
  });

  it('binds the tenant, the version, the Call-ID and the key', () => {
    const p = pins();
    const claim = (param: string, tenant = 'acme', callId = 'call-1') =>
      p.claim(bye([`<sip:proxy.example;lr;${param}>`], callId), tenant, own);
    const param = p.routeParam('acme', 7, 'call-1');
    const unverified = { kind: 'refused', reason: 'unverified' };
    expect(claim(param, 'beta')).toEqual(unverified);
    expect(claim(param, 'acme', 'call-2')).toEqual(unverified);
    expect(claim(param.replace('kwv=7.', 'kwv=8.'))).toEqual(unverified);
    expect(claim(pins().routeParam('acme', 7, 'call-1'))).toEqual(unverified);
    for (const malformed of ['kwv=7', 'kwv=07.AAAAAAAAAAAAAAAA', 'kwv=7.AAAA', 'kwv=7.!AAAAAAAAAAAAAAA'])
      expect(claim(malformed), malformed).toEqual(unverified);
  });

  it('is read from the top Route entry only, when it names this server, and only in a dialog', () => {
    const p = pins();
    const param = p.routeParam('acme', 7, 'call-1');
    const claim = (routes: string[], toTag = true) => p.claim(bye(routes, 'call-1', toTag), 'acme', own);
    expect(claim([`<sip:192.0.2.1:5060;lr;${param}>`])).toEqual({ kind: 'pinned', version: 7 });
    expect(claim([`<sip:198.51.100.9;lr;${param}>`])).toEqual({ kind: 'refused', reason: 'not-ours' });
    expect(claim(['<sip:proxy.example;lr>', `<sip:proxy.example;lr;${param}>`])).toEqual({ kind: 'none' });
    expect(claim([`<sip:proxy.example;lr;${param}>`], false)).toEqual({ kind: 'none' });
    expect(claim([])).toEqual({ kind: 'none' });
  });
});

describe('the pin key', () => {
  it('is made once in the data dir (mode 0600) and read back on the next start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kemi-pin-key-'));
    const first = await loadPinKey(dir);
    if (!first.ok) throw new Error(first.error);
    const path = join(dir, PIN_KEY_FILE);
    expect(first.value.where).toBe(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const second = await loadPinKey(dir);
    if (!second.ok) throw new Error(second.error);
    // A pin made before the restart verifies after it.
    const param = new DialogPins(first.value.key).routeParam('acme', 3, 'call-1');
    const after = new DialogPins(second.value.key);
    expect(after.claim(bye([`<sip:proxy.example;lr;${param}>`]), 'acme', own)).toEqual({
      kind: 'pinned',
      version: 3,
    });
    expect(readFileSync(path)).toHaveLength(32);
  });

  it('refuses a key file that is too short, and lives in the process without a data dir', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kemi-pin-key-'));
    writeFileSync(join(dir, PIN_KEY_FILE), 'short');
    const loaded = await loadPinKey(dir);
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) expect(loaded.error).toMatch(/5 bytes, not a 32-byte key/);
    const memory = await loadPinKey(undefined);
    expect(memory).toMatchObject({ ok: true, value: { where: 'process' } });
  });
});
