// A whole header line as scripts write it ("Name: value", with or without the final CRLF; Kamailio's
// `hdrval`), split into name and value for the edit methods.

import { isRunOf, TOKEN } from './char-classes.ts';
import { trimWsp } from './split-list.ts';

/**
 * Name and value of `line`, or undefined when the name is not a token, there is no ":", or CR / LF / NUL
 * appear anywhere but in the one final CRLF.
 */
export function parseHeaderLine(line: string): { name: string; value: string } | undefined {
  let end = line.length;
  if (line.endsWith('\r\n')) end -= 2;
  else if (line.endsWith('\n')) end -= 1;
  const colon = line.indexOf(':');
  if (colon < 0 || colon >= end) return undefined;
  const name = trimWsp(line, 0, colon);
  const value = trimWsp(line, colon + 1, end);
  if (!isRunOf(name, 0, name.length, TOKEN) || /[\r\n\0]/.test(value)) return undefined;
  return { name, value };
}
