// The NAT keepalive's rounds on a real location store (injected clock): which bindings are pinged and how
// (ping_nated_only, sipping_bflag, natping_disable_bflag, UDP only, the received address first), the
// per-tenant cap and its rotation, replies absorbed by Call-ID, and keepalive_timeout's removal.
import { afterEach, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.ts';
import { natPingSettings } from '../../src/config/nathelper-schema.ts';
import { silentLogger } from '../../src/logger.ts';
import { NatKeepalive, type NatPingSettings } from '../../src/router/nat-keepalive.ts';
import { type Binding, DEFAULT_REGISTRAR, LocationStore } from '../../src/state/index.ts';
import type { AddressTarget } from '../../src/transport/send-result.ts';

const stores: LocationStore[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

const NAT = 1 << 6;
const SIP = 1 << 7;
const OFF = 1 << 8;

const SETTINGS: NatPingSettings = {
  intervalMs: 1000,
  natOnly: true,
  natFlag: NAT,
  sipFlag: SIP,
  disableFlag: OFF,
  from: 'sip:pinger@kemi.test',
  method: 'OPTIONS',
  keepaliveTimeoutMs: 0,
  maxPerTenant: 100,
};

function world(settings: Partial<NatPingSettings> = {}) {
  const clock = { t: 1_700_000_000_000 };
  const opened = LocationStore.open({ dir: undefined, now: () => clock.t });
  if (!opened.ok) throw new Error(opened.error);
  const store = opened.value;
  stores.push(store);
  const sent: { to: string; text: string }[] = [];
  const keepalive = new NatKeepalive(
    { ...SETTINGS, ...settings },
    store,
    {
      allowed: (_tenant, host) => host !== '203.0.113.66',
      pick: () => ({ listener: { address: '127.0.0.1', port: 5060 }, address: '127.0.0.1', port: 5060 }),
      send: (target, bytes, done) => {
        const t = target as AddressTarget;
        sent.push({ to: `${t.address}:${t.port}`, text: bytes.toString('latin1') });
        queueMicrotask(() => done({ ok: true } as never));
      },
    },
    silentLogger,
  );
  const bind = (tenant: string, user: string, contact: string, flags: number, received?: string) => {
    const b: Binding = {
      contact,
      q: undefined,
      expiresAt: clock.t + 3_600_000,
      callId: `c-${user}`,
      cseq: 1,
      source: 'udp:198.51.100.7:40000',
      userAgent: undefined,
      updatedAt: clock.t,
      ...(received && { received }),
      ...(flags !== 0 && { flags }),
    };
    const r = store.apply(
      tenant,
      'location',
      `${user}@example.com`,
      { remove: [], put: [b] },
      DEFAULT_REGISTRAR,
    );
    if (!r.ok) throw new Error(r.error.message);
  };
  return { clock, store, keepalive, sent, bind };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('NAT keepalive rounds', () => {
  it('pings NATed bindings only: SIP OPTIONS with sipping_bflag, four zero octets without, none when disabled', async () => {
    const w = world();
    w.bind('t', 'sip', 'sip:a@10.0.0.5:5060', NAT | SIP, 'sip:198.51.100.7:40000');
    w.bind('t', 'raw', 'sip:b@10.0.0.6:5062', NAT);
    w.bind('t', 'plain', 'sip:c@192.0.2.1', 0);
    w.bind('t', 'off', 'sip:d@10.0.0.7', NAT | OFF);
    w.bind('t', 'tcp', 'sip:e@10.0.0.8;transport=tcp', NAT | SIP);
    w.bind('t', 'outside', 'sip:f@203.0.113.66', NAT | SIP);
    w.keepalive.round();
    await flush();
    expect(w.sent.map((s) => s.to).sort()).toEqual(['10.0.0.6:5062', '198.51.100.7:40000']);
    const options = w.sent.find((s) => s.to === '198.51.100.7:40000')!.text;
    expect(options).toMatch(
      /^OPTIONS sip:a@10\.0\.0\.5:5060 SIP\/2\.0\r\nVia: SIP\/2\.0\/UDP 127\.0\.0\.1:5060;branch=z9hG4bK/,
    );
    expect(options).toContain('From: <sip:pinger@kemi.test>;tag=');
    expect(options).toContain('To: <sip:a@10.0.0.5:5060>');
    expect(w.sent.find((s) => s.to === '10.0.0.6:5062')!.text).toBe('\0\0\0\0');
    expect(w.keepalive.counts.t).toMatchObject({ sent: 2, refused: 1 });
  });

  it('without ping_nated_only every binding is pinged, all by SIP once sipping_bflag is set', async () => {
    const w = world({ natOnly: false });
    w.bind('t', 'a', 'sip:a@192.0.2.1', 0);
    w.bind('t', 'b', 'sip:b@192.0.2.2', NAT);
    w.keepalive.round();
    await flush();
    expect(w.sent.map((s) => s.text.slice(0, 8))).toEqual(['OPTIONS ', 'OPTIONS ']);
  });

  it('a tenant gets max_pings_per_interval a round; the next round goes on after them', async () => {
    const w = world({ maxPerTenant: 2 });
    for (const u of ['u1', 'u2', 'u3']) w.bind('big', u, `sip:${u}@10.0.0.1`, NAT);
    w.bind('small', 'v1', 'sip:v1@10.0.0.2', NAT);
    w.keepalive.round();
    await flush();
    expect(w.sent.length).toBe(3);
    expect(w.keepalive.counts.big).toMatchObject({ sent: 2, capped: 1 });
    w.sent.length = 0;
    w.keepalive.round();
    await flush();
    // big: the third binding (then starts over); small: its one binding again.
    expect(w.sent.length).toBe(2);
  });

  it('a reply to a ping is absorbed and counted; other replies are not', async () => {
    const w = world();
    w.bind('t', 'a', 'sip:a@10.0.0.5', NAT | SIP);
    w.keepalive.round();
    await flush();
    const ping = w.sent[0].text;
    const reply = (method: string, vias: string[]) =>
      Buffer.from(
        [
          'SIP/2.0 200 OK',
          ...vias,
          /^From: .*$/m.exec(ping)![0],
          `${/^To: .*$/m.exec(ping)![0]};tag=ua`,
          /^Call-ID: .*$/m.exec(ping)![0],
          `CSeq: 1 ${method}`,
          'Content-Length: 0',
          '',
          '',
        ].join('\r\n'),
        'latin1',
      );
    const via = /^Via: .*$/m.exec(ping)![0];
    expect(w.keepalive.absorb(reply('INFO', [via]))).toBe(false);
    expect(w.keepalive.absorb(reply('OPTIONS', [via, 'Via: SIP/2.0/UDP 192.0.2.9;branch=z9hG4bK-x']))).toBe(
      false,
    );
    expect(w.keepalive.absorb(reply('OPTIONS', [via]))).toBe(true);
    expect(w.keepalive.counts.t.replied).toBe(1);
    expect(w.keepalive.absorb(Buffer.from('SIP/2.0 200 OK\r\nCall-ID: other\r\n\r\n'))).toBe(false);
  });

  it('keepalive_timeout removes a SIP-pinged binding that stopped answering, not one that answers', async () => {
    const w = world({ keepaliveTimeoutMs: 30_000 });
    w.bind('t', 'quiet', 'sip:q@10.0.0.5', NAT | SIP);
    w.bind('t', 'alive', 'sip:l@10.0.0.6', NAT | SIP);
    for (let i = 0; i < 4; i++) {
      w.clock.t += 10_000;
      w.sent.length = 0;
      w.keepalive.round();
      await flush();
      for (const s of w.sent.filter((x) => x.to.startsWith('10.0.0.6'))) {
        const answer = s.text
          .replace(/^OPTIONS .*\r\n/, 'SIP/2.0 200 OK\r\n')
          .replace(/^To: (.*)$/m, 'To: $1;tag=ua');
        expect(w.keepalive.absorb(Buffer.from(answer, 'latin1'))).toBe(true);
      }
    }
    expect(w.store.bindings('t', 'location', 'quiet@example.com')).toEqual([]);
    expect(w.store.bindings('t', 'location', 'alive@example.com')).toHaveLength(1);
    expect(w.keepalive.counts.t.removed).toBe(1);
  });
});

describe('[nathelper] configuration', () => {
  it('defaults to no keepalive; refuses what Kamailio refuses to start with', () => {
    const plain = validateConfig({ listen: ['udp:127.0.0.1:0'] });
    expect(plain.ok && natPingSettings(plain.value.nathelper).intervalMs).toBe(0);
    const bits = validateConfig({
      nathelper: { natping_interval: 30, nat_bflag: 6, sipping_bflag: 7, sipping_from: 'sip:p@x' },
    });
    expect(bits.ok && natPingSettings(bits.value.nathelper)).toMatchObject({ natFlag: 64, sipFlag: 128 });
    expect(validateConfig({ nathelper: { natping_interval: 30, ping_nated_only: 1 } }).ok).toBe(false);
    expect(validateConfig({ nathelper: { natping_interval: 30, sipping_bflag: 7 } }).ok).toBe(false);
  });
});
