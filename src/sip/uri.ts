// SIP, SIPS (RFC 3261 19.1, 25.1) and tel (RFC 3966) URIs: parsing and formatting. Every part is kept as
// written, %-escapes included, so a formatted URI says what the parsed one said; comparison decodes escapes
// (uri-compare.ts). Parameter and header names are case-insensitive and are kept in lower case.
//
//   SIP-URI = "sip:" [ userinfo ] hostport uri-parameters [ headers ]
//   userinfo = ( user / telephone-subscriber ) [ ":" password ] "@"
//   telephoneuri = "tel:" telephone-subscriber *( ";" par )

import {
  charClass,
  HNV,
  isAlpha,
  isDigit,
  isEscapedRun,
  PARAM,
  PASSWORD,
  SCHEME,
  URI_CHAR,
  USER,
} from './char-classes.ts';
import { isHost } from './host.ts';
import { NO_PARAMS, type Params } from './params.ts';

export interface SipUri {
  /** Lower-case scheme. */
  readonly scheme: 'sip' | 'sips' | 'tel';
  /** User part as written (escapes kept); for tel the telephone-subscriber number. */
  readonly user: string | undefined;
  readonly password: string | undefined;
  /** Host as written: hostname, IPv4 address, or IPv6 reference in brackets. '' for tel. */
  readonly host: string;
  readonly port: number | undefined;
  /** uri-parameters by lower-case name, values as written ('' when written without "="). */
  readonly params: Params;
  /** headers (after "?") by lower-case hname, hvalues as written. */
  readonly headers: Params;
}

/** The URI `text` if it is a well-formed sip:, sips: or tel: URI (scheme case-insensitive), else undefined. */
export function parseUri(text: string): SipUri | undefined {
  const colon = text.indexOf(':');
  if (colon < 3 || colon > 4) return undefined;
  const scheme = text.slice(0, colon).toLowerCase();
  if (scheme === 'sip' || scheme === 'sips') return parseSipUri(text, scheme, colon + 1);
  if (scheme === 'tel') return parseTelUri(text, colon + 1);
  return undefined;
}

function parseSipUri(text: string, scheme: 'sip' | 'sips', p: number): SipUri | undefined {
  const end = text.length;
  let user: string | undefined;
  let password: string | undefined;
  // "@" may appear only escaped outside userinfo, so the first one ends the userinfo.
  const at = text.indexOf('@', p);
  if (at >= 0) {
    let userEnd = text.indexOf(':', p);
    if (userEnd < 0 || userEnd > at) userEnd = at;
    if (userEnd === p || !isEscapedRun(text, p, userEnd, USER)) return undefined;
    user = text.slice(p, userEnd);
    if (userEnd < at) {
      if (!isEscapedRun(text, userEnd + 1, at, PASSWORD)) return undefined;
      password = text.slice(userEnd + 1, at);
    }
    p = at + 1;
  }

  const hostStart = p;
  if (text.charCodeAt(p) === 91) {
    const close = text.indexOf(']', p);
    if (close < 0) return undefined;
    p = close + 1;
  } else {
    while (p < end) {
      const c = text.charCodeAt(p);
      if (c === 58 || c === 59 || c === 63) break;
      p++;
    }
  }
  if (!isHost(text, hostStart, p)) return undefined;
  const host = text.slice(hostStart, p);

  let port: number | undefined;
  if (text.charCodeAt(p) === 58) {
    const portStart = ++p;
    let value = 0;
    while (p < end && isDigit(text.charCodeAt(p)) && p - portStart < 5)
      value = value * 10 + text.charCodeAt(p++) - 48;
    if (p === portStart || value > 65535) return undefined;
    port = value;
  }

  // A malformed pair leaves p at -1, which is no "?" and not the end.
  const params = text.charCodeAt(p) === 59 ? new Map<string, string>() : undefined;
  if (params !== undefined) p = parsePairs(text, p, end, 59, PARAM, true, params);
  // headers = "?" header *( "&" header ); header = hname "=" hvalue; the leading "?" acts as the first "&".
  const headers = text.charCodeAt(p) === 63 ? new Map<string, string>() : undefined;
  if (headers !== undefined) p = parsePairs(text, p, end, 38, HNV, false, headers);
  if (p !== end) return undefined;
  return { scheme, user, password, host, port, params: params ?? NO_PARAMS, headers: headers ?? NO_PARAMS };
}

/**
 * Reads pairs `sep name [ "=" value ]` from text[p] (text[p] is the first separator, or "?" for headers)
 * into `into`; returns the index after the last pair, or -1 when one is malformed. Names are 1*`bit`;
 * values are 1*`bit` for parameters and *`bit` for headers, where "=" is also required. "=" belongs to
 * neither class, so class membership alone ends names and values.
 */
function parsePairs(
  text: string,
  p: number,
  end: number,
  sep: number,
  bit: number,
  isParam: boolean,
  into: Map<string, string>,
): number {
  do {
    p++;
    const nameStart = p;
    while (p < end && (charClass[text.charCodeAt(p)] & bit) !== 0) p++;
    if (p === nameStart || !isEscapedRun(text, nameStart, p, bit)) return -1;
    const name = text.slice(nameStart, p).toLowerCase();
    let value = '';
    if (text.charCodeAt(p) === 61) {
      const valueStart = ++p;
      while (p < end && (charClass[text.charCodeAt(p)] & bit) !== 0) p++;
      if ((isParam && p === valueStart) || !isEscapedRun(text, valueStart, p, bit)) return -1;
      value = text.slice(valueStart, p);
    } else if (!isParam) {
      return -1;
    }
    into.set(name, value);
  } while (p < end && text.charCodeAt(p) === sep);
  return p;
}

// tel URIs (RFC 3966): global numbers start with "+" and hold digits; local numbers hold hex digits, "*" and
// "#" and need a phone-context parameter. Visual separators "-", ".", "(", ")" may appear in both.
function parseTelUri(text: string, p: number): SipUri | undefined {
  const end = text.length;
  let numberEnd = text.indexOf(';', p);
  if (numberEnd < 0) numberEnd = end;
  const global = text.charCodeAt(p) === 43;
  let digits = 0;
  for (let i = global ? p + 1 : p; i < numberEnd; i++) {
    const c = text.charCodeAt(i);
    if (isDigit(c) || (!global && (isHexLetter(c) || c === 42 || c === 35))) digits++;
    else if (c !== 45 && c !== 46 && c !== 40 && c !== 41) return undefined;
  }
  if (digits === 0) return undefined;
  const params = numberEnd < end ? new Map<string, string>() : undefined;
  if (params !== undefined && parsePairs(text, numberEnd, end, 59, PARAM, true, params) !== end)
    return undefined;
  if (!global && !params?.has('phone-context')) return undefined;
  return {
    scheme: 'tel',
    user: text.slice(p, numberEnd),
    password: undefined,
    host: '',
    port: undefined,
    params: params ?? NO_PARAMS,
    headers: NO_PARAMS,
  };
}

function isHexLetter(c: number): boolean {
  const l = c | 0x20;
  return l >= 97 && l <= 102;
}

/** The URI written back: parameters and headers in their order, names in lower case. */
export function formatUri(uri: SipUri): string {
  let out = `${uri.scheme}:`;
  if (uri.scheme !== 'tel') {
    if (uri.user !== undefined)
      out += uri.password === undefined ? `${uri.user}@` : `${uri.user}:${uri.password}@`;
    out += uri.host;
    if (uri.port !== undefined) out += `:${uri.port}`;
  } else {
    out += uri.user ?? '';
  }
  for (const [name, value] of uri.params) out += value === '' ? `;${name}` : `;${name}=${value}`;
  let sep = '?';
  for (const [name, value] of uri.headers) {
    out += `${sep}${name}=${value}`;
    sep = '&';
  }
  return out;
}

/**
 * True when `text` has the shape of an absoluteURI (scheme ":" and at least one character, none of them
 * whitespace, controls, DQUOTE, "<" or ">"): what the Request-URI and name-addr must hold when the scheme
 * is not one this layer parses.
 */
export function isAbsoluteUri(text: string, start = 0, end = text.length): boolean {
  if (start >= end || !isAlpha(text.charCodeAt(start))) return false;
  let p = start + 1;
  while (p < end && (charClass[text.charCodeAt(p)] & SCHEME) !== 0) p++;
  if (p >= end - 1 || text.charCodeAt(p) !== 58) return false;
  p++;
  while (p < end && (charClass[text.charCodeAt(p)] & URI_CHAR) !== 0) p++;
  return p === end;
}
