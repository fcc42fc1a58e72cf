// A received response with another status line: a proxy forwards a 503 as 500 (RFC 3261 16.7 step 6,
// Kamailio's remap_503_500), since the 503 describes the next hop, not the route as a whole.
import { parseMessage, type SipResponse } from '../sip/index.ts';

export function remapStatus(response: SipResponse, status: number, reason: string): SipResponse {
  const text = response.toString();
  const parsed = parseMessage(`SIP/2.0 ${status} ${reason}${text.slice(text.indexOf('\r\n'))}`);
  return parsed.ok ? (parsed.value as SipResponse) : response;
}
