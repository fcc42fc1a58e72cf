// Issue 11, table growth: the caps on live transactions, in all and per tenant. Past a cap the tm
// functions make nothing and return E_OUT_OF_MEM (-2); the request gets a stateless 503 with Retry-After
// (from sl-reply-error, or from the server when the route leaves it unanswered). Every transaction counted
// when made is released when it ends, on every path (final response, timeouts, CANCEL, send failures,
// failed routes, lifetime), and ACKs, CANCELs and retransmissions of live transactions are never refused.
import { describe, expect, it } from 'vitest';
import type { FailurePolicy, ScriptGuard } from '../../src/router/failure-policy.ts';
import type { SipRequest } from '../../src/sip/index.ts';
import { E_OUT_OF_MEM, TransactionCaps } from '../../src/tm/index.ts';
import {
  calleeResponse,
  exampleRoutes,
  type JsRoute,
  jsScript,
  type ProxyHarness,
  proxyHarness,
  RouteFailure,
  uacRequest,
} from './proxy-harness.ts';

const CALLEE = '192.0.2.20';
const UAC = '192.0.2.1';
const defines = { PRIMARY: `sip:${CALLEE}:5060` };

/** Relays to the callee; `onRefused` decides what the route does when t-relay fails. */
const relayRoute =
  (codes: number[], onRefused: (ksr: Parameters<JsRoute>[1]) => void = () => {}): JsRoute =>
  (_ctx, ksr) => {
    ksr('core', 'setdsturi', `sip:${CALLEE}:5060`);
    const code = ksr('tm', 't-relay') as number;
    codes.push(code);
    if (code < 0) onRefused(ksr);
  };

const invite = (n: number, method = 'INVITE') => uacRequest(method, { branch: `z9hG4bK-uac${n}` });

const statusLines = (h: ProxyHarness) => h.lines(UAC);

/** The last response the UAC got. */
const lastToUac = (h: ProxyHarness) => h.sentTo(UAC).at(-1)!.message;

function forwarded(h: ProxyHarness): SipRequest {
  return h
    .sentTo(CALLEE)
    .filter((s) => 'method' in s.message)
    .at(-1)!.message as SipRequest;
}

describe('TransactionCaps', () => {
  it('counts per tenant and in all; the tenant cap is named first; force counts past both', () => {
    const caps = new TransactionCaps({ global: 3, perTenant: 2, retryAfterS: 5 });
    expect(caps.acquire('a')).toBeUndefined();
    expect(caps.acquire('a')).toBeUndefined();
    expect(caps.acquire('a')).toBe('tenant');
    expect(caps.acquire('b')).toBeUndefined();
    expect(caps.acquire('b')).toBe('global');
    expect(caps.acquire('a', true)).toBeUndefined();
    expect(caps.total).toBe(4);
    expect(caps.byTenant()).toEqual({ a: 3, b: 1 });
    for (const tenant of ['a', 'a', 'a', 'b']) caps.release(tenant);
    expect(caps.total).toBe(0);
    expect(caps.byTenant()).toEqual({});
    expect(() => caps.release('a')).toThrow(/without a live transaction/);
  });
});

describe('a tenant past its cap (max_transactions_per_tenant)', () => {
  it('t-relay returns -2 and makes nothing; sl-reply-error sends 503 with Retry-After', () => {
    const codes: number[] = [];
    const script = jsScript({ request: relayRoute(codes, (ksr) => ksr('sl', 'sl-reply-error')) }, 1, 'acme');
    const h = proxyHarness({ script, defines, caps: { perTenant: 2, retryAfterS: 7 } });
    for (const n of [1, 2, 3]) h.receive(invite(n));
    expect(codes).toEqual([1, 1, E_OUT_OF_MEM]);
    expect(statusLines(h)).toEqual([
      'SIP/2.0 100 Trying',
      'SIP/2.0 100 Trying',
      'SIP/2.0 503 Service Unavailable',
    ]);
    expect(lastToUac(h).get('Retry-After')).toBe('7');
    expect(h.sentTo(CALLEE)).toHaveLength(2);
    expect(h.core.tm.table.serverCount).toBe(2);
    expect(h.core.tm.caps.byTenant()).toEqual({ acme: 2 });
    expect(script.pins).toBe(2);
    expect(h.core.counters.transactionsRefused).toEqual({ acme: { tenant: 1 } });
  });

  it('a route that leaves the refusal unanswered: the server sends the 503 with Retry-After', () => {
    const script = jsScript({ request: relayRoute([]) }, 1, 'acme');
    const h = proxyHarness({ script, defines, caps: { perTenant: 1 } });
    h.receive(invite(1));
    h.receive(invite(2));
    expect(statusLines(h)).toEqual(['SIP/2.0 100 Trying', 'SIP/2.0 503 Service Unavailable']);
    expect(lastToUac(h).get('Retry-After')).toBe('5');
    expect(h.core.counters.unhandled).toBe(0);
  });

  it("t-newtran returns -2; the script's own 503 keeps its own Retry-After; a dropped request gets nothing", () => {
    const codes: number[] = [];
    const own: JsRoute = (_ctx, ksr) => {
      const code = ksr('tm', 't-newtran') as number;
      codes.push(code);
      if (code > 0) return;
      ksr('hdr', 'append-to-reply', 'Retry-After: 60\r\n');
      ksr('sl', 'sl-send-reply', 503, 'Busy Here Now');
    };
    const h = proxyHarness({ script: jsScript({ request: own }, 1, 'acme'), caps: { perTenant: 1 } });
    h.receive(invite(1));
    h.receive(invite(2));
    expect(codes).toEqual([1, E_OUT_OF_MEM]);
    expect(lastToUac(h).getAll('Retry-After')).toEqual(['60']);

    const dropper = jsScript({ request: relayRoute([], (ksr) => ksr('x', 'drop')) }, 1, 'acme');
    const d = proxyHarness({ script: dropper, defines, caps: { perTenant: 1 } });
    d.receive(invite(1));
    d.receive(invite(2));
    expect(statusLines(d)).toEqual(['SIP/2.0 100 Trying']);
  });

  it('another tenant still gets its transactions; the global cap refuses every tenant', () => {
    const acme = jsScript({ request: relayRoute([]) }, 1, 'acme');
    const beta = jsScript({ request: relayRoute([]) }, 1, 'beta');
    const h = proxyHarness({
      script: acme,
      defines,
      caps: { perTenant: 2, global: 3 },
      select: (msg) => (msg.callId.startsWith('beta') ? beta : acme),
    });
    const ofBeta = (n: number) => invite(n).replace(/call-1@/g, 'beta-1@');
    for (const n of [1, 2, 3]) h.receive(invite(n));
    h.receive(ofBeta(4));
    expect(statusLines(h)).toEqual([
      'SIP/2.0 100 Trying',
      'SIP/2.0 100 Trying',
      'SIP/2.0 503 Service Unavailable',
      'SIP/2.0 100 Trying',
    ]);
    h.receive(ofBeta(5));
    expect(statusLines(h).at(-1)).toBe('SIP/2.0 503 Service Unavailable');
    expect(h.core.counters.transactionsRefused).toEqual({ acme: { tenant: 1 }, beta: { global: 1 } });
    expect(h.core.tm.caps.byTenant()).toEqual({ acme: 2, beta: 1 });
  });
});

describe('not refused at the cap', () => {
  it('a retransmission, the CANCEL of a live INVITE, and the ACK of its 487; all released at the end', () => {
    const script = jsScript(exampleRoutes(), 1, 'acme');
    const h = proxyHarness({ script, defines, caps: { perTenant: 1, global: 1 } });
    h.receive(invite(1));
    h.receive(invite(1));
    expect(statusLines(h)).toEqual(['SIP/2.0 100 Trying', 'SIP/2.0 100 Trying']);
    const sent = forwarded(h);
    h.receive(calleeResponse(sent, 180), { address: CALLEE, port: 5060 });
    h.receive(invite(1, 'CANCEL'));
    expect(statusLines(h).at(-1)).toBe('SIP/2.0 200 OK');
    expect(h.core.tm.caps.total).toBe(2); // the CANCEL's own transaction, past the cap
    const cancel = forwarded(h);
    expect(cancel.method).toBe('CANCEL');
    h.receive(calleeResponse(cancel, 200), { address: CALLEE, port: 5060 });
    h.receive(calleeResponse(sent, 487, 'Request Terminated'), { address: CALLEE, port: 5060 });
    expect(statusLines(h).at(-1)).toBe('SIP/2.0 487 Request Terminated');
    h.receive(uacRequest('ACK', { branch: 'z9hG4bK-uac1', toTag: 'callee' }));
    expect(h.core.counters.transactionsRefused).toEqual({});
    h.clock.advance(60_000);
    expect(h.core.tm.caps.total).toBe(0);
    expect(script.pins).toBe(0);
  });
});

/** A guard with a fixed policy, for routes that fail. */
const guardOf = (policy: FailurePolicy): ScriptGuard => ({
  policy: () => policy,
  fallback: () => undefined,
  failed: () => {},
});

type Scenario = (h: ProxyHarness) => void;

describe('released on every path: nothing leaks', () => {
  const relay: JsRoute = (_ctx, ksr) => {
    ksr('core', 'setdsturi', `sip:${CALLEE}:5060`);
    ksr('tm', 't-relay');
  };
  const answer =
    (status: number): Scenario =>
    (h) => {
      h.receive(invite(1));
      h.receive(calleeResponse(forwarded(h), status), { address: CALLEE, port: 5060 });
    };
  const cases: [string, JsRoute, Scenario, FailurePolicy?][] = [
    ['INVITE black-holed: 408 on timer B, never ACKed (timer H)', relay, (h) => h.receive(invite(1))],
    ['OPTIONS black-holed: 408 on timer F, then timer J', relay, (h) => h.receive(invite(1, 'OPTIONS'))],
    ['answered 200 (timer L)', relay, answer(200)],
    [
      'answered 486, ACKed',
      relay,
      (h) => {
        answer(486)(h);
        h.receive(uacRequest('ACK', { branch: 'z9hG4bK-uac1', toTag: 'callee' }));
      },
    ],
    [
      'a provisional, then ringing until max_inv_lifetime',
      relay,
      (h) => {
        h.receive(invite(1));
        h.receive(calleeResponse(forwarded(h), 180), { address: CALLEE, port: 5060 });
      },
    ],
    [
      'the branch cannot be sent (503 made here)',
      relay,
      (h) => {
        h.transport.failing.add(`${CALLEE}:5060`);
        h.receive(invite(1));
      },
    ],
    [
      't-newtran and t-reply 486',
      (_ctx, ksr) => {
        ksr('tm', 't-newtran');
        ksr('tm', 't-reply', 486, 'Busy');
      },
      (h) => h.receive(invite(1)),
    ],
    [
      't-newtran, then a stateless reply (the transaction is abandoned)',
      (_ctx, ksr) => {
        ksr('tm', 't-newtran');
        ksr('sl', 'sl-send-reply', 404, 'Not Found');
      },
      (h) => h.receive(invite(1)),
    ],
    [
      't-relay, then the route fails (fail-closed)',
      (ctx, ksr) => {
        relay(ctx, ksr);
        throw new RouteFailure();
      },
      (h) => h.receive(invite(1)),
      { mode: 'fail-closed', reply: { status: 500, reason: 'Error' } },
    ],
    [
      't-newtran, then the route fails (drop)',
      (_ctx, ksr) => {
        ksr('tm', 't-newtran');
        throw new RouteFailure();
      },
      (h) => h.receive(invite(1)),
      { mode: 'drop', reply: { status: 500, reason: 'Error' } },
    ],
  ];
  for (const [name, route, scenario, policy] of cases) {
    it(name, async () => {
      const script = jsScript({ request: route }, 1, 'acme');
      const h = proxyHarness({ script, defines, guard: policy && guardOf(policy) });
      scenario(h);
      await h.settle();
      expect(h.core.tm.counters.serverTransactions).toBe(1);
      for (let t = 0; t < 400_000; t += 1000) h.clock.advance(1000);
      await h.settle();
      expect(h.core.tm.caps.total).toBe(0);
      expect(h.core.tm.caps.byTenant()).toEqual({});
      expect(h.core.tm.table.serverCount).toBe(0);
      expect(script.pins).toBe(0);
    });
  }
});
