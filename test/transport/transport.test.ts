import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { normalizeAddress } from '../../src/transport/endpoint.ts';
import { Transport } from '../../src/transport/transport.ts';
import { type Harness, silent, startHarness } from './loopback.ts';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.transport.close();
  harness = undefined;
});

const noop = () => {};

describe('Transport.start', () => {
  it('binds every listen spec and reports the actual ports, in spec order', async () => {
    harness = await startHarness(['udp:127.0.0.1:0', 'tcp:127.0.0.1:0', 'udp:[::1]:0', 'tcp:[::1]:0']);
    const locals = harness.transport.localAddresses;
    expect(locals.map((l) => [l.proto, l.address, l.family, l.spec])).toEqual([
      ['udp', '127.0.0.1', 4, 'udp:127.0.0.1:0'],
      ['tcp', '127.0.0.1', 4, 'tcp:127.0.0.1:0'],
      ['udp', '::1', 6, 'udp:[::1]:0'],
      ['tcp', '::1', 6, 'tcp:[::1]:0'],
    ]);
    for (const l of locals) expect(l.port).toBeGreaterThan(0);
  });

  it('lets IPv4 and IPv6 wildcards share a port number (IPv6 listeners are v6-only)', async () => {
    harness = await startHarness(['udp:[::]:0']);
    const { port } = harness.listener('udp');
    const both = await Transport.start({ listen: [`udp:0.0.0.0:${port}`], logger: silent, onMessage: noop });
    expect(both.ok).toBe(true);
    if (both.ok) await both.value.close();
  });

  it('resolves a host name in a listen spec', async () => {
    harness = await startHarness(['tcp:localhost:0'], {
      resolve: async (host) =>
        host === 'localhost'
          ? { ok: true, value: '127.0.0.1' }
          : { ok: false, error: { systemCode: 'ENOTFOUND', message: 'no' } },
    });
    expect(harness.listener('tcp').address).toBe('127.0.0.1');
  });

  it.each([
    [[], 'no listen specs'],
    [['udp:127.0.0.1'], "listen spec 'udp:127.0.0.1': no port"],
    [['sctp:127.0.0.1:5060'], "unsupported protocol 'sctp'"],
  ])('rejects listen %j with an error value', async (listen, why) => {
    const result = await Transport.start({ listen, logger: silent, onMessage: noop });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(why);
  });

  it('rejects invalid limits with an error value', async () => {
    const result = await Transport.start({
      listen: ['udp:127.0.0.1:0'],
      logger: silent,
      onMessage: noop,
      limits: { idleTimeoutMs: -5 },
    });
    expect(!result.ok && result.error).toContain('idleTimeoutMs');
  });

  it('fails as a whole when a port is taken, naming the spec and the code, and leaves nothing bound', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const address = blocker.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const result = await Transport.start({
        listen: ['udp:127.0.0.1:0', `tcp:127.0.0.1:${port}`],
        logger: silent,
        onMessage: noop,
      });
      expect(result).toEqual({ ok: false, error: `listen tcp:127.0.0.1:${port}: cannot bind: EADDRINUSE` });
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });

  it('reports a listen address that is not on this host', async () => {
    const result = await Transport.start({ listen: ['udp:192.0.2.1:0'], logger: silent, onMessage: noop });
    expect(!result.ok && result.error).toBe('listen udp:192.0.2.1:0: cannot bind: EADDRNOTAVAIL');
  });
});

describe('Transport.isLocal', () => {
  it('matches its listen addresses, by port and protocol when given', async () => {
    harness = await startHarness(['udp:127.0.0.1:0', 'tcp:[::1]:0']);
    const udp = harness.listener('udp');
    const tcp = harness.listener('tcp');
    const t = harness.transport;
    expect(t.isLocal('127.0.0.1', udp.port, 'udp')).toBe(true);
    expect(t.isLocal('127.0.0.1', udp.port)).toBe(true);
    expect(t.isLocal('127.0.0.1')).toBe(true);
    expect(t.isLocal('127.0.0.1', udp.port, 'tcp')).toBe(false);
    expect(t.isLocal('127.0.0.1', udp.port + 1)).toBe(false);
    expect(t.isLocal('127.0.0.2', udp.port)).toBe(false);
    expect(t.isLocal('::1', tcp.port, 'tcp')).toBe(true);
    expect(t.isLocal('0:0:0:0:0:0:0:1', tcp.port)).toBe(true);
    expect(t.isLocal('localhost', udp.port)).toBe(false);
  });

  it('matches any address of this host on a wildcard listener', async () => {
    harness = await startHarness(['udp:0.0.0.0:0']);
    const { port } = harness.listener('udp');
    expect(harness.transport.isLocal('127.0.0.1', port)).toBe(true);
    expect(harness.transport.isLocal('192.0.2.99', port)).toBe(false);
    expect(harness.transport.isLocal('::1', port)).toBe(false);
  });

  it('treats an IPv4-mapped IPv6 address as the IPv4 address', async () => {
    harness = await startHarness(['udp:127.0.0.1:0']);
    expect(harness.transport.isLocal('::ffff:127.0.0.1', harness.listener('udp').port)).toBe(true);
  });
});

describe('normalizeAddress', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['2001:DB8:0:0::1', '2001:db8::1'],
    ['::FFFF:192.0.2.7', '192.0.2.7'],
    ['fe80::1%eth0', 'fe80::1%eth0'],
    ['example.com', 'example.com'],
  ])('spells %s as %s', (input, output) => {
    expect(normalizeAddress(input)).toBe(output);
  });
});
