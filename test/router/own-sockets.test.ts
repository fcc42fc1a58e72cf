// OwnSockets: isOwnSocket remembered per protocol, host and port, bounded; the answers stay those of
// isOwnSocket when the cache starts over.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isOwnSocket, OwnSockets } from '../../src/router/own-socket.ts';
import type { NextHop } from '../../src/tm/index.ts';
import { Transport } from '../../src/transport/transport.ts';
import { silent } from '../transport/loopback.ts';

describe('OwnSockets', () => {
  let transport: Transport;
  let port: number;

  beforeAll(async () => {
    const started = await Transport.start({
      listen: ['udp:127.0.0.1:0'],
      logger: silent,
      onMessage: () => {},
    });
    if (!started.ok) throw new Error(started.error);
    transport = started.value;
    port = transport.localAddresses[0].port;
  });

  afterAll(() => transport.close());

  it('answers as isOwnSocket, asked again and after the bound made it start over', () => {
    const own = new OwnSockets(transport, 2);
    const hops: NextHop[] = [
      { proto: 'udp', host: '127.0.0.1', port },
      { proto: 'udp', host: '192.0.2.1', port },
      { proto: 'tcp', host: '127.0.0.1', port },
      { proto: 'udp', host: '127.0.0.2', port },
      { proto: 'udp', host: '127.0.0.1', port: port === 65535 ? 1 : port + 1 },
    ];
    const answers = [...hops, ...hops, ...hops].map((hop) => own.reaches(hop));
    const expected = [...hops, ...hops, ...hops].map((hop) => isOwnSocket(transport, hop));
    expect(answers).toEqual(expected);
    expect(expected.slice(0, hops.length)).toEqual([true, false, false, false, false]);
  });
});
