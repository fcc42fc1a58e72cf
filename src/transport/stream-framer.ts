// Splits a SIP byte stream (TCP) into messages: the header section ends at CRLFCRLF and the body is
// Content-Length octets long (RFC 3261 18.3). Between messages, CRLFs are skipped (RFC 3261 7.5) and a
// CRLFCRLF is a keep-alive ping (RFC 5626 3.5.1) the caller answers with a CRLF pong.
// Each byte is scanned once: a partial message is kept in a growable buffer and the header search resumes
// where it stopped, so a peer sending one byte at a time costs linear work.
import type { Problem } from '../result.ts';
import { findContentLength } from './content-length.ts';

export type FramingErrorCode =
  | 'missing-content-length'
  | 'malformed-content-length'
  | 'header-too-large'
  | 'message-too-large';

/** `message` says what was wrong, with the limit or value involved. */
export interface FramingError extends Problem<FramingErrorCode> {
  /** Offset in the stream (bytes since the connection opened) where the failing message starts. */
  readonly streamOffset: number;
  /** Byte offset inside the message where the problem was found (the bad header, or the limit reached). */
  readonly offset: number;
  /** The message's header section when its end was found, so the caller can build a 400 reply from it. */
  readonly head?: Buffer;
}

export type FrameEvent =
  | { readonly type: 'message'; readonly bytes: Buffer }
  | { readonly type: 'ping' }
  | { readonly type: 'error'; readonly error: FramingError };

export interface FramerLimits {
  readonly maxHeaderBytes: number;
  readonly maxMessageBytes: number;
}

const CR = 0x0d;
const LF = 0x0a;
const HEADER_END = Buffer.from('\r\n\r\n', 'latin1');
const EMPTY = Buffer.alloc(0);
const MIN_CAPACITY = 4096;

export class StreamFramer {
  readonly #limits: FramerLimits;
  // Unconsumed bytes live in #buf[#start, #end).
  #buf: Buffer = EMPTY;
  #start = 0;
  #end = 0;
  /** Bytes of the current message already searched for CRLFCRLF without success. */
  #scanned = 0;
  /** Full length of the current message once its header section has been read. */
  #total: number | undefined;
  /** Stream offset of #buf[#start] (or of the next chunk's first byte when nothing is kept). */
  #consumed = 0;
  #failed = false;

  constructor(limits: FramerLimits) {
    this.#limits = limits;
  }

  /** True after a framing error: the stream cannot be resynchronised and further input is ignored. */
  get failed(): boolean {
    return this.#failed;
  }

  /**
   * Whether a message has started and is not complete: some of its bytes (not CRLF keep-alives between
   * messages) have arrived. The connection times its completion from then.
   */
  get inMessage(): boolean {
    return !this.#failed && (this.#total !== undefined || this.#scanned > 0);
  }

  /** Bytes held while waiting for the rest of a message. */
  get buffered(): number {
    return this.#end - this.#start;
  }

  push(chunk: Buffer): FrameEvent[] {
    const events: FrameEvent[] = [];
    if (this.#failed || chunk.length === 0) return events;
    if (this.#start === this.#end) {
      // Common case: nothing pending, frame straight from the chunk and keep only an incomplete tail.
      const used = this.#drain(chunk, true, events);
      this.#consumed += used;
      if (used < chunk.length && !this.#failed) this.#append(chunk.subarray(used));
    } else {
      this.#append(chunk);
      const used = this.#drain(this.#buf.subarray(this.#start, this.#end), false, events);
      this.#consumed += used;
      this.#start += used;
      if (this.#start === this.#end) this.#release();
    }
    if (this.#failed) this.#release();
    return events;
  }

  /** Frames what it can from `view`; returns the bytes consumed. `owned` views may be sliced, not copied. */
  #drain(view: Buffer, owned: boolean, events: FrameEvent[]): number {
    let pos = 0;
    while (pos < view.length) {
      if (this.#total === undefined && this.#scanned === 0) {
        const byte = view[pos];
        if (byte === CR || byte === LF) {
          const ping = pingMatch(view, pos);
          if (ping === 'ping') {
            events.push({ type: 'ping' });
            pos += 4;
          } else if (ping === 'partial') {
            break;
          } else {
            pos += byte === CR && view[pos + 1] === LF ? 2 : 1;
          }
          continue;
        }
      }

      if (this.#total === undefined) {
        const available = view.length - pos;
        const headerEnd = view.indexOf(HEADER_END, pos + Math.max(0, this.#scanned - 3));
        const headLength = headerEnd < 0 ? available : headerEnd - pos + 4;
        if (headLength > this.#limits.maxHeaderBytes) {
          return this.#fail(events, pos, {
            code: 'header-too-large',
            message: `no end of headers within maxHeaderBytes (${this.#limits.maxHeaderBytes})`,
            offset: this.#limits.maxHeaderBytes,
          });
        }
        if (headerEnd < 0) {
          this.#scanned = available;
          break;
        }
        const head = () => Buffer.from(view.subarray(pos, pos + headLength));
        const contentLength = findContentLength(view.toString('latin1', pos, headerEnd));
        if (!contentLength.ok) return this.#fail(events, pos, { ...contentLength.error, head: head() });
        const total = headLength + contentLength.value;
        if (total > this.#limits.maxMessageBytes) {
          return this.#fail(events, pos, {
            code: 'message-too-large',
            message: `message of ${total} bytes (Content-Length ${contentLength.value}) exceeds maxMessageBytes (${this.#limits.maxMessageBytes})`,
            offset: headLength,
            head: head(),
          });
        }
        this.#total = total;
      }

      if (view.length - pos < this.#total) break;
      const message = view.subarray(pos, pos + this.#total);
      events.push({ type: 'message', bytes: owned ? message : Buffer.from(message) });
      pos += this.#total;
      this.#total = undefined;
      this.#scanned = 0;
    }
    return pos;
  }

  #fail(events: FrameEvent[], pos: number, error: Omit<FramingError, 'streamOffset'>): number {
    this.#failed = true;
    events.push({ type: 'error', error: { ...error, streamOffset: this.#consumed + pos } });
    return pos;
  }

  #append(bytes: Buffer): void {
    const live = this.#end - this.#start;
    if (this.#end + bytes.length > this.#buf.length) {
      const needed = live + bytes.length;
      if (needed * 2 > this.#buf.length) {
        const grown = Buffer.allocUnsafe(Math.max(needed * 2, MIN_CAPACITY));
        this.#buf.copy(grown, 0, this.#start, this.#end);
        this.#buf = grown;
      } else {
        this.#buf.copy(this.#buf, 0, this.#start, this.#end);
      }
      this.#start = 0;
      this.#end = live;
    }
    bytes.copy(this.#buf, this.#end);
    this.#end += bytes.length;
  }

  /** Drops the buffer so an idle connection holds no memory. */
  #release(): void {
    this.#buf = EMPTY;
    this.#start = 0;
    this.#end = 0;
  }
}

/** At a message boundary: a full CRLFCRLF, a prefix of one that may still complete, or neither. */
function pingMatch(view: Buffer, pos: number): 'ping' | 'partial' | 'no' {
  const n = Math.min(4, view.length - pos);
  for (let i = 0; i < n; i++) {
    if (view[pos + i] !== HEADER_END[i]) return 'no';
  }
  return n === 4 ? 'ping' : 'partial';
}
