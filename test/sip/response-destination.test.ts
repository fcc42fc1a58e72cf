import { describe, expect, it } from 'vitest';
import { responseDestination } from '../../src/sip/response-destination.ts';
import { parseVia } from '../../src/sip/via.ts';

function destination(via: string) {
  return responseDestination(parseVia(via)!);
}

describe('responseDestination (RFC 3261 18.2.2, RFC 3581 4)', () => {
  it("answers over the request's connection on reliable transports, with received/sent-by as fallback", () => {
    expect(
      destination('SIP/2.0/TCP client.example.com:5070;branch=z9hG4bK1;received=192.0.2.1;rport=40000'),
    ).toEqual({
      transport: 'TCP',
      reuseConnection: true,
      host: '192.0.2.1',
      port: 5070,
    });
    expect(destination('SIP/2.0/TLS client.example.com;branch=z9hG4bK1')).toEqual({
      transport: 'TLS',
      reuseConnection: true,
      host: 'client.example.com',
      port: 5061,
    });
    expect(destination('SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bK1').reuseConnection).toBe(true);
  });

  it('sends to a multicast maddr with the ttl (default 1) only when multicast is enabled', () => {
    const via = 'SIP/2.0/UDP client.example.com;maddr=239.255.255.1;ttl=5;received=192.0.2.1';
    expect(responseDestination(parseVia(via)!, { multicast: true })).toEqual({
      transport: 'UDP',
      reuseConnection: false,
      host: '239.255.255.1',
      port: 5060,
      ttl: 5,
    });
    expect(
      responseDestination(parseVia('SIP/2.0/UDP client.example.com:5070;maddr=[ff02::1]')!, {
        multicast: true,
      }),
    ).toMatchObject({ host: 'ff02::1', port: 5070, ttl: 1 });
    expect(destination(via)).toEqual({
      transport: 'UDP',
      reuseConnection: false,
      host: '192.0.2.1',
      port: 5060,
    });
  });

  it('ignores a unicast maddr, multicast enabled or not (it would steer replies anywhere)', () => {
    const via = parseVia('SIP/2.0/UDP client.example.com;maddr=192.0.2.99;received=192.0.2.1')!;
    expect(responseDestination(via, { multicast: true })).toEqual(responseDestination(via));
    expect(responseDestination(via)).toEqual({
      transport: 'UDP',
      reuseConnection: false,
      host: '192.0.2.1',
      port: 5060,
    });
  });

  it('sends to received and rport', () => {
    expect(destination('SIP/2.0/UDP 10.0.0.5:5060;rport=61000;received=203.0.113.7')).toEqual({
      transport: 'UDP',
      reuseConnection: false,
      host: '203.0.113.7',
      port: 61000,
    });
  });

  it('sends to received at the sent-by port without rport', () => {
    expect(destination('SIP/2.0/UDP 10.0.0.5:5062;received=203.0.113.7')).toMatchObject({
      host: '203.0.113.7',
      port: 5062,
    });
    expect(destination('SIP/2.0/UDP 10.0.0.5;received=203.0.113.7;rport')).toMatchObject({ port: 5060 });
  });

  it('sends to sent-by, IPv6 without brackets, with the default port', () => {
    expect(destination('SIP/2.0/UDP [2001:db8::1];branch=z9hG4bK1')).toEqual({
      transport: 'UDP',
      reuseConnection: false,
      host: '2001:db8::1',
      port: 5060,
    });
    expect(destination('SIP/2.0/UDP client.example.com:5080')).toMatchObject({
      host: 'client.example.com',
      port: 5080,
    });
  });
});
