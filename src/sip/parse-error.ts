// Why a message did not parse, where, and what of it could still be read: enough to log it and, for a
// request, to answer it with 400/505/513 (rejection-reply.ts).

import type { ParseLimits } from './parse-limits.ts';

export interface ParseError {
  /** Short and fit for a reason phrase: "Bad CSeq", "Missing Call-ID", "Too Many Headers". */
  reason: string;
  /** What exactly is wrong, for logs. */
  detail: string;
  /** Byte offset in the message where the fault was found. */
  offset: number;
  /** Canonical name of the header at fault. */
  header?: string;
  /** The limit that was exceeded. */
  limit?: keyof ParseLimits;
  /** The status a UAS or proxy answers a broken request with (RFC 3261 21.4.1, 21.5.14, 21.5.15). */
  status: 400 | 505 | 513;
  /** 'request' or 'response' when the start line told; undefined when it could not be read. */
  kind: 'request' | 'response' | undefined;
  /** The method, when the start line is a request line. */
  method?: string;
  /** The values of the Via fields that could be read, in order (a field may hold several Via values). */
  vias: string[];
  from?: string;
  to?: string;
  callId?: string;
  cseq?: string;
}

/** What is wrong and where: a ParseError before what could be read is added (status 400 unless given). */
export type ParseFault = Pick<ParseError, 'reason' | 'detail' | 'offset' | 'header' | 'limit'> & {
  status?: ParseError['status'];
};
