import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, resolveLimits } from '../../src/transport/limits.ts';
import { parseListenSpec } from '../../src/transport/listen-spec.ts';

describe('parseListenSpec', () => {
  it.each([
    ['udp:127.0.0.1:5060', { proto: 'udp', host: '127.0.0.1', port: 5060 }],
    ['tcp:0.0.0.0:0', { proto: 'tcp', host: '0.0.0.0', port: 0 }],
    ['udp:[::1]:5060', { proto: 'udp', host: '::1', port: 5060 }],
    ['TCP:[2001:DB8::1]:65535', { proto: 'tcp', host: '2001:db8::1', port: 65535 }],
    ['tcp:[::]:5060', { proto: 'tcp', host: '::', port: 5060 }],
    ['udp:localhost:5060', { proto: 'udp', host: 'localhost', port: 5060 }],
    ['udp:sip.example.com:5080', { proto: 'udp', host: 'sip.example.com', port: 5080 }],
    ['tls:0.0.0.0:5061', { proto: 'tls', host: '0.0.0.0', port: 5061 }],
    ['ws:127.0.0.1:8080', { proto: 'ws', host: '127.0.0.1', port: 8080 }],
    ['WSS:[::1]:8443', { proto: 'wss', host: '::1', port: 8443 }],
  ])('parses %s', (text, spec) => {
    expect(parseListenSpec(text)).toEqual({ ok: true, value: spec });
  });

  it.each([
    ['127.0.0.1:5060', 'unsupported protocol'],
    ['sctp:127.0.0.1:5061', "unsupported protocol 'sctp'"],
    ['udp', 'no protocol'],
    ['udp:127.0.0.1', 'no port'],
    ['udp:127.0.0.1:', "port '' is not a number"],
    ['udp:127.0.0.1:50x', "port '50x' is not a number"],
    ['udp:127.0.0.1:65536', 'out of range'],
    ['udp:127.0.0.1:123456', 'is not a number'],
    ['udp::5060', 'empty host'],
    ['udp:::1:5060', 'must be in brackets'],
    ['udp:[::1:5060', "'[' without ']'"],
    ['udp:[::1]5060', 'no port after'],
    ['udp:[127.0.0.1]:5060', 'is not an IPv6 address'],
    ['udp:256.1.1.1:5060', 'neither an IPv4 address nor a host name'],
    ['udp:bad_host!:5060', 'neither an IPv4 address nor a host name'],
  ])('rejects %s, saying why', (text, why) => {
    const result = parseListenSpec(text);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toContain(`'${text}'`);
      expect(result.error).toContain(why);
    }
  });
});

describe('resolveLimits', () => {
  it('returns the defaults without overrides, and applies overrides', () => {
    expect(resolveLimits()).toEqual({ ok: true, value: DEFAULT_LIMITS });
    const result = resolveLimits({ idleTimeoutMs: 50, maxConnectionsPerIp: 3 });
    expect(result.ok && result.value).toEqual({
      ...DEFAULT_LIMITS,
      idleTimeoutMs: 50,
      maxConnectionsPerIp: 3,
    });
  });

  it.each([
    [{ idleTimeoutMs: 0 }, 'idleTimeoutMs: 0 is not a positive integer'],
    [{ maxInboundConnections: -1 }, 'maxInboundConnections: -1'],
    [{ messageTimeoutMs: 0 }, 'messageTimeoutMs: 0 is not a positive integer'],
    [{ maxMessageBytes: 1.5 }, 'maxMessageBytes: 1.5'],
    [{ maxConnectionsPerIp: -1 }, 'maxConnectionsPerIp: -1 is not a non-negative integer'],
    [{ maxHeaderBytes: 100_000 }, 'maxHeaderBytes (100000) exceeds maxMessageBytes (65535)'],
  ])('rejects %j', (overrides, why) => {
    const result = resolveLimits(overrides);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(why);
  });
});
