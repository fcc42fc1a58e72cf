// name-addr and addr-spec with header parameters (RFC 3261 20.10, 25.1): the shape of From, To, Contact,
// Route and Record-Route values.
//
//   from-spec = ( name-addr / addr-spec ) *( SEMI from-param )
//   name-addr = [ display-name ] LAQUOT addr-spec RAQUOT
//   display-name = *(token LWS) / quoted-string
//
// Without angle brackets every ";" parameter belongs to the header, not the URI (20.10). The URI is kept as
// text; parseUri reads it when a caller needs its parts.

import { isToken } from './char-classes.ts';
import { formatParams, NO_PARAMS, type Params, paramsIn, scanParams, spanValue } from './params.ts';
import { quote, quotedStringEnd, unquote } from './quoted-string.ts';
import { skipWsp } from './scan.ts';
import { isAbsoluteUri } from './uri.ts';

export interface NameAddr {
  /** Display name: a quoted-string decoded, an unquoted one as written; undefined when absent. */
  readonly displayName: string | undefined;
  /** The addr-spec as written, without angle brackets. */
  readonly uri: string;
  /** Header parameters (tag, expires, q, ...). */
  readonly params: Params;
  /** The tag parameter (From/To). */
  readonly tag: string | undefined;
}

/**
 * One name-addr or addr-spec with its parameters, or undefined when malformed. `nameAddrOnly` demands the
 * angle-bracket form (Route, Record-Route). An unquoted display name may hold any text but DQUOTE and
 * controls: a proxy passes such names on rather than failing the message.
 */
export function parseNameAddr(value: string, nameAddrOnly = false): NameAddr | undefined {
  return parseNameAddrIn(value, 0, value.length, nameAddrOnly);
}

/** parseNameAddr over text[start, end). */
export function parseNameAddrIn(
  text: string,
  start: number,
  end: number,
  nameAddrOnly = false,
): NameAddr | undefined {
  let p = skipWsp(text, start, end);
  let displayName: string | undefined;
  if (p < end && text.charCodeAt(p) === 34) {
    const close = quotedStringEnd(text, p, end);
    if (close < 0) return undefined;
    displayName = unquote(text, p, close);
    p = skipWsp(text, close, end);
    if (p >= end || text.charCodeAt(p) !== 60) return undefined;
  } else {
    const open = text.indexOf('<', p);
    if (open >= 0 && open < end && isDisplayName(text, p, open)) {
      let nameEnd = open;
      while (nameEnd > p && isWspAt(text, nameEnd - 1)) nameEnd--;
      if (nameEnd > p) displayName = text.slice(p, nameEnd);
      p = open;
    } else if (nameAddrOnly) {
      return undefined;
    }
  }

  let uriStart: number;
  let uriEnd: number;
  if (p < end && text.charCodeAt(p) === 60) {
    uriStart = p + 1;
    uriEnd = text.indexOf('>', uriStart);
    if (uriEnd < 0 || uriEnd >= end) return undefined;
    p = uriEnd + 1;
  } else {
    // addr-spec: the URI runs to the first ";" or whitespace.
    uriStart = p;
    while (p < end) {
      const c = text.charCodeAt(p);
      if (c === 59 || c === 32 || c === 9) break;
      p++;
    }
    uriEnd = p;
  }
  if (!isAbsoluteUri(text, uriStart, uriEnd)) return undefined;

  let params = NO_PARAMS;
  let tag: string | undefined;
  p = skipWsp(text, p, end);
  if (p < end) {
    const paramsStart = p;
    p = scanParams(text, p, end);
    if (p < 0 || skipWsp(text, p, end) !== end) return undefined;
    params = paramsIn(text, paramsStart, p);
    tag = spanValue(text, 'tag');
  }
  return { displayName, uri: text.slice(uriStart, uriEnd), params, tag };
}

function isWspAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c === 32 || c === 9;
}

function isDisplayName(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 || (c < 32 && c !== 9) || c === 0x7f) return false;
  }
  return true;
}

/** `addr` as a name-addr: display name (quoted unless it is tokens), "<" URI ">", parameters. */
export function formatNameAddr(addr: Pick<NameAddr, 'displayName' | 'uri' | 'params'>): string {
  const name = addr.displayName;
  let out = '';
  if (name !== undefined && name !== '') {
    out = name.split(' ').every(isToken) ? `${name} ` : `${quote(name)} `;
  }
  return `${out}<${addr.uri}>${formatParams(addr.params)}`;
}
