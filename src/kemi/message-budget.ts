// What a script may add to the message it routes and to the reply the server builds for it (EditLimits,
// Kamailio's BUF_SIZE): checked before each edit from sizes the message keeps (SipMessage.size,
// headerCount), so a refused edit costs nothing and an edit past a limit never happens. Before, nothing
// bounded them: one hdr.append of 20 000 lines held the server 1.7 s, and 800 000 reply header lines held
// 190 MB for a reply that could never be sent. A refusal returns Kamailio's -1 to the script, is logged
// for its tenant (host-log.ts: rate-limited, charged to the invocation's log budget) and counted.
import { DEFAULT_EDIT_LIMITS, type EditLimits } from '../sip/index.ts';
import type { RouteContext } from './context.ts';
import { hostLog } from './host-log.ts';

// The reply's own lines besides the copied fields: "SIP/2.0 NNN " and CRLF, the To tag the server adds,
// a Content-Length line and the empty line. Generous, so the estimate never falls short.
const REPLY_LINES_BYTES = 96;
// Per copied field, the difference between a compact name as received ("v:") and the full one written.
const COPIED_NAME_SLACK = 16;
const COPIED = ['via', 'from', 'to', 'call-id', 'cseq'];

/** The limits of the context's server (defaults when it sets none). */
export function editLimits(ctx: RouteContext): EditLimits {
  return ctx.host.editLimits ?? DEFAULT_EDIT_LIMITS;
}

/**
 * Whether a script's argument of `length` octets could be part of a message at all; checked before the
 * argument is parsed, so an oversized one costs nothing.
 */
export function inputFits(ctx: RouteContext, fn: string, length: number): boolean {
  const max = editLimits(ctx).maxMessageBytes;
  if (length <= max) return true;
  refuseEdit(ctx, fn, `an argument of ${length} octets is longer than max_message_bytes ${max}`);
  return false;
}

/**
 * Whether `text` up to `end` holds no more header lines than a whole message may carry; counted before the
 * lines are parsed (16 000 short lines once took 30 ms or more to parse only to be refused).
 */
export function linesFit(ctx: RouteContext, fn: string, text: string, end: number): boolean {
  const max = editLimits(ctx).maxHeaderFields;
  let lines = 1;
  for (let at = text.indexOf('\n'); at >= 0 && at < end; at = text.indexOf('\n', at + 1)) {
    if (++lines > max) {
      refuseEdit(ctx, fn, `the argument holds more than max_header_fields ${max} lines`);
      return false;
    }
  }
  return true;
}

/** Why the current message would be over a limit with `fields` more header fields and `bytes` more octets. */
function messageOverflow(ctx: RouteContext, fields: number, bytes: number): string | undefined {
  const limits = editLimits(ctx);
  const count = ctx.msg.headerCount + fields;
  if (fields > 0 && count > limits.maxHeaderFields)
    return `the message would have ${count} header fields, more than max_header_fields ${limits.maxHeaderFields}`;
  const size = ctx.msg.size + bytes;
  if (bytes > 0 && size > limits.maxMessageBytes)
    return `the message would have ${size} octets, more than max_message_bytes ${limits.maxMessageBytes}`;
  return undefined;
}

/**
 * Whether the current message may grow by `fields` header fields and `bytes` octets (either may be
 * negative: a replacement that shrinks always fits); a refusal is logged and counted.
 */
export function messageFits(ctx: RouteContext, fn: string, fields: number, bytes: number): boolean {
  const over = messageOverflow(ctx, fields, bytes);
  if (over === undefined) return true;
  refuseEdit(ctx, fn, over);
  return false;
}

/** Whether setting the R-URI (or a branch's) to `uri` keeps the message within the limits. */
export function uriFits(ctx: RouteContext, fn: string, uri: string): boolean {
  return messageFits(ctx, fn, 0, uri.length - (ctx.request?.uri.length ?? 0));
}

/**
 * Why the reply the server would build for the context's request, with `fields` more header fields and
 * `bytes` more octets (a reason phrase, appended lines), would be over a limit; undefined when it fits.
 * The estimate counts the status line, the fields RFC 3261 8.2.6 copies from the request, the lines the
 * server adds and the script's reply headers; it errs high by a few octets, never low.
 */
export function replyOverflow(ctx: RouteContext, fields: number, bytes: number): string | undefined {
  const limits = editLimits(ctx);
  const { replyHeaders, replyHeaderBytes } = ctx.answer;
  let count = replyHeaders.length + fields;
  let size = REPLY_LINES_BYTES + replyHeaderBytes + bytes;
  const request = ctx.request;
  if (request) {
    // The copied fields are some of the request's: when all of its fields would fit, so do they, and the
    // passes by name are not needed (headerBytes is kept by the message, so this costs no pass once known).
    if (
      count + request.headerCount <= limits.maxHeaderFields &&
      size + request.headerBytes + request.headerCount * COPIED_NAME_SLACK <= limits.maxMessageBytes
    )
      return undefined;
    for (const key of COPIED) {
      const copied = request.measure(key);
      count += copied.fields;
      size += copied.bytes + copied.fields * COPIED_NAME_SLACK;
    }
  }
  if (fields > 0 && count > limits.maxHeaderFields)
    return `the reply would have ${count} header fields, more than max_header_fields ${limits.maxHeaderFields}`;
  if (size > limits.maxMessageBytes)
    return `the reply would have ${size} octets, more than max_message_bytes ${limits.maxMessageBytes}`;
  return undefined;
}

/** Whether the reply may carry `fields` more header fields of `bytes` octets; a refusal is logged and counted. */
export function replyFits(ctx: RouteContext, fn: string, fields: number, bytes: number): boolean {
  const over = replyOverflow(ctx, fields, bytes);
  if (over === undefined) return true;
  refuseEdit(ctx, fn, over);
  return false;
}

/** Adds header fields to the reply the server will build, keeping count of their octets. */
export function pushReplyHeaders(
  ctx: RouteContext,
  headers: readonly (readonly [name: string, value: string])[],
): void {
  for (const [name, value] of headers) {
    ctx.answer.replyHeaders.push([name, value]);
    ctx.answer.replyHeaderBytes += lineBytes(name, value);
  }
}

/** Octets of the header line `name: value` CRLF. */
export function lineBytes(name: string, value: string): number {
  return name.length + value.length + 4;
}

/** Counts a refused edit for the context's tenant (metrics). */
export function countRefusedEdit(ctx: RouteContext): void {
  const table = ctx.host.editsRefused;
  if (table === undefined) return;
  const tenant = ctx.tenant ?? 'default';
  table[tenant] = (Object.hasOwn(table, tenant) ? table[tenant] : 0) + 1;
}

/** Logs (rate-limited, per tenant) and counts an edit refused for a limit. */
function refuseEdit(ctx: RouteContext, fn: string, why: string): void {
  countRefusedEdit(ctx);
  hostLog(ctx, 'error', fn, { ksr: fn, limit: 'edit' }, `${fn} refused: ${why}`);
}
