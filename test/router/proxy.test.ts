// The stateful proxy on the message path (RFC 3261 16 with the transactions of 17), driven message by
// message with virtual time: relaying, absorbing retransmissions, forwarding responses, the failure,
// branch and onreply routes, CANCEL, timeouts, forking and the script a transaction is pinned to.
import { describe, expect, it } from 'vitest';
import { err, ok } from '../../src/result.ts';
import type { SipRequest } from '../../src/sip/index.ts';
import { calleeResponse, exampleRoutes, jsScript, proxyHarness, uacRequest } from './proxy-harness.ts';

const CALLEE = '192.0.2.20';
const SECOND = '192.0.2.21';
const defines = { PRIMARY: `sip:${CALLEE}:5060`, SECONDARY: `sip:${SECOND}:5060` };

function setup(routes = exampleRoutes(), timers = {}) {
  const script = jsScript(routes);
  const h = proxyHarness({ script, defines, timers });
  return { h, script };
}

/** The last request the proxy sent to `address`. */
function forwarded(h: ReturnType<typeof setup>['h'], address = CALLEE): SipRequest {
  const sent = h.sentTo(address).filter((s) => 'method' in s.message);
  return sent.at(-1)!.message as SipRequest;
}

describe('relaying a call', () => {
  it('answers 100, forwards the INVITE with its Via on top, Record-Route and Max-Forwards decremented', () => {
    const { h, script } = setup();
    h.receive(uacRequest());
    expect(h.lines('192.0.2.1')).toEqual(['SIP/2.0 100 Trying']);
    const invite = forwarded(h);
    expect(invite.uri).toBe('sip:bob@proxy.example.com');
    expect(invite.getAll('Via')).toHaveLength(2);
    expect(invite.via.host).toBe('127.0.0.1');
    expect(invite.via.branch).toMatch(/^z9hG4bK/);
    expect(invite.get('Record-Route')).toBe('<sip:127.0.0.1:5060;lr;ftag=from1;kwv=1>');
    // process_maxfwd(10) on a received 70: capped at maxfwd's max_limit (70), then decremented (maxfwd.c).
    expect(invite.maxForwards).toBe(69);
    expect(script.pins).toBe(1);
  });

  it('absorbs a retransmitted INVITE without running the route again, answering with the last response', () => {
    const { h, script } = setup();
    h.receive(uacRequest());
    h.receive(uacRequest());
    expect(script.invocations).toEqual(['request-route']);
    expect(h.lines('192.0.2.1')).toEqual(['SIP/2.0 100 Trying', 'SIP/2.0 100 Trying']);
    expect(h.sentTo(CALLEE)).toHaveLength(1);
    expect(h.core.tm.counters.retransmissionsAbsorbed).toBe(1);
  });

  it('forwards 180 and 200 upstream without its Via, ends the transaction and unpins the script', () => {
    const { h, script } = setup(exampleRoutes(), { wait: 5000 });
    h.receive(uacRequest());
    const invite = forwarded(h);
    h.receive(calleeResponse(invite, 180), { address: CALLEE, port: 5060 });
    h.receive(calleeResponse(invite, 200), { address: CALLEE, port: 5060 });
    const upstream = h.sentTo('192.0.2.1');
    expect(upstream.map((s) => s.text.split('\r\n')[0])).toEqual([
      'SIP/2.0 100 Trying',
      'SIP/2.0 180 Reason',
      'SIP/2.0 200 Reason',
    ]);
    expect(upstream[2].message.getAll('Via')).toEqual(['SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-uac1']);
    expect(upstream[2].message.get('Record-Route')).toBe('<sip:127.0.0.1:5060;lr;ftag=from1;kwv=1>');
    expect(script.invocations).toEqual(['request-route', 'reply-route', 'reply-route']);
    h.clock.advance(5000);
    expect(script.pins).toBe(0);
    expect(h.core.tm.table.serverCount).toBe(0);
    expect(h.core.tm.table.clientCount).toBe(0);
  });

  it('forwards every 2xx retransmission while Accepted', () => {
    const { h } = setup();
    h.receive(uacRequest());
    const invite = forwarded(h);
    h.receive(calleeResponse(invite, 200), { address: CALLEE, port: 5060 });
    h.receive(calleeResponse(invite, 200), { address: CALLEE, port: 5060 });
    expect(h.lines('192.0.2.1')).toEqual(['SIP/2.0 100 Trying', 'SIP/2.0 200 Reason', 'SIP/2.0 200 Reason']);
  });

  it('ACKs a negative response hop by hop, forwards it, and absorbs the caller ACK', () => {
    const routes = exampleRoutes();
    routes.named = {}; // no failover
    const { h, script } = setup(routes);
    h.receive(uacRequest());
    const invite = forwarded(h);
    h.receive(calleeResponse(invite, 486, 'Busy Here'), { address: CALLEE, port: 5060 });
    expect(h.lines(CALLEE)).toEqual([
      'INVITE sip:bob@proxy.example.com SIP/2.0',
      'ACK sip:bob@proxy.example.com SIP/2.0',
    ]);
    const ack = forwarded(h);
    expect(ack.via.branch).toBe(invite.via.branch);
    expect(ack.to?.tag).toBe('callee');
    expect(h.lines('192.0.2.1').at(-1)).toBe('SIP/2.0 486 Busy Here');
    h.receive(uacRequest('ACK', { toTag: 'callee' }).replace('CSeq: 1 ACK', 'CSeq: 1 ACK'));
    expect(script.invocations.filter((i) => i === 'request-route')).toHaveLength(1);
  });

  it('runs the failure route on a 503 and fails over to SECONDARY; the call completes there', () => {
    const { h, script } = setup();
    h.receive(uacRequest());
    h.receive(calleeResponse(forwarded(h), 503, 'Service Unavailable'), { address: CALLEE, port: 5060 });
    expect(script.invocations).toContain('named-route:failover');
    const second = forwarded(h, SECOND);
    expect(second.method).toBe('INVITE');
    expect(second.get('Record-Route')).toBe('<sip:127.0.0.1:5060;lr;ftag=from1;kwv=1>');
    h.receive(calleeResponse(second, 200), { address: SECOND, port: 5060 });
    expect(h.lines('192.0.2.1')).toEqual(['SIP/2.0 100 Trying', 'SIP/2.0 200 Reason']);
  });

  it('sends the best response after a failed failover, not an earlier one (failure_reply_mode 3)', () => {
    const { h } = setup();
    h.receive(uacRequest());
    h.receive(calleeResponse(forwarded(h), 503, 'Service Unavailable'), { address: CALLEE, port: 5060 });
    h.receive(calleeResponse(forwarded(h, SECOND), 486, 'Busy Here', 'second'), {
      address: SECOND,
      port: 5060,
    });
    expect(h.lines('192.0.2.1').at(-1)).toBe('SIP/2.0 486 Busy Here');
  });

  it('passes a 503 on as 500 (RFC 3261 16.7 step 6)', () => {
    const routes = exampleRoutes();
    routes.named = {};
    const { h } = setup(routes);
    h.receive(uacRequest());
    h.receive(calleeResponse(forwarded(h), 503, 'Service Unavailable'), { address: CALLEE, port: 5060 });
    expect(h.lines('192.0.2.1').at(-1)).toBe('SIP/2.0 500 Server Internal Error');
  });
});

describe('timeouts', () => {
  it('retransmits the INVITE on timer A and answers 408 on timer B (fr), after failing over once', () => {
    const { h } = setup(exampleRoutes(), { fr: 4000 });
    h.receive(uacRequest());
    h.clock.advance(3999);
    expect(h.sentTo(CALLEE)).toHaveLength(4); // 0, 500, 1500, 3500
    h.clock.advance(1);
    expect(forwarded(h, SECOND).method).toBe('INVITE'); // t-branch-timeout in the failure route
    h.clock.advance(4000);
    expect(h.lines('192.0.2.1').at(-1)).toBe('SIP/2.0 408 Request Timeout');
  });

  it('cancels a ringing branch on timer C (fr_inv) and answers 408', () => {
    const routes = exampleRoutes();
    routes.named = {};
    const { h, script } = setup(routes, { frInv: 10_000, wait: 1000 });
    h.receive(uacRequest());
    const invite = forwarded(h);
    h.receive(calleeResponse(invite, 180), { address: CALLEE, port: 5060 });
    h.clock.advance(10_000);
    expect(forwarded(h).method).toBe('CANCEL');
    expect(forwarded(h).via.branch).toBe(invite.via.branch);
    expect(h.lines('192.0.2.1').at(-1)).toBe('SIP/2.0 408 Request Timeout');
    // The callee answers the CANCEL and the INVITE late: absorbed; everything ends.
    h.receive(calleeResponse(forwarded(h), 200), { address: CALLEE, port: 5060 });
    h.receive(calleeResponse(invite, 487), { address: CALLEE, port: 5060 });
    expect(h.lines('192.0.2.1').at(-1)).toBe('SIP/2.0 408 Request Timeout');
    h.receive(uacRequest('ACK', { toTag: h.sentTo('192.0.2.1').at(-1)!.message.to!.tag! }));
    h.clock.advance(60_000);
    expect(script.pins).toBe(0);
  });

  it('forwards a 2xx that comes after timer C ended its branch, and cancels the failover branch', () => {
    const { h } = setup(exampleRoutes(), { frInv: 10_000 });
    h.receive(uacRequest());
    const invite = forwarded(h);
    h.receive(calleeResponse(invite, 180), { address: CALLEE, port: 5060 });
    h.clock.advance(10_000); // timer C: CANCEL to the callee, failover to SECONDARY
    const failover = forwarded(h, SECOND);
    expect(failover.method).toBe('INVITE');
    h.receive(calleeResponse(invite, 200), { address: CALLEE, port: 5060 });
    expect(h.lines('192.0.2.1').at(-1)).toBe('SIP/2.0 200 Reason');
    h.receive(calleeResponse(failover, 100), { address: SECOND, port: 5060 });
    expect(forwarded(h, SECOND).method).toBe('CANCEL');
  });

  it('treats a send failure as a 503 for the branch, which feeds the failure route', async () => {
    const { h, script } = setup();
    h.transport.failing.add(`${CALLEE}:5060`);
    h.receive(uacRequest());
    await h.settle();
    expect(script.invocations).toContain('named-route:failover');
    expect(forwarded(h, SECOND).method).toBe('INVITE');
  });
});

describe('CANCEL', () => {
  it('answers the CANCEL 200, cancels the ringing branch, and forwards the 487', () => {
    const { h, script } = setup();
    h.receive(uacRequest());
    const invite = forwarded(h);
    h.receive(calleeResponse(invite, 180), { address: CALLEE, port: 5060 });
    h.receive(uacRequest('CANCEL', { extra: ['Reason: SIP;cause=480'] }));
    expect(h.lines('192.0.2.1').at(-1)).toBe('SIP/2.0 200 OK');
    const cancel = forwarded(h);
    expect(cancel.method).toBe('CANCEL');
    expect(cancel.via.branch).toBe(invite.via.branch);
    expect(cancel.get('Reason')).toBe('SIP;cause=480');
    h.receive(calleeResponse(cancel, 200), { address: CALLEE, port: 5060 });
    h.receive(calleeResponse(invite, 487, 'Request Terminated'), { address: CALLEE, port: 5060 });
    expect(h.lines('192.0.2.1').at(-1)).toBe('SIP/2.0 487 Request Terminated');
    expect(script.invocations).toContain('named-route:failover'); // ran, saw t-is-canceled, did nothing
    expect(h.sentTo(SECOND)).toHaveLength(0);
  });

  it('holds the CANCEL of a branch that has no provisional response until one comes (RFC 3261 9.1)', () => {
    const { h } = setup();
    h.receive(uacRequest());
    const invite = forwarded(h);
    h.receive(uacRequest('CANCEL'));
    expect(h.lines(CALLEE).filter((l) => l.startsWith('CANCEL'))).toHaveLength(0);
    h.receive(calleeResponse(invite, 100), { address: CALLEE, port: 5060 });
    expect(forwarded(h).method).toBe('CANCEL');
  });

  it('lets t-check-trans tell a CANCEL of a known INVITE from one of an unknown INVITE', () => {
    const seen: number[] = [];
    const routes = exampleRoutes({
      request: (_ctx, ksr) => {
        if (ksr('core', 'is-method', 'CANCEL')) seen.push(ksr('tm', 't-check-trans') as number);
        else {
          ksr('core', 'setdsturi', `sip:${CALLEE}`);
          ksr('tm', 't-relay');
        }
      },
    });
    const { h } = setup(routes);
    h.receive(uacRequest('CANCEL', { branch: 'z9hG4bK-nothing' }));
    h.receive(uacRequest());
    h.receive(uacRequest('CANCEL'));
    expect(seen).toEqual([-1, 1]);
  });
});

describe('forking', () => {
  const forking = (
    extra: (ksr: (i: string, f: string, ...a: (string | number)[]) => unknown) => void = () => {},
  ) =>
    exampleRoutes({
      request: (_ctx, ksr) => {
        ksr('core', 'setdsturi', `sip:${CALLEE}`);
        ksr('corex', 'append-branch-uri', `sip:carol@${SECOND}`);
        extra(ksr);
        ksr('tm', 't-relay');
      },
    });

  it('forks in parallel and cancels the other branch when one answers 2xx', () => {
    const { h } = setup(forking());
    h.receive(uacRequest());
    const a = forwarded(h, CALLEE);
    const b = forwarded(h, SECOND);
    expect(b.uri).toBe(`sip:carol@${SECOND}`);
    h.receive(calleeResponse(a, 180), { address: CALLEE, port: 5060 });
    h.receive(calleeResponse(b, 180, 'Ringing', 'b'), { address: SECOND, port: 5060 });
    h.receive(calleeResponse(b, 200, 'OK', 'b'), { address: SECOND, port: 5060 });
    const cancel = forwarded(h, CALLEE);
    expect(cancel.method).toBe('CANCEL');
    expect(cancel.get('Reason')).toBe('SIP;cause=200;text="Call completed elsewhere"');
    expect(h.lines('192.0.2.1').at(-1)).toBe('SIP/2.0 200 OK');
  });

  // RFC 3261 9.1: a CANCEL for a branch without a provisional response waits for one; Kamailio's tm keeps
  // the Reason the 2xx asked for (RFC 3326), so the other phone does not log a missed call.
  it('a CANCEL held until the branch provisional keeps the Reason a 2xx on another branch asked for', () => {
    const { h } = setup(forking());
    h.receive(uacRequest());
    const a = forwarded(h, CALLEE);
    const b = forwarded(h, SECOND);
    h.receive(calleeResponse(b, 200, 'OK', 'b'), { address: SECOND, port: 5060 });
    expect(h.lines('192.0.2.1').at(-1)).toBe('SIP/2.0 200 OK');
    expect(forwarded(h, CALLEE).method).toBe('INVITE');
    h.receive(calleeResponse(a, 180), { address: CALLEE, port: 5060 });
    const cancel = forwarded(h, CALLEE);
    expect(cancel.method).toBe('CANCEL');
    expect(cancel.get('Reason')).toBe('SIP;cause=200;text="Call completed elsewhere"');
  });

  // Kamailio rr: add_rr_param and record_route may be used in BRANCH_ROUTE; they change that branch's
  // Record-Route (kemi-wasm returned 1 and lost the parameter).
  it('add-rr-param and remove-record-route in a branch route act on that branch', () => {
    const routes = forking((ksr) => {
      ksr('rr', 'record-route');
      ksr('tm', 't-on-branch', 'per-branch');
    });
    routes.named = {
      'per-branch': (_ctx, ksr) => {
        if ((ksr('pv', 'get', '$ru') as string).includes('carol')) ksr('rr', 'remove-record-route');
        else expect(ksr('rr', 'add-rr-param', ';nat=yes')).toBe(1);
      },
    };
    const { h } = setup(routes);
    h.receive(uacRequest());
    expect(forwarded(h, CALLEE).get('Record-Route')).toBe('<sip:127.0.0.1:5060;lr;ftag=from1;nat=yes;kwv=1>');
    expect(forwarded(h, SECOND).get('Record-Route')).toBeUndefined();
  });

  it('picks the best final response: 486 over 503 and over a timeout', () => {
    const routes = forking((ksr) => ksr('corex', 'append-branch-uri', 'sip:dave@192.0.2.22'));
    routes.named = {};
    const { h } = setup(routes, { fr: 2000 });
    h.receive(uacRequest());
    h.receive(calleeResponse(forwarded(h, CALLEE), 503, 'Service Unavailable'), {
      address: CALLEE,
      port: 5060,
    });
    h.receive(calleeResponse(forwarded(h, SECOND), 486, 'Busy Here', 'b'), { address: SECOND, port: 5060 });
    h.clock.advance(2000);
    expect(h.lines('192.0.2.1').at(-1)).toBe('SIP/2.0 486 Busy Here');
  });

  it('stops at a 6xx: cancels the other branches and sends the 6xx', () => {
    const routes = forking();
    routes.named = {};
    const { h } = setup(routes);
    h.receive(uacRequest());
    const a = forwarded(h, CALLEE);
    h.receive(calleeResponse(a, 180), { address: CALLEE, port: 5060 });
    h.receive(calleeResponse(forwarded(h, SECOND), 603, 'Decline', 'b'), { address: SECOND, port: 5060 });
    expect(forwarded(h, CALLEE).method).toBe('CANCEL');
    h.receive(calleeResponse(a, 487), { address: CALLEE, port: 5060 });
    expect(h.lines('192.0.2.1').at(-1)).toBe('SIP/2.0 603 Decline');
  });

  it('forks serially by q value with t-load-contacts and t-next-contacts', () => {
    const routes = exampleRoutes({
      request: (_ctx, ksr) => {
        ksr('core', 'seturi', 'sip:low@192.0.2.23');
        ksr('corex', 'append-branch-uri-q', `sip:high@${CALLEE}`, '1.0');
        ksr('corex', 'append-branch-uri-q', `sip:mid1@${SECOND}`, '0.5');
        ksr('corex', 'append-branch-uri-q', 'sip:mid2@192.0.2.22', '0.5');
        ksr('tm', 't-load-contacts');
        ksr('tm', 't-next-contacts');
        ksr('tm', 't-on-failure', 'serial');
        ksr('tm', 't-relay');
      },
      named: {
        serial: (_ctx, ksr) => {
          if ((ksr('tm', 't-next-contacts') as number) < 0) return;
          ksr('tm', 't-on-failure', 'serial');
          ksr('tm', 't-relay');
        },
      },
    });
    const { h } = setup(routes);
    h.receive(uacRequest());
    expect(
      h
        .sentTo()
        .filter((s) => 'method' in s.message)
        .map((s) => (s.message as SipRequest).uri),
    ).toEqual([`sip:high@${CALLEE}`]);
    h.receive(calleeResponse(forwarded(h, CALLEE), 486), { address: CALLEE, port: 5060 });
    const invites = () =>
      h.sentTo().filter((s) => 'method' in s.message && (s.message as SipRequest).method === 'INVITE');
    expect(invites().map((s) => (s.message as SipRequest).uri)).toEqual([
      `sip:high@${CALLEE}`,
      `sip:mid1@${SECOND}`,
      'sip:mid2@192.0.2.22',
    ]);
    h.receive(calleeResponse(forwarded(h, SECOND), 486, 'Busy', 'm1'), { address: SECOND, port: 5060 });
    h.receive(calleeResponse(forwarded(h, '192.0.2.22'), 486, 'Busy', 'm2'), {
      address: '192.0.2.22',
      port: 5060,
    });
    expect((invites().at(-1)!.message as SipRequest).uri).toBe('sip:low@192.0.2.23');
  });
});

describe('a registered Path (registrar lookup with use_path)', () => {
  // registrar lookup.c: set_path_vector + set_dst_uri: the branch goes to the Path's first hop with the
  // Path as its Route set (RFC 3327 5.3).
  it('is the Route set of the R-URI branch, sent to its first hop', () => {
    const routes = exampleRoutes({
      request: (ctx, ksr) => {
        ksr('core', 'seturi', 'sip:bob@192.168.1.5:5060');
        ctx.relay.ruriPath = `<sip:${SECOND};lr>`;
        ksr('core', 'setdsturi', `sip:${SECOND};lr`);
        ksr('tm', 't-relay');
      },
    });
    const { h } = setup(routes);
    h.receive(uacRequest());
    const invite = forwarded(h, SECOND);
    expect(invite.uri).toBe('sip:bob@192.168.1.5:5060');
    expect(invite.getFieldValues('Route')).toEqual([`<sip:${SECOND};lr>`]);
  });
});

describe('$avp through the transaction', () => {
  // Kamailio keeps a request's AVPs with its transaction (tm moves them on t_relay): the failure route of
  // etc/kamailio.cfg reads $avp(oexten) the request route set.
  it('an $avp set before t-relay is read and written by the failure route', () => {
    let seen: unknown;
    const routes = exampleRoutes({
      request: (_ctx, ksr) => {
        ksr('pv', 'sets', '$avp(oexten)', 'bob');
        ksr('core', 'setdsturi', `sip:${CALLEE}`);
        ksr('tm', 't-on-failure', 'vm');
        ksr('tm', 't-relay');
      },
      named: {
        vm: (_ctx, ksr) => {
          seen = ksr('pv', 'get', '$avp(oexten)');
          ksr('core', 'seturi', `sip:${ksr('pv', 'get', '$avp(oexten)')}@${SECOND}`);
          ksr('core', 'setdsturi', `sip:${SECOND}`);
          ksr('tm', 't-relay');
        },
      },
    });
    const { h } = setup(routes);
    h.receive(uacRequest());
    h.receive(calleeResponse(forwarded(h, CALLEE), 486), { address: CALLEE, port: 5060 });
    expect(seen).toBe('bob');
    expect(forwarded(h, SECOND).uri).toBe(`sip:bob@${SECOND}`);
  });
});

describe('the script a transaction runs on', () => {
  it('runs failure and onreply routes on the version that created the transaction after another was activated', () => {
    const first = jsScript(
      exampleRoutes({
        request: (_ctx, ksr) => {
          ksr('core', 'setdsturi', `sip:${CALLEE}`);
          ksr('tm', 't-on-reply', 'log');
          ksr('tm', 't-on-failure', 'failover');
          ksr('tm', 't-relay');
        },
        named: { log: () => {}, failover: () => {} },
      }),
      1,
    );
    const second = jsScript(exampleRoutes(), 2);
    let active = first;
    const h = proxyHarness({ script: first, defines, select: () => active });
    h.receive(uacRequest());
    const invite = forwarded(h as unknown as ReturnType<typeof setup>['h']);
    active = second;
    h.receive(calleeResponse(invite, 180), { address: CALLEE, port: 5060 });
    h.receive(calleeResponse(invite, 486), { address: CALLEE, port: 5060 });
    expect(first.invocations).toEqual([
      'request-route',
      'reply-route',
      'named-route:log',
      'reply-route',
      'named-route:log',
      'named-route:failover',
    ]);
    expect(second.invocations).toEqual([]);
    expect(first.pins).toBe(1);
    h.receive(uacRequest('ACK', { toTag: 'callee' }));
    h.clock.advance(60_000);
    expect(first.pins).toBe(0);
  });
});

describe('branch and onreply routes', () => {
  it('runs the branch route per branch: it sees $T_branch_idx, may change the request or drop the branch', () => {
    const indexes: unknown[] = [];
    const routes = exampleRoutes({
      request: (_ctx, ksr) => {
        ksr('core', 'setdsturi', `sip:${CALLEE}`);
        ksr('corex', 'append-branch-uri', `sip:carol@${SECOND}`);
        ksr('tm', 't-on-branch', 'per-branch');
        ksr('tm', 't-relay');
      },
      named: {
        'per-branch': (_ctx, ksr) => {
          const index = ksr('pv', 'get', '$T_branch_idx');
          indexes.push(index);
          if (index === '1') ksr('x', 'drop');
          else ksr('hdr', 'append', 'X-Branch: first');
        },
      },
    });
    const { h } = setup(routes);
    h.receive(uacRequest());
    expect(indexes).toEqual(['0', '1']);
    expect(forwarded(h).get('X-Branch')).toBe('first');
    expect(h.sentTo(SECOND)).toHaveLength(0);
  });

  it("gives the onreply route the response's source ($si, $sp), not the caller's", () => {
    const seen: unknown[] = [];
    const routes = exampleRoutes({
      request: (_ctx, ksr) => {
        ksr('core', 'setdsturi', `sip:${CALLEE}`);
        ksr('tm', 't-on-reply', 'replies');
        ksr('tm', 't-relay');
      },
      named: {
        replies: (_ctx, ksr) => {
          seen.push(`${ksr('pv', 'get', '$si')}:${ksr('pv', 'get', '$sp')}`);
        },
      },
    });
    const { h } = setup(routes);
    h.receive(uacRequest());
    h.receive(calleeResponse(forwarded(h), 180), { address: CALLEE, port: 5071 });
    expect(seen).toEqual([`${CALLEE}:5071`]);
  });

  it('runs the onreply route for each reply; a dropped provisional is not forwarded', () => {
    const routes = exampleRoutes({
      request: (_ctx, ksr) => {
        ksr('core', 'setdsturi', `sip:${CALLEE}`);
        ksr('tm', 't-on-reply', 'replies');
        ksr('tm', 't-relay');
      },
      named: {
        replies: (_ctx, ksr) => {
          if ((ksr('tm', 't-check-status', '183') as number) > 0) ksr('x', 'drop');
          else ksr('hdr', 'append', 'X-Seen: yes');
        },
      },
    });
    const { h } = setup(routes);
    h.receive(uacRequest());
    const invite = forwarded(h);
    h.receive(calleeResponse(invite, 183), { address: CALLEE, port: 5060 });
    h.receive(calleeResponse(invite, 200), { address: CALLEE, port: 5060 });
    const up = h.sentTo('192.0.2.1');
    expect(up.map((s) => s.text.split('\r\n')[0])).toEqual(['SIP/2.0 100 Trying', 'SIP/2.0 200 Reason']);
    expect(up[1].message.get('X-Seen')).toBe('yes');
  });
});

describe('the destination choke point', () => {
  it('refuses a destination the tenant may not reach: t-relay returns -510 and sl-reply-error sends 403', () => {
    const codes: unknown[] = [];
    const routes = exampleRoutes({
      request: (_ctx, ksr) => {
        ksr('core', 'setdsturi', `sip:${CALLEE}`);
        codes.push(ksr('tm', 't-relay'));
        ksr('sl', 'sl-reply-error');
      },
    });
    const script = jsScript(routes);
    const h = proxyHarness({
      script,
      defines,
      authorizeDestination: (_s, target) =>
        target.host === CALLEE ? err('not on the allow-list') : ok(undefined),
    });
    h.receive(uacRequest('OPTIONS'));
    expect(codes).toEqual([-510]);
    expect(h.sentTo(CALLEE)).toHaveLength(0);
    expect(h.lines('192.0.2.1')).toEqual(['SIP/2.0 403 Destination Not Allowed']);
  });

  it('also decides failover destinations', () => {
    const script = jsScript(exampleRoutes());
    const h = proxyHarness({
      script,
      defines,
      authorizeDestination: (_s, target) => (target.host === SECOND ? err('no') : ok(undefined)),
    });
    h.receive(uacRequest());
    h.receive(calleeResponse(h.sentTo(CALLEE)[0].message, 503), { address: CALLEE, port: 5060 });
    expect(h.sentTo(SECOND)).toHaveLength(0);
    expect(h.lines('192.0.2.1').at(-1)).toBe('SIP/2.0 500 Server Internal Error');
  });
});

describe('in-dialog requests and stateless parts', () => {
  it('loose-routes a BYE by its Route (our entry removed) to the remote target, in its own transaction', () => {
    const { h } = setup();
    h.receive(
      uacRequest('BYE', {
        uri: `sip:bob@${CALLEE}:5070`,
        toTag: 'callee',
        cseq: 2,
        extra: ['Route: <sip:127.0.0.1:5060;lr;ftag=from1>'],
      }),
    );
    const bye = forwarded(h);
    expect(h.sentTo(CALLEE)[0].target.port).toBe(5070);
    expect(bye.has('Route')).toBe(false);
    expect(bye.has('Record-Route')).toBe(false);
    h.receive(calleeResponse(bye, 200), { address: CALLEE, port: 5070 });
    expect(h.lines('192.0.2.1')).toEqual(['SIP/2.0 200 Reason']);
  });

  it('forwards an ACK for a 2xx statelessly, with a branch of its own, the same for a repeated ACK', () => {
    const { h } = setup();
    const ack = uacRequest('ACK', {
      uri: `sip:bob@${CALLEE}`,
      toTag: 'callee',
      extra: ['Route: <sip:127.0.0.1:5060;lr;ftag=from1>'],
    });
    h.receive(ack);
    h.receive(ack);
    const [a, b] = h.sentTo(CALLEE).map((s) => s.message as SipRequest);
    expect(a.method).toBe('ACK');
    expect(a.via.branch).toBe(b.via.branch);
    expect(h.core.tm.table.serverCount).toBe(0);
  });

  it('forwards a 2xx that outlived its transaction by its Via: our branch is signed for the caller', () => {
    const { h } = setup();
    h.receive(uacRequest('INVITE', { extra: [] }), { address: '192.0.2.1', port: 5071 });
    const invite = forwarded(h);
    h.receive(calleeResponse(invite, 200), { address: CALLEE, port: 5060 });
    h.clock.advance(60_000);
    expect(h.core.tm.table.serverCount).toBe(0);
    h.receive(calleeResponse(invite, 200), { address: CALLEE, port: 5060 });
    const sent = h.sentTo('192.0.2.1');
    expect(sent.map((s) => s.text.split('\r\n')[0])).toEqual([
      'SIP/2.0 100 Trying',
      'SIP/2.0 200 Reason',
      'SIP/2.0 200 Reason',
    ]);
    // The caller's Via has no rport: the sent-by port, as for the transaction's own replies.
    expect(sent[2].target).toEqual({ proto: 'udp', address: '192.0.2.1', port: 5060 });
    expect(sent[2].message.getAll('Via')).toEqual(['SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-uac1']);
    expect(h.core.tm.counters.statelessReplies).toBe(1);
  });

  it('drops a response naming us whose branch was not minted here for its next Via (issue 11)', () => {
    const { h } = setup();
    h.receive(uacRequest());
    const invite = forwarded(h);
    h.receive(calleeResponse(invite, 200), { address: CALLEE, port: 5060 });
    h.clock.advance(60_000);
    const late = calleeResponse(invite, 200);
    const forged = [
      // our real branch, the next Via pointed elsewhere
      late.replace('192.0.2.1:5060;', '192.0.2.66:5060;'),
      late.replace(
        /Via: SIP\/2\.0\/UDP 192\.0\.2\.1:5060;[^\r]*/,
        'Via: SIP/2.0/TCP 192.0.2.1:5060;branch=z9hG4bK1',
      ),
      // a branch of its own, or none
      late.replace(invite.via.branch!, 'z9hG4bK-gone'),
      late.replace(`;branch=${invite.via.branch!}`, ''),
    ];
    for (const text of forged) h.receive(text, { address: CALLEE, port: 5060 });
    expect(h.lines()).toEqual([
      'SIP/2.0 100 Trying',
      'INVITE sip:bob@proxy.example.com SIP/2.0',
      'SIP/2.0 200 Reason',
    ]);
    expect(h.core.tm.counters.statelessRepliesRefused).toBe(4);
    expect(h.core.tm.counters.statelessReplies).toBe(0);
  });

  it('decrements Max-Forwards when the script did not, and adds 70 when absent (16.6 step 3)', () => {
    const routes = exampleRoutes({
      request: (_ctx, ksr) => {
        ksr('core', 'setdsturi', `sip:${CALLEE}`);
        ksr('tm', 't-relay');
      },
    });
    const { h } = setup(routes);
    h.receive(uacRequest('OPTIONS'));
    expect(forwarded(h).maxForwards).toBe(69);
    h.receive(uacRequest('OPTIONS', { branch: 'z9hG4bK-2', cseq: 2 }).replace('Max-Forwards: 70\r\n', ''));
    expect(forwarded(h).maxForwards).toBe(70);
  });
});

describe('stateful replies', () => {
  it('t-newtran then t-reply: a retransmission gets the same final response, the ACK is absorbed', () => {
    const routes = exampleRoutes({
      request: (_ctx, ksr) => {
        ksr('tm', 't-newtran');
        ksr('hdr', 'append-to-reply', 'X-Why: busy');
        ksr('tm', 't-reply', 486, 'Busy Here');
      },
    });
    const { h, script } = setup(routes);
    h.receive(uacRequest());
    h.receive(uacRequest());
    const lines = h.lines('192.0.2.1');
    expect(lines).toEqual(['SIP/2.0 100 Trying', 'SIP/2.0 486 Busy Here', 'SIP/2.0 486 Busy Here']);
    const busy = h.sentTo('192.0.2.1')[1].message;
    expect(busy.get('X-Why')).toBe('busy');
    h.receive(uacRequest('ACK', { toTag: busy.to!.tag }));
    expect(script.invocations).toEqual(['request-route']);
  });

  it('textops.set-reply-body: the stateful and the stateless reply carry the body and its Content-Type', () => {
    const routes = exampleRoutes({
      request: (ctx, ksr) => {
        ksr('textops', 'set-reply-body', 'no one home', 'text/plain');
        if (ctx.request?.method === 'INVITE') {
          ksr('tm', 't-newtran');
          ksr('tm', 't-reply', 486, 'Busy Here');
        } else ksr('sl', 'sl-send-reply', 404, 'Not Here');
      },
    });
    const { h } = setup(routes);
    h.receive(uacRequest());
    h.receive(uacRequest('OPTIONS', { branch: 'z9hG4bK-opt', cseq: 2 }));
    const [, busy, notHere] = h.sentTo('192.0.2.1').map((s) => s.message);
    for (const reply of [busy, notHere]) {
      expect(reply.body).toBe('no one home');
      expect(reply.get('Content-Type')).toBe('text/plain');
      expect(reply.contentLength).toBe(11);
    }
  });

  it('t-reply 200 to an INVITE: retransmitted until its ACK, which ends here without a route', () => {
    const routes = exampleRoutes({
      request: (_ctx, ksr) => {
        ksr('tm', 't-newtran');
        ksr('tm', 't-reply', 200, 'OK');
      },
    });
    const { h, script } = setup(routes);
    h.receive(uacRequest());
    h.clock.advance(500);
    h.clock.advance(1000);
    expect(h.lines('192.0.2.1')).toEqual([
      'SIP/2.0 100 Trying',
      'SIP/2.0 200 OK',
      'SIP/2.0 200 OK',
      'SIP/2.0 200 OK',
    ]);
    const ok = h.sentTo('192.0.2.1')[1].message;
    h.receive(uacRequest('ACK', { branch: 'z9hG4bK-ack2xx', toTag: ok.to!.tag }));
    h.clock.advance(30_000);
    expect(h.lines('192.0.2.1')).toHaveLength(4);
    expect(script.invocations).toEqual(['request-route']);
    expect(h.core.tm.counters.retransmissionsAbsorbed).toBe(1);
  });

  it('sl.send-reply is stateful once the transaction exists', () => {
    const routes = exampleRoutes({
      request: (_ctx, ksr) => {
        ksr('tm', 't-newtran');
        ksr('sl', 'send-reply', 404, 'Not Found');
      },
    });
    const { h } = setup(routes);
    h.receive(uacRequest('OPTIONS'));
    h.receive(uacRequest('OPTIONS'));
    expect(h.lines('192.0.2.1')).toEqual(['SIP/2.0 404 Not Found', 'SIP/2.0 404 Not Found']);
    expect(h.core.tm.counters.retransmissionsAbsorbed).toBe(1);
  });

  it('matches RFC 2543 retransmissions (no magic cookie) to their transaction', () => {
    const routes = exampleRoutes({
      request: (_ctx, ksr) => {
        ksr('tm', 't-send-reply', 480, 'Unavailable');
      },
    });
    const { h, script } = setup(routes);
    h.receive(uacRequest('OPTIONS', { branch: 'old-style' }));
    h.receive(uacRequest('OPTIONS', { branch: 'old-style' }));
    expect(script.invocations).toEqual(['request-route']);
    expect(h.lines('192.0.2.1')).toEqual(['SIP/2.0 480 Unavailable', 'SIP/2.0 480 Unavailable']);
  });
});
