// The hashes of Kamailio's dispatcher algorithms 0-3 (dispatch.c: ds_get_hash, get_uri_hash_keys), so a
// Call-ID or URI picks the same destination index here as in Kamailio. Kamailio hashes C chars, which are
// signed on the platforms it ships for: bytes above 127 count as negative, as here.
import { parseUri } from '../sip/index.ts';

const signed = (s: string, i: number): number => {
  const c = s.charCodeAt(i) & 0xff;
  return c > 127 ? c - 256 : c;
};

function addKey(h: number, x: string): number {
  let p = 0;
  if (x.length >= 4) {
    for (; p <= x.length - 4; p += 4) {
      const v =
        ((signed(x, p) << 24) + (signed(x, p + 1) << 16) + (signed(x, p + 2) << 8) + signed(x, p + 3)) >>> 0;
      h = (h + ((v ^ (v >>> 3)) >>> 0)) >>> 0;
    }
  }
  let v = 0;
  for (; p < x.length; p++) v = ((v << 8) + signed(x, p)) >>> 0;
  return (h + ((v ^ (v >>> 3)) >>> 0)) >>> 0;
}

/** ds_get_hash: never 0 (1 instead) unless both keys are absent. */
export function dsHash(x: string | undefined, y?: string): number {
  if (x === undefined && y === undefined) return 0;
  let h = 0;
  if (x !== undefined) h = addKey(h, x);
  if (y !== undefined) h = addKey(h, y);
  h = (h + (h >>> 11) + ((h >>> 13) + (h >>> 23))) >>> 0;
  return h === 0 ? 1 : h;
}

/**
 * The hash of a From/To/R-URI (get_uri_hash_keys): user, and host with the port when it is not the
 * scheme's default (":port"); with `userOnly` the user alone. Undefined for a URI without host (Kamailio: -1).
 */
export function uriHash(text: string, userOnly = false): number | undefined {
  const uri = parseUri(text.trim());
  if (uri === undefined || uri.scheme === 'tel' || uri.host === '') return undefined;
  let host = uri.host;
  if (uri.port !== undefined && uri.port !== (uri.scheme === 'sips' ? 5061 : 5060)) host += `:${uri.port}`;
  // A URI without user: key1 is skipped, as Kamailio's null x->s; `flags` bit 1 (user only) drops key2.
  return dsHash(uri.user, userOnly ? undefined : host);
}
