// OutboundInterfaces: the listener a request leaves from, named by one endpoint object per listener (the
// transport finds the socket by that object), and the concrete address Via and Record-Route name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboundInterfaces } from '../../src/router/outbound-interface.ts';
import type { Source } from '../../src/transport/index.ts';
import { Transport } from '../../src/transport/transport.ts';
import { silent } from '../transport/loopback.ts';

describe('OutboundInterfaces', () => {
  let transport: Transport;

  beforeAll(async () => {
    const started = await Transport.start({
      listen: ['udp:127.0.0.1:0', 'tcp:127.0.0.1:0'],
      logger: silent,
      onMessage: () => {},
    });
    if (!started.ok) throw new Error(started.error);
    transport = started.value;
  });

  afterAll(() => transport.close());

  it('gives the same endpoint object for a listener on every pick, one per listener', () => {
    const [udp, tcp] = transport.localAddresses;
    const near: Source = { proto: 'udp', remote: { address: '127.0.0.1', port: 5099 }, local: udp };
    const interfaces = new OutboundInterfaces(transport);
    const first = interfaces.pick('udp', '127.0.0.2', near);
    const second = interfaces.pick('udp', '192.0.2.7', near);
    const overTcp = interfaces.pick('tcp', '127.0.0.2', near);
    expect(first).toEqual({
      listener: { address: '127.0.0.1', port: udp.port },
      address: '127.0.0.1',
      port: udp.port,
    });
    expect(second?.listener).toBe(first?.listener);
    expect(overTcp?.listener).toEqual({ address: '127.0.0.1', port: tcp.port });
    expect(overTcp?.listener).not.toBe(first?.listener);
    expect(interfaces.pick('tcp', '10.0.0.1', near)?.listener).toBe(overTcp?.listener);
  });
});
