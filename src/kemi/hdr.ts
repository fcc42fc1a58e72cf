// KSR hdr: header edits and reads on the current message. `hdrval` is one or more whole header lines
// ("Name: value", CRLF optional on the last). Via and Content-Length belong to the server (forwarding and
// serialization keep them right), so scripts cannot add or remove them: a forged Via would steer replies.
// Max-Forwards may only go down: an edit that would raise it above the request's value is refused (the
// proxy core caps what it forwards all the same: tm/max-forwards.ts).
// Every edit is bounded (message-budget.ts): `hdrval` longer than a whole message is refused before it is
// parsed, and an edit that would take the message (or the reply) past max_header_fields or
// max_message_bytes is refused whole, before anything changes (Kamailio refuses a message over BUF_SIZE).
// The lines of one call are added in one edit, so a call costs time linear in its input.
import { type HeaderPosition, headerKey, type NewHeader, parseHeaderLine } from '../sip/index.ts';
import { INITIAL_MAX_FORWARDS } from '../tm/index.ts';
import type { RouteContext } from './context.ts';
import { defineModule } from './define.ts';
import { hostLog } from './host-log.ts';
import {
  inputFits,
  lineBytes,
  linesFit,
  messageFits,
  pushReplyHeaders,
  replyFits,
} from './message-budget.ts';

const RESERVED = new Set(['via', 'content-length']);

/** The header fields in `hdrval`, or undefined (logged) when a line is malformed or reserved. */
export function fieldsOf(
  ctx: RouteContext,
  hdrval: string,
  fnName: string,
  maxForwards: number | undefined,
): NewHeader[] | undefined {
  if (!inputFits(ctx, fnName, hdrval.length)) return undefined;
  // Trailing line ends trimmed by a scan: a regex anchored at the end backtracks quadratically on a long
  // run of line ends followed by text, which a script controls.
  let end = hdrval.length;
  while (end > 0 && (hdrval.charCodeAt(end - 1) === 10 || hdrval.charCodeAt(end - 1) === 13)) end--;
  if (!linesFit(ctx, fnName, hdrval, end)) return undefined;
  const lines = hdrval.slice(0, end).split(/\r?\n/);
  const fields = [];
  for (const line of lines) {
    const field = parseHeaderLine(line);
    if (!field) {
      hostLog(ctx, 'error', fnName, { ksr: fnName }, `malformed header line '${line}'`);
      return undefined;
    }
    if (!reservedOk(ctx, field.name, fnName)) return undefined;
    if (!maxForwardsOk(ctx, field, maxForwards, fnName)) return undefined;
    fields.push(field);
  }
  return fields;
}

export function reservedOk(ctx: RouteContext, name: string, fnName: string): boolean {
  if (!RESERVED.has(headerKey(name))) return true;
  hostLog(ctx, 'error', fnName, { ksr: fnName }, `scripts cannot change ${name} headers`);
  return false;
}

/**
 * The highest Max-Forwards a script may write on the current request: the value it carries now, else the
 * value it was received with (else 70); undefined for a reply (its Max-Forwards means nothing).
 */
export function maxForwardsLimit(ctx: RouteContext): number | undefined {
  if (!ctx.request) return undefined;
  return ctx.request.maxForwards ?? ctx.tm.receivedMaxForwards ?? INITIAL_MAX_FORWARDS;
}

function maxForwardsOk(
  ctx: RouteContext,
  field: { name: string; value: string },
  limit: number | undefined,
  fnName: string,
): boolean {
  if (limit === undefined || headerKey(field.name) !== 'max-forwards') return true;
  const value = field.value.trim();
  if (/^\d{1,3}$/.test(value) && Number(value) <= limit) return true;
  hostLog(
    ctx,
    'error',
    fnName,
    { ksr: fnName },
    `Max-Forwards may only decrease: '${value.slice(0, 16)}' is above ${limit}`,
  );
  return false;
}

export function bytesOf(fields: readonly NewHeader[]): number {
  let bytes = 0;
  for (const f of fields) bytes += lineBytes(f.name, f.value);
  return bytes;
}

/** Adds the fields of `hdrval` at `position` in one edit, keeping their order; 1, or -1 when refused. */
function addAll(ctx: RouteContext, hdrval: string, fnName: string, position: HeaderPosition): number {
  const fields = fieldsOf(ctx, hdrval, fnName, maxForwardsLimit(ctx));
  if (!fields || !messageFits(ctx, fnName, fields.length, bytesOf(fields))) return -1;
  return ctx.msg.addHeaders(position, fields) ? 1 : -1;
}

/** Removes the fields named `hname`, then adds those of `hdrval` at `position` (rmappend, rminsert). */
function replace(
  ctx: RouteContext,
  hname: string,
  hdrval: string,
  fnName: string,
  position: 'first' | 'last',
): number {
  if (!reservedOk(ctx, hname, fnName)) return -1;
  // Checked before the removal, against the value before it: these cannot raise Max-Forwards either.
  const fields = fieldsOf(ctx, hdrval, fnName, maxForwardsLimit(ctx));
  if (!fields) return -1;
  const removed = ctx.msg.measure(hname);
  if (!messageFits(ctx, fnName, fields.length - removed.fields, bytesOf(fields) - removed.bytes)) return -1;
  ctx.msg.removeHeader(hname);
  return ctx.msg.addHeaders(position, fields) ? 1 : -1;
}

function removeAll(ctx: RouteContext, hname: string, fnName: string): number {
  if (!reservedOk(ctx, hname, fnName)) return -1;
  const removed = ctx.msg.removeHeader(hname);
  return removed > 0 ? removed : -1;
}

export const hdr = defineModule('hdr', {
  append: (ctx, hdrval) => addAll(ctx, hdrval, 'append', 'last'),
  'append-after': (ctx, hdrval, hname) => addAll(ctx, hdrval, 'append-after', { after: hname }),
  insert: (ctx, hdrval) => addAll(ctx, hdrval, 'insert', 'first'),
  'insert-before': (ctx, hdrval, hname) => addAll(ctx, hdrval, 'insert-before', { before: hname }),
  remove: (ctx, hname) => removeAll(ctx, hname, 'remove'),
  rmappend: (ctx, hname, hdrval) => replace(ctx, hname, hdrval, 'rmappend', 'last'),
  rminsert: (ctx, hname, hdrval) => replace(ctx, hname, hdrval, 'rminsert', 'first'),
  'is-present': (ctx, hname) => (ctx.msg.has(hname) ? 1 : -1),
  get: (ctx, hname) => ctx.msg.getFieldValues(hname)[0],
  // gete/getw: Kamailio's sr_kemi_hdr_get_mode with SR_KEMI_XVAL_NULL_EMPTY / _PRINT.
  gete: (ctx, hname) => ctx.msg.getFieldValues(hname)[0] ?? '',
  getw: (ctx, hname) => ctx.msg.getFieldValues(hname)[0] ?? '<<null>>',
  'get-idx': (ctx, hname, idx) => ctx.msg.getFieldValues(hname).at(idx),
  'gete-idx': (ctx, hname, idx) => ctx.msg.getFieldValues(hname).at(idx) ?? '',
  'getw-idx': (ctx, hname, idx) => ctx.msg.getFieldValues(hname).at(idx) ?? '<<null>>',
  'append-to-reply': (ctx, hdrval) => {
    const fields = fieldsOf(ctx, hdrval, 'append-to-reply', undefined);
    if (!fields || !replyFits(ctx, 'append-to-reply', fields.length, bytesOf(fields))) return -1;
    pushReplyHeaders(
      ctx,
      fields.map((f) => [f.name, f.value]),
    );
    return 1;
  },
});
