// One header field (RFC 3261 7.3): where its name and value lie in the text it came from, its value read
// on first use, its list elements split on first use, and a slot for the typed value parsed from it.
//
// A field never changes once made: an edit replaces it with a new one. That is what lets clone() share
// fields (and what they have cached) between messages.

import { isRunOf, TOKEN } from './char-classes.ts';
import { type HeaderName, headerName } from './header-names.ts';
import { listRanges } from './split-list.ts';

export class HeaderField {
  /** Lower-case full name, the key fields are matched by ("call-id" for "i"). */
  readonly key: string;
  /** What is known of the name; undefined for extension headers. */
  readonly known: HeaderName | undefined;
  /** The text the field lies in: the received message, or its own line when an edit made it. */
  readonly source: string;
  /** Offset of the first octet of the name. */
  readonly start: number;
  readonly nameEnd: number;
  /** The value lies in [valueStart, valueEnd): leading and trailing whitespace excluded. */
  readonly valueStart: number;
  readonly valueEnd: number;
  /** Offset just past the terminator of the field's last line. */
  readonly end: number;
  /** The value spans continuation lines. */
  readonly folded: boolean;
  /** Typed value parsed from this field, kept by the message's accessors. */
  parsed: unknown = undefined;
  private text: string | undefined = undefined;
  private list: readonly string[] | undefined = undefined;
  private bounds: readonly number[] | undefined = undefined;

  constructor(
    key: string,
    known: HeaderName | undefined,
    source: string,
    start: number,
    nameEnd: number,
    valueStart: number,
    valueEnd: number,
    end: number,
    folded: boolean,
  ) {
    this.key = key;
    this.known = known;
    this.source = source;
    this.start = start;
    this.nameEnd = nameEnd;
    this.valueStart = valueStart;
    this.valueEnd = valueEnd;
    this.end = end;
    this.folded = folded;
  }

  /**
   * A field written as `name: value` CRLF, or undefined when `name` is not a token or `value` holds CR, LF
   * or NUL (which would forge further header lines or cut the message for some parsers).
   */
  static create(name: string, value: string): HeaderField | undefined {
    if (!isRunOf(name, 0, name.length, TOKEN) || !isFieldValue(value)) return undefined;
    const known = headerName(name);
    const line = `${name}: ${value}\r\n`;
    let valueStart = name.length + 2;
    let valueEnd = line.length - 2;
    while (valueStart < valueEnd && isWsp(line.charCodeAt(valueStart))) valueStart++;
    while (valueEnd > valueStart && isWsp(line.charCodeAt(valueEnd - 1))) valueEnd--;
    const key = known === undefined ? name.toLowerCase() : known.key;
    const field = new HeaderField(key, known, line, 0, name.length, valueStart, valueEnd, line.length, false);
    if (known?.list && value.indexOf(',') < 0) field.presetRanges(valueStart, valueEnd);
    return field;
  }

  /** The name as written. */
  get name(): string {
    return this.source.slice(this.start, this.nameEnd);
  }

  /** The value, continuation lines joined with a single SP each (RFC 3261 7.3.1). */
  get value(): string {
    this.text ??= this.folded
      ? unfold(this.source.slice(this.valueStart, this.valueEnd))
      : this.source.slice(this.valueStart, this.valueEnd);
    return this.text;
  }

  /**
   * The text the value can be parsed in place from, with valueFrom / valueTo: the source itself unless the
   * field is folded. Grammars read values there rather than from sliced copies, which V8 reads slower.
   */
  get valueSource(): string {
    return this.folded ? this.value : this.source;
  }

  get valueFrom(): number {
    return this.folded ? 0 : this.valueStart;
  }

  get valueTo(): number {
    return this.folded ? this.value.length : this.valueEnd;
  }

  /**
   * The values the field holds as [start, end) pairs in valueSource: list headers split at top-level
   * commas (empty elements dropped), other headers whole (one element, perhaps empty).
   */
  get ranges(): readonly number[] {
    if (this.bounds === undefined) {
      const from = this.valueFrom;
      const to = this.valueTo;
      this.bounds = this.known?.list ? listRanges(this.valueSource, from, to) : [from, to];
    }
    return this.bounds;
  }

  /** For the parser: the field is known to hold the single value [start, end) of its source. */
  presetRanges(start: number, end: number): void {
    this.bounds = end > start ? [start, end] : [];
  }

  /** How many values the field holds. */
  get elementCount(): number {
    return this.ranges.length >> 1;
  }

  /** Value `index` of the field (see ranges). */
  element(index: number): string {
    if (this.list !== undefined) return this.list[index];
    const ranges = this.ranges;
    return this.valueSource.slice(ranges[2 * index], ranges[2 * index + 1]);
  }

  /** The values the field holds, as strings. */
  get elements(): readonly string[] {
    if (this.list === undefined) {
      const ranges = this.ranges;
      const source = this.valueSource;
      const list: string[] = [];
      for (let i = 0; i < ranges.length; i += 2) list.push(source.slice(ranges[i], ranges[i + 1]));
      this.list = list;
    }
    return this.list;
  }

  /** The whole field as it lies in its source, name to line terminator. */
  get line(): string {
    return this.source.slice(this.start, this.end);
  }
}

// CR, LF, NUL, or a character that is no octet. A regular expression rather than a charCodeAt loop: edits
// pass values their callers just concatenated, and a loop over such a (cons) string costs twice as much.
const NOT_FIELD_VALUE = /[\r\n\0\u0100-\uffff]/;

function isFieldValue(value: string): boolean {
  return !NOT_FIELD_VALUE.test(value);
}

function unfold(raw: string): string {
  return raw.replace(/[ \t]*\r?\n[ \t]+/g, ' ');
}

function isWsp(c: number): boolean {
  return c === 32 || c === 9;
}
