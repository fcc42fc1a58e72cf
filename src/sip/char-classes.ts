// Character classes of the RFC 3261 grammar (section 25.1) as one lookup table over octets, so scanners test
// a class with one load and a mask instead of a chain of comparisons.

/** token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~") */
export const TOKEN = 1;
/** word: token characters plus ( ) < > : \ DQUOTE / [ ] ? { } */
export const WORD = 2;
/** user = 1*( unreserved / escaped / user-unreserved ), "%" stands for escaped */
export const USER = 4;
/** password = *( unreserved / escaped / "&" / "=" / "+" / "$" / "," ) */
export const PASSWORD = 8;
/** paramchar = param-unreserved / unreserved / escaped */
export const PARAM = 16;
/** hname / hvalue = hnv-unreserved / unreserved / escaped */
export const HNV = 32;
/** alphanum, "-" and "." : hostname and IPv4address characters */
export const HOST = 64;
/** scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) */
export const SCHEME = 128;
/** gen-value = token / host / quoted-string: the characters of an unquoted one (token plus ":" "[" "]") */
export const GEN_VALUE = 256;
/** DIGIT */
export const DIGIT = 512;
/** What an absoluteURI may hold after its scheme: anything but controls, SP, DQUOTE, "<", ">" and DEL. */
export const URI_CHAR = 1024;

const ALPHANUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const MARK = "-_.!~*'()";
const UNRESERVED = ALPHANUM + MARK;

/** Class bits per octet. */
export const charClass = new Uint16Array(256);

function mark(chars: string, bit: number): void {
  for (let i = 0; i < chars.length; i++) charClass[chars.charCodeAt(i)] |= bit;
}

mark(`${ALPHANUM}-.!%*_+\`'~`, TOKEN);
mark(`${ALPHANUM}-.!%*_+\`'~()<>:\\"/[]?{}`, WORD);
mark(`${UNRESERVED}%&=+$,;?/`, USER);
mark(`${UNRESERVED}%&=+$,`, PASSWORD);
mark(`${UNRESERVED}%[]/:&+$`, PARAM);
mark(`${UNRESERVED}%[]/?:+$`, HNV);
mark(`${ALPHANUM}-.`, HOST);
mark(`${ALPHANUM}+-.`, SCHEME);
mark(`${ALPHANUM}-.!%*_+\`'~:[]`, GEN_VALUE);
mark('0123456789', DIGIT);
for (let c = 33; c < 256; c++) if (c !== 34 && c !== 60 && c !== 62 && c !== 127) charClass[c] |= URI_CHAR;

/** True for SP and HTAB (WSP). */
export function isWsp(c: number): boolean {
  return c === 32 || c === 9;
}

/** True for DIGIT. */
export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** True for ALPHA. */
export function isAlpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Value of a HEXDIG, or -1. */
export function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}

/** True when text[start, end) is a non-empty run of characters of class `bit` (characters above 0xff fail). */
export function isRunOf(text: string, start: number, end: number, bit: number): boolean {
  if (start >= end) return false;
  for (let i = start; i < end; i++) {
    if ((charClass[text.charCodeAt(i)] & bit) === 0) return false;
  }
  return true;
}

/**
 * True when text[start, end) is made of class `bit` characters where every "%" starts an escape
 * (escaped = "%" HEXDIG HEXDIG). Empty runs pass: callers check emptiness where the grammar needs it.
 */
export function isEscapedRun(text: string, start: number, end: number, bit: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if ((charClass[c] & bit) === 0) return false;
    if (c === 37) {
      if (i + 2 >= end) return false;
      if (hexValue(text.charCodeAt(i + 1)) < 0 || hexValue(text.charCodeAt(i + 2)) < 0) return false;
      i += 2;
    }
  }
  return true;
}

/** True when `text` is a token (RFC 3261 25.1). */
export function isToken(text: string): boolean {
  return isRunOf(text, 0, text.length, TOKEN);
}
