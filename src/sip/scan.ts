// Scanning helpers over one unfolded header value (no CR or LF left: folding became SP), shared by the
// header grammars. Whitespace here is WSP, so SWS and LWS of RFC 3261 25.1 both mean "skip SP and HTAB".
// Plain functions over (text, position, end) that return a position: TurboFan inlines them, and they never
// read past `end` (charCodeAt past the end gives NaN, which slows the loops that see it).

import { charClass } from './char-classes.ts';

/** Position of the first character at or after `p` that is not SP or HTAB. */
export function skipWsp(text: string, p: number, end: number): number {
  while (p < end) {
    const c = text.charCodeAt(p);
    if (c !== 32 && c !== 9) break;
    p++;
  }
  return p;
}

/** Position of the first character at or after `p` that is not of class `bit`. */
export function skipClass(text: string, p: number, end: number, bit: number): number {
  while (p < end && (charClass[text.charCodeAt(p)] & bit) !== 0) p++;
  return p;
}

/** Position after SWS `c` SWS (the SEMI, COLON, SLASH, EQUAL ... separators) at `p`, or -1 when `c` is not there. */
export function skipSeparator(text: string, p: number, end: number, c: number): number {
  p = skipWsp(text, p, end);
  if (p >= end || text.charCodeAt(p) !== c) return -1;
  return skipWsp(text, p + 1, end);
}

/** text[start, end) lower-cased, without a copy when it has no upper-case letter. */
export function lowerCase(text: string, start: number, end: number): string {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 65 && c <= 90) return text.slice(start, end).toLowerCase();
  }
  return text.slice(start, end);
}
