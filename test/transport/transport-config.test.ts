import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.ts';
import { transportLimits } from '../../src/config/transport-schema.ts';
import { resolveLimits } from '../../src/transport/limits.ts';

describe('the [transport] configuration section', () => {
  it('sets nothing when absent: the transport keeps its defaults, per-IP cap included', () => {
    const config = validateConfig({});
    expect(config.ok && transportLimits(config.value.transport)).toEqual({});
    const limits = resolveLimits({});
    expect(limits.ok && limits.value.maxConnectionsPerIp).toBeGreaterThan(0);
  });

  it('maps each key onto its transport limit', () => {
    const config = validateConfig({
      transport: {
        max_connections_per_ip: 0,
        max_inbound_connections: 100,
        max_outbound_connections: 50,
        message_timeout_ms: 2500,
      },
    });
    expect(config.ok && transportLimits(config.value.transport)).toEqual({
      maxConnectionsPerIp: 0,
      maxInboundConnections: 100,
      maxOutboundConnections: 50,
      messageTimeoutMs: 2500,
    });
  });

  it.each([
    [{ max_inbound_connections: 0 }, 'transport.max_inbound_connections'],
    [{ max_connections_per_ip: -1 }, 'transport.max_connections_per_ip'],
    [{ message_timeout_ms: 1.5 }, 'transport.message_timeout_ms'],
    [{ max_connections: 10 }, 'max_connections'],
  ])('refuses %j, naming the key', (transport, key) => {
    const config = validateConfig({ transport });
    expect(config.ok).toBe(false);
    if (!config.ok) expect(config.error).toContain(key);
  });
});
