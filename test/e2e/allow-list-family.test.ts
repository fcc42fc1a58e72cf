// Allow-list family confusion (issue 11, "Allow-list family confusion"), against a real `kemi-wasm serve`:
// a tenant allowed only `::/0` (every IPv6 address) relays to the Request-URI. An IPv4 destination, given
// as 127.0.0.1 or as the IPv4-mapped [::ffff:127.0.0.1], is refused (403) and the listener there gets
// nothing; the server warns at load that the entry covers the IPv4-carrying ranges. Loopback only, every
// process stopped by PID.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerProcess } from './harness.ts';
import { closeSockets, finalTo, next, request, startRelayServer, udpSocket } from './raw-sip.ts';

let server: ServerProcess;
let proxyPort: number;

beforeAll(async () => {
  server = await startRelayServer('v6only', { cidrs: ['::/0'] });
  proxyPort = server.ports.udp!;
}, 60_000);

afterAll(async () => {
  closeSockets();
  if (server) expect(await server.stop()).toBe(0);
});

describe('a tenant allowed only ::/0', () => {
  it('was warned about at load: the entry covers the IPv4-mapped range', () => {
    const warning = server.lines.find((l) => String(l.msg).startsWith('relay_allow: ::/0 covers'));
    expect(warning).toMatchObject({ tenant: 'v6only', level: 'warn' });
  });

  for (const [name, host] of [
    ['127.0.0.1', '127.0.0.1'],
    ['the IPv4-mapped [::ffff:127.0.0.1]', '[::ffff:127.0.0.1]'],
  ]) {
    it(`relaying to ${name} is refused with 403 and nothing reaches the listener there`, async () => {
      const caller = await udpSocket();
      const victim = await udpSocket();
      const callId = `family-${victim.port}`;
      const reached = next(victim, () => true, 1500);
      const answer = next(caller, finalTo(callId));
      caller.send(
        request(caller.port, { callId, uri: `sip:bob@${host}:${victim.port}` }),
        proxyPort,
        '127.0.0.1',
      );
      expect((await answer)?.split('\r\n')[0]).toBe('SIP/2.0 403 Destination Not Allowed');
      expect(await reached).toBeUndefined();
    });
  }
});
