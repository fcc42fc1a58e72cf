// A hostile tenant script relaying into the server itself (issue 11, "Relay into the server itself"), against
// a real `kemi-wasm serve`: the tenant's allow-list covers 127.0.0.1 (the proxy's own address), its route
// relays to the Request-URI. Its own socket is refused (403, counted, logged) and the request does not come
// back in; a request that a peer sends straight back gets 482 (RFC 3261 16.3 step 4); a route that writes
// Max-Forwards: 70 on a request received with 5 forwards 4. Loopback only, every process stopped by PID.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerProcess } from './harness.ts';
import { closeSockets, finalTo, next, request, startRelayServer, udpSocket } from './raw-sip.ts';

let server: ServerProcess;
let proxyPort: number;

beforeAll(async () => {
  server = await startRelayServer('relayer', { cidrs: ['127.0.0.1/32'] });
  proxyPort = server.ports.udp!;
}, 60_000);

afterAll(async () => {
  closeSockets();
  if (server) expect(await server.stop()).toBe(0);
});

describe("a tenant relaying to the proxy's own address", () => {
  it('is refused with 403 and the request does not come back in', async () => {
    const caller = await udpSocket();
    const callId = 'self-1';
    const answer = next(caller, finalTo(callId));
    caller.send(
      request(caller.port, { callId, uri: `sip:bob@127.0.0.1:${proxyPort}` }),
      proxyPort,
      '127.0.0.1',
    );
    expect((await answer)?.split('\r\n')[0]).toBe('SIP/2.0 403 Destination Not Allowed');
    // Give a relayed copy time to arrive: only the caller's request ever ran a route.
    await new Promise((r) => setTimeout(r, 300));
    const refusals = server.lines.filter((l) => String(l.msg).includes("this server's own sockets"));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({ tenant: 'relayer', callId });
    expect(server.lines.filter((l) => String(l.msg).includes('looped back'))).toHaveLength(0);
  });
});

describe('a request that loops through a peer', () => {
  it('gets 482 Loop Detected from the proxy on its way back, which reaches the caller', async () => {
    const caller = await udpSocket();
    // A misconfigured peer: everything it receives goes back to the proxy, unchanged (bounded).
    const reflector = await udpSocket();
    let reflected = 0;
    let requests = 0;
    reflector.on('message', (msg) => {
      if (msg.toString('latin1').startsWith('OPTIONS ')) requests++;
      if (reflected++ < 200) reflector.send(msg, proxyPort, '127.0.0.1');
    });
    const callId = 'loop-1';
    const answer = next(caller, finalTo(callId));
    caller.send(
      request(caller.port, { callId, uri: `sip:bob@127.0.0.1:${reflector.port}` }),
      proxyPort,
      '127.0.0.1',
    );
    expect((await answer)?.split('\r\n')[0]).toBe('SIP/2.0 482 Loop Detected');
    // The request went round once: the proxy relayed it to the peer a single time.
    expect(requests).toBe(1);
  });
});

describe('Max-Forwards written by the script', () => {
  it('a route setting Max-Forwards: 70 on a request received with 5 forwards 4', async () => {
    const caller = await udpSocket();
    const callee = await udpSocket();
    const callId = 'maxfwd-1';
    const arrived = next(callee, (text) => text.startsWith('OPTIONS '));
    caller.send(
      request(caller.port, {
        callId,
        uri: `sip:bob@127.0.0.1:${callee.port}`,
        maxForwards: 5,
        extra: ['X-Raise: 1'],
      }),
      proxyPort,
      '127.0.0.1',
    );
    const text = await arrived;
    expect(text).toBeDefined();
    expect(/\r\nMax-Forwards: *(\d+)\r\n/i.exec(text!)?.[1]).toBe('4');
  });
});
