// The start line (RFC 3261 7.1, 7.2):
//   Request-Line = Method SP Request-URI SP SIP-Version CRLF
//   Status-Line = SIP-Version SP Status-Code SP Reason-Phrase CRLF
// A request line must be exact (single SPs, absoluteURI, token method); a SIP-Version other than 2.0 is a
// 505 fault. The Reason-Phrase may be empty, with or without its SP.

import { err, ok, type Result } from '../result.ts';
import { charClass, isDigit, TOKEN } from './char-classes.ts';
import type { ParseFault } from './parse-error.ts';
import { isAbsoluteUri } from './uri.ts';

export type StartLine =
  | { isResponse: false; method: string; uri: string; version: string }
  | { isResponse: true; status: number; reason: string; version: string };

/** The start line src[pos, lineEnd) (terminator excluded), or what is wrong with it. */
export function parseStartLine(src: string, pos: number, lineEnd: number): Result<StartLine, ParseFault> {
  if (
    lineEnd - pos >= 4 &&
    (src.charCodeAt(pos) | 0x20) === 115 &&
    (src.charCodeAt(pos + 1) | 0x20) === 105 &&
    (src.charCodeAt(pos + 2) | 0x20) === 112 &&
    src.charCodeAt(pos + 3) === 47
  ) {
    // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase
    let sp = src.indexOf(' ', pos);
    if (sp < 0 || sp > lineEnd) sp = lineEnd;
    const versionCheck = versionStatus(src, pos, sp);
    if (versionCheck !== 0) {
      return err({
        status: versionCheck,
        reason: versionCheck === 505 ? 'Version Not Supported' : 'Bad Status Line',
        detail: `unsupported or malformed SIP-Version "${src.slice(pos, sp)}"`,
        offset: pos,
      });
    }
    const version = src.slice(pos, sp);
    const code = sp + 1;
    if (
      lineEnd - code < 3 ||
      !isDigit(src.charCodeAt(code)) ||
      !isDigit(src.charCodeAt(code + 1)) ||
      !isDigit(src.charCodeAt(code + 2)) ||
      (code + 3 < lineEnd && src.charCodeAt(code + 3) !== 32)
    ) {
      return err({
        reason: 'Bad Status Line',
        detail: 'Status-Code is not 3 digits',
        offset: code,
      });
    }
    const status =
      (src.charCodeAt(code) - 48) * 100 +
      (src.charCodeAt(code + 1) - 48) * 10 +
      src.charCodeAt(code + 2) -
      48;
    if (status < 100 || status > 699) {
      return err({
        reason: 'Bad Status Line',
        detail: `Status-Code ${status} is out of range`,
        offset: code,
      });
    }
    const reason = code + 4 <= lineEnd ? src.slice(code + 4, lineEnd) : '';
    return ok({ isResponse: true, status, reason, version });
  }
  // Request-Line = Method SP Request-URI SP SIP-Version
  let p = pos;
  while (p < lineEnd && (charClass[src.charCodeAt(p)] & TOKEN) !== 0) p++;
  if (p === pos || p >= lineEnd || src.charCodeAt(p) !== 32) {
    return err({
      reason: 'Bad Request-Line',
      detail: 'Method is not a token followed by SP',
      offset: p,
    });
  }
  const method = src.slice(pos, p);
  const uriStart = p + 1;
  let sp = src.indexOf(' ', uriStart);
  if (sp < 0 || sp > lineEnd) sp = lineEnd;
  if (!isAbsoluteUri(src, uriStart, sp)) {
    return err({
      reason: 'Bad Request-URI',
      detail: 'Request-URI is not an absolute URI',
      offset: uriStart,
    });
  }
  const uri = src.slice(uriStart, sp);
  const versionCheck = sp < lineEnd ? versionStatus(src, sp + 1, lineEnd) : 400;
  if (versionCheck !== 0) {
    return err({
      status: versionCheck,
      reason: versionCheck === 505 ? 'Version Not Supported' : 'Bad Request-Line',
      detail: `unsupported or malformed SIP-Version "${src.slice(Math.min(sp + 1, lineEnd), lineEnd)}"`,
      offset: Math.min(sp + 1, lineEnd),
    });
  }
  return ok({ isResponse: false, method, uri, version: src.slice(sp + 1, lineEnd) });
}

// 0 for "SIP/2.0" (any case), 505 for another well-formed SIP-Version, 400 otherwise.
function versionStatus(src: string, start: number, end: number): 0 | 400 | 505 {
  if (end - start < 7) return 400;
  if (
    (src.charCodeAt(start) | 0x20) !== 115 ||
    (src.charCodeAt(start + 1) | 0x20) !== 105 ||
    (src.charCodeAt(start + 2) | 0x20) !== 112 ||
    src.charCodeAt(start + 3) !== 47
  ) {
    return 400;
  }
  let p = start + 4;
  const major = p;
  while (p < end && isDigit(src.charCodeAt(p))) p++;
  if (p === major || p >= end || src.charCodeAt(p) !== 46) return 400;
  const minor = ++p;
  while (p < end && isDigit(src.charCodeAt(p))) p++;
  if (p === minor || p !== end) return 400;
  return end - start === 7 && src.charCodeAt(start + 4) === 50 && src.charCodeAt(start + 6) === 48 ? 0 : 505;
}
