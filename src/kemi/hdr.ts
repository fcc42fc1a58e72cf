// KSR hdr: header edits and reads on the current message. `hdrval` is one or more whole header lines
// ("Name: value", CRLF optional on the last). Via and Content-Length belong to the server (forwarding and
// serialization keep them right), so scripts cannot add or remove them: a forged Via would steer replies.
// Max-Forwards may only go down: an edit that would raise it above the request's value is refused (the
// proxy core caps what it forwards all the same: tm/max-forwards.ts).
import { headerKey, parseHeaderLine } from '../sip/index.ts';
import { INITIAL_MAX_FORWARDS } from '../tm/index.ts';
import type { RouteContext } from './context.ts';
import { defineModule } from './define.ts';
import { hostLog } from './host-log.ts';

const RESERVED = new Set(['via', 'content-length']);

/** The header fields in `hdrval`, or undefined (logged) when a line is malformed or reserved. */
function fieldsOf(
  ctx: RouteContext,
  hdrval: string,
  fnName: string,
  maxForwards: number | undefined,
): { name: string; value: string }[] | undefined {
  // Trailing line ends trimmed by a scan: a regex anchored at the end backtracks quadratically on a long
  // run of line ends followed by text, which a script controls.
  let end = hdrval.length;
  while (end > 0 && (hdrval.charCodeAt(end - 1) === 10 || hdrval.charCodeAt(end - 1) === 13)) end--;
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

function reservedOk(ctx: RouteContext, name: string, fnName: string): boolean {
  if (!RESERVED.has(headerKey(name))) return true;
  hostLog(ctx, 'error', fnName, { ksr: fnName }, `scripts cannot change ${name} headers`);
  return false;
}

/**
 * The highest Max-Forwards a script may write on the current request: the value it carries now, else the
 * value it was received with (else 70); undefined for a reply (its Max-Forwards means nothing).
 */
function maxForwardsLimit(ctx: RouteContext): number | undefined {
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
  ctx.log.error({ ksr: fnName }, `Max-Forwards may only decrease: '${value.slice(0, 16)}' is above ${limit}`);
  return false;
}

/** Adds the fields of `hdrval` with `add`, keeping their order; 1, or -1 when any was refused. */
function addAll(
  ctx: RouteContext,
  hdrval: string,
  fnName: string,
  add: (name: string, value: string, index: number) => boolean,
): number {
  const fields = fieldsOf(ctx, hdrval, fnName, maxForwardsLimit(ctx));
  if (!fields) return -1;
  return fields.every((f, i) => add(f.name, f.value, i)) ? 1 : -1;
}

/** Adds the fields of `hdrval` before the first header, keeping their order. */
function prependAll(ctx: RouteContext, hdrval: string, fnName: string): number {
  const fields = fieldsOf(ctx, hdrval, fnName, maxForwardsLimit(ctx));
  if (!fields) return -1;
  return prependFields(ctx, fields);
}

function prependFields(ctx: RouteContext, fields: { name: string; value: string }[]): number {
  // Prepending in reverse keeps the lines in their order.
  return fields.reverse().every((f) => ctx.msg.prependHeader(f.name, f.value)) ? 1 : -1;
}

function removeAll(ctx: RouteContext, hname: string, fnName: string): number {
  if (!reservedOk(ctx, hname, fnName)) return -1;
  const removed = ctx.msg.removeHeader(hname);
  return removed > 0 ? removed : -1;
}

export const hdr = defineModule('hdr', {
  append: (ctx, hdrval) => addAll(ctx, hdrval, 'append', (name, value) => ctx.msg.appendHeader(name, value)),
  'append-after': (ctx, hdrval, hname) => {
    let after = hname;
    return addAll(ctx, hdrval, 'append-after', (name, value) => {
      const ok = ctx.msg.insertHeaderAfter(after, name, value);
      after = name;
      return ok;
    });
  },
  insert: (ctx, hdrval) => prependAll(ctx, hdrval, 'insert'),
  'insert-before': (ctx, hdrval, hname) =>
    addAll(ctx, hdrval, 'insert-before', (name, value) => ctx.msg.insertHeaderBefore(hname, name, value)),
  remove: (ctx, hname) => removeAll(ctx, hname, 'remove'),
  rmappend: (ctx, hname, hdrval) => {
    if (!reservedOk(ctx, hname, 'rmappend')) return -1;
    // Checked before the removal, against the value before it: rmappend cannot raise Max-Forwards either.
    const fields = fieldsOf(ctx, hdrval, 'rmappend', maxForwardsLimit(ctx));
    if (!fields) return -1;
    ctx.msg.removeHeader(hname);
    return fields.every((f) => ctx.msg.appendHeader(f.name, f.value)) ? 1 : -1;
  },
  rminsert: (ctx, hname, hdrval) => {
    if (!reservedOk(ctx, hname, 'rminsert')) return -1;
    const fields = fieldsOf(ctx, hdrval, 'rminsert', maxForwardsLimit(ctx));
    if (!fields) return -1;
    ctx.msg.removeHeader(hname);
    return prependFields(ctx, fields);
  },
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
    if (!fields) return -1;
    for (const f of fields) ctx.answer.replyHeaders.push([f.name, f.value]);
    return 1;
  },
});
