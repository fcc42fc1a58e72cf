// addReceived keeps the stamped Via as the new field's parse instead of parsing it back: that value must be
// exactly what parsing the written text gives, for every shape of Via a request may arrive with.
import { describe, expect, it } from 'vitest';
import { parseVia, type Via } from '../../src/sip/via.ts';
import { addReceived } from '../../src/sip/via-received.ts';
import { parsedRequest, request } from './fixtures.ts';

function withVia(via: string) {
  return parsedRequest(
    request().replace('SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds', via),
  );
}

/** A Via as plain data: its parameters as the entries they iterate as. */
function plain(via: Via | undefined) {
  return via && { ...via, params: [...via.params] };
}

const VIAS = [
  'SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK1',
  'SIP/2.0/UDP 192.0.2.9:5060;rport;branch=z9hG4bK1',
  'sip/2.0/udp 192.0.2.9:05060 ; RPORT ; Branch = z9hG4bK1',
  'SIP/2.0/TCP [2001:db8::1]:5070;branch=z9hG4bK1;received=198.51.100.7;rport=9',
  'SIP/2.0/UDP host.example.com;branch=z9hG4bK1;branch=z9hG4bK2;Received=10.0.0.1;maddr=239.1.1.1;ttl=16',
  'SIP/2.0/UDP host.example.com;foo="a, b; c";branch=z9hG4bK1;flag;x=y',
  'SIP/2.0/UDP host.example.com;branch=z9hG4bK1, SIP/2.0/TCP second.example.com;branch=z9hG4bK0',
  'SIP/2.0/SCTP host.example.com;branch=z9hG4bK1;rport',
  'SIP/3.0/XYZ host.example.com;branch=z9hG4bK1',
];

const SOURCES = [
  { address: '203.0.113.7', port: 40000 },
  { address: '2001:db8::77', port: 5060 },
  { address: '::ffff:192.0.2.9', port: 1 },
];

describe('addReceived: the stamped Via it keeps', () => {
  for (const via of VIAS) {
    for (const source of SOURCES) {
      for (const force of [false, true]) {
        it(`is what parsing "${via}" stamped from ${source.address}${force ? ', forced rport' : ''} gives`, () => {
          const m = withVia(via);
          expect(addReceived(m, source, force)).toBe(true);
          expect(plain(m.via)).toEqual(plain(parseVia(m.get('Via')!)));
          expect(m.getAll('Via')).toEqual(
            withVia(via)
              .getAll('Via')
              .map((v, i) => (i === 0 ? m.get('Via') : v)),
          );
          // Stamped again (force_rport from a route): still the parse of the text.
          addReceived(m, source, true);
          expect(plain(m.via)).toEqual(plain(parseVia(m.get('Via')!)));
        });
      }
    }
  }
});
