// parseMessage: one pass over a SIP message (RFC 3261 7, 25) that reads the start line, indexes the header
// fields (name, value offsets, canonical key) and frames the body; header values are parsed when first
// used (From and To included: their accessors give undefined when malformed, and the sanity checks of the
// routing script decide). Never throws: any octets give a message or a ParseError saying what is wrong and
// where.
//
// A message that parses has: a valid start line with SIP/2.0 (another version is 505), header fields that
// are `token ":" value` lines (CRLF or LF terminated, folding allowed, no CR standing alone), a parseable top
// Via (every reply and transaction needs it), exactly one From, To and non-empty Call-ID, exactly one valid
// CSeq (number below 2**31, method equal to the request's), at most one valid Max-Forwards and
// Content-Length, and a body framed by Content-Length:
// - datagram (UDP, 18.3): octets past Content-Length are dropped; without it the body is the rest;
// - otherwise (the transport framed the stream): Content-Length must match exactly, and is required
//   when there is a body.
// Limits (parse-limits.ts) bound size, header count, line length and Via count.

import { err, ok, type Result } from '../result.ts';
import { charClass, TOKEN } from './char-classes.ts';
import { MAX_CSEQ, parseCSeqIn } from './cseq.ts';
import { digitsOf, elementValue, slotValue } from './field-values.ts';
import { HeaderField } from './header-field.ts';
import {
  type HeaderName,
  hashNameOctet,
  headerName,
  lookupHeaderName,
  NAME_HASH_SEED,
} from './header-names.ts';
import type { ParseError, ParseFault } from './parse-error.ts';
import { DEFAULT_PARSE_LIMITS, type ParseLimits } from './parse-limits.ts';
import { readableParts } from './readable-parts.ts';
import { SipRequest } from './request.ts';
import { SipResponse } from './response.ts';
import { parseStartLine } from './start-line.ts';
import { parseViaIn } from './via.ts';

export interface ParseOptions {
  /** Limits to apply instead of the defaults (DEFAULT_PARSE_LIMITS). */
  limits?: Partial<ParseLimits>;
  /** The message is one whole datagram (UDP): frame the body as RFC 3261 18.3 says for datagrams. */
  datagram?: boolean;
}

const VIA = headerName('via')!;
const FROM = headerName('from')!;
const TO = headerName('to')!;
const CALL_ID = headerName('call-id')!;
const CSEQ = headerName('cseq')!;
const CONTENT_LENGTH = headerName('content-length')!;
const MAX_FORWARDS = headerName('max-forwards')!;

function fail(
  src: string,
  limits: ParseLimits,
  fault: ParseFault,
): Result<SipRequest | SipResponse, ParseError> {
  return err({ status: 400, ...fault, ...readableParts(src, limits) });
}

// Finds the LF ending the line that starts at `from` while checking that every CR stands right before an
// LF. `cr` caches the next CR position between calls (-1: unknown).
class LineReader {
  readonly src: string;
  cr = -1;

  constructor(src: string) {
    this.src = src;
  }

  /** Index of the LF ending the line at `from`; -1 when there is none, -2 when a CR stands alone. */
  lf(from: number): number {
    const lf = this.src.indexOf('\n', from);
    if (lf < 0) return -1;
    let cr = this.cr;
    if (cr < from) {
      cr = this.src.indexOf('\r', from);
      if (cr < 0) cr = this.src.length;
    }
    this.cr = cr;
    if (cr < lf - 1) return -2;
    if (cr === lf - 1) this.cr = -1;
    return lf;
  }
}

/** Parses one SIP message: a Buffer, or a byte string (one character per octet, see byte-string.ts). */
export function parseMessage(
  data: Buffer | string,
  options?: ParseOptions,
): Result<SipRequest | SipResponse, ParseError> {
  // The message reads and writes from this copy only, so the caller may reuse `data` afterwards.
  const src = typeof data === 'string' ? data : data.toString('latin1');
  const limits = options?.limits === undefined ? DEFAULT_PARSE_LIMITS : withDefaults(options.limits);
  const n = src.length;
  if (n > limits.maxMessageSize) {
    return fail(src, limits, {
      status: 513,
      reason: 'Message Too Large',
      detail: `the message has ${n} octets, more than maxMessageSize ${limits.maxMessageSize}`,
      offset: limits.maxMessageSize,
      limit: 'maxMessageSize',
    });
  }

  // RFC 3261 7.5: CRLFs before the start line are ignored.
  let pos = 0;
  while (pos < n && (src.charCodeAt(pos) === 13 || src.charCodeAt(pos) === 10)) pos++;
  if (pos >= n) return fail(src, limits, { reason: 'Empty Message', detail: 'no start line', offset: pos });

  // ---- start line ----
  const reader = new LineReader(src);
  const startLineStart = pos;
  let lf = reader.lf(pos);
  if (lf < 0) {
    const detail = lf === -1 ? 'the start line has no line terminator' : 'CR without LF in the start line';
    return fail(src, limits, { reason: 'Bad Start Line', detail, offset: lf === -1 ? n : reader.cr });
  }
  const lineEnd = src.charCodeAt(lf - 1) === 13 ? lf - 1 : lf;
  if (lineEnd - pos > limits.maxLineLength) {
    return fail(src, limits, {
      reason: 'Start Line Too Long',
      detail: `the start line is longer than maxLineLength ${limits.maxLineLength}`,
      offset: pos,
      limit: 'maxLineLength',
    });
  }

  const parsedStartLine = parseStartLine(src, pos, lineEnd);
  if (!parsedStartLine.ok) return fail(src, limits, parsedStartLine.error);
  const startLine = parsedStartLine.value;
  const startLineEnd = lf + 1;

  // ---- header fields ----
  const fields: HeaderField[] = [];
  let via: HeaderField | undefined;
  let from: HeaderField | undefined;
  let to: HeaderField | undefined;
  let callId: HeaderField | undefined;
  let cseq: HeaderField | undefined;
  let contentLength: HeaderField | undefined;
  let maxForwards: HeaderField | undefined;
  let viaCount = 0;
  let comma = -1;
  pos = startLineEnd;
  let headersEnd: number;
  let bodyStart: number;
  for (;;) {
    if (pos >= n) {
      return fail(src, limits, {
        reason: 'Bad Header Field',
        detail: 'no empty line ends the headers',
        offset: pos,
      });
    }
    let c = src.charCodeAt(pos);
    if (c === 13 || c === 10) {
      if (c === 13 && src.charCodeAt(pos + 1) !== 10) {
        return fail(src, limits, { reason: 'Bad Header Field', detail: 'CR without LF', offset: pos });
      }
      headersEnd = pos;
      bodyStart = pos + (c === 13 ? 2 : 1);
      break;
    }
    if (fields.length >= limits.maxHeaderCount) {
      return fail(src, limits, {
        reason: 'Too Many Headers',
        detail: `more than maxHeaderCount ${limits.maxHeaderCount} header fields`,
        offset: pos,
        limit: 'maxHeaderCount',
      });
    }

    // field-name, hashed on the way for the lookup of its canonical name
    const start = pos;
    let hash = NAME_HASH_SEED;
    while (pos < n) {
      c = src.charCodeAt(pos);
      if ((charClass[c] & TOKEN) === 0) break;
      hash = hashNameOctet(hash, c);
      pos++;
    }
    const nameEnd = pos;
    while (pos < n && (c === 32 || c === 9)) c = src.charCodeAt(++pos);
    if (nameEnd === start || c !== 58) {
      return fail(src, limits, {
        reason: 'Bad Header Field',
        detail:
          nameEnd === start
            ? 'a header field does not start with a name'
            : `"${src.slice(start, nameEnd)}" is not followed by ":"`,
        offset: nameEnd === start ? start : pos,
      });
    }
    pos++;

    // field-value up to the line terminator, continuation lines included
    lf = reader.lf(pos);
    let folded = false;
    while (lf >= 0 && (src.charCodeAt(lf + 1) === 32 || src.charCodeAt(lf + 1) === 9)) {
      folded = true;
      lf = reader.lf(lf + 1);
    }
    if (lf < 0) {
      return fail(src, limits, {
        reason: 'Bad Header Field',
        detail: lf === -1 ? 'the header field has no line terminator' : 'CR without LF in a header field',
        offset: lf === -1 ? n : reader.cr,
        header: src.slice(start, nameEnd),
      });
    }
    if (lf + 1 - start > limits.maxLineLength) {
      return fail(src, limits, {
        reason: 'Header Too Long',
        detail: `a header field is longer than maxLineLength ${limits.maxLineLength}`,
        offset: start,
        header: src.slice(start, nameEnd),
        limit: 'maxLineLength',
      });
    }
    // The value without the LWS around it (continuation line breaks included).
    let valueStart = pos;
    let valueEnd = lf;
    for (;;) {
      c = src.charCodeAt(valueStart);
      if (valueStart < valueEnd && (c === 32 || c === 9 || c === 13 || c === 10)) valueStart++;
      else break;
    }
    for (;;) {
      c = src.charCodeAt(valueEnd - 1);
      if (valueEnd > valueStart && (c === 32 || c === 9 || c === 13 || c === 10)) valueEnd--;
      else break;
    }

    const known = lookupHeaderName(src, start, nameEnd, hash);
    const key = known === undefined ? src.slice(start, nameEnd).toLowerCase() : known.key;
    const field = new HeaderField(key, known, src, start, nameEnd, valueStart, valueEnd, lf + 1, folded);
    fields.push(field);
    pos = lf + 1;

    if (known !== undefined) {
      if (known === VIA) {
        // Most Via fields hold one value: when no comma lies before the line end, skip the list scan.
        // `comma` caches the next comma so the searches stay linear over the whole message.
        if (comma < valueStart) comma = src.indexOf(',', valueStart) >>> 0;
        if (comma >= lf && !folded) field.presetRanges(valueStart, valueEnd);
        const count = field.elementCount;
        if (via === undefined && count > 0) via = field;
        viaCount += count;
        if (viaCount > limits.maxViaCount) {
          return fail(src, limits, {
            reason: 'Too Many Vias',
            detail: `more than maxViaCount ${limits.maxViaCount} Via values`,
            offset: start,
            header: 'Via',
            limit: 'maxViaCount',
          });
        }
      } else if (isSingle(known)) {
        const previous =
          known === FROM
            ? from
            : known === TO
              ? to
              : known === CALL_ID
                ? callId
                : known === CSEQ
                  ? cseq
                  : known === CONTENT_LENGTH
                    ? contentLength
                    : maxForwards;
        if (previous !== undefined) {
          return fail(src, limits, {
            reason: `Bad ${known.name}`,
            detail: `more than one ${known.name}`,
            offset: start,
            header: known.name,
          });
        }
        if (known === FROM) from = field;
        else if (known === TO) to = field;
        else if (known === CALL_ID) callId = field;
        else if (known === CSEQ) cseq = field;
        else if (known === CONTENT_LENGTH) contentLength = field;
        else maxForwards = field;
      }
    }
  }

  // ---- the headers every layer relies on ----
  const missing =
    via === undefined
      ? 'Via'
      : from === undefined
        ? 'From'
        : to === undefined
          ? 'To'
          : callId === undefined
            ? 'Call-ID'
            : cseq === undefined
              ? 'CSeq'
              : undefined;
  if (missing !== undefined) {
    return fail(src, limits, {
      reason: `Missing ${missing}`,
      detail: `no ${missing} header`,
      offset: headersEnd,
      header: missing,
    });
  }
  if (elementValue(via!, 0, parseViaIn) === undefined)
    return badHeader(src, limits, via!, 'the top Via value is malformed');
  const cseqValue = slotValue(cseq!, parseCSeqIn);
  if (cseqValue === undefined)
    return badHeader(src, limits, cseq!, 'expected a sequence number and a method');
  if (cseqValue.seq > MAX_CSEQ)
    return badHeader(src, limits, cseq!, `sequence number ${cseqValue.seq} is not below 2**31`);
  if (!startLine.isResponse && cseqValue.method !== startLine.method) {
    return badHeader(
      src,
      limits,
      cseq!,
      `method ${cseqValue.method} differs from the Request-Line's ${startLine.method}`,
    );
  }
  // Call-ID is a matching key, not interpreted: any non-empty value serves (isCallId checks the grammar).
  if (callId!.valueStart === callId!.valueEnd) return badHeader(src, limits, callId!, 'empty');
  if (maxForwards !== undefined && digitsOf(maxForwards) < 0)
    return badHeader(src, limits, maxForwards, 'not 1*DIGIT');

  // ---- body ----
  const available = n - bodyStart;
  let bodyEnd = n;
  if (contentLength !== undefined) {
    const length = digitsOf(contentLength);
    if (length < 0) return badHeader(src, limits, contentLength, 'not 1*DIGIT');
    if (length > available) {
      return badHeader(
        src,
        limits,
        contentLength,
        `Content-Length ${length} exceeds the ${available} octets after the headers`,
      );
    }
    if (length < available && options?.datagram !== true) {
      return badHeader(src, limits, contentLength, `${available - length} octets follow the body`);
    }
    bodyEnd = bodyStart + length;
  } else if (available > 0 && options?.datagram !== true) {
    return fail(src, limits, {
      reason: 'Missing Content-Length',
      detail: 'a body without Content-Length on a stream',
      offset: bodyStart,
      header: 'Content-Length',
    });
  }

  const init = {
    source: src,
    fields,
    version: startLine.version,
    startLineStart,
    startLineEnd,
    headersEnd,
    bodyStart,
    bodyEnd,
  };
  return ok(
    startLine.isResponse
      ? new SipResponse(init, startLine.status, startLine.reason)
      : new SipRequest(init, startLine.method, startLine.uri),
  );
}

/**
 * The merged limits of each options object seen: a server passes the same one with every message, so the
 * merge (a copy and a key list) runs once, not per datagram. Limits objects are configuration, not edited
 * after use; a caller that wants other limits passes another object.
 */
const merged = new WeakMap<Partial<ParseLimits>, ParseLimits>();

function withDefaults(limits: Partial<ParseLimits>): ParseLimits {
  let full = merged.get(limits);
  if (full === undefined) {
    full = mergeDefaults(limits);
    merged.set(limits, full);
  }
  return full;
}

// A limit left undefined (or not a number) keeps its default rather than lifting the bound.
function mergeDefaults(limits: Partial<ParseLimits>): ParseLimits {
  const out = { ...DEFAULT_PARSE_LIMITS };
  for (const name of Object.keys(out) as (keyof ParseLimits)[]) {
    const value = limits[name];
    if (typeof value === 'number' && !Number.isNaN(value)) out[name] = value;
  }
  return out;
}

function isSingle(known: HeaderName): boolean {
  return (
    known === FROM ||
    known === TO ||
    known === CALL_ID ||
    known === CSEQ ||
    known === CONTENT_LENGTH ||
    known === MAX_FORWARDS
  );
}

function badHeader(
  src: string,
  limits: ParseLimits,
  field: HeaderField,
  detail: string,
): Result<SipRequest | SipResponse, ParseError> {
  const name = field.known?.name ?? field.name;
  return fail(src, limits, {
    reason: `Bad ${name}`,
    detail: `${name}: ${detail}`,
    offset: field.valueStart,
    header: name,
  });
}
