// Header parameters: *( SEMI generic-param ), generic-param = token [ EQUAL gen-value ],
// gen-value = token / host / quoted-string (RFC 3261 25.1). Shared by Via, From/To, Contact, Route.
//
// Parameters read as a Map from the lower-case name (names are case-insensitive) to the value as written
// (a quoted-string keeps its quotes); a parameter without a value maps to ''. Map order is the written
// order, so formatting writes them back as they came.
//
// Building a Map per header value is most of the cost of parsing one, and most readers want one or two
// parameters (branch, tag) that the grammars pick out while scanning. So scanParams only validates and
// records where each parameter lies, and the Map a value exposes (ParamList) is built on first use.

import { GEN_VALUE, TOKEN } from './char-classes.ts';
import { quotedStringEnd } from './quoted-string.ts';
import { lowerCase, skipClass, skipSeparator } from './scan.ts';

/** Parameters by lower-case name; '' for a parameter written without a value. */
export type Params = ReadonlyMap<string, string>;

/**
 * Where the parameters of the last scanParams call lie: `count` parameters as [nameStart, nameEnd,
 * valueStart, valueEnd] in `spans` (valueStart === valueEnd when it has no value). Overwritten by the next
 * call: read it first. Reused rather than reallocated, as every Via and name-addr goes through it.
 */
export const paramSpans = { spans: new Array<number>(64).fill(0), count: 0 };

/**
 * Validates `*( SEMI generic-param )` from text[p], stopping before anything that is not a SEMI (a COMMA,
 * trailing whitespace, the end), and records the parameters in paramSpans. Returns where it stopped, or
 * -1 when a parameter is malformed.
 */
export function scanParams(text: string, p: number, end: number): number {
  const spans = paramSpans.spans;
  let at = 0;
  paramSpans.count = 0;
  for (;;) {
    const nameStart = skipSeparator(text, p, end, 59);
    if (nameStart < 0) {
      paramSpans.count = at >> 2;
      return p;
    }
    const nameEnd = skipClass(text, nameStart, end, TOKEN);
    if (nameEnd === nameStart) return -1;
    p = nameEnd;
    let valueStart = nameEnd;
    const afterEqual = skipSeparator(text, nameEnd, end, 61);
    if (afterEqual >= 0) {
      valueStart = afterEqual;
      p =
        afterEqual < end && text.charCodeAt(afterEqual) === 34
          ? quotedStringEnd(text, afterEqual, end)
          : skipClass(text, afterEqual, end, GEN_VALUE);
      if (p <= afterEqual) return -1;
    }
    spans[at] = nameStart;
    spans[at + 1] = nameEnd;
    spans[at + 2] = valueStart;
    spans[at + 3] = afterEqual >= 0 ? p : valueStart;
    at += 4;
  }
}

/** True when text[start, end) is `name` (lower case) in any case. */
export function isName(text: string, start: number, end: number, name: string): boolean {
  if (end - start !== name.length) return false;
  for (let i = 0; i < name.length; i++) {
    const c = text.charCodeAt(start + i);
    if ((c >= 65 && c <= 90 ? c + 32 : c) !== name.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * The value of parameter `name` (lower case) in paramSpans, '' without a value, undefined when absent.
 * The last of repeated parameters wins, as in the Map.
 */
export function spanValue(text: string, name: string): string | undefined {
  const spans = paramSpans.spans;
  for (let i = 4 * paramSpans.count - 4; i >= 0; i -= 4) {
    if (isName(text, spans[i], spans[i + 1], name)) return text.slice(spans[i + 2], spans[i + 3]);
  }
  return undefined;
}

/**
 * The parameters text[start, end) (already validated by scanParams) as a read-only Map, parsed on first
 * use. A later parameter of the same name wins, as in a Map.
 */
export class ParamList implements ReadonlyMap<string, string> {
  private readonly text: string;
  private readonly start: number;
  private readonly end: number;
  private map: Map<string, string> | undefined = undefined;

  constructor(text: string, start: number, end: number) {
    this.text = text;
    this.start = start;
    this.end = end;
  }

  private get parsed(): Map<string, string> {
    if (this.map === undefined) {
      const map = new Map<string, string>();
      scanParams(this.text, this.start, this.end);
      const spans = paramSpans.spans;
      for (let i = 0; i < 4 * paramSpans.count; i += 4) {
        map.set(lowerCase(this.text, spans[i], spans[i + 1]), this.text.slice(spans[i + 2], spans[i + 3]));
      }
      this.map = map;
    }
    return this.map;
  }

  get size(): number {
    return this.parsed.size;
  }

  get(name: string): string | undefined {
    return this.parsed.get(name);
  }

  has(name: string): boolean {
    return this.parsed.has(name);
  }

  forEach(
    callback: (value: string, key: string, map: ReadonlyMap<string, string>) => void,
    thisArg?: unknown,
  ): void {
    for (const [key, value] of this.parsed) callback.call(thisArg, value, key, this);
  }

  entries(): MapIterator<[string, string]> {
    return this.parsed.entries();
  }

  keys(): MapIterator<string> {
    return this.parsed.keys();
  }

  values(): MapIterator<string> {
    return this.parsed.values();
  }

  [Symbol.iterator](): MapIterator<[string, string]> {
    return this.parsed.entries();
  }

  /** Shown as the Map it stands for (not the whole message text it points into). */
  [Symbol.for('nodejs.util.inspect.custom')](): Map<string, string> {
    return this.parsed;
  }
}

/** Shared empty parameters, for values that have none (a ParamList: no mutators to misuse). */
export const NO_PARAMS: Params = new ParamList('', 0, 0);

/** The parameters text[start, end) that scanParams accepted, as Params. */
export function paramsIn(text: string, start: number, end: number): Params {
  return start === end ? NO_PARAMS : new ParamList(text, start, end);
}

/** `params` written back as `;name=value` pairs ('' values as bare names). */
export function formatParams(params: Params): string {
  let out = '';
  for (const [name, value] of params) out += value === '' ? `;${name}` : `;${name}=${value}`;
  return out;
}
