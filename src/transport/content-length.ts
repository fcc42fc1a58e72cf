// Finds the body length of a message on a stream from its raw header section. RFC 3261 18.3 makes
// Content-Length mandatory on stream transports; without it the stream cannot be split, so the frame fails.
// Works on latin1 text (one char per octet) so offsets are byte offsets.

import { err, ok, type Problem, type Result } from '../result.ts';

export interface ContentLengthError extends Problem<'missing-content-length' | 'malformed-content-length'> {
  /** Byte offset in the header section: the bad header, or the end when there is none. */
  readonly offset: number;
}

// Header name, optional whitespace, colon (RFC 3261 HCOLON); `l` is the compact form.
const CONTENT_LENGTH = /^(?:content-length|l)[ \t]*:/i;
const DIGITS = /^[0-9]{1,10}$/;

/** `head` is the header section without the final CRLFCRLF; its first line is the start line. */
export function findContentLength(head: string): Result<number, ContentLengthError> {
  let found: { length: number; offset: number } | undefined;
  let lineStart = head.indexOf('\r\n');
  if (lineStart < 0) return missing(head.length);
  lineStart += 2;

  while (lineStart < head.length) {
    let lineEnd = head.indexOf('\r\n', lineStart);
    if (lineEnd < 0) lineEnd = head.length;
    const line = head.slice(lineStart, lineEnd);
    const name = CONTENT_LENGTH.exec(line);
    if (name) {
      // A value may continue on folded lines (leading SP/HT, RFC 3261 7.3.1).
      let value = line.slice(name[0].length);
      while (lineEnd < head.length && (head[lineEnd + 2] === ' ' || head[lineEnd + 2] === '\t')) {
        const next = head.indexOf('\r\n', lineEnd + 2);
        const foldEnd = next < 0 ? head.length : next;
        value += ` ${head.slice(lineEnd + 2, foldEnd)}`;
        lineEnd = foldEnd;
      }
      value = value.trim();
      if (!DIGITS.test(value)) {
        return err({
          code: 'malformed-content-length',
          message: `Content-Length value '${value.slice(0, 40)}' is not a number`,
          offset: lineStart,
        });
      }
      const length = Number(value);
      if (found && found.length !== length) {
        return err({
          code: 'malformed-content-length',
          message: `Content-Length ${length} contradicts an earlier Content-Length ${found.length} at byte ${found.offset}`,
          offset: lineStart,
        });
      }
      found ??= { length, offset: lineStart };
    }
    lineStart = lineEnd + 2;
  }
  return found ? ok(found.length) : missing(head.length);
}

function missing(offset: number): Result<number, ContentLengthError> {
  return err({
    code: 'missing-content-length',
    message: 'no Content-Length header, required on stream transports (RFC 3261 18.3)',
    offset,
  });
}
