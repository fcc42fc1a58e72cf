import { describe, expect, it } from 'vitest';
import type { Via } from '../../src/sip/via.ts';
import { addReceived } from '../../src/sip/via-received.ts';
import { parsedRequest, request } from './fixtures.ts';

function withVia(via: string) {
  return parsedRequest(
    request().replace('SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds', via),
  );
}

describe('addReceived (RFC 3261 18.2.1, RFC 3581 4)', () => {
  it('adds received when sent-by is a name', () => {
    const m = withVia('SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK1');
    expect(addReceived(m, { address: '192.0.2.1', port: 5060 })).toBe(true);
    expect(m.get('Via')).toBe('SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK1;received=192.0.2.1');
    expect(m.via.received).toBe('192.0.2.1');
  });

  it('adds received when sent-by is another address, and nothing when it is the source', () => {
    const other = withVia('SIP/2.0/UDP 192.0.2.9:5060;branch=z9hG4bK1');
    expect(addReceived(other, { address: '198.51.100.1', port: 5060 })).toBe(true);
    expect(other.via.received).toBe('198.51.100.1');
    const same = withVia('SIP/2.0/UDP 192.0.2.9:5060;branch=z9hG4bK1');
    const before = same.toString();
    expect(addReceived(same, { address: '192.0.2.9', port: 5060 })).toBe(false);
    expect(same.toString()).toBe(before);
  });

  it('compares IPv6 and IPv4-mapped addresses by value', () => {
    const v6 = withVia('SIP/2.0/UDP [2001:DB8::1];branch=z9hG4bK1');
    expect(addReceived(v6, { address: '2001:db8:0:0::1', port: 5060 })).toBe(false);
    const mapped = withVia('SIP/2.0/UDP 192.0.2.9;branch=z9hG4bK1');
    expect(addReceived(mapped, { address: '::ffff:192.0.2.9', port: 5060 })).toBe(false);
  });

  it('fills an empty rport with the source port, and adds received even for the same address', () => {
    const m = withVia('SIP/2.0/UDP 192.0.2.9:5060;rport;branch=z9hG4bK1');
    expect(addReceived(m, { address: '192.0.2.9', port: 61000 })).toBe(true);
    expect(m.get('Via')).toBe('SIP/2.0/UDP 192.0.2.9:5060;rport=61000;branch=z9hG4bK1;received=192.0.2.9');
    expect(m.via.rport).toBe(61000);
  });

  it('fills rport when forced (force_rport), and overwrites a received the client wrote', () => {
    const m = withVia('SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK1;received=10.9.9.9');
    expect(addReceived(m, { address: '203.0.113.7', port: 40000 }, true)).toBe(true);
    expect(m.get('Via')).toBe('SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK1;received=203.0.113.7;rport=40000');
  });

  it('overwrites a received and an rport the client wrote, even when sent-by is the source (issue 11)', () => {
    const forged = withVia('SIP/2.0/UDP 192.0.2.9:5060;received=198.51.100.7;rport=9;branch=z9hG4bK1');
    expect(addReceived(forged, { address: '192.0.2.9', port: 61000 })).toBe(true);
    expect(forged.get('Via')).toBe(
      'SIP/2.0/UDP 192.0.2.9:5060;received=192.0.2.9;rport=61000;branch=z9hG4bK1',
    );
    const received = withVia('SIP/2.0/UDP 192.0.2.9:5060;branch=z9hG4bK1;Received=198.51.100.7');
    expect(addReceived(received, { address: '192.0.2.9', port: 61000 })).toBe(true);
    expect(received.via.received).toBe('192.0.2.9');
    expect(received.via.rport).toBeUndefined();
  });

  it('changes only the top Via value of its field', () => {
    const m = parsedRequest(
      request().replace(
        'SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds',
        'SIP/2.0/UDP a.example.com;branch=z9hG4bK1, SIP/2.0/UDP b.example.com;branch=z9hG4bK2',
      ),
    );
    addReceived(m, { address: '192.0.2.1', port: 5060 });
    expect(m.getFieldValues('Via')).toEqual([
      'SIP/2.0/UDP a.example.com;branch=z9hG4bK1;received=192.0.2.1, SIP/2.0/UDP b.example.com;branch=z9hG4bK2',
    ]);
  });

  // addReceived gives the rewritten Via the value it knows rather than parsing it again: that value must be
  // what parsing the written message gives.
  it('leaves the top Via reading as the written message parses', () => {
    const fields = (via: Via) => ({ ...via, params: [...via.params] });
    const vias = [
      'SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK1',
      'SIP/2.0/UDP 192.0.2.9:5060;rport;branch=z9hG4bK1',
      'SIP/2.0/tcp 192.0.2.9:5060 ; RPORT ; Branch=z9hG4bK1 ; received=10.0.0.1;maddr=224.0.0.1;ttl=16',
      'SIP / 2.0 / UDP [2001:db8::1]:5070;branch=z9hG4bK1;branch=z9hG4bK2;x="a, b";flag;rport=7',
      'SIP/3.0/SCTP host.example.com.;rport;RPORT=5;branch=z9hG4bK1',
    ];
    const sources = [
      { address: '198.51.100.7', port: 61000 },
      { address: '2001:db8::7', port: 0 },
      { address: '::ffff:192.0.2.9', port: 65535 },
    ];
    let checked = 0;
    for (const via of vias) {
      for (const source of sources) {
        for (const force of [false, true]) {
          const m = withVia(via);
          const changed = addReceived(m, source, force);
          const reparsed = parsedRequest(m.toString());
          expect(fields(m.via)).toEqual(fields(reparsed.via));
          expect(m.via.params.get('received')).toBe(changed ? source.address : m.via.received);
          checked++;
        }
      }
    }
    expect(checked).toBe(30);
  });

  it('refuses a source that would make the Via malformed, and leaves the message as it was', () => {
    const m = withVia('SIP/2.0/UDP 192.0.2.9:5060;rport;branch=z9hG4bK1');
    const before = m.toString();
    expect(addReceived(m, { address: '192.0.2.1', port: 70000 })).toBe(false);
    expect(addReceived(m, { address: 'not an address', port: 5060 })).toBe(false);
    expect(m.toString()).toBe(before);
  });
});
