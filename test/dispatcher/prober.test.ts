// The dispatcher's probing rounds over a recording transport: which destinations ds_probing_mode pings,
// replies absorbed by Call-ID (final ones settle a probe, 2xx or ds_ping_reply_codes alive), a probe
// unanswered by the next round counts as a 408, the relay allow-list and the per-tenant cap.
import { describe, expect, it } from 'vitest';
import { dispatcherSchema, type TenantDispatcherConfig } from '../../src/config/dispatcher-schema.ts';
import { Dispatcher } from '../../src/dispatcher/dispatcher.ts';
import { DispatcherProber } from '../../src/dispatcher/prober.ts';
import { silentLogger } from '../../src/logger.ts';
import { DispatcherStore } from '../../src/state/index.ts';
import type { AddressTarget } from '../../src/transport/send-result.ts';

function world(params: Partial<TenantDispatcherConfig>, uris: string[], maxPerTenant = 100) {
  const store = DispatcherStore.open(undefined);
  if (!store.ok) throw new Error(store.error);
  const destinations = uris.map((uri) => ({ set: 1, uri, flags: 0, priority: 0, attrs: '' }));
  const dispatcher = new Dispatcher({
    config: dispatcherSchema.parse({}),
    tenants: new Map([['acme', { ...params, destinations }]]),
    store: store.value,
    log: silentLogger,
  });
  const sent: { to: string; text: string }[] = [];
  const prober = new DispatcherProber(
    dispatcher,
    {
      allowed: (_tenant, host) => host !== '203.0.113.66',
      pick: () => ({ listener: { address: '127.0.0.1', port: 5060 }, address: '127.0.0.1', port: 5060 }),
      send: (target, bytes, done) => {
        const t = target as AddressTarget;
        sent.push({ to: `${t.address}:${t.port}`, text: bytes.toString('latin1') });
        queueMicrotask(() => done({ ok: true } as never));
      },
    },
    { intervalMs: 1000, maxPerTenant },
  );
  /** The reply `status` to the probe `text`, as its destination would send it. */
  const answer = (text: string, status: number) => {
    const header = (name: string) => new RegExp(`^${name}: .*$`, 'm').exec(text)?.[0] ?? '';
    const reply = [
      `SIP/2.0 ${status} Whatever`,
      header('Via'),
      header('From'),
      `${header('To')};tag=uas`,
      header('Call-ID'),
      header('CSeq'),
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    return prober.absorb(Buffer.from(reply, 'latin1'));
  };
  const state = () => dispatcher.list('acme').map((d) => `${d.uri} ${d.state}`);
  const flush = () => new Promise((resolve) => setImmediate(resolve));
  return { dispatcher, prober, sent, answer, state, flush };
}

describe('dispatcher probing', () => {
  it('mode 1 pings every destination; a silent one goes inactive at the next round, a 200 brings it back', async () => {
    const w = world({ ds_probing_mode: 1 }, ['sip:10.0.0.1:5070', 'sip:10.0.0.2:5070']);
    w.prober.round();
    await w.flush();
    expect(w.sent.map((s) => s.to).sort()).toEqual(['10.0.0.1:5070', '10.0.0.2:5070']);
    expect(w.sent[0].text).toMatch(/^OPTIONS sip:10\.0\.0\.\d:5070 SIP\/2\.0\r\n/);
    expect(w.sent[0].text).toContain('From: <sip:dispatcher@localhost>;tag=');
    const to1 = w.sent.find((s) => s.to === '10.0.0.1:5070')!;
    expect(w.answer(to1.text, 100)).toBe(true);
    expect(w.answer(to1.text, 200)).toBe(true);
    w.prober.round();
    await w.flush();
    expect(w.state()).toEqual(['sip:10.0.0.2:5070 IP', 'sip:10.0.0.1:5070 AP']);
    expect(w.dispatcher.counts.acme).toMatchObject({ probe_sent: 4, probe_timeout: 1, down: 1 });
    const to2 = w.sent.slice(2).find((s) => s.to === '10.0.0.2:5070')!;
    w.answer(to2.text, 200);
    expect(w.state()).toEqual(['sip:10.0.0.2:5070 AP', 'sip:10.0.0.1:5070 AP']);
    expect(w.dispatcher.counts.acme.up).toBe(1);
  });

  it('a 503 is a failure unless ds_ping_reply_codes names it', async () => {
    const strict = world({ ds_probing_mode: 1 }, ['sip:10.0.0.1']);
    strict.prober.round();
    await strict.flush();
    strict.answer(strict.sent[0].text, 503);
    expect(strict.state()).toEqual(['sip:10.0.0.1 IP']);
    const lenient = world({ ds_probing_mode: 1, ds_ping_reply_codes: 'class=5' }, ['sip:10.0.0.1']);
    lenient.prober.round();
    await lenient.flush();
    lenient.answer(lenient.sent[0].text, 503);
    expect(lenient.state()).toEqual(['sip:10.0.0.1 AP']);
  });

  it('mode 0 pings only destinations flagged probing; mode 2 only inactive and probing ones', async () => {
    const none = world({ ds_probing_mode: 0 }, ['sip:10.0.0.1']);
    none.prober.round();
    await none.flush();
    expect(none.sent).toHaveLength(0);
    const inactive = world({ ds_probing_mode: 2 }, ['sip:10.0.0.1', 'sip:10.0.0.2']);
    inactive.dispatcher.tenant('acme').updateState(1, 'sip:10.0.0.2', 1 | 8, 'test');
    inactive.prober.round();
    await inactive.flush();
    expect(inactive.sent.map((s) => s.to)).toEqual(['10.0.0.2:5060']);
  });

  it('does not probe outside relay_allow, and cuts a tenant at max_pings_per_interval, going on next round', async () => {
    const w = world(
      { ds_probing_mode: 1 },
      ['sip:203.0.113.66', 'sip:10.0.0.1', 'sip:10.0.0.2', 'sip:10.0.0.3'],
      2,
    );
    w.prober.round();
    await w.flush();
    expect(w.dispatcher.counts.acme).toMatchObject({ probe_refused: 0, probe_capped: 1, probe_sent: 2 });
    w.prober.round();
    await w.flush();
    expect(w.dispatcher.counts.acme).toMatchObject({ probe_refused: 1, probe_capped: 1, probe_sent: 3 });
    expect(w.sent.map((s) => s.to)).toEqual(['10.0.0.3:5060', '10.0.0.2:5060', '10.0.0.1:5060']);
  });

  it('does not probe a destination named by a host name or over another transport', async () => {
    const w = world({ ds_probing_mode: 1 }, [
      'sip:gw.example.com',
      'sip:10.0.0.1;transport=tcp',
      'sip:10.0.0.2',
    ]);
    w.prober.round();
    await w.flush();
    expect(w.sent.map((s) => s.to)).toEqual(['10.0.0.2:5060']);
  });

  it('ignores replies that are not to its probes', () => {
    const w = world({ ds_probing_mode: 1 }, ['sip:10.0.0.1']);
    expect(w.answer('Call-ID: someone-else\r\n', 200)).toBe(false);
  });
});
