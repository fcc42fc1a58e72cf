// The router with routes that wait (JSPI): the AssemblyScript and Rust proxy examples, whose request route
// reads the PRIMARY define through kx.get_def, here served by a table function answering with a Promise
// after a timer (as a remote store would). The router awaits the route, serves other messages meanwhile
// (of the same version too), answers 503 past max_suspended, gives the call its failure value after
// async_timeout_ms, applies the failure policy to a rejection, and runs transaction routes (failure) at
// once on the script's synchronous runner.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGuest } from '../../src/builder/index.ts';
import type { KsrModule } from '../../src/kemi/define.ts';
import { ksrModules } from '../../src/kemi/index.ts';
import { silentLogger } from '../../src/logger.ts';
import { fixedScript } from '../../src/router/script.ts';
import {
  type CompiledModule,
  createRouteRunner,
  Engine,
  type InvocationLimits,
  Linker,
  SuspendingRunner,
} from '../../src/runtime/index.ts';
import { calleeResponse, type ProxyHarness, proxyHarness, uacRequest } from './proxy-harness.ts';

const LANGUAGES = ['assemblyscript', 'rust'] as const;
type Language = (typeof LANGUAGES)[number];
const compiled = {} as Record<Language, CompiledModule>;
const engine = new Engine();
let outDir = '';

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'kemi-jspi-router-'));
  for (const language of LANGUAGES) {
    const dir = fileURLToPath(new URL(`../../guest-examples/${language}/proxy`, import.meta.url));
    const built = await buildGuest(dir, { out: join(outDir, `${language}.wasm`) });
    if (!built.ok) throw new Error(`${language}: ${built.error.message}\n${built.error.output ?? ''}`);
    const module = await engine.compile(built.value.component, {});
    if (!module.ok) throw new Error(`${language}: ${module.error.message}`);
    compiled[language] = module.value;
  }
}, 240_000);

afterAll(async () => {
  await engine.close();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

const PRIMARY = '192.0.2.20';
const SECONDARY = '192.0.2.21';

/** How kx.get_def answers: after `wait` resolves (a timer by default), with the real define. */
type Wait = (name: string) => Promise<void>;

function timer(ms = 5): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A Promise the test settles itself. */
function gate(): { promise: Promise<void>; open(): void; fail(e: Error): void } {
  let open!: () => void;
  let fail!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    open = res;
    fail = rej;
  });
  return { promise, open, fail };
}

/** The KSR tables with kx.get-def answering through `wait()`: a Promise of the real answer. */
function waitingTables(wait: { current: Wait }): KsrModule[] {
  return ksrModules.map((m) =>
    m.name !== 'kx'
      ? m
      : {
          ...m,
          functions: m.functions.map((f) =>
            f.name !== 'get-def'
              ? f
              : {
                  ...f,
                  impl: ((ctx: unknown, name: string) =>
                    wait
                      .current(name)
                      .then(() => (f.impl as (c: unknown, n: string) => unknown)(ctx, name))) as never,
                },
          ),
        },
  );
}

interface Setup {
  readonly h: ProxyHarness;
  readonly runner: SuspendingRunner;
  readonly wait: { current: Wait };
}

function setup(language: Language, limits: Partial<InvocationLimits> = {}): Setup {
  const wait = { current: ((_name: string) => timer()) as Wait };
  const linker = new Linker(waitingTables(wait), { suspending: new Set(['kx#get-def']) });
  const linked = createRouteRunner(compiled[language], linker, { limits: { deadlineMs: 10_000, ...limits } });
  if (!linked.ok) throw new Error(linked.error.message);
  const runner = linked.value;
  if (!(runner instanceof SuspendingRunner)) throw new Error('expected a SuspendingRunner');
  const script = fixedScript('default', 1, runner, silentLogger);
  const h = proxyHarness({
    script,
    defines: { PRIMARY: `sip:${PRIMARY}:5060`, SECONDARY: `sip:${SECONDARY}:5060` },
  });
  return { h, runner, wait };
}

function invite(callId: string, branch: string): string {
  return uacRequest('INVITE', { branch }).replace('call-1@192.0.2.1', callId);
}

/** Until `check` holds, letting timers and promises run (bounded: a test fails rather than hangs). */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (check()) return;
    await timer(5);
  }
  throw new Error(`never: ${what}`);
}

const invitesTo = (h: ProxyHarness, address: string) =>
  h.sentTo(address).filter((s) => s.text.startsWith('INVITE '));

describe.each(LANGUAGES)('routes that wait, %s proxy example', (language) => {
  it('the router awaits the request route: the INVITE is relayed once the answer came', async () => {
    const { h, runner } = setup(language);
    h.receive(invite('a@uac', 'z9hG4bK-a'));
    expect(invitesTo(h, PRIMARY)).toEqual([]);
    expect(runner.inFlight).toBe(1);
    await until(() => invitesTo(h, PRIMARY).length === 1, 'INVITE relayed');
    expect(runner.inFlight).toBe(0);
    // The transaction exists now: a retransmission is absorbed, the route does not run again.
    const invocations = runner.stats.invocations;
    h.receive(invite('a@uac', 'z9hG4bK-a'));
    await h.settle();
    expect(runner.stats.invocations).toBe(invocations);
    expect(h.core.tm.counters.retransmissionsAbsorbed).toBe(1);
  });

  it('a second INVITE is relayed while the first waits', async () => {
    const { h, wait } = setup(language);
    const first = gate();
    wait.current = () => first.promise;
    h.receive(invite('first@uac', 'z9hG4bK-1'));
    wait.current = () => timer();
    h.receive(invite('second@uac', 'z9hG4bK-2'));
    await until(() => invitesTo(h, PRIMARY).length === 1, 'second INVITE relayed');
    expect(invitesTo(h, PRIMARY)[0].message.callId).toBe('second@uac');
    first.open();
    await until(() => invitesTo(h, PRIMARY).length === 2, 'first INVITE relayed');
    expect(invitesTo(h, PRIMARY)[1].message.callId).toBe('first@uac');
  });

  it('past max_suspended routes waiting, a request is answered 503 without running its route', async () => {
    const { h, runner, wait } = setup(language, { maxSuspended: 1 });
    const first = gate();
    wait.current = () => first.promise;
    h.receive(invite('first@uac', 'z9hG4bK-1'));
    h.receive(invite('second@uac', 'z9hG4bK-2'));
    await until(() => h.lines(UAC_ADDRESS).some((l) => l.startsWith('SIP/2.0 503')), '503');
    expect(runner.stats.busy).toBe(1);
    expect(h.core.counters.routeFailures.default?.busy).toBe(1);
    first.open();
    await until(() => invitesTo(h, PRIMARY).length === 1, 'first INVITE relayed');
    expect(invitesTo(h, PRIMARY)[0].message.callId).toBe('first@uac');
  });

  it('no answer within async_timeout_ms: get_def gives none, the route answers 500 No Destination', async () => {
    const { h, wait } = setup(language, { asyncTimeoutMs: 20 });
    wait.current = () => new Promise<void>(() => {});
    h.receive(invite('a@uac', 'z9hG4bK-a'));
    await until(() => h.lines(UAC_ADDRESS).some((l) => l.startsWith('SIP/2.0 500')), '500');
    expect(h.lines(UAC_ADDRESS).find((l) => l.startsWith('SIP/2.0 500'))).toBe('SIP/2.0 500 No Destination');
    // get_def('WITH_AUTH') and get_def('PRIMARY'): both waited async_timeout_ms and got none.
    expect(h.core.counters.ksrTimeouts.default).toEqual({ 'kx.get-def': 2 });
    expect(invitesTo(h, PRIMARY)).toEqual([]);
  });

  it('a rejected answer fails the route (cause host): the failure policy answers 500', async () => {
    const { h, runner, wait } = setup(language);
    wait.current = () => timer().then(() => Promise.reject(new Error('store unreachable')));
    h.receive(invite('a@uac', 'z9hG4bK-a'));
    await until(() => h.lines(UAC_ADDRESS).some((l) => l.startsWith('SIP/2.0 500')), '500');
    expect(h.core.counters.routeFailures.default?.host).toBe(1);
    // That instance only was discarded: the next INVITE is relayed.
    wait.current = () => timer();
    h.receive(invite('b@uac', 'z9hG4bK-b'));
    await until(() => invitesTo(h, PRIMARY).length === 1, 'next INVITE relayed');
    expect(runner.stats.failures).toBe(1);
  });

  it('a failure route runs at once on the synchronous runner: a KSR call that would wait gets its failure value', async () => {
    const { h, runner } = setup(language);
    h.receive(invite('a@uac', 'z9hG4bK-a'));
    await until(() => invitesTo(h, PRIMARY).length === 1, 'INVITE relayed');
    const relayed = invitesTo(h, PRIMARY)[0].message;
    h.receive(calleeResponse(relayed, 503, 'Unavailable'), { address: PRIMARY, port: 5060 });
    await until(() => h.lines(UAC_ADDRESS).some((l) => /^SIP\/2.0 5/.test(l)), 'final response upstream');
    // get_def('SECONDARY') could not be waited for: none, so no failover; the 503 goes upstream as 500.
    expect(invitesTo(h, SECONDARY)).toEqual([]);
    // The onreply route (log-reply) and the failure route (failover) ran there.
    expect(runner.now.stats.invocations).toBe(2);
    expect(h.core.counters.ksrTimeouts.default).toEqual({ 'kx.get-def': 1 });
  });

  it('shutdown waits for the routes that wait', async () => {
    const { h, wait } = setup(language);
    wait.current = () => timer(30);
    h.receive(invite('a@uac', 'z9hG4bK-a'));
    await h.core.routesSettled();
    expect(invitesTo(h, PRIMARY).length).toBe(1);
  });
});

const UAC_ADDRESS = '192.0.2.1';
