// The router with routes that wait (JSPI): the AssemblyScript, Rust and TypeScript (componentize-js) proxy
// examples, whose request route
// reads the PRIMARY define through kx.get_def, here served by a table function answering with a Promise
// after a timer (as a remote store would). The router awaits the route, serves other messages meanwhile
// (of the same version too), answers 503 past max_suspended (js_max_suspended for the JavaScript one), gives the call its failure value after
// async_timeout_ms, applies the failure policy to a rejection, and runs transaction routes (failure) at
// once on the script's synchronous runner.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExample } from '../../fixtures/built-guest.ts';
import { buildGuest } from '../../src/builder/index.ts';
import type { KsrModule } from '../../src/kemi/define.ts';
import { ksrModules } from '../../src/kemi/index.ts';
import { silentLogger } from '../../src/logger.ts';
import { fixedScript, type Script } from '../../src/router/script.ts';
import {
  type CompiledModule,
  createRouteRunner,
  Engine,
  type InvocationLimits,
  Linker,
  SuspendingRunner,
} from '../../src/runtime/index.ts';
import { calleeResponse, type ProxyHarness, proxyHarness, uacRequest } from './proxy-harness.ts';

const LANGUAGES = ['assemblyscript', 'rust', 'js'] as const;
type Language = (typeof LANGUAGES)[number];
const compiled = {} as Record<Language, CompiledModule>;
const engine = new Engine();
let outDir = '';

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'kemi-jspi-router-'));
  for (const language of LANGUAGES) {
    let component: Uint8Array;
    if (language === 'js') {
      // componentize-js: built once for every test file that needs it (fixtures/built-guest.ts).
      component = (await buildExample('guest-examples/js/proxy', outDir, 'proxy-ts')).component;
    } else {
      const dir = fileURLToPath(new URL(`../../guest-examples/${language}/proxy`, import.meta.url));
      const built = await buildGuest(dir, { out: join(outDir, `${language}.wasm`) });
      if (!built.ok) throw new Error(`${language}: ${built.error.message}\n${built.error.output ?? ''}`);
      component = built.value.component;
    }
    const module = await engine.compile(component, {});
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
  readonly script: Script;
  readonly runner: SuspendingRunner;
  readonly wait: { current: Wait };
}

function setup(language: Language, limits: Partial<InvocationLimits> = {}): Setup {
  const wait = { current: ((_name: string) => timer()) as Wait };
  const linker = new Linker(waitingTables(wait), { suspending: new Set(['kx#get-def']) });
  const linked = createRouteRunner(compiled[language], linker, {
    limits: { deadlineMs: 10_000, jsDeadlineMs: 10_000, ...limits },
  });
  if (!linked.ok) throw new Error(linked.error.message);
  const runner = linked.value;
  if (!(runner instanceof SuspendingRunner)) throw new Error('expected a SuspendingRunner');
  const script = fixedScript('default', 1, runner, silentLogger);
  const h = proxyHarness({
    script,
    defines: { PRIMARY: `sip:${PRIMARY}:5060`, SECONDARY: `sip:${SECONDARY}:5060` },
  });
  return { h, script, runner, wait };
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
    const { h, script, runner } = setup(language);
    h.receive(invite('a@uac', 'z9hG4bK-a'));
    expect(invitesTo(h, PRIMARY)).toEqual([]);
    expect(runner.inFlight).toBe(1);
    // The waiting route pins its version (it is not unloaded under it).
    expect(script.pins).toBe(1);
    await until(() => invitesTo(h, PRIMARY).length === 1, 'INVITE relayed');
    expect(runner.inFlight).toBe(0);
    // Now the transaction holds the pin.
    expect(script.pins).toBe(1);
    expect(h.core.tm.table.serverCount).toBe(1);
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
    // The JavaScript guest's pool has its own bound: max_suspended alone would not stop it.
    const bound = language === 'js' ? { maxSuspended: 32, jsMaxSuspended: 1 } : { maxSuspended: 1 };
    const { h, runner, wait } = setup(language, bound);
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

  it('the failure route waits too: the transaction fails over once its answer came', async () => {
    const { h, runner, wait } = setup(language);
    h.receive(invite('a@uac', 'z9hG4bK-a'));
    await until(() => invitesTo(h, PRIMARY).length === 1, 'INVITE relayed');
    const secondary = gate();
    wait.current = (name) => (name === 'SECONDARY' ? secondary.promise : timer());
    const relayed = invitesTo(h, PRIMARY)[0].message;
    h.receive(calleeResponse(relayed, 503, 'Unavailable'), { address: PRIMARY, port: 5060 });
    await until(() => runner.inFlight === 1, 'failure route waiting');
    // Nothing went upstream while the failure route waits: no best response yet.
    expect(h.lines(UAC_ADDRESS).filter((l) => /^SIP\/2.0 [2-6]/.test(l))).toEqual([]);
    secondary.open();
    await until(() => invitesTo(h, SECONDARY).length === 1, 'failed over to SECONDARY');
    // The onreply route (log-reply) ran at once on the synchronous runner; nothing timed out.
    expect(runner.now.stats.invocations).toBe(1);
    expect(h.core.counters.ksrTimeouts.default).toBeUndefined();
    const second = invitesTo(h, SECONDARY)[0].message;
    h.receive(calleeResponse(second, 200, 'OK'), { address: SECONDARY, port: 5060 });
    await until(() => h.lines(UAC_ADDRESS).includes('SIP/2.0 200 OK'), '200 upstream');
  });

  it('a CANCEL while the failure route waits: the CANCEL is answered, the route sees it, no failover', async () => {
    const { h, wait } = setup(language);
    h.receive(invite('a@uac', 'z9hG4bK-a'));
    await until(() => invitesTo(h, PRIMARY).length === 1, 'INVITE relayed');
    const secondary = gate();
    wait.current = (name) => (name === 'SECONDARY' ? secondary.promise : timer());
    h.receive(calleeResponse(invitesTo(h, PRIMARY)[0].message, 503, 'Unavailable'), {
      address: PRIMARY,
      port: 5060,
    });
    await until(() => h.core.tm.counters.failureRoutes === 1, 'failure route started');
    h.receive(uacRequest('CANCEL', { branch: 'z9hG4bK-a' }).replace('call-1@192.0.2.1', 'a@uac'));
    await until(() => h.lines(UAC_ADDRESS).includes('SIP/2.0 200 OK'), 'CANCEL answered');
    secondary.open();
    await until(() => h.lines(UAC_ADDRESS).some((l) => /^SIP\/2.0 [3-6]/.test(l)), 'INVITE answered');
    expect(invitesTo(h, SECONDARY)).toEqual([]);
    expect(h.lines(UAC_ADDRESS).filter((l) => /^SIP\/2.0 [3-6]/.test(l)).length).toBe(1);
  });

  it('a retransmission while the route waits runs it again, and only one transaction relays', async () => {
    const { h, runner, wait } = setup(language);
    const first = gate();
    wait.current = () => first.promise;
    h.receive(invite('a@uac', 'z9hG4bK-a'));
    h.receive(invite('a@uac', 'z9hG4bK-a'));
    expect(runner.inFlight).toBe(2);
    first.open();
    await until(() => runner.inFlight === 0, 'both routes returned');
    await h.settle();
    expect(invitesTo(h, PRIMARY).length).toBe(1);
    expect(h.core.tm.table.serverCount).toBe(1);
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
