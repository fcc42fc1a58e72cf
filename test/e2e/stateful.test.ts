// The proxy examples (AssemblyScript, Rust and TypeScript, same behaviour) between real SIPp callers and callees,
// over UDP and TCP: calls with Record-Route honoured, CANCEL before the answer, failover from a 503 to the
// second destination, timeouts ending in 408, retransmissions absorbed under packet loss, and a change of
// transport (double Record-Route). Every process is bounded in calls and time and stopped by PID.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltExample, buildExample, UNMEASURED_START_MS } from '../../fixtures/built-guest.ts';
import { freePort, runSipp, scenario } from '../../fixtures/sipp.ts';
import { finished, startSippUas } from '../../fixtures/sipp-uas.ts';
import { expectAll, type ServerProcess } from './harness.ts';
import { startRouteServer } from './helpers/route-server.ts';

const out = mkdtempSync(join(tmpdir(), 'kemi-e2e-proxy-'));
const guests = {
  assemblyscript: 'guest-examples/assemblyscript/proxy',
  rust: 'guest-examples/rust/proxy',
  typescript: 'guest-examples/js/proxy',
};
const CALLS = 20;
/** SIPp may see 180s and 200 retransmissions reordered or repeated: do not abort calls on them. */
const TOLERANT = ['-default_behaviors', 'all,-abortunexp'];
/** A hook that starts a server: its start is bounded by the component's measured load (route-server.ts). */
const START_HOOK_MS = UNMEASURED_START_MS + 60_000;

describe.each(Object.entries(guests))('the %s proxy example', (language, dir) => {
  let built: BuiltExample;
  let wasm: string;

  beforeAll(async () => {
    // A TypeScript guest is built once for all suites (fixtures/built-guest.ts): 5-30 s of componentize-js.
    built = await buildExample(dir, out, language);
    wasm = built.out;
  }, 240_000);

  describe.each(['udp', 'tcp'] as const)('with its callees over %s', (transport) => {
    let server: ServerProcess;
    let primary: number;
    let secondary: number;

    beforeAll(async () => {
      primary = await freePort();
      secondary = await freePort();
      const config = join(out, `${language}-${transport}.toml`);
      const param = transport === 'tcp' ? ';transport=tcp' : '';
      writeFileSync(
        config,
        [
          'listen = ["udp:127.0.0.1:0", "tcp:127.0.0.1:0"]',
          `module = "${wasm}"`,
          'log_level = "debug"',
          '[tm]',
          'fr_inv_timer = 1500',
          'fr_timer = 3000',
          '[defines]',
          `PRIMARY = "sip:127.0.0.1:${primary}${param}"`,
          `SECONDARY = "sip:127.0.0.1:${secondary}${param}"`,
        ].join('\n'),
      );
      // A JavaScript guest (12 MB, StarlingMonkey) takes 7-35 s to load (docs/guests.md).
      server = await startRouteServer(built, ['--config', config]);
    }, START_HOOK_MS);

    afterAll(async () => {
      expect(await server?.stop()).toBe(0);
    });

    /** A SIPp callee running `file` on `port` for `calls` calls. */
    const callee = (file: string, port: number, calls = CALLS) =>
      startSippUas(scenario(file), { transport, port, calls, extra: TOLERANT });

    const caller = (file: string, calls = CALLS, extra: string[] = [], via = transport) =>
      runSipp(scenario(file), {
        transport: via,
        port: server.ports[via]!,
        calls,
        rate: 50,
        extra: [...TOLERANT, ...extra],
      });

    it('routes INVITE/180/200/ACK/BYE to PRIMARY and back, ACK and BYE following Record-Route', async () => {
      const uas = await callee('uas-call.xml', primary);
      expectAll(await caller('uac-call.xml'), CALLS);
      expectAll(await finished(uas), CALLS);
      const records = server.lines.filter((l) => String(l.msg).startsWith('reply 180 Ringing to INVITE'));
      expect(records.length).toBeGreaterThanOrEqual(CALLS);
      expect(records[0]).toMatchObject({ tenant: 'default', version: 1, script: 'info' });
    });

    it('passes a CANCEL before the answer: 200 for the CANCEL, CANCEL downstream, 487 upstream', async () => {
      const uas = await callee('uas-cancel.xml', primary);
      expectAll(await caller('uac-cancel.xml'), CALLS);
      expectAll(await finished(uas), CALLS);
    });

    it('fails over to SECONDARY when PRIMARY answers 503, and the call completes there', async () => {
      const broken = await callee('uas-503.xml', primary);
      const uas = await callee('uas-call.xml', secondary);
      expectAll(await caller('uac-call.xml'), CALLS);
      expectAll(await finished(broken), CALLS);
      expectAll(await finished(uas), CALLS);
      const failovers = server.lines.filter((l) => String(l.msg).includes('failed with 503: failing over'));
      expect(failovers.length).toBeGreaterThanOrEqual(CALLS);
    });

    it('answers 408 when nobody answers (timer C on PRIMARY, then on SECONDARY), cancelling both', async () => {
      const first = await callee('uas-cancel.xml', primary, 5);
      const second = await callee('uas-cancel.xml', secondary, 5);
      expectAll(await caller('uac-timeout.xml', 5), 5);
      expectAll(await finished(first), 5);
      expectAll(await finished(second), 5);
    }, 30_000);

    if (transport === 'udp') {
      it(
        'absorbs retransmissions under 10% packet loss on both sides; every call completes',
        async () => {
          // A server of its own with the default timers: a loss-delayed 200 must not meet this suite's
          // short timer C.
          const config = join(out, `${language}-loss.toml`);
          writeFileSync(
            config,
            [
              'listen = ["udp:127.0.0.1:0"]',
              `module = "${wasm}"`,
              'log_level = "debug"',
              '[defines]',
              `PRIMARY = "sip:127.0.0.1:${primary}"`,
            ].join('\n'),
          );
          const lossy = await startRouteServer(built, ['--config', config]);
          try {
            const loss = [...TOLERANT, '-lost', '10'];
            // A callee answers a BYE's retransmissions for as long as its transaction lives (timer J, 32 s
            // over UDP); the scenario stands in with a window after the last BYE it saw (4 s by default).
            // Under loss that window must outlast both the proxy's timer E spacing (T2 = 4 s) and the
            // caller's retransmissions (SIPp sends 5, the last 11.5 s after the first): the proxy absorbs
            // them for wt_timer (5 s), then forwards a late one anew, and the callee must still answer it.
            const patient = join(out, 'uas-call-patient.xml');
            const text = readFileSync(scenario('uas-call.xml'), 'utf8');
            const patientText = text.replace('timeout="4000"', 'timeout="16000"');
            expect(patientText).not.toBe(text);
            writeFileSync(patient, patientText);
            const lossyCallee = await startSippUas(patient, {
              transport,
              port: primary,
              calls: 50,
              extra: loss,
            });
            const run = await runSipp(scenario('uac-call.xml'), {
              transport,
              port: lossy.ports.udp!,
              calls: 50,
              rate: 50,
              extra: [...loss, '-recv_timeout', '30000'],
              timeoutSeconds: 90,
            });
            expectAll(run, 50);
            await finished(lossyCallee, 40_000);
            expect(lossy.lines.filter((l) => l.msg === 'absorbed by its transaction').length).toBeGreaterThan(
              0,
            );
          } finally {
            expect(await lossy.stop()).toBe(0);
          }
          // The server's start is bounded by the component's measured load; the calls by SIPp's 90 s.
        },
        START_HOOK_MS + 150_000,
      );
    } else {
      it('takes a UDP caller to the TCP callee, record-routing both sides (double Record-Route)', async () => {
        const uas = await callee('uas-call.xml', primary, 5);
        expectAll(await caller('uac-call.xml', 5, [], 'udp'), 5);
        expectAll(await finished(uas), 5);
      });
    }
  });
});
