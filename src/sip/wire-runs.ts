// Serialization: the wire form of a message as runs of text ranges (received text, edited lines, new body),
// merged where one continues the previous, so an unedited message is one run copied in one go, and every
// untouched field is copied verbatim.

import type { HeaderField } from './header-field.ts';

/** Text ranges in order, merged where one continues the previous. */
export class Runs {
  readonly texts: string[] = [];
  readonly bounds: number[] = [];
  count = 0;
  length = 0;

  add(text: string): void {
    this.addRange(text, 0, text.length);
  }

  addRange(text: string, start: number, end: number): void {
    if (end === start) return;
    this.length += end - start;
    const last = this.count - 1;
    if (last >= 0 && this.texts[last] === text && this.bounds[2 * last + 1] === start) {
      this.bounds[2 * last + 1] = end;
      return;
    }
    this.texts.push(text);
    this.bounds.push(start, end);
    this.count++;
  }

  /**
   * The runs as octets (every text is a byte string): the joined string written in one go, which costs
   * less than one write per run into a Buffer (each a call into the runtime).
   */
  toBuffer(): Buffer {
    return Buffer.from(this.toString(), 'latin1');
  }

  toString(): string {
    let out = '';
    for (let i = 0; i < this.count; i++)
      out += this.texts[i].slice(this.bounds[2 * i], this.bounds[2 * i + 1]);
    return out;
  }
}

/** Where the parts of a received message lie in the text it was parsed from. */
export interface WireParts {
  readonly source: string;
  /** [startLineStart, startLineEnd): the start line with its terminator. */
  readonly startLineStart: number;
  readonly startLineEnd: number;
  /** [headersEnd, bodyStart): the empty line that ends the headers. */
  readonly headersEnd: number;
  readonly bodyStart: number;
  readonly bodyEnd: number;
}

/**
 * The runs of a message: `startLine` when it was changed (else the received one), the fields in order, a
 * Content-Length of `body` (or the received body's length) when no field carries one, and the body.
 */
export function messageRuns(
  wire: WireParts,
  startLine: string | undefined,
  fields: readonly HeaderField[],
  body: string | undefined,
): Runs {
  const runs = new Runs();
  if (startLine !== undefined) runs.add(`${startLine}\r\n`);
  else runs.addRange(wire.source, wire.startLineStart, wire.startLineEnd);
  let hasLength = false;
  for (const field of fields) {
    runs.addRange(field.source, field.start, field.end);
    if (field.key === 'content-length') hasLength = true;
  }
  if (!hasLength) runs.add(`Content-Length: ${body?.length ?? wire.bodyEnd - wire.bodyStart}\r\n`);
  runs.addRange(wire.source, wire.headersEnd, wire.bodyStart);
  if (body === undefined) runs.addRange(wire.source, wire.bodyStart, wire.bodyEnd);
  else runs.add(body);
  return runs;
}
