import { describe, expect, it } from 'vitest';
import { replyTarget } from '../../src/router/reply-target.ts';
import { addReceived } from '../../src/sip/index.ts';
import type { Source } from '../../src/transport/index.ts';
import { parsedRequest, request } from '../sip/fixtures.ts';

const UDP: Source = {
  proto: 'udp',
  remote: { address: '198.51.100.7', port: 40000 },
  local: { address: '127.0.0.1', port: 5060 },
};
const TCP: Source = { ...UDP, proto: 'tcp', connectionId: 9 };

/** The request with `via` on top, received from `source` (received/rport written as the router does). */
function target(via: string, source = UDP, multicast = false) {
  const m = parsedRequest(
    request().replace('SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds', via),
  );
  addReceived(m, source.remote);
  return replyTarget(m, source, { multicast });
}

describe('replyTarget (issue 11: the source decides, never the Via)', () => {
  it('TLS and WebSocket: over the request connection, as TCP', () => {
    for (const proto of ['tls', 'ws', 'wss'] as const) {
      const source: Source = { ...UDP, proto, connectionId: 4 };
      expect(target(`SIP/2.0/${proto.toUpperCase()} abc.invalid;branch=z9hG4bK1`, source)).toEqual({
        proto,
        address: '198.51.100.7',
        port: 40000,
        connectionId: 4,
        local: UDP.local,
      });
    }
  });

  it('UDP: the source address at the sent-by port, or at the source port with rport', () => {
    expect(target('SIP/2.0/UDP client.example.com:5070;branch=z9hG4bK1')).toEqual({
      proto: 'udp',
      address: '198.51.100.7',
      port: 5070,
      local: UDP.local,
    });
    expect(target('SIP/2.0/UDP client.example.com;rport;branch=z9hG4bK1')).toMatchObject({ port: 40000 });
    expect(target('SIP/2.0/UDP client.example.com;branch=z9hG4bK1')).toMatchObject({ port: 5060 });
  });

  it('UDP: a forged received/rport and a unicast maddr name nobody else', () => {
    for (const via of [
      'SIP/2.0/UDP 198.51.100.7:5070;received=192.0.2.66;rport=9999;branch=z9hG4bK1',
      'SIP/2.0/UDP 192.0.2.66:9999;maddr=192.0.2.66;branch=z9hG4bK1',
      'SIP/2.0/UDP 192.0.2.66:9999;maddr=192.0.2.66;rport;branch=z9hG4bK1',
    ]) {
      expect(target(via).address).toBe('198.51.100.7');
      expect(target(via, UDP, true).address).toBe('198.51.100.7');
    }
    expect(target('SIP/2.0/UDP 198.51.100.7:5070;received=192.0.2.66;rport=9999;branch=z9hG4bK1').port).toBe(
      40000,
    );
  });

  it('UDP: a multicast maddr only when multicast replies are enabled', () => {
    const via = 'SIP/2.0/UDP client.example.com:5070;maddr=239.1.2.3;ttl=3;branch=z9hG4bK1';
    expect(target(via, UDP, true)).toMatchObject({ address: '239.1.2.3', port: 5070 });
    expect(target(via, UDP, false)).toMatchObject({ address: '198.51.100.7', port: 5070 });
  });

  it('UDP: a Via naming a stream transport is answered at the source port', () => {
    expect(target('SIP/2.0/TCP client.example.com:5070;branch=z9hG4bK1')).toEqual({
      proto: 'udp',
      address: '198.51.100.7',
      port: 40000,
      local: UDP.local,
    });
    expect(target('SIP/2.0/TLS 198.51.100.7;branch=z9hG4bK1')).toMatchObject({ port: 40000 });
  });

  it("TCP: the request's connection, else only its own source address and port", () => {
    expect(
      target('SIP/2.0/TCP 192.0.2.66:9999;received=192.0.2.66;maddr=192.0.2.66;branch=z9hG4bK1', TCP),
    ).toEqual({
      proto: 'tcp',
      address: '198.51.100.7',
      port: 40000,
      connectionId: 9,
      local: TCP.local,
    });
  });

  it('TCP with noConnect (set-reply-no-connect): the same target, marked never to open a connection', () => {
    const m = parsedRequest(request());
    expect(replyTarget(m, TCP, { noConnect: true })).toEqual({
      proto: 'tcp',
      address: '198.51.100.7',
      port: 40000,
      connectionId: 9,
      local: TCP.local,
      noConnect: true,
    });
    expect(replyTarget(m, TCP)).not.toHaveProperty('noConnect');
  });
});
