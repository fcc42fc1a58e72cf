// host = hostname / IPv4address / IPv6reference (RFC 3261 25.1), as it appears in URIs and in Via sent-by.
//
//   hostname = *( domainlabel "." ) toplabel [ "." ]
//   domainlabel = alphanum / alphanum *( alphanum / "-" ) alphanum
//   toplabel = ALPHA / ALPHA *( alphanum / "-" ) alphanum

import { charClass, HOST, isAlpha } from './char-classes.ts';
import { isIPv4, isIPv6 } from './ip-address.ts';

/**
 * End of the host that starts at text[start] (the host ends at the first character no host can hold, or
 * at `end`), or -1 when the characters there do not make a host. Parsers call it on every Via, so it makes
 * one tight pass over the characters and then checks the few labels with indexOf.
 */
export function hostEnd(text: string, start: number, end: number): number {
  if (start < end && text.charCodeAt(start) === 91) {
    const close = text.indexOf(']', start);
    return close > start && close < end && isIPv6(text, start + 1, close) ? close + 1 : -1;
  }
  let p = start;
  while (p < end && (charClass[text.charCodeAt(p)] & HOST) !== 0) p++;
  if (p === start) return -1;
  // A final "." may end a hostname (never an IPv4address).
  const last = text.charCodeAt(p - 1) === 46 ? p - 1 : p;
  let labelStart = start;
  for (;;) {
    let labelEnd = text.indexOf('.', labelStart);
    if (labelEnd < 0 || labelEnd > last) labelEnd = last;
    if (
      labelEnd === labelStart ||
      text.charCodeAt(labelStart) === 45 ||
      text.charCodeAt(labelEnd - 1) === 45
    ) {
      return -1;
    }
    if (labelEnd === last) {
      // The toplabel starts with ALPHA; one starting with a digit leaves only an IPv4address.
      if (isAlpha(text.charCodeAt(labelStart))) return p;
      return last === p && isIPv4(text, start, p) ? p : -1;
    }
    labelStart = labelEnd + 1;
  }
}

/** True when text[start, end) is a host: a hostname, an IPv4address or an IPv6reference ("[" IPv6 "]"). */
export function isHost(text: string, start = 0, end = text.length): boolean {
  return hostEnd(text, start, end) === end;
}
