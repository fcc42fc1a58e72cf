// The requests a proxy's client side builds on its own, hop by hop: the ACK for a non-2xx final response
// (RFC 3261 17.1.1.3) and the CANCEL of a pending branch (9.1). Both copy the branch request's top Via
// (same branch, so the next hop matches them to its transaction), Request-URI, Call-ID, From and Route set.
import { createRequest, type SipRequest, type SipResponse } from '../sip/index.ts';

type Headers = [name: string, value: string][];

function common(request: SipRequest, to: string): Headers {
  const headers: Headers = [
    ['Via', request.get('Via')!],
    ['From', request.getFieldValues('From')[0]],
    ['To', to],
    ['Call-ID', request.callId],
  ];
  return headers;
}

function withRoutes(request: SipRequest, headers: Headers): Headers {
  for (const route of request.getFieldValues('Route')) headers.push(['Route', route]);
  headers.push(['Max-Forwards', '70']);
  return headers;
}

/** The ACK for `response` (300-699) to the INVITE `request`: To with the response's tag (17.1.1.3). */
export function createAck(request: SipRequest, response: SipResponse): SipRequest {
  const headers = common(request, response.getFieldValues('To')[0]);
  headers.push(['CSeq', `${request.cseq.seq} ACK`]);
  return createRequest({ method: 'ACK', uri: request.uri, headers: withRoutes(request, headers) });
}

/**
 * The CANCEL of `request` (9.1): To as in the request, CSeq number kept with method CANCEL. `reasons` are
 * Reason header values (RFC 3326) to carry, e.g. `SIP;cause=200;text="Call completed elsewhere"`.
 */
export function createCancel(request: SipRequest, reasons: readonly string[] = []): SipRequest {
  const headers = common(request, request.getFieldValues('To')[0]);
  headers.push(['CSeq', `${request.cseq.seq} CANCEL`]);
  withRoutes(request, headers);
  for (const reason of reasons) headers.push(['Reason', reason]);
  return createRequest({ method: 'CANCEL', uri: request.uri, headers });
}
