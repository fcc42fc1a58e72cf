// "Is this address me?" as Kamailio's check_self: a URI without a port names the server on any port it
// listens on (grep_sock_info takes port 0 as "any"); with a port, only that port.
import { describe, expect, it } from 'vitest';
import { Myself } from '../../src/router/myself.ts';
import type { Transport } from '../../src/transport/index.ts';
import { type LocalAddress, matchesLocal } from '../../src/transport/local-addresses.ts';

const listeners: LocalAddress[] = [
  { proto: 'udp', family: 4, address: '127.0.0.1', port: 5080, spec: 'udp:127.0.0.1:5080' },
];
const transport = {
  isLocal: (address: string, port?: number) => matchesLocal(listeners, new Set(), address, port),
} as unknown as Transport;
const myself = new Myself(transport, ['sip.mydomain.com']);

describe('Myself', () => {
  it('takes an IP without a port as the server whatever port it listens on', () => {
    expect(myself.is('127.0.0.1', undefined)).toBe(true);
  });

  it('with a port, only a port it listens on', () => {
    expect(myself.is('127.0.0.1', 5080)).toBe(true);
    expect(myself.is('127.0.0.1', 5060)).toBe(false);
    expect(myself.is('127.0.0.2', undefined)).toBe(false);
  });

  it('takes a configured domain on any port', () => {
    expect(myself.is('SIP.mydomain.com', 5060)).toBe(true);
    expect(myself.is('other.example', undefined)).toBe(false);
  });
});
