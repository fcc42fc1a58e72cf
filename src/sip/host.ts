// host = hostname / IPv4address / IPv6reference (RFC 3261 25.1), as it appears in URIs and in Via sent-by.
//
//   hostname = *( domainlabel "." ) toplabel [ "." ]
//   domainlabel = alphanum / alphanum *( alphanum / "-" ) alphanum
//   toplabel = ALPHA / ALPHA *( alphanum / "-" ) alphanum

import { charClass, HOST, isAlpha } from './char-classes.ts';
import { isIPv4, isIPv6 } from './ip-address.ts';

/**
 * End of the host that starts at text[start] (the host ends at the first character no host can hold, or
 * at `end`), or -1 when the characters there do not make a host. Parsers call it on every Via and URI, so
 * it checks the labels in the one pass that finds the end.
 */
export function hostEnd(text: string, start: number, end: number): number {
  if (start < end && text.charCodeAt(start) === 91) {
    const close = text.indexOf(']', start);
    return close > start && close < end && isIPv6(text, start + 1, close) ? close + 1 : -1;
  }
  let p = start;
  let labelStart = start;
  // Start of the label before the last ".": the toplabel when a final "." ends the host.
  let previousStart = start;
  while (p < end) {
    const c = text.charCodeAt(p);
    if ((charClass[c] & HOST) === 0) break;
    if (c === 46) {
      if (p === labelStart || text.charCodeAt(labelStart) === 45 || text.charCodeAt(p - 1) === 45) return -1;
      previousStart = labelStart;
      labelStart = p + 1;
    }
    p++;
  }
  if (p === start) return -1;
  // A final "." may end a hostname (never an IPv4address): its toplabel is the label before it.
  if (labelStart === p) return isAlpha(text.charCodeAt(previousStart)) ? p : -1;
  if (text.charCodeAt(labelStart) === 45 || text.charCodeAt(p - 1) === 45) return -1;
  // The toplabel starts with ALPHA; one starting with a digit leaves only an IPv4address.
  if (isAlpha(text.charCodeAt(labelStart))) return p;
  return isIPv4(text, start, p) ? p : -1;
}

/** True when text[start, end) is a host: a hostname, an IPv4address or an IPv6reference ("[" IPv6 "]"). */
export function isHost(text: string, start = 0, end = text.length): boolean {
  return hostEnd(text, start, end) === end;
}
