// Failure policies on the message path, with routes in JS that fail as a guest would (RouteFailure) on the
// proxy harness (virtual time): for each route kind (request, reply, onreply, failure, branch) what
// fail-closed, fail-open and drop do with the message, that the failed route's changes (headers, $du,
// queued relays, a stateless ACK, reply headers) never leave the server, the one log line, the counts per
// tenant and cause, and what the guard (the circuit breaker) is told.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { err } from '../../src/result.ts';
import type { FailurePolicy, ScriptGuard } from '../../src/router/failure-policy.ts';
import type { Script } from '../../src/router/script.ts';
import type { SipRequest } from '../../src/sip/index.ts';
import {
  calleeResponse,
  exampleRoutes,
  type JsRoute,
  type JsScript,
  jsScript,
  proxyHarness,
  RouteFailure,
  uacRequest,
} from './proxy-harness.ts';

const UAC = '192.0.2.1';
const CALLEE = '192.0.2.20';
const SECOND = '192.0.2.21';
const defines = { PRIMARY: `sip:${CALLEE}:5060`, SECONDARY: `sip:${SECOND}:5060` };
const FROM_CALLEE = { address: CALLEE, port: 5060 };
const FROM_SECOND = { address: SECOND, port: 5060 };

const CLOSED: FailurePolicy = { mode: 'fail-closed', reply: { status: 599, reason: 'Script Failed' } };
const OPEN: FailurePolicy = { mode: 'fail-open', reply: { status: 500, reason: 'Server Internal Error' } };
const DROP: FailurePolicy = { mode: 'drop', reply: { status: 500, reason: 'Server Internal Error' } };

/** A guard with a fixed policy and fail-open version; it records what it is told. */
function guard(policy: FailurePolicy, fallback?: Script) {
  const failed: string[] = [];
  const g: ScriptGuard = {
    policy: () => policy,
    fallback: () => fallback,
    failed: (script, cause) => failed.push(`${script.tenant} v${script.version}: ${cause}`),
  };
  return { guard: g, failed };
}

/** A harness whose selector serves `script`, under `policy` with `fallback` for fail-open. */
function setup(routes: JsScript, policy: FailurePolicy, fallback?: JsScript) {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  const script = jsScript(routes, 2, 'acme', log);
  const previous = fallback && jsScript(fallback, 1, 'acme', log);
  const g = guard(policy, previous);
  const h = proxyHarness({ script, defines, guard: g.guard });
  const failures = () => lines.filter((l) => l.msg?.toString().startsWith('route failed'));
  return { h, script, previous, failed: g.failed, failures };
}

const sentTo = (h: ReturnType<typeof setup>['h'], address: string) =>
  h.sentTo(address).map((s) => s.text.split('\r\n')[0]);

function lastRequest(h: ReturnType<typeof setup>['h'], address: string): SipRequest {
  return h
    .sentTo(address)
    .filter((s) => 'method' in s.message)
    .at(-1)!.message as SipRequest;
}

/** Relays to `to` with a header and a Record-Route, then fails: nothing of it may leave the server. */
const relayThenTrap =
  (to = CALLEE): JsScript['request'] =>
  (_ctx, ksr) => {
    ksr('hdr', 'append', 'X-Leak: request');
    ksr('rr', 'record-route');
    ksr('core', 'setdsturi', `sip:${to}:5060`);
    ksr('tm', 't-relay');
    throw new RouteFailure('unreachable executed');
  };

describe('a failed request route', () => {
  it('fail-closed: the configured reply through the transaction the route made; its relay is never sent', async () => {
    const { h, script, failed, failures } = setup({ request: relayThenTrap() }, CLOSED);
    h.receive(uacRequest());
    await h.settle();
    expect(sentTo(h, CALLEE)).toEqual([]);
    expect(sentTo(h, UAC)).toEqual(['SIP/2.0 100 Trying', 'SIP/2.0 599 Script Failed']);
    expect(h.sentTo(UAC)[1].message.has('X-Leak')).toBe(false);
    // The ACK for the 599 is absorbed by the transaction.
    h.receive(uacRequest('ACK', { toTag: h.sentTo(UAC)[1].message.to?.tag }));
    expect(script.invocations).toEqual(['request-route']);
    expect(h.core.counters.routeFailures).toEqual({ acme: { trap: 1 } });
    expect(h.core.counters.policyOutcomes).toEqual({ acme: { reply: 1 } });
    expect(failed).toEqual(['acme v2: trap']);
    expect(failures()).toEqual([
      expect.objectContaining({
        level: 50,
        tenant: 'acme',
        version: 2,
        callId: 'call-1@192.0.2.1',
        cause: 'trap',
        route: 'request-route',
        kind: 'request',
        policy: 'fail-closed',
        outcome: 'reply',
        msg: 'route failed: request-route: unreachable executed; answered 599 Script Failed',
      }),
    ]);
  });

  it('fail-closed without a transaction: a stateless reply built from the request as received', () => {
    const { h } = setup(
      {
        request: (_ctx, ksr) => {
          ksr('hdr', 'append-to-reply', 'X-Leak: reply');
          ksr('core', 'seturi', 'sip:mallory@192.0.2.99');
          ksr('pv', 'sets', '$fn', 'Mallory');
          throw new RouteFailure('out of fuel', 'fuel');
        },
      },
      CLOSED,
    );
    h.receive(uacRequest('OPTIONS'));
    const [reply] = h.sentTo(UAC);
    expect(reply.text.split('\r\n')[0]).toBe('SIP/2.0 599 Script Failed');
    expect(reply.message.has('X-Leak')).toBe(false);
    expect(reply.message.get('From')).toBe('<sip:alice@example.org>;tag=from1');
    expect(h.core.counters.routeFailures).toEqual({ acme: { fuel: 1 } });
  });

  it('a route that answered before it failed keeps its answer; nothing more is sent', () => {
    const { h, failures } = setup(
      {
        request: (_ctx, ksr) => {
          ksr('sl', 'sl-send-reply', 404, 'Not Here');
          throw new RouteFailure();
        },
      },
      CLOSED,
    );
    h.receive(uacRequest('OPTIONS'));
    expect(sentTo(h, UAC)).toEqual(['SIP/2.0 404 Not Here']);
    expect(failures()[0]).toMatchObject({ outcome: 'none' });
  });

  it('never answers an ACK, and an ACK the route relayed before failing is not sent', async () => {
    const { h, failures } = setup(
      {
        request: (_ctx, ksr) => {
          ksr('core', 'setdsturi', `sip:${CALLEE}:5060`);
          expect(ksr('tm', 't-relay')).toBe(1);
          throw new RouteFailure();
        },
      },
      CLOSED,
    );
    h.receive(uacRequest('ACK', { toTag: 'callee' }));
    await h.settle();
    expect(h.sentTo()).toEqual([]);
    expect(failures()[0]).toMatchObject({ outcome: 'none' });
  });

  it('drop: nothing is sent; the transaction the route made is forgotten and its version unpinned', async () => {
    const { h, script } = setup({ request: relayThenTrap() }, DROP);
    h.receive(uacRequest('OPTIONS'));
    await h.settle();
    expect(h.sentTo()).toEqual([]);
    expect(h.core.tm.table.serverCount).toBe(0);
    expect(script.pins).toBe(0);
    // Nothing absorbs a retransmission: it runs the route again (and fails again).
    h.receive(uacRequest('OPTIONS'));
    expect(script.invocations).toEqual(['request-route', 'request-route']);
    expect(h.core.counters.policyOutcomes).toEqual({ acme: { drop: 2 } });
  });

  it('fail-open: the previous version runs the request as received; the failed transaction is forgotten', async () => {
    const { h, script, previous, failures } = setup(
      { request: relayThenTrap(SECOND) },
      OPEN,
      exampleRoutes(),
    );
    h.receive(uacRequest());
    await h.settle();
    expect(sentTo(h, SECOND)).toEqual([]);
    expect(sentTo(h, CALLEE)).toEqual(['INVITE sip:bob@proxy.example.com SIP/2.0']);
    const invite = lastRequest(h, CALLEE);
    expect(invite.has('X-Leak')).toBe(false);
    expect(invite.get('Record-Route')).toBe('<sip:127.0.0.1:5060;lr;ftag=from1;kwv=1>');
    expect(script.pins).toBe(0);
    expect(previous!.pins).toBe(1);
    expect(previous!.invocations).toEqual(['request-route']);
    h.receive(calleeResponse(invite, 200), FROM_CALLEE);
    expect(sentTo(h, UAC).at(-1)).toBe('SIP/2.0 200 Reason');
    expect(failures()).toEqual([expect.objectContaining({ version: 2, outcome: 'fallback' })]);
    expect(h.core.counters.policyOutcomes).toEqual({ acme: { fallback: 1 } });
  });

  it('fail-open with no previous version: the fail-closed reply (500)', () => {
    const { h } = setup({ request: relayThenTrap() }, OPEN);
    h.receive(uacRequest('OPTIONS'));
    expect(sentTo(h, UAC)).toEqual(['SIP/2.0 500 Server Internal Error']);
  });

  it('fail-open whose previous version fails too: the fail-closed reply, two lines, both counted', () => {
    const { h, failed, failures } = setup({ request: relayThenTrap() }, OPEN, {
      request: () => {
        throw new RouteFailure('stack overflow', 'stack');
      },
    });
    h.receive(uacRequest('OPTIONS'));
    expect(sentTo(h, UAC)).toEqual(['SIP/2.0 500 Server Internal Error']);
    expect(failures().map((l) => [l.version, l.cause, l.outcome])).toEqual([
      [2, 'trap', 'fallback'],
      [1, 'stack', 'reply'],
    ]);
    expect(failed).toEqual(['acme v2: trap', 'acme v1: stack']);
    expect(h.core.counters.routeFailures).toEqual({ acme: { trap: 1, stack: 1 } });
  });
});

/** Relays to CALLEE and arms the onreply route 'seen'. */
const relayWith =
  (setup: (ksr: (i: string, f: string, ...a: (string | number)[]) => unknown) => void): JsScript['request'] =>
  (_ctx, ksr) => {
    ksr('core', 'setdsturi', `sip:${CALLEE}:5060`);
    setup(ksr);
    ksr('tm', 't-relay');
  };

const trapAfter =
  (header: string): JsRoute =>
  (_ctx, ksr) => {
    ksr('hdr', 'append', header);
    throw new RouteFailure();
  };

describe('a failed reply route (core reply_route)', () => {
  it('fail-closed and drop: the response is dropped before its transaction sees it', () => {
    for (const policy of [CLOSED, DROP]) {
      const { h } = setup({ request: relayWith(() => {}), reply: trapAfter('X-Leak: reply') }, policy);
      h.receive(uacRequest());
      const invite = lastRequest(h, CALLEE);
      h.receive(calleeResponse(invite, 180), FROM_CALLEE);
      h.receive(calleeResponse(invite, 200), FROM_CALLEE);
      expect(sentTo(h, UAC)).toEqual(['SIP/2.0 100 Trying']);
      expect(h.core.counters.repliesDropped).toBe(2);
      expect(h.core.counters.policyOutcomes).toEqual({ acme: { drop: 2 } });
    }
  });

  it("fail-open: the previous version's reply route runs on the response as received", () => {
    const { h } = setup({ request: relayWith(() => {}), reply: trapAfter('X-Leak: reply') }, OPEN, {
      reply: (_ctx, ksr) => {
        ksr('hdr', 'append', 'X-Previous: 1');
      },
    });
    h.receive(uacRequest());
    h.receive(calleeResponse(lastRequest(h, CALLEE), 180), FROM_CALLEE);
    const ringing = h.sentTo(UAC).at(-1)!.message;
    expect(ringing.get('X-Previous')).toBe('1');
    expect(ringing.has('X-Leak')).toBe(false);
  });
});

describe('a failed onreply route', () => {
  const routes = (): JsScript => ({
    request: relayWith((ksr) => ksr('tm', 't-on-reply', 'seen')),
    named: { seen: trapAfter('X-Leak: onreply') },
  });

  it('fail-closed: a provisional response is dropped, a final one goes on as received', () => {
    const { h, failures } = setup(routes(), CLOSED);
    h.receive(uacRequest());
    const invite = lastRequest(h, CALLEE);
    h.receive(calleeResponse(invite, 180), FROM_CALLEE);
    h.receive(calleeResponse(invite, 486, 'Busy Here'), FROM_CALLEE);
    expect(sentTo(h, UAC)).toEqual(['SIP/2.0 100 Trying', 'SIP/2.0 486 Busy Here']);
    expect(h.sentTo(UAC)[1].message.has('X-Leak')).toBe(false);
    expect(failures().map((l) => [l.route, l.outcome])).toEqual([
      ['seen', 'drop'],
      ['seen', 'forward'],
    ]);
  });

  it("fail-open: the previous version's onreply route runs on a fresh copy", () => {
    const { h } = setup(routes(), OPEN, {
      named: {
        seen: (_ctx, ksr) => {
          ksr('hdr', 'append', 'X-Previous: 1');
        },
      },
    });
    h.receive(uacRequest());
    const invite = lastRequest(h, CALLEE);
    h.receive(calleeResponse(invite, 200), FROM_CALLEE);
    const ok = h.sentTo(UAC).at(-1)!.message;
    expect([ok.get('X-Previous'), ok.has('X-Leak')]).toEqual(['1', false]);
  });
});

describe('a failed failure route', () => {
  /** On any failure: relays to SECOND, arms another failure route, then traps. */
  const routes = (): JsScript => ({
    request: relayWith((ksr) => ksr('tm', 't-on-failure', 'failover')),
    named: {
      failover: (_ctx, ksr) => {
        ksr('core', 'setdsturi', `sip:${SECOND}:5060`);
        ksr('tm', 't-relay');
        ksr('tm', 't-on-failure', 'again');
        throw new RouteFailure();
      },
    },
  });

  it('fail-closed: its branches are not sent and the transaction answers with the configured reply', async () => {
    const { h } = setup(routes(), CLOSED);
    h.receive(uacRequest());
    h.receive(calleeResponse(lastRequest(h, CALLEE), 486, 'Busy Here'), FROM_CALLEE);
    await h.settle();
    expect(sentTo(h, SECOND)).toEqual([]);
    expect(sentTo(h, UAC).at(-1)).toBe('SIP/2.0 599 Script Failed');
  });

  it('drop: its work is dropped and the best response goes upstream, as with no failure route', () => {
    const { h, script } = setup(routes(), DROP);
    h.receive(uacRequest());
    h.receive(calleeResponse(lastRequest(h, CALLEE), 486, 'Busy Here'), FROM_CALLEE);
    expect(sentTo(h, SECOND)).toEqual([]);
    expect(sentTo(h, UAC).at(-1)).toBe('SIP/2.0 486 Busy Here');
    expect(script.invocations.filter((i) => i.startsWith('named-route'))).toEqual(['named-route:failover']);
  });

  it("fail-open: the previous version's failure route fails over instead", () => {
    const { h } = setup(routes(), OPEN, exampleRoutes());
    h.receive(uacRequest());
    h.receive(calleeResponse(lastRequest(h, CALLEE), 503), FROM_CALLEE);
    expect(sentTo(h, SECOND)).toEqual(['INVITE sip:bob@proxy.example.com SIP/2.0']);
    h.receive(calleeResponse(lastRequest(h, SECOND), 200), FROM_SECOND);
    expect(sentTo(h, UAC).at(-1)).toBe('SIP/2.0 200 Reason');
  });
});

describe('a failed branch route', () => {
  const routes = (): JsScript => ({
    request: relayWith((ksr) => ksr('tm', 't-on-branch', 'each')),
    named: { each: trapAfter('X-Leak: branch') },
  });

  it('fail-closed: the branch ends with the configured reply, which the transaction answers with', () => {
    const { h } = setup(routes(), CLOSED);
    h.receive(uacRequest());
    expect(sentTo(h, CALLEE)).toEqual([]);
    expect(sentTo(h, UAC)).toEqual(['SIP/2.0 100 Trying', 'SIP/2.0 599 Script Failed']);
  });

  it('drop: the branch is dropped (with none left, 500 No Destination)', () => {
    const { h } = setup(routes(), DROP);
    h.receive(uacRequest());
    expect(sentTo(h, CALLEE)).toEqual([]);
    expect(sentTo(h, UAC)).toEqual(['SIP/2.0 100 Trying', 'SIP/2.0 500 No Destination']);
  });

  it("fail-open: the previous version's branch route runs on a fresh copy of the branch", () => {
    const { h } = setup(routes(), OPEN, {
      named: {
        each: (_ctx, ksr) => {
          ksr('hdr', 'append', 'X-Previous: 1');
        },
      },
    });
    h.receive(uacRequest());
    const invite = lastRequest(h, CALLEE);
    expect([invite.get('X-Previous'), invite.has('X-Leak')]).toEqual(['1', false]);
  });
});

describe('transactions and tenants', () => {
  it('a transaction answered statelessly after a refused relay is forgotten at once (no 408 later)', async () => {
    const script = jsScript(
      {
        request: (_ctx, ksr) => {
          ksr('core', 'setdsturi', `sip:${CALLEE}:5060`);
          ksr('tm', 't-relay');
          ksr('sl', 'sl-reply-error');
        },
      },
      1,
      'acme',
    );
    const h = proxyHarness({ script, authorizeDestination: () => err('not listed') });
    h.receive(uacRequest());
    expect(h.core.tm.table.serverCount).toBe(0);
    expect(script.pins).toBe(0);
    h.clock.advance(200_000);
    await h.settle();
    expect(sentTo(h, UAC)).toEqual(['SIP/2.0 100 Trying', 'SIP/2.0 403 Destination Not Allowed']);
    expect(h.core.counters.destinationsRefused).toEqual({ acme: 1 });
  });

  it("each tenant reads its own defines over the shared ones, never another tenant's", () => {
    const seen: unknown[] = [];
    const reader = (tenant: string) =>
      jsScript(
        {
          request: (_ctx, ksr) => {
            seen.push([tenant, ksr('kx', 'get-def', 'SECRET'), ksr('kx', 'get-def', 'SHARED')]);
            ksr('sl', 'sl-send-reply', 200, 'OK');
          },
        },
        1,
        tenant,
      );
    const scripts = { a: reader('a'), b: reader('b'), c: reader('c') };
    let next: keyof typeof scripts = 'a';
    const h = proxyHarness({
      script: scripts.a,
      defines: { SHARED: 'everyone' },
      tenantDefines: { a: { SECRET: 'a-secret' }, b: { SECRET: 'b-secret', SHARED: 'b-own' } },
      select: () => scripts[next],
    });
    for (const t of ['a', 'b', 'c'] as const) {
      next = t;
      h.receive(uacRequest('OPTIONS', { branch: `z9hG4bK-${t}` }));
    }
    expect(seen).toEqual([
      ['a', 'a-secret', 'everyone'],
      ['b', 'b-secret', 'b-own'],
      ['c', undefined, 'everyone'],
    ]);
  });
});

describe('a route that returns after its deadline', () => {
  it('keeps what it did (the relay goes out), is counted as slow, and the guard is told', async () => {
    const { h, script, failed, failures } = setup(
      {
        request: (_ctx, ksr) => {
          ksr('core', 'setdsturi', `sip:${CALLEE}:5060`);
          ksr('tm', 't-relay');
          return 'overran';
        },
      },
      CLOSED,
    );
    h.receive(uacRequest());
    await h.settle();
    expect(sentTo(h, CALLEE)[0]).toMatch(/^INVITE /);
    expect(failed).toEqual([`${script.tenant} v${script.version}: slow`]);
    expect(h.core.counters.routeFailures).toEqual({ acme: { slow: 1 } });
    expect(failures()).toEqual([]);
  });
});
