// Splitting a list header value at its top-level commas (RFC 3261 7.3.1): commas inside a quoted-string
// or between "<" and ">" belong to the element. Works on offsets so callers can parse elements where they
// lie, without slicing them out first.

/** The elements of text[start, end) as [start, end) pairs, whitespace-trimmed, empty ones dropped. */
export function listRanges(text: string, start: number, end: number): number[] {
  const out: number[] = [];
  let from = start;
  let inAngle = false;
  for (let p = start; p < end; p++) {
    const c = text.charCodeAt(p);
    if (c === 34) {
      // Skip the quoted-string; an unclosed one runs to the end and fails its element's grammar.
      for (p++; p < end; p++) {
        const q = text.charCodeAt(p);
        if (q === 92) p++;
        else if (q === 34) break;
      }
    } else if (c === 60) {
      inAngle = true;
    } else if (c === 62) {
      inAngle = false;
    } else if (c === 44 && !inAngle) {
      pushTrimmed(out, text, from, p);
      from = p + 1;
    }
  }
  pushTrimmed(out, text, from, end);
  return out;
}

function pushTrimmed(out: number[], text: string, start: number, end: number): void {
  while (start < end && isWsp(text.charCodeAt(start))) start++;
  while (end > start && isWsp(text.charCodeAt(end - 1))) end--;
  if (end > start) out.push(start, end);
}

/** The elements of `value`, whitespace-trimmed, empty ones dropped. */
export function splitList(value: string): string[] {
  const ranges = listRanges(value, 0, value.length);
  const out: string[] = [];
  for (let i = 0; i < ranges.length; i += 2) out.push(value.slice(ranges[i], ranges[i + 1]));
  return out;
}

/** text[start, end) without leading and trailing SP / HTAB. */
export function trimWsp(text: string, start: number, end: number): string {
  while (start < end && isWsp(text.charCodeAt(start))) start++;
  while (end > start && isWsp(text.charCodeAt(end - 1))) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

function isWsp(c: number): boolean {
  return c === 32 || c === 9;
}
