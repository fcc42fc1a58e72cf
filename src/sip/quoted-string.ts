// quoted-string = SWS DQUOTE *(qdtext / quoted-pair ) DQUOTE (RFC 3261 25.1): finding its end, decoding
// it, and writing one.

/**
 * Index just past the quoted-string that opens at text[pos] (a DQUOTE), or -1 when it is not closed before
 * `end` or holds a control character other than HTAB.
 */
export function quotedStringEnd(text: string, pos: number, end: number): number {
  for (let p = pos + 1; p < end; p++) {
    const c = text.charCodeAt(p);
    if (c === 34) return p + 1;
    if (c === 92) {
      // quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F)
      p++;
      if (p >= end) return -1;
      const q = text.charCodeAt(p);
      if (q === 10 || q === 13 || q > 0x7f) return -1;
    } else if ((c < 32 && c !== 9) || c === 0x7f) {
      return -1;
    }
  }
  return -1;
}

/** The content of the quoted-string text[start, end) (quotes included) with quoted-pairs decoded. */
export function unquote(text: string, start: number, end: number): string {
  const inner = text.slice(start + 1, end - 1);
  return inner.indexOf('\\') < 0 ? inner : inner.replace(/\\(.)/g, '$1');
}

/** `value` as a quoted-string, escaping DQUOTE and backslash. */
export function quote(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}
