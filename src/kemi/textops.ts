// KSR textops and textopsx: regular-expression searches and substitutions over the message, body edits and
// the reply body (Kamailio's textops and textopsx modules). Patterns are POSIX as Kamailio's (posix-regex.ts)
// and run through the server's ScriptRegexes: linear time, cached, length-capped. Header edits go through
// hdr's checks (Via and Content-Length stay the server's, Max-Forwards only goes down) and every edit is
// sized against the message budget before anything changes (message-budget.ts). Edits apply at once, so a
// later read sees them; Kamailio keeps them as lumps until the message is sent (or msg_apply_changes).
import type { NewHeader } from '../sip/index.ts';
import type { RouteContext } from './context.ts';
import { defineModule } from './define.ts';
import { bytesOf, fieldsOf, maxForwardsLimit, reservedOk } from './hdr.ts';
import { hostLog } from './host-log.ts';
import {
  countRefusedEdit,
  editLimits,
  inputFits,
  lineBytes,
  messageFits,
  replyFits,
  uriFits,
} from './message-budget.ts';
import { parseSubst, type SubstExpression, substitute } from './subst-expression.ts';

/** Kamailio compiles textops' patterns with REG_EXTENDED | REG_ICASE | REG_NEWLINE. */
const SEARCH_FLAGS = { icase: true, newline: true } as const;

/** The compiled search pattern, or undefined (logged) when it is refused. */
function searchRegex(ctx: RouteContext, fn: string, pattern: string): RegExp | undefined {
  const regex = ctx.host.regexes.compilePosix(pattern, SEARCH_FLAGS);
  if (regex.ok) return regex.value;
  hostLog(ctx, 'error', fn, { ksr: fn }, regex.error);
  return undefined;
}

function search(ctx: RouteContext, fn: string, pattern: string, text: () => string): number {
  const regex = searchRegex(ctx, fn, pattern);
  if (regex === undefined) return -1;
  const input = text();
  return input !== '' && regex.test(input) ? 1 : -1;
}

function substExpression(ctx: RouteContext, fn: string, expr: string): SubstExpression | undefined {
  if (!inputFits(ctx, fn, expr.length)) return undefined;
  const se = parseSubst(ctx, expr);
  if (se.ok) return se.value;
  hostLog(ctx, 'error', fn, { ksr: fn }, se.error);
  return undefined;
}

/** `substitute`: the result, undefined when nothing matched, false (logged) when over the limit. */
function substituted(
  ctx: RouteContext,
  fn: string,
  se: SubstExpression,
  input: string,
): string | undefined | false {
  const out = substitute(ctx, se, input, editLimits(ctx).maxMessageBytes);
  if (out.ok) return out.value;
  countRefusedEdit(ctx);
  hostLog(ctx, 'error', fn, { ksr: fn, limit: 'edit' }, `${fn} refused: ${out.error}`);
  return false;
}

/** The body after substitution, set with Content-Length; 1, or -1 when nothing matched or refused. */
function substBody(ctx: RouteContext, fn: string, se: SubstExpression, body: string): number {
  const next = substituted(ctx, fn, se, body);
  if (next === undefined || next === false) return -1;
  if (!messageFits(ctx, fn, 0, next.length - body.length + 8)) return -1;
  return ctx.msg.setBody(next) ? 1 : -1;
}

/**
 * subst over the header lines, then the body: each line is matched on its own ("Name: value"), so a match
 * does not span two lines (Kamailio matches the text after the start line as a whole). A line may become
 * several (a replacement with \r\n) or none (an empty one); each result line must be a header hdr.append
 * would accept.
 */
function subst(ctx: RouteContext, expr: string): number {
  const se = substExpression(ctx, 'subst', expr);
  if (se === undefined) return -1;
  const fields = ctx.msg.headerFields();
  const changes = new Map<number, readonly NewHeader[]>();
  let fieldDelta = 0;
  let byteDelta = 0;
  for (let i = 0; i < fields.length; i++) {
    const { name, value } = fields[i];
    const line = `${name}: ${value}`;
    const next = substituted(ctx, 'subst', se, line);
    if (next === false) return -1;
    if (next === undefined) continue;
    if (!reservedOk(ctx, name, 'subst')) return -1;
    const made = next === '' ? [] : fieldsOf(ctx, next, 'subst', maxForwardsLimit(ctx));
    if (made === undefined) return -1;
    changes.set(i, made);
    fieldDelta += made.length - 1;
    byteDelta += bytesOf(made) - lineBytes(name, value);
    if (!se.global) break;
  }
  if (changes.size > 0) {
    if (!messageFits(ctx, 'subst', fieldDelta, byteDelta)) return -1;
    if (!ctx.msg.rewriteHeaders(changes)) {
      hostLog(
        ctx,
        'error',
        'subst',
        { ksr: 'subst' },
        'the substitution would leave the message unanswerable',
      );
      return -1;
    }
    if (!se.global) return 1;
  }
  const body = ctx.msg.body;
  const bodyChanged = body !== '' && substBody(ctx, 'subst', se, body) > 0;
  return changes.size > 0 || bodyChanged ? 1 : -1;
}

function substUri(ctx: RouteContext, expr: string): number {
  const request = ctx.request;
  if (request === undefined) return -1;
  const se = substExpression(ctx, 'subst-uri', expr);
  if (se === undefined) return -1;
  const next = substituted(ctx, 'subst-uri', se, request.uri);
  if (next === undefined || next === false || !uriFits(ctx, 'subst-uri', next)) return -1;
  if (request.setUri(next)) return 1;
  hostLog(ctx, 'error', 'subst-uri', { ksr: 'subst-uri' }, `'${next.slice(0, 64)}' is not a valid URI`);
  return -1;
}

function removeHfRe(ctx: RouteContext, pattern: string): number {
  const regex = searchRegex(ctx, 'remove-hf-re', pattern);
  if (regex === undefined) return -1;
  const changes = new Map<number, readonly NewHeader[]>();
  ctx.msg.headerFields().forEach((field, i) => {
    // Via and Content-Length belong to the server: a pattern matching them leaves them (logged).
    if (regex.test(field.name) && reservedOk(ctx, field.name, 'remove-hf-re')) changes.set(i, []);
  });
  return changes.size > 0 && ctx.msg.rewriteHeaders(changes) ? 1 : -1;
}

/** "type/subtype" without parameters, lower-case. */
function mediaType(value: string): string {
  const semi = value.indexOf(';');
  return (semi < 0 ? value : value.slice(0, semi)).replaceAll(/[ \t]/g, '').toLowerCase();
}

function hasBodyType(ctx: RouteContext, ctype: string): number {
  if (ctx.msg.bodyLength === 0) return -1;
  if (ctype === '') return 1;
  // RFC 3261 (as Kamailio): a body without Content-Type is taken for SDP.
  const actual = mediaType(ctx.msg.get('content-type') ?? 'application/sdp');
  return actual === mediaType(ctype) ? 1 : -1;
}

function setBody(ctx: RouteContext, body: string, ctype: string): number {
  if (body === '' || ctype === '') {
    hostLog(ctx, 'error', 'set-body', { ksr: 'set-body' }, 'the body and its content type must not be empty');
    return -1;
  }
  if (!inputFits(ctx, 'set-body', body.length + ctype.length)) return -1;
  const hadType = ctx.msg.measure('content-type');
  const bytes = body.length - ctx.msg.bodyLength + lineBytes('Content-Type', ctype) - hadType.bytes + 8;
  if (!messageFits(ctx, 'set-body', 1 - hadType.fields, bytes)) return -1;
  return ctx.msg.setBody(body, ctype) ? 1 : -1;
}

function setReplyBody(ctx: RouteContext, body: string, ctype: string): number {
  if (ctx.request === undefined || body === '' || ctype === '') {
    hostLog(ctx, 'error', 'set-reply-body', { ksr: 'set-reply-body' }, 'needs a request, a body and a type');
    return -1;
  }
  const previous = ctx.answer.replyBody;
  const before =
    previous === undefined ? 0 : previous.body.length + lineBytes('Content-Type', previous.contentType);
  const bytes = body.length + lineBytes('Content-Type', ctype) - before;
  if (!inputFits(ctx, 'set-reply-body', body.length) || !replyFits(ctx, 'set-reply-body', 1, bytes))
    return -1;
  ctx.answer.replyBody = { body, contentType: ctype };
  return 1;
}

export const textops = defineModule('textops', {
  'is-present-hf': (ctx, hname) => (ctx.msg.has(hname) ? 1 : -1),
  'is-present-hf-re': (ctx, ematch) => {
    const regex = searchRegex(ctx, 'is-present-hf-re', ematch);
    return regex !== undefined && ctx.msg.headerFields().some((f) => regex.test(f.name)) ? 1 : -1;
  },
  search: (ctx, sre) => search(ctx, 'search', sre, () => ctx.msg.toString()),
  'search-body': (ctx, sre) => search(ctx, 'search-body', sre, () => ctx.msg.body),
  subst: (ctx, expr) => subst(ctx, expr),
  'subst-uri': (ctx, expr) => substUri(ctx, expr),
  'subst-body': (ctx, expr) => {
    const se = substExpression(ctx, 'subst-body', expr);
    const body = ctx.msg.body;
    return se === undefined || body === '' ? -1 : substBody(ctx, 'subst-body', se, body);
  },
  'remove-hf-re': (ctx, ematch) => removeHfRe(ctx, ematch),
  'has-body': (ctx) => (ctx.msg.bodyLength > 0 ? 1 : -1),
  'has-body-type': (ctx, ctype) => hasBodyType(ctx, ctype),
  'set-body': (ctx, nb, nc) => setBody(ctx, nb, nc),
  'set-reply-body': (ctx, nb, nc) => setReplyBody(ctx, nb, nc),
});

export const textopsx = defineModule('textopsx', {
  'msg-apply-changes': (ctx) => (ctx.reply !== undefined || ctx.kind === 'request' ? 1 : -1),
  'remove-body': (ctx) => {
    if (ctx.msg.bodyLength === 0) return 1;
    return ctx.msg.setBody('') ? 1 : -1;
  },
});
