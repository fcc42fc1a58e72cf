// One SIP message as the trace sees it: where it went, what it was (first line, Call-ID, CSeq, the
// transaction's branch), whose it was (tenant, version), and its text with credentials redacted. Built only
// while tracing is on: when it is off, nothing here runs.
import type { SipRequest, SipResponse } from '../sip/index.ts';
import { parseMessage } from '../sip/index.ts';
import type { Endpoint, Proto } from '../transport/index.ts';

export type TraceDirection = 'in' | 'out';

export interface TraceRecord {
  /** Milliseconds since the epoch, with the microseconds of performance.timeOrigin + now(). */
  readonly time: number;
  readonly direction: TraceDirection;
  readonly proto: Proto;
  readonly local: Endpoint;
  readonly remote: Endpoint;
  /** Request line or status line. */
  readonly firstLine: string;
  /** The method of a request, or the status of a response ("INVITE", "200"). */
  readonly what: string;
  readonly callId: string;
  readonly cseq: string;
  /** The top Via's branch: the transaction the message belongs to (RFC 3261 17.2.3). */
  readonly branch: string;
  /** The message as sent or received: credentials redacted later, when it is shown. */
  readonly bytes: Buffer;
  tenant: string | undefined;
  version: number | undefined;
  /** Captured because a script asked (KSR siptrace), whatever the trace scope. */
  forced: boolean;
}

/** Epoch milliseconds with sub-millisecond precision (HEP carries microseconds). */
export function traceTime(): number {
  return performance.timeOrigin + performance.now();
}

/** A record of `bytes`, from the parsed message when the caller has it, else parsed here. */
export function traceRecord(
  direction: TraceDirection,
  proto: Proto,
  local: Endpoint,
  remote: Endpoint,
  bytes: Buffer,
  parsed?: SipRequest | SipResponse,
): TraceRecord {
  let msg = parsed;
  if (msg === undefined) {
    const result = parseMessage(bytes, { datagram: true });
    if (result.ok) msg = result.value;
  }
  const summary = msg
    ? summaryOf(msg)
    : { firstLine: firstLineOf(bytes), what: '?', callId: '', cseq: '', branch: '' };
  return {
    time: traceTime(),
    direction,
    proto,
    local,
    remote,
    bytes,
    tenant: undefined,
    version: undefined,
    forced: false,
    ...summary,
  };
}

function summaryOf(msg: SipRequest | SipResponse) {
  // Each header on its own: a message missing one (a broken request answered 400) still gets a record.
  const get = (read: () => string): string => {
    try {
      return read();
    } catch {
      return '';
    }
  };
  const isRequest = 'method' in msg;
  const cseq = get(() => {
    const c = msg.cseq;
    return `${c.seq} ${c.method}`;
  });
  return {
    firstLine: isRequest ? `${msg.method} ${msg.uri} SIP/2.0` : `SIP/2.0 ${msg.status} ${msg.reason}`,
    what: isRequest ? msg.method : String(msg.status),
    callId: get(() => msg.callId),
    cseq,
    branch: get(() => msg.via.branch ?? ''),
  };
}

function firstLineOf(bytes: Buffer): string {
  const end = bytes.indexOf('\r\n');
  return bytes.toString('latin1', 0, Math.min(end < 0 ? bytes.length : end, 200));
}

const CREDENTIALS = /^((?:proxy-)?authorization)[ \t]*:[^\r\n]*(?:\r\n[ \t][^\r\n]*)*/gim;

/**
 * The text of a message for a log line, the trace store or a capture: Authorization and
 * Proxy-Authorization values (and their folded lines) replaced, and the body too when `redactBody`.
 */
export function redactedText(bytes: Buffer, redactBody: boolean): string {
  const text = bytes.toString('latin1');
  const headEnd = text.indexOf('\r\n\r\n');
  const head = headEnd < 0 ? text : text.slice(0, headEnd + 4);
  const body = headEnd < 0 ? '' : text.slice(headEnd + 4);
  const redactedHead = head.replace(CREDENTIALS, '$1: <redacted>');
  if (!redactBody || body.length === 0) return redactedHead + body;
  return `${redactedHead}<body of ${body.length} bytes redacted>`;
}

export function endpointText(proto: Proto, endpoint: Endpoint): string {
  const host = endpoint.address.includes(':') ? `[${endpoint.address}]` : endpoint.address;
  return `${proto}:${host}:${endpoint.port}`;
}
