// The integer grammars of header values: 1*DIGIT (Content-Length, Max-Forwards, CSeq number),
// delta-seconds (Expires, Contact expires) and qvalue (Contact q).

import { isDigit } from './char-classes.ts';

/** The 1*DIGIT text[start, end) as a number, or -1 when not digits or longer than `maxDigits`. */
export function parseDigits(text: string, start = 0, end = text.length, maxDigits = 10): number {
  if (start >= end || end - start > maxDigits) return -1;
  let value = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (!isDigit(c)) return -1;
    value = value * 10 + c - 48;
  }
  return value;
}

/** delta-seconds = 1*DIGIT, values past 2**32-1 read as 2**32-1 (RFC 3261 20.19); -1 when malformed. */
export function parseDeltaSeconds(text: string): number {
  if (text.length === 0) return -1;
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!isDigit(c)) return -1;
    if (value <= 4294967295) value = value * 10 + c - 48;
  }
  return Math.min(value, 4294967295);
}

/** qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ); -1 when malformed. */
export function parseQValue(text: string): number {
  const n = text.length;
  if (n === 0 || n > 5) return -1;
  const first = text.charCodeAt(0);
  if (first !== 48 && first !== 49) return -1;
  if (n === 1) return first - 48;
  if (text.charCodeAt(1) !== 46) return -1;
  let thousandths = 0;
  for (let i = 2; i < 5; i++) {
    const c = i < n ? text.charCodeAt(i) : 48;
    if (!isDigit(c) || (first === 49 && c !== 48)) return -1;
    thousandths = thousandths * 10 + c - 48;
  }
  return first - 48 + thousandths / 1000;
}
