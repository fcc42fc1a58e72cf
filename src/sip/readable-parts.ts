// What can still be read of a message that failed to parse: the start line's kind and method, the Via
// values, From, To, Call-ID and CSeq, as text. A separate, forgiving pass that runs only on the error path,
// bounded by the same limits as the parser, so the hot path stays free of it.

import { isRunOf, TOKEN } from './char-classes.ts';
import { headerKey } from './header-names.ts';
import type { ParseError } from './parse-error.ts';
import type { ParseLimits } from './parse-limits.ts';
import { trimWsp } from './split-list.ts';

export type ReadableParts = Pick<ParseError, 'kind' | 'method' | 'vias' | 'from' | 'to' | 'callId' | 'cseq'>;

// The headers read once (the first one counts), by header key.
const SINGLE = new Map<string, 'from' | 'to' | 'callId' | 'cseq'>([
  ['from', 'from'],
  ['to', 'to'],
  ['call-id', 'callId'],
  ['cseq', 'cseq'],
]);

export function readableParts(src: string, limits: ParseLimits): ReadableParts {
  const parts: ReadableParts = { kind: undefined, vias: [] };
  const end = Math.min(src.length, limits.maxMessageSize);
  let pos = 0;
  while (pos < end && (src.charCodeAt(pos) === 13 || src.charCodeAt(pos) === 10)) pos++;
  let lf = src.indexOf('\n', pos);
  if (lf < 0 || lf >= end || lf - pos > limits.maxLineLength) return parts;

  const startLine = src.slice(pos, lf).trimStart();
  if (/^SIP\//i.test(startLine)) {
    parts.kind = 'response';
  } else {
    const space = startLine.indexOf(' ');
    if (space > 0 && isRunOf(startLine, 0, space, TOKEN)) {
      parts.kind = 'request';
      parts.method = startLine.slice(0, space);
    }
  }

  for (let count = 0; count < limits.maxHeaderCount; count++) {
    pos = lf + 1;
    if (pos >= end) break;
    const first = src.charCodeAt(pos);
    if (first === 13 || first === 10) break;
    lf = src.indexOf('\n', pos);
    while (lf >= 0 && lf + 1 < end && (src.charCodeAt(lf + 1) === 32 || src.charCodeAt(lf + 1) === 9)) {
      lf = src.indexOf('\n', lf + 1);
    }
    if (lf < 0 || lf >= end) break;
    if (lf - pos > limits.maxLineLength) continue;
    const line = src.slice(pos, lf).replace(/[ \t]*\r?\n[ \t]+/g, ' ');
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = trimWsp(line, 0, colon);
    const value = trimWsp(line, colon + 1, line.endsWith('\r') ? line.length - 1 : line.length);
    // An empty value, or one that would need its own line terminators, cannot be echoed in a reply.
    if (value === '' || !isRunOf(name, 0, name.length, TOKEN) || /[\r\n\0]/.test(value)) continue;
    const key = headerKey(name);
    if (key === 'via') {
      parts.vias.push(value);
    } else {
      const part = SINGLE.get(key);
      if (part !== undefined) parts[part] ??= value;
    }
  }
  return parts;
}
