// A script relaying into the server itself (issue 11): its own sockets are refused as destinations, a
// request that comes back with a branch minted for it is answered 482 (RFC 3261 16.3 step 4) while a spiral
// goes on, and Max-Forwards never goes up through a script.
import { describe, expect, it } from 'vitest';
import type { SipRequest } from '../../src/sip/index.ts';
import { exampleRoutes, jsScript, proxyHarness, uacRequest } from './proxy-harness.ts';

const CALLEE = '192.0.2.20';

function relayTo(uri: string, codes: unknown[] = []) {
  return exampleRoutes({
    request: (_ctx, ksr) => {
      ksr('core', 'setdsturi', uri);
      const code = ksr('tm', 't-relay');
      codes.push(code);
      if (typeof code === 'number' && code < 0) ksr('sl', 'sl-reply-error');
    },
  });
}

function lastRequestTo(h: ReturnType<typeof proxyHarness>, address: string): SipRequest {
  return h
    .sentTo(address)
    .filter((s) => 'method' in s.message)
    .at(-1)!.message as SipRequest;
}

describe("the server's own sockets as a relay destination", () => {
  it('keeps refusing an own socket and allowing another host when the answers are remembered', () => {
    const codes: unknown[] = [];
    const uris = ['sip:127.0.0.1:5060', `sip:${CALLEE}:5060`, 'sip:127.0.0.1:5060', `sip:${CALLEE}:5060`];
    let next = 0;
    const h = proxyHarness({
      script: jsScript(
        exampleRoutes({
          request: (_ctx, ksr) => {
            ksr('core', 'setdsturi', uris[next++]);
            const code = ksr('tm', 't-relay');
            codes.push(code);
            if (typeof code === 'number' && code < 0) ksr('sl', 'sl-reply-error');
          },
        }),
      ),
    });
    for (let i = 0; i < uris.length; i++)
      h.receive(uacRequest('OPTIONS', { branch: `z9hG4bK-own${i}`, cseq: i + 1 }));
    expect(codes).toEqual([-510, 1, -510, 1]);
    expect(h.lines('127.0.0.1')).toEqual([]);
    expect(h.core.counters.selfRelaysRefused).toEqual({ default: 2 });
  });

  for (const uri of ['sip:127.0.0.1:5060', 'sip:0.0.0.0:5060', 'sip:[::ffff:127.0.0.1]:5060']) {
    it(`refuses ${uri}: t-relay returns -510, 403 upstream, counted per tenant`, () => {
      const codes: unknown[] = [];
      const h = proxyHarness({ script: jsScript(relayTo(uri, codes)) });
      h.receive(uacRequest('OPTIONS'));
      expect(codes).toEqual([-510]);
      expect(h.lines('127.0.0.1')).toEqual([]);
      expect(h.lines('192.0.2.1')).toEqual(['SIP/2.0 403 Destination Not Allowed']);
      expect(h.core.counters.selfRelaysRefused).toEqual({ default: 1 });
      expect(h.core.counters.destinationsRefused).toEqual({ default: 1 });
    });
  }

  it('lets another port of the same host through (not one of its sockets)', () => {
    const codes: unknown[] = [];
    const h = proxyHarness({ script: jsScript(relayTo('sip:127.0.0.1:5070', codes)) });
    h.receive(uacRequest('OPTIONS'));
    expect(codes).toEqual([1]);
    expect(h.core.counters.selfRelaysRefused).toEqual({});
  });

  it('relays to itself when the operator set relay_to_self', () => {
    const codes: unknown[] = [];
    const h = proxyHarness({ script: jsScript(relayTo('sip:127.0.0.1:5060', codes)), relayToSelf: true });
    h.receive(uacRequest('OPTIONS'));
    expect(codes).toEqual([1]);
    expect(h.lines('127.0.0.1')).toEqual(['OPTIONS sip:bob@proxy.example.com SIP/2.0']);
  });
});

describe('loop detection (RFC 3261 16.3 step 4)', () => {
  it('answers 482 to a request that comes back unchanged, without running a route', () => {
    const script = jsScript(relayTo(`sip:${CALLEE}`));
    const h = proxyHarness({ script });
    h.receive(uacRequest('OPTIONS'));
    const sent = lastRequestTo(h, CALLEE);
    expect(sent.via.branch).toMatch(/\.l[0-9a-f]{16}$/);
    // The callee (or a peer) sends it straight back.
    h.receive(sent.toString(), { address: CALLEE, port: 5060 });
    expect(h.lines(CALLEE)).toEqual([
      'OPTIONS sip:bob@proxy.example.com SIP/2.0',
      'SIP/2.0 482 Loop Detected',
    ]);
    expect(script.invocations).toEqual(['request-route']);
    expect(h.core.counters.loopsDetected).toBe(1);
  });

  it('also when another element added its own Via on the way back', () => {
    const h = proxyHarness({ script: jsScript(relayTo(`sip:${CALLEE}`)) });
    h.receive(uacRequest('OPTIONS'));
    const sent = lastRequestTo(h, CALLEE);
    sent.pushVia('SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK-other');
    h.receive(sent.toString(), { address: CALLEE, port: 5060 });
    expect(h.lines(CALLEE).at(-1)).toBe('SIP/2.0 482 Loop Detected');
  });

  it('lets a spiral through: the same request with a new Request-URI is routed again', () => {
    const script = jsScript(relayTo(`sip:${CALLEE}`));
    const h = proxyHarness({ script });
    h.receive(uacRequest('OPTIONS'));
    const sent = lastRequestTo(h, CALLEE);
    sent.setUri('sip:carol@proxy.example.com');
    h.receive(sent.toString(), { address: CALLEE, port: 5060 });
    expect(script.invocations).toEqual(['request-route', 'request-route']);
    expect(h.core.counters.loopsDetected).toBe(0);
  });

  it('hashes the request as received, before the route rewrote its Request-URI', () => {
    const script = jsScript(
      exampleRoutes({
        request: (_ctx, ksr) => {
          ksr('pv', 'sets', '$ru', 'sip:bob@192.0.2.20');
          ksr('tm', 't-relay');
        },
      }),
    );
    const h = proxyHarness({ script });
    h.receive(uacRequest('OPTIONS'));
    // Back with the rewritten Request-URI: a spiral for this hop (it was received with another one).
    h.receive(lastRequestTo(h, CALLEE).toString(), { address: CALLEE, port: 5060 });
    expect(script.invocations).toEqual(['request-route', 'request-route']);
    // Back once more, unchanged since the second pass: now a loop.
    h.receive(lastRequestTo(h, CALLEE).toString(), { address: CALLEE, port: 5060 });
    expect(h.core.counters.loopsDetected).toBe(1);
  });

  it('ignores a Via that is not ours even with a matching-looking branch', () => {
    const h = proxyHarness({ script: jsScript(relayTo(`sip:${CALLEE}`)) });
    h.receive(uacRequest('OPTIONS'));
    const sent = lastRequestTo(h, CALLEE);
    const text = sent
      .toString()
      .replace('Via: SIP/2.0/UDP 127.0.0.1:5060;', 'Via: SIP/2.0/UDP 192.0.2.99:5060;');
    h.receive(text, { address: CALLEE, port: 5060 });
    expect(h.core.counters.loopsDetected).toBe(0);
  });
});

describe('Max-Forwards through a script', () => {
  const raise = (fn: string) =>
    exampleRoutes({
      request: (_ctx, ksr) => {
        if (fn === 'append') {
          ksr('hdr', 'remove', 'Max-Forwards');
          ksr('hdr', 'append', 'Max-Forwards: 70');
        } else ksr('hdr', fn, 'Max-Forwards', 'Max-Forwards: 70');
        ksr('core', 'setdsturi', `sip:${CALLEE}`);
        ksr('tm', 't-relay');
      },
    });

  for (const fn of ['rmappend', 'rminsert', 'append']) {
    it(`never rises: ${fn} of 70 on a request received with 5 forwards 4`, () => {
      const h = proxyHarness({ script: jsScript(raise(fn)) });
      h.receive(uacRequest('OPTIONS').replace('Max-Forwards: 70', 'Max-Forwards: 5'));
      expect(lastRequestTo(h, CALLEE).maxForwards).toBe(4);
    });
  }

  it('a value the script lowered is kept', () => {
    const routes = exampleRoutes({
      request: (_ctx, ksr) => {
        ksr('hdr', 'rmappend', 'Max-Forwards', 'Max-Forwards: 2');
        ksr('core', 'setdsturi', `sip:${CALLEE}`);
        ksr('tm', 't-relay');
      },
    });
    const h = proxyHarness({ script: jsScript(routes) });
    h.receive(uacRequest('OPTIONS').replace('Max-Forwards: 70', 'Max-Forwards: 5'));
    expect(lastRequestTo(h, CALLEE).maxForwards).toBe(2);
  });
});
