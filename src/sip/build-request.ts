// createRequest: a request from its parts, for requests this server originates (the transaction layer's
// CANCEL and ACK, RFC 3261 9.1 and 17.1.1.3). The caller supplies every header; Content-Length is added.

import { composeTail, UNLIMITED } from './compose.ts';
import { parseMessage } from './parse-message.ts';
import type { SipRequest } from './request.ts';

export interface RequestParts {
  method: string;
  /** Request-URI. */
  uri: string;
  /** Header fields in order, as [name, value] (byte strings). Via, From, To, Call-ID, CSeq are required. */
  headers: ReadonlyArray<readonly [name: string, value: string]>;
  body?: string;
  contentType?: string;
}

/** The request made of `parts`; throws a TypeError naming the fault when they do not make a valid request. */
export function createRequest(parts: RequestParts): SipRequest {
  if (/[\s]/.test(parts.method) || /[\s]/.test(parts.uri))
    throw new TypeError('method or Request-URI holds whitespace');
  const text = `${parts.method} ${parts.uri} SIP/2.0\r\n${composeTail(parts.headers, parts.body, parts.contentType)}`;
  const parsed = parseMessage(text, { limits: UNLIMITED });
  if (!parsed.ok)
    throw new TypeError(`cannot build the request: ${parsed.error.reason}: ${parsed.error.detail}`);
  return parsed.value as SipRequest;
}
