// The part of SipRequest and SipResponse they share (RFC 3261 7): header reads, typed header accessors
// parsed on first use, edits, body, serialization and clone.
//
// A message keeps the text it was parsed from and a list of header fields pointing into it. Edits never
// change that text or a field: they replace the list (copy on write) with new fields where needed, so a
// clone() shares everything until one side edits, and serialization copies the octets of every untouched
// field verbatim. Edits keep the message answerable: they refuse to leave it without a parseable top Via,
// exactly one From and To (an edited one must parse), one valid Call-ID and CSeq, or with an invalid
// Max-Forwards; Content-Length is kept right by setBody and serialization alone.
//
// All text is byte strings (byte-string.ts): one character per octet.

import { isByteString } from './byte-string.ts';
import { isCallId } from './call-id.ts';
import { type Contact, parseContacts } from './contact.ts';
import { type CSeq, MAX_CSEQ, parseCSeqIn } from './cseq.ts';
import { digitsOf, elementValue, type RangeParser, slotValue } from './field-values.ts';
import { HeaderField } from './header-field.ts';
import { headerKey } from './header-names.ts';
import { type NameAddr, parseNameAddrIn } from './name-addr.ts';
import { parseViaIn, type Via } from './via.ts';
import { Runs } from './wire-runs.ts';

/** What parseMessage hands a new message. Internal to this layer. */
export interface MessageInit {
  source: string;
  fields: HeaderField[];
  version: string;
  /** [startLineStart, startLineEnd): the start line with its terminator. */
  startLineStart: number;
  startLineEnd: number;
  /** [headersEnd, bodyStart): the empty line that ends the headers. */
  headersEnd: number;
  bodyStart: number;
  bodyEnd: number;
}

/** A header field as read: the name as written and the value (continuation lines joined). */
export interface HeaderFieldView {
  /** The name as written ("v", "VIA", "Via" ...). */
  readonly name: string;
  /** The lower-case full name fields are matched by ("via"). */
  readonly key: string;
  readonly value: string;
}

export abstract class SipMessage {
  /** The SIP-Version as written ("SIP/2.0"). */
  readonly version: string;
  /** Where the parts of the received text lie. Shared by clones, never changed. */
  protected readonly wire: MessageInit;
  /** The header fields in order. Replaced, never changed in place: clones may share it. */
  protected fieldList: HeaderField[];
  /** The body set by setBody, or undefined while it is the received one. */
  protected newBody: string | undefined = undefined;
  /** The start line was changed (the Request-URI was set). */
  protected startLineChanged = false;
  private lists: Map<string, { fields: HeaderField[]; value: unknown }> | undefined = undefined;

  constructor(init: MessageInit) {
    this.wire = init;
    this.version = init.version;
    this.fieldList = init.fields;
  }

  /** A copy that can be edited apart from this one; shares all unedited state (cheap: no text is copied). */
  abstract clone(): this;

  /** Gives `copy` (made from the same wire) this message's edits. */
  protected copyEditsTo(copy: SipMessage): void {
    copy.fieldList = this.fieldList;
    copy.newBody = this.newBody;
    copy.startLineChanged = this.startLineChanged;
  }

  /** The start line without its terminator. */
  abstract get startLine(): string;

  // ---- header reads -------------------------------------------------------------------------------------

  /** Number of header fields (a field folded over several lines counts once). */
  get headerCount(): number {
    return this.fieldList.length;
  }

  /** The header fields in order. */
  headerFields(): readonly HeaderFieldView[] {
    return this.fieldList;
  }

  /** True when a header named `name` (any case, full or compact form) is present. */
  has(name: string): boolean {
    return this.indexOf(headerKey(name), 0) >= 0;
  }

  /** The first value of header `name`: for list headers the first comma-separated element. */
  get(name: string): string | undefined {
    const key = headerKey(name);
    for (const field of this.fieldList) {
      if (field.key === key && field.elementCount > 0) return field.element(0);
    }
    return undefined;
  }

  /** Every value of header `name` over all its fields, list headers split at commas. */
  getAll(name: string): string[] {
    const key = headerKey(name);
    const out: string[] = [];
    for (const field of this.fieldList) if (field.key === key) out.push(...field.elements);
    return out;
  }

  /** The whole value of every field named `name`, one per field, unsplit (Kamailio's `$hdr` bodies). */
  getFieldValues(name: string): string[] {
    const key = headerKey(name);
    const out: string[] = [];
    for (const field of this.fieldList) if (field.key === key) out.push(field.value);
    return out;
  }

  // ---- typed accessors ----------------------------------------------------------------------------------

  /** The top Via value. parseMessage and edits guarantee one. */
  get via(): Via {
    return this.topVia(this.fieldList)!;
  }

  /** All Via values, top first; undefined when one does not parse. */
  get vias(): readonly Via[] | undefined {
    return this.list('via', (fields) => this.parseAll(fields, 'via', parseViaIn));
  }

  /** The From value; undefined when it does not parse (parseMessage guarantees exactly one From). */
  get from(): NameAddr | undefined {
    return this.single('from', parseNameAddrIn);
  }

  /** The To value; undefined when it does not parse (parseMessage guarantees exactly one To). */
  get to(): NameAddr | undefined {
    return this.single('to', parseNameAddrIn);
  }

  /** The Call-ID. */
  get callId(): string {
    return this.fieldList[this.indexOf('call-id', 0)].value;
  }

  /** The CSeq. */
  get cseq(): CSeq {
    return this.single('cseq', parseCSeqIn)!;
  }

  /** Max-Forwards, or undefined when absent (a present one is valid: parseMessage and edits check it). */
  get maxForwards(): number | undefined {
    const i = this.indexOf('max-forwards', 0);
    return i < 0 ? undefined : digitsOf(this.fieldList[i]);
  }

  /** The Content-Length header's value, or undefined when absent; when present it equals bodyLength. */
  get contentLength(): number | undefined {
    const i = this.indexOf('content-length', 0);
    return i < 0 ? undefined : digitsOf(this.fieldList[i]);
  }

  /** Contact values, "*" for a lone STAR; undefined when absent or malformed. */
  get contacts(): readonly Contact[] | '*' | undefined {
    return this.list('contact', (fields) => {
      const values = this.valuesOf(fields, 'contact');
      return values.length === 0 ? undefined : parseContacts(values);
    });
  }

  /** Route values in order; undefined when absent or one is malformed. */
  get routes(): readonly NameAddr[] | undefined {
    return this.list('route', (fields) => this.parseAll(fields, 'route', parseRoute));
  }

  /** Record-Route values in order; undefined when absent or one is malformed. */
  get recordRoutes(): readonly NameAddr[] | undefined {
    return this.list('record-route', (fields) => this.parseAll(fields, 'record-route', parseRoute));
  }

  // ---- body ---------------------------------------------------------------------------------------------

  /** The body as a byte string ('' when there is none). */
  get body(): string {
    return this.newBody ?? this.wire.source.slice(this.wire.bodyStart, this.wire.bodyEnd);
  }

  /** The body length in octets. */
  get bodyLength(): number {
    return this.newBody === undefined ? this.wire.bodyEnd - this.wire.bodyStart : this.newBody.length;
  }

  /**
   * Replaces the body and sets Content-Length to its length. With `contentType`, Content-Type is set too;
   * an empty body without one removes Content-Type, which would describe nothing.
   */
  setBody(body: string | Uint8Array, contentType?: string): boolean {
    const text =
      typeof body === 'string'
        ? body
        : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1');
    if (!isByteString(text)) return false;
    let next = this.fieldList;
    if (contentType !== undefined) {
      const type = HeaderField.create('Content-Type', contentType);
      if (type === undefined) return false;
      next = replaceAll(next, 'content-type', type);
    } else if (text === '') {
      next = next.filter((f) => f.key !== 'content-type');
    }
    const i = next.findIndex((f) => f.key === 'content-length');
    const length = HeaderField.create(i < 0 ? 'Content-Length' : next[i].name, String(text.length))!;
    next = i < 0 ? [...next, length] : replaceAll(next, 'content-length', length);
    this.fieldList = next;
    this.newBody = text;
    return true;
  }

  // ---- header edits -------------------------------------------------------------------------------------

  /** Adds a header after the last one. False when refused (see the file comment) or malformed. */
  appendHeader(name: string, value: string): boolean {
    const field = HeaderField.create(name, value);
    return field !== undefined && this.commit(field.key, [...this.fieldList, field]);
  }

  /** Adds a header before the first one. */
  prependHeader(name: string, value: string): boolean {
    const field = HeaderField.create(name, value);
    return field !== undefined && this.commit(field.key, [field, ...this.fieldList]);
  }

  /** Adds a header before the first header named `before`; false when there is none. */
  insertHeaderBefore(before: string, name: string, value: string): boolean {
    return this.insertAt(this.indexOf(headerKey(before), 0), name, value);
  }

  /** Adds a header after the first header named `after`; false when there is none. */
  insertHeaderAfter(after: string, name: string, value: string): boolean {
    const i = this.indexOf(headerKey(after), 0);
    return i >= 0 && this.insertAt(i + 1, name, value);
  }

  /** Removes every header named `name`; the number removed (0 when none, or when refused). */
  removeHeader(name: string): number {
    const key = headerKey(name);
    const next = this.fieldList.filter((f) => f.key !== key);
    const removed = this.fieldList.length - next.length;
    return removed > 0 && this.commit(key, next) ? removed : 0;
  }

  /** Removes the `index`th field named `name` (0 first, -1 last); false when there is none or refused. */
  removeHeaderAt(name: string, index: number): boolean {
    const key = headerKey(name);
    const at = this.nthIndex(key, index);
    return at >= 0 && this.commit(key, this.fieldList.toSpliced(at, 1));
  }

  /** Replaces every field named `name` with one `name: value` where the first was, or appends it. */
  setHeader(name: string, value: string): boolean {
    const field = HeaderField.create(name, value);
    if (field === undefined) return false;
    const next =
      this.indexOf(field.key, 0) < 0
        ? [...this.fieldList, field]
        : replaceAll(this.fieldList, field.key, field);
    return this.commit(field.key, next);
  }

  /** Removes the first value of list header `name` (RFC 3261 16.4 pops a Route so); the value removed. */
  removeFirstValue(name: string): string | undefined {
    const key = headerKey(name);
    const i = this.fieldList.findIndex((f) => f.key === key && f.elementCount > 0);
    if (i < 0) return undefined;
    const field = this.fieldList[i];
    const [first, ...rest] = field.elements;
    const next =
      rest.length === 0
        ? this.fieldList.toSpliced(i, 1)
        : this.fieldList.with(i, HeaderField.create(field.name, rest.join(', '))!);
    return this.commit(key, next) ? first : undefined;
  }

  /** Replaces the first value of list header `name`, leaving the rest of its field as it was. */
  replaceFirstValue(name: string, value: string): boolean {
    const key = headerKey(name);
    const i = this.fieldList.findIndex((f) => f.key === key && f.elementCount > 0);
    if (i < 0) return false;
    const field = this.fieldList[i];
    const replacement = HeaderField.create(field.name, [value, ...field.elements.slice(1)].join(', '));
    return replacement !== undefined && this.commit(key, this.fieldList.with(i, replacement));
  }

  /** Adds a Via value on top (RFC 3261 16.6 step 8), as a new field before the first Via. */
  pushVia(value: string): boolean {
    const i = this.indexOf('via', 0);
    const field = HeaderField.create('Via', value);
    return field !== undefined && this.commit('via', this.fieldList.toSpliced(Math.max(i, 0), 0, field));
  }

  /**
   * Removes the top Via value (RFC 3261 16.7 step 3) and returns it. Refused (undefined) when it is the last
   * one or the next one does not parse: such a response is not forwarded.
   */
  popVia(): string | undefined {
    return this.removeFirstValue('via');
  }

  // ---- serialization ------------------------------------------------------------------------------------

  /** The message as octets: untouched parts copied verbatim, edits applied, Content-Length right. */
  toBuffer(): Buffer {
    const runs = this.runs();
    const out = Buffer.allocUnsafe(runs.length);
    let pos = 0;
    for (let i = 0; i < runs.count; i++) {
      const text = runs.texts[i];
      const start = runs.bounds[2 * i];
      const end = runs.bounds[2 * i + 1];
      out.write(start === 0 && end === text.length ? text : text.slice(start, end), pos, 'latin1');
      pos += end - start;
    }
    return out;
  }

  /** The message as a byte string. */
  toString(): string {
    const runs = this.runs();
    let out = '';
    for (let i = 0; i < runs.count; i++)
      out += runs.texts[i].slice(runs.bounds[2 * i], runs.bounds[2 * i + 1]);
    return out;
  }

  // ---- internals ----------------------------------------------------------------------------------------

  /**
   * The wire form as runs of text ranges, in order, ranges that continue one another merged: an unedited
   * message is one run of the received text.
   */
  private runs(): Runs {
    const runs = new Runs();
    const wire = this.wire;
    if (this.startLineChanged) runs.add(`${this.startLine}\r\n`);
    else runs.addRange(wire.source, wire.startLineStart, wire.startLineEnd);
    let hasLength = false;
    for (const field of this.fieldList) {
      runs.addRange(field.source, field.start, field.end);
      if (field.key === 'content-length') hasLength = true;
    }
    if (!hasLength) runs.add(`Content-Length: ${this.bodyLength}\r\n`);
    runs.addRange(wire.source, wire.headersEnd, wire.bodyStart);
    if (this.newBody === undefined) runs.addRange(wire.source, wire.bodyStart, wire.bodyEnd);
    else runs.add(this.newBody);
    return runs;
  }

  protected indexOf(key: string, from: number): number {
    const fields = this.fieldList;
    for (let i = from; i < fields.length; i++) if (fields[i].key === key) return i;
    return -1;
  }

  // Index of the `index`th field with `key`, negative counting from the last; -1 when out of range.
  private nthIndex(key: string, index: number): number {
    const positions: number[] = [];
    this.fieldList.forEach((f, i) => {
      if (f.key === key) positions.push(i);
    });
    const at = index < 0 ? positions.length + index : index;
    return at >= 0 && at < positions.length ? positions[at] : -1;
  }

  private insertAt(index: number, name: string, value: string): boolean {
    if (index < 0) return false;
    const field = HeaderField.create(name, value);
    return field !== undefined && this.commit(field.key, this.fieldList.toSpliced(index, 0, field));
  }

  /** Adopts `next` as the field list if it keeps the message answerable for header `key`. */
  private commit(key: string, next: HeaderField[]): boolean {
    if (!this.allows(key, next)) return false;
    this.fieldList = next;
    return true;
  }

  private allows(key: string, next: HeaderField[]): boolean {
    switch (key) {
      case 'content-length':
        return false;
      case 'via':
        return this.topVia(next) !== undefined;
      case 'from':
      case 'to':
        return slotValue(exactlyOne(next, key), parseNameAddrIn) !== undefined;
      case 'call-id': {
        const field = exactlyOne(next, key);
        return field !== undefined && isCallId(field.valueSource, field.valueFrom, field.valueTo);
      }
      case 'cseq': {
        const cseq = slotValue(exactlyOne(next, key), parseCSeqIn);
        return cseq !== undefined && cseq.seq <= MAX_CSEQ && this.acceptsCSeq(cseq);
      }
      case 'max-forwards': {
        const fields = next.filter((f) => f.key === key);
        return fields.length === 0 || (fields.length === 1 && digitsOf(fields[0]) >= 0);
      }
      default:
        return true;
    }
  }

  /** Whether `cseq` suits this message (a request demands its own method). */
  protected acceptsCSeq(_cseq: CSeq): boolean {
    return true;
  }

  private topVia(fields: HeaderField[]): Via | undefined {
    for (const field of fields) {
      if (field.key === 'via' && field.elementCount > 0) return elementValue(field, 0, parseViaIn);
    }
    return undefined;
  }

  private single<T>(key: string, parse: RangeParser<T>): T | undefined {
    const i = this.indexOf(key, 0);
    return i < 0 ? undefined : slotValue(this.fieldList[i], parse);
  }

  private valuesOf(fields: HeaderField[], key: string): string[] {
    const out: string[] = [];
    for (const field of fields) if (field.key === key) out.push(...field.elements);
    return out;
  }

  private parseAll<T>(fields: HeaderField[], key: string, parse: RangeParser<T>): T[] | undefined {
    const out: T[] = [];
    for (const field of fields) {
      if (field.key !== key) continue;
      for (let i = 0; i < field.elementCount; i++) {
        const value = elementValue(field, i, parse);
        if (value === undefined) return undefined;
        out.push(value);
      }
    }
    return out.length === 0 ? undefined : out;
  }

  // A value computed from the whole field list, kept until the list is replaced.
  private list<T>(key: string, compute: (fields: HeaderField[]) => T): T {
    this.lists ??= new Map();
    const kept = this.lists.get(key);
    if (kept !== undefined && kept.fields === this.fieldList) return kept.value as T;
    const value = compute(this.fieldList);
    this.lists.set(key, { fields: this.fieldList, value });
    return value;
  }
}

function parseRoute(text: string, start: number, end: number): NameAddr | undefined {
  return parseNameAddrIn(text, start, end, true);
}

function exactlyOne(fields: HeaderField[], key: string): HeaderField | undefined {
  let found: HeaderField | undefined;
  for (const field of fields) {
    if (field.key !== key) continue;
    if (found !== undefined) return undefined;
    found = field;
  }
  return found;
}

// `fields` with the first field of `key` replaced by `field` and the others of that key dropped.
function replaceAll(fields: HeaderField[], key: string, field: HeaderField): HeaderField[] {
  const out: HeaderField[] = [];
  let placed = false;
  for (const f of fields) {
    if (f.key !== key) out.push(f);
    else if (!placed) {
      out.push(field);
      placed = true;
    }
  }
  if (!placed) out.push(field);
  return out;
}
