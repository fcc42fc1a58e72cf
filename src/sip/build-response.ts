// createResponse: a response to a request as RFC 3261 8.2.6 builds it: the Via fields, From, To (with a
// tag added when given and absent), Call-ID and CSeq copied, Timestamp copied into a 100 (8.2.6.1), then
// the caller's headers and body. responseBytes writes the same octets without parsing them back (sl replies).

import { isToken } from './char-classes.ts';
import { composeTail, UNLIMITED } from './compose.ts';
import { parseMessage } from './parse-message.ts';
import { reasonPhrase } from './reason-phrases.ts';
import type { SipRequest } from './request.ts';
import type { SipResponse } from './response.ts';

export interface ResponseOptions {
  /** Tag for the To header when the request's To has none (8.2.6.2). A token. */
  toTag?: string;
  /** Further header fields in order, as [name, value] (byte strings). */
  headers?: ReadonlyArray<readonly [name: string, value: string]>;
  /** Body as a byte string. */
  body?: string;
  /** Content-Type of the body. */
  contentType?: string;
}

/**
 * The response to `request` with `status` (100 to 699) and `reason` (the usual phrase when omitted).
 * Throws a TypeError for a status, reason, tag or header that cannot be written: a caller bug.
 */
export function createResponse(
  request: SipRequest,
  status: number,
  reason: string = reasonPhrase(status),
  options: ResponseOptions = {},
): SipResponse {
  return parseResponse(responseText(request, status, reason, options));
}

/**
 * The octets of createResponse(...).toBuffer(), for a reply that is sent and never read (sl replies): the
 * text is written once into one Buffer, not parsed back. Without the caller's header fields, what
 * responseText writes is a message the parser accepts whenever the request has a Via (every other line is
 * a copy of a field of a parsed request or checked as written), so then the parse is skipped; with the
 * caller's fields (a duplicate CSeq, say, is refused by the parser) it runs and fails as createResponse does.
 */
export function responseBytes(
  request: SipRequest,
  status: number,
  reason: string = reasonPhrase(status),
  options: ResponseOptions = {},
): Buffer {
  const copied = copiedFields(request);
  const text = responseText(request, status, reason, options, copied);
  // parseMessage and the edits keep a Via on a request (message.ts `via`); checked all the same, as cheap.
  const parse = (options.headers !== undefined && options.headers.length > 0) || copied.vias === '';
  return parse ? parseResponse(text).toBuffer() : Buffer.from(text, 'latin1');
}

/** The lines RFC 3261 8.2.6 copies, read in one pass over the request's fields. */
interface CopiedFields {
  /** Every Via field as its own line ('' when there is none). */
  vias: string;
  /** The first value of each (undefined when absent: parseMessage and the edits keep one of each). */
  from: string | undefined;
  to: string | undefined;
  callId: string | undefined;
  cseq: string | undefined;
}

function copiedFields(request: SipRequest): CopiedFields {
  const copied: CopiedFields = {
    vias: '',
    from: undefined,
    to: undefined,
    callId: undefined,
    cseq: undefined,
  };
  for (const field of request.headerFields()) {
    switch (field.key) {
      case 'via':
        copied.vias += `Via: ${field.value}\r\n`;
        break;
      case 'from':
        copied.from ??= field.value;
        break;
      case 'to':
        copied.to ??= field.value;
        break;
      case 'call-id':
        copied.callId ??= field.value;
        break;
      case 'cseq':
        copied.cseq ??= field.value;
        break;
    }
  }
  return copied;
}

function responseText(
  request: SipRequest,
  status: number,
  reason: string,
  options: ResponseOptions,
  copied = copiedFields(request),
): string {
  if (!Number.isInteger(status) || status < 100 || status > 699)
    throw new TypeError(`status ${status} is not 100 to 699`);
  if (/[\r\n\0]/.test(reason)) throw new TypeError('the reason phrase holds CR, LF or NUL');
  let to = copied.to;
  if (options.toTag !== undefined && request.to?.tag === undefined) {
    if (!isToken(options.toTag)) throw new TypeError(`To tag "${options.toTag}" is not a token`);
    to += `;tag=${options.toTag}`;
  }
  let head = `SIP/2.0 ${status} ${reason}\r\n${copied.vias}From: ${copied.from}\r\nTo: ${to}\r\nCall-ID: ${copied.callId}\r\nCSeq: ${copied.cseq}\r\n`;
  const timestamp = status === 100 ? request.get('Timestamp') : undefined;
  if (timestamp !== undefined) head += `Timestamp: ${timestamp}\r\n`;
  return head + composeTail(options.headers, options.body, options.contentType);
}

function parseResponse(text: string): SipResponse {
  const parsed = parseMessage(text, { limits: UNLIMITED });
  if (!parsed.ok)
    throw new TypeError(`cannot build the response: ${parsed.error.reason}: ${parsed.error.detail}`);
  return parsed.value as SipResponse;
}
