// Hand-written SIP messages for the tests: builders that join lines with CRLF, and a few whole messages.

import { parseMessage } from '../../src/sip/parse-message.ts';
import type { SipRequest } from '../../src/sip/request.ts';
import type { SipResponse } from '../../src/sip/response.ts';

/** The lines joined with CRLF, an empty line, then the body (Content-Length is up to the caller). */
export function text(lines: readonly string[], body = ''): string {
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

/** Header lines every request needs, for method `method`. */
export function requestHead(method = 'INVITE', uri = 'sip:bob@biloxi.example.com'): string[] {
  return [
    `${method} ${uri} SIP/2.0`,
    'Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds',
    'Max-Forwards: 70',
    'To: Bob <sip:bob@biloxi.example.com>',
    'From: Alice <sip:alice@atlanta.example.com>;tag=1928301774',
    'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
    `CSeq: 314159 ${method}`,
  ];
}

/** A request with the given extra header lines and body (Content-Length added). */
export function request(extra: readonly string[] = [], body = '', method = 'INVITE'): string {
  return text([...requestHead(method), ...extra, `Content-Length: ${body.length}`], body);
}

/** A 200 response to an INVITE with the given extra header lines. */
export function response(extra: readonly string[] = [], status = '200 OK'): string {
  return text([
    `SIP/2.0 ${status}`,
    'Via: SIP/2.0/UDP proxy.example.com;branch=z9hG4bKproxy1, SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds',
    'To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf',
    'From: Alice <sip:alice@atlanta.example.com>;tag=1928301774',
    'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
    'CSeq: 314159 INVITE',
    ...extra,
    'Content-Length: 0',
  ]);
}

/** The message `text` parses to; fails the test with the parse error otherwise. */
export function parsed(data: string | Buffer, datagram = false): SipRequest | SipResponse {
  const result = parseMessage(data, { datagram });
  if (!result.ok) throw new Error(`${result.error.reason}: ${result.error.detail} at ${result.error.offset}`);
  return result.value;
}

/** parsed(), typed as a request. */
export function parsedRequest(data: string | Buffer, datagram = false): SipRequest {
  return parsed(data, datagram) as SipRequest;
}

/** parsed(), typed as a response. */
export function parsedResponse(data: string | Buffer, datagram = false): SipResponse {
  return parsed(data, datagram) as SipResponse;
}

const SDP = 'v=0\r\no=alice 2890844526 2890844526 IN IP4 192.0.2.101\r\ns=-\r\nc=IN IP4 192.0.2.101\r\n';

/** A realistic INVITE through one proxy: two Vias, Record-Route, Contact, SDP body. */
export const INVITE = text(
  [
    'INVITE sip:bob@biloxi.example.com SIP/2.0',
    'Via: SIP/2.0/UDP edge.atlanta.example.com;branch=z9hG4bK2d4790.1;rport=5060;received=192.0.2.10',
    'Via: SIP/2.0/UDP pc33.atlanta.example.com:5062;received=192.0.2.101;branch=z9hG4bK74bf9',
    'Record-Route: <sip:edge.atlanta.example.com;lr;ftag=9fxced76sl>',
    'Max-Forwards: 69',
    'From: "Alice" <sip:alice@atlanta.example.com>;tag=9fxced76sl',
    'To: Bob <sip:bob@biloxi.example.com>',
    'Call-ID: 3848276298220188511@pc33.atlanta.example.com',
    'CSeq: 31862 INVITE',
    'Contact: <sip:alice@192.0.2.101:5062;transport=udp>',
    'Allow: INVITE, ACK, CANCEL, OPTIONS, BYE',
    'Content-Type: application/sdp',
    `Content-Length: ${SDP.length}`,
  ],
  SDP,
);
