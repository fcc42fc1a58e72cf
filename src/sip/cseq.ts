// CSeq = "CSeq" HCOLON 1*DIGIT LWS Method (RFC 3261 20.16, 25.1).

import { DIGIT, TOKEN } from './char-classes.ts';
import { parseDigits } from './integers.ts';
import { skipClass, skipWsp } from './scan.ts';

export interface CSeq {
  /** The sequence number; RFC 3261 8.1.1.5 keeps it below 2**31, which parseMessage enforces. */
  readonly seq: number;
  /** The method, case-sensitive. */
  readonly method: string;
}

/** Largest sequence number a request may carry (8.1.1.5: less than 2**31). */
export const MAX_CSEQ = 2 ** 31 - 1;

/** The CSeq value, or undefined when malformed (more than 10 digits counts as malformed). */
export function parseCSeq(value: string): CSeq | undefined {
  return parseCSeqIn(value, 0, value.length);
}

/** parseCSeq over text[start, end). */
export function parseCSeqIn(text: string, start: number, end: number): CSeq | undefined {
  const seqStart = skipWsp(text, start, end);
  const seqEnd = skipClass(text, seqStart, end, DIGIT);
  const seq = parseDigits(text, seqStart, seqEnd);
  const methodStart = skipWsp(text, seqEnd, end);
  if (seq < 0 || methodStart === seqEnd) return undefined;
  const methodEnd = skipClass(text, methodStart, end, TOKEN);
  if (methodEnd === methodStart || skipWsp(text, methodEnd, end) !== end) return undefined;
  return { seq, method: text.slice(methodStart, methodEnd) };
}
