// Message text from parts, shared by the builders (build-request.ts, build-response.ts): the caller's
// header fields, Content-Type, Content-Length, the empty line and the body. The builders parse what they
// wrote, so the result is a message like any received one.

import { HeaderField } from './header-field.ts';

/** Limits that never refuse a message this layer wrote from parts of one it already accepted. */
export const UNLIMITED = {
  maxMessageSize: Number.POSITIVE_INFINITY,
  maxHeaderCount: Number.POSITIVE_INFINITY,
  maxLineLength: Number.POSITIVE_INFINITY,
  maxViaCount: Number.POSITIVE_INFINITY,
};

/** The caller's header fields, Content-Type, Content-Length, the empty line and the body. */
export function composeTail(
  headers: ReadonlyArray<readonly [string, string]> | undefined,
  body: string | undefined,
  contentType: string | undefined,
): string {
  let out = '';
  for (const [name, value] of headers ?? []) {
    const field = HeaderField.create(name, value);
    if (field === undefined) throw new TypeError(`header "${name}" cannot be written`);
    if (field.key === 'content-length') throw new TypeError('Content-Length is set from the body');
    out += field.line;
  }
  const content = body ?? '';
  if (contentType !== undefined) {
    const field = HeaderField.create('Content-Type', contentType);
    if (field === undefined) throw new TypeError('Content-Type cannot be written');
    out += field.line;
  }
  return `${out}Content-Length: ${content.length}\r\n\r\n${content}`;
}
