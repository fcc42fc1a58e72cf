// Call-ID = ( "Call-ID" / "i" ) HCOLON callid; callid = word [ "@" word ] (RFC 3261 20.8, 25.1).

import { isRunOf, WORD } from './char-classes.ts';

/** True when text[start, end) (already trimmed) is a callid. */
export function isCallId(text: string, start = 0, end = text.length): boolean {
  const at = text.indexOf('@', start);
  if (at < 0 || at >= end) return isRunOf(text, start, end, WORD);
  return isRunOf(text, start, at, WORD) && isRunOf(text, at + 1, end, WORD);
}
