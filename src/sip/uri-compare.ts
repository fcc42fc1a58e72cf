// URI equality of RFC 3261 19.1.4 (and RFC 3966 4 for tel): userinfo case-sensitive, host case-insensitive,
// unreserved characters equal to their %-escapes, parameter order ignored, user/ttl/method/maddr/transport
// never matching when only one side has them, other parameters in only one URI ignored, headers all
// required to match.

import { ipAddressKey } from './ip-address.ts';
import type { Params } from './params.ts';
import { parseUri, type SipUri } from './uri.ts';

/** Parameters that make two URIs differ when only one of them carries it (19.1.4). */
const SIGNIFICANT = new Set(['user', 'ttl', 'method', 'maddr', 'transport']);
/** Parameters whose values are compared case-insensitively (hosts and tokens defined so). */
const CASELESS = new Set(['user', 'maddr', 'transport', 'ttl']);
/** reserved = ";" / "/" / "?" / ":" / "@" / "&" / "=" / "+" / "$" / "," : escapes of these stay escapes. */
const RESERVED = ';/?:@&=+$,';

/**
 * `text` with the %-escapes of unreserved characters decoded and the others written with upper-case hex, so
 * two spellings of one URI part compare equal as strings.
 */
export function normalizeEscapes(text: string): string {
  if (text.indexOf('%') < 0) return text;
  return text.replace(/%([0-9a-fA-F]{2})/g, (written, hex: string) => {
    const c = String.fromCharCode(Number.parseInt(hex, 16));
    return RESERVED.includes(c) || c === '%' ? written.toUpperCase() : c;
  });
}

/** True when the two URIs are equal by RFC 3261 19.1.4 (tel: RFC 3966 4). Text that does not parse is unequal. */
export function uriEquals(a: SipUri | string, b: SipUri | string): boolean {
  const x = typeof a === 'string' ? parseUri(a) : a;
  const y = typeof b === 'string' ? parseUri(b) : b;
  if (x === undefined || y === undefined || x.scheme !== y.scheme) return false;
  if (x.scheme === 'tel') return telEquals(x, y);
  return (
    normalizeEscapes(x.user ?? '') === normalizeEscapes(y.user ?? '') &&
    (x.password === undefined
      ? y.password === undefined
      : y.password !== undefined && normalizeEscapes(x.password) === normalizeEscapes(y.password)) &&
    hostEquals(x.host, y.host) &&
    x.port === y.port &&
    paramsMatch(x.params, y.params) &&
    paramsMatch(y.params, x.params) &&
    headersMatch(x.headers, y.headers)
  );
}

function hostEquals(a: string, b: string): boolean {
  if (a.toLowerCase() === b.toLowerCase()) return true;
  const ka = ipAddressKey(a);
  return ka !== undefined && ka === ipAddressKey(b);
}

// Every parameter of `a` that `b` also has matches; significant ones must be in both.
function paramsMatch(a: Params, b: Params): boolean {
  for (const [name, value] of a) {
    const other = b.get(name);
    if (other === undefined) {
      if (SIGNIFICANT.has(name)) return false;
      continue;
    }
    const va = normalizeEscapes(value);
    const vb = normalizeEscapes(other);
    if (CASELESS.has(name) ? va.toLowerCase() !== vb.toLowerCase() : va !== vb) return false;
  }
  return true;
}

function headersMatch(a: Params, b: Params): boolean {
  if (a.size !== b.size) return false;
  for (const [name, value] of a) {
    const other = b.get(name);
    if (other === undefined || normalizeEscapes(value) !== normalizeEscapes(other)) return false;
  }
  return true;
}

// RFC 3966 4: numbers equal without visual separators; the same parameters with caseless-equal values.
function telEquals(a: SipUri, b: SipUri): boolean {
  const number = (uri: SipUri) => (uri.user ?? '').replace(/[-.()]/g, '').toLowerCase();
  if (number(a) !== number(b) || a.params.size !== b.params.size) return false;
  for (const [name, value] of a.params) {
    const other = b.params.get(name);
    if (
      other === undefined ||
      normalizeEscapes(value).toLowerCase() !== normalizeEscapes(other).toLowerCase()
    ) {
      return false;
    }
  }
  return true;
}
