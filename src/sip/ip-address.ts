// IPv4address and IPv6address of RFC 3261 25.1 (IPv6 per RFC 4291 2.2): recognising them and reducing
// them to a key, so that "[2001:DB8::1]", "2001:db8:0:0::1" and a dual-stack socket's "::ffff:192.0.2.1"
// compare equal to what they name.

import { hexValue, isDigit } from './char-classes.ts';

/** The value of the IPv4address text[start, end), or -1 (each part 1 to 3 digits, at most 255). */
function ipv4Value(text: string, start: number, end: number): number {
  let value = 0;
  let parts = 0;
  let p = start;
  while (parts < 4) {
    const partStart = p;
    let part = 0;
    while (p < end && isDigit(text.charCodeAt(p)) && p - partStart < 3)
      part = part * 10 + text.charCodeAt(p++) - 48;
    if (p === partStart || part > 255) return -1;
    value = value * 256 + part;
    parts++;
    if (parts < 4) {
      if (p >= end || text.charCodeAt(p) !== 46) return -1;
      p++;
    }
  }
  return p === end ? value : -1;
}

/** True when text[start, end) is an IPv4address. */
export function isIPv4(text: string, start = 0, end = text.length): boolean {
  return ipv4Value(text, start, end) >= 0;
}

/** The eight 16-bit groups of the IPv6address text[start, end), or undefined. */
export function ipv6Groups(text: string, start = 0, end = text.length): number[] | undefined {
  const head: number[] = [];
  const tail: number[] = [];
  let groups = head;
  let compressed = false;
  let p = start;
  if (p + 1 < end && text.charCodeAt(p) === 58 && text.charCodeAt(p + 1) === 58) {
    compressed = true;
    groups = tail;
    p += 2;
    if (p === end) return [0, 0, 0, 0, 0, 0, 0, 0];
  }
  for (;;) {
    const groupStart = p;
    let value = 0;
    while (p < end && p - groupStart < 4) {
      const h = hexValue(text.charCodeAt(p));
      if (h < 0) break;
      value = value * 16 + h;
      p++;
    }
    if (p < end && text.charCodeAt(p) === 46) {
      // An embedded IPv4address ends the text and stands for the last two groups.
      const v4 = ipv4Value(text, groupStart, end);
      if (v4 < 0) return undefined;
      groups.push(Math.floor(v4 / 65536), v4 % 65536);
      p = end;
      break;
    }
    if (p === groupStart) return undefined;
    groups.push(value);
    if (p === end) break;
    if (text.charCodeAt(p) !== 58) return undefined;
    p++;
    if (p < end && text.charCodeAt(p) === 58) {
      if (compressed) return undefined;
      compressed = true;
      groups = tail;
      p++;
      if (p === end) break;
    } else if (p === end) {
      return undefined;
    }
  }
  const count = head.length + tail.length;
  if (compressed ? count > 7 : count !== 8) return undefined;
  const zeros: number[] = new Array(8 - count).fill(0);
  return [...head, ...zeros, ...tail];
}

/** True when text[start, end) is an IPv6address (without brackets). */
export function isIPv6(text: string, start = 0, end = text.length): boolean {
  return ipv6Groups(text, start, end) !== undefined;
}

/**
 * A key equal for equal addresses: IPv4 in dotted decimal, IPv6 as eight lower-case hex groups, an
 * IPv4-mapped IPv6 address as its IPv4 address. Accepts IPv6 in brackets and drops a zone ("%eth0").
 * Undefined when `text` is not an IP address (a host name, say).
 */
export function ipAddressKey(text: string): string | undefined {
  let start = 0;
  let end = text.length;
  if (text.charCodeAt(0) === 91) {
    if (text.charCodeAt(end - 1) !== 93) return undefined;
    start = 1;
    end--;
  }
  const zone = text.indexOf('%', start);
  if (zone >= 0 && zone < end) end = zone;
  const v4 = ipv4Value(text, start, end);
  if (v4 >= 0) return dotted(v4);
  const groups = ipv6Groups(text, start, end);
  if (groups === undefined) return undefined;
  if (groups[5] === 0xffff && groups.slice(0, 5).every((g) => g === 0)) {
    return dotted(groups[6] * 65536 + groups[7]);
  }
  return groups.map((g) => g.toString(16)).join(':');
}

function dotted(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

/** True for an IPv4 (224.0.0.0/4) or IPv6 (ff00::/8) multicast address; false for names and unicast. */
export function isMulticastAddress(text: string): boolean {
  const key = ipAddressKey(text);
  if (key === undefined) return false;
  if (key.includes(':')) return key.startsWith('ff') && key.indexOf(':') === 4;
  const first = Number(key.slice(0, key.indexOf('.')));
  return first >= 224 && first <= 239;
}
