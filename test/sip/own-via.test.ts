import { describe, expect, it } from 'vitest';
import { pushOwnVia } from '../../src/sip/own-via.ts';
import type { Via } from '../../src/sip/via.ts';
import { parsedRequest, request } from './fixtures.ts';

const fields = (via: Via) => ({ ...via, params: [...via.params] });

describe('pushOwnVia (RFC 3261 16.6 step 8)', () => {
  it('writes the Via on top, IPv6 in brackets', () => {
    const m = parsedRequest(request());
    expect(pushOwnVia(m, 'UDP', '192.0.2.10', 5060, 'z9hG4bKa1.0')).toBe(true);
    expect(pushOwnVia(m, 'TCP', '2001:db8::10', 5070, 'z9hG4bKb2.1')).toBe(true);
    expect(m.getFieldValues('Via')).toEqual([
      'SIP/2.0/TCP [2001:db8::10]:5070;branch=z9hG4bKb2.1',
      'SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKa1.0',
      'SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds',
    ]);
  });

  // The Via is given the value it was built from rather than parsed: that value must be what parsing the
  // written message gives, for the parts the parser reads as written and for those it does not.
  it('leaves the top Via reading as the written message parses', () => {
    const transports = ['UDP', 'TCP', 'TLS', 'WS', 'WSS', 'SCTP', 'udp', 'Tls', 'X-NEW'];
    const addresses = ['192.0.2.10', '2001:db8::10', '::1', 'proxy.example.com', 'proxy.example.com.'];
    const ports = [0, 5060, 65535];
    // The last one is two Via values, as pushVia takes it: the known parse must not hide the second.
    const branches = [
      'z9hG4bK3f2a.0',
      'z9hG4bK-1234-1-0',
      "z9hG4bK.a!%*_+`'~:[]x",
      'z9hG4bK1, SIP/2.0/UDP b.example',
    ];
    let checked = 0;
    for (const transport of transports) {
      for (const address of addresses) {
        for (const port of ports) {
          for (const branch of branches) {
            const m = parsedRequest(request());
            expect(pushOwnVia(m, transport, address, port, branch)).toBe(true);
            const reparsed = parsedRequest(m.toString());
            expect(fields(m.via)).toEqual(fields(reparsed.via));
            expect(m.vias?.map(fields)).toEqual(reparsed.vias?.map(fields));
            checked++;
          }
        }
      }
    }
    expect(checked).toBe(540);
  });

  it('refuses parts the Via grammar does not accept, and leaves the message as it was', () => {
    const m = parsedRequest(request());
    const before = m.toString();
    expect(pushOwnVia(m, 'UDP', '192.0.2.10', 70000, 'z9hG4bK1')).toBe(false);
    expect(pushOwnVia(m, 'UDP', '192.0.2.10', -1, 'z9hG4bK1')).toBe(false);
    expect(pushOwnVia(m, 'UDP', 'not a host', 5060, 'z9hG4bK1')).toBe(false);
    expect(pushOwnVia(m, 'UDP', 'bad_host.example.com', 5060, 'z9hG4bK1')).toBe(false);
    expect(pushOwnVia(m, 'UDP', '192.0.2.10', 5060, '')).toBe(false);
    expect(pushOwnVia(m, 'UDP', '192.0.2.10', 5060, 'z9hG4bK1 x')).toBe(false);
    expect(pushOwnVia(m, 'U D P', '192.0.2.10', 5060, 'z9hG4bK1')).toBe(false);
    expect(m.toString()).toBe(before);
  });
});
