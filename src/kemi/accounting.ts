// Kamailio's acc module: records of transactions whose request carries the tenant's accounting flags (its
// `acc` settings), written when the transaction sends its reply (tm's TMCB_RESPONSE_OUT), and the records
// `acc.acc-request` writes for the current request. A record holds the method, From and To tags, Call-ID,
// status code and reason, the time, and the extra columns (db_extra, log_extra: pseudo-variables evaluated
// on the request when the record is written). Missed calls (an INVITE answered >= 300 with a missed-call
// flag) go to `missed_calls` once per transaction: the flag is cleared as Kamailio's on_missed does.
import { parseUri, type SipRequest } from '../sip/index.ts';
import type { AccRecord, AccSettings, AccStore } from '../state/acc-store.ts';
import type { RouteContext } from './context.ts';
import { hostLog } from './host-log.ts';
import { readPv } from './pseudo-variables.ts';

/** The accounting store and each tenant's settings. */
export interface AccHost {
  readonly store: AccStore;
  settings(tenant: string): AccSettings;
}

export const ACC_TABLE = 'acc';
export const MISSED_TABLE = 'missed_calls';

/** What the reply of an accounted transaction gives a record. */
export interface AccountedReply {
  readonly status: number;
  readonly reason: string;
  /** The To tag of the reply (the local one for a reply made here). */
  readonly toTag: string | undefined;
  /** The reply has a body (early media, for a provisional reply). */
  readonly hasBody: boolean;
}

const flagSet = (flags: number, flag: number) => flag >= 0 && (flags & (1 << flag)) !== 0;

/** Whether `flags` carry one of the settings' accounting or missed-call flags: else nothing to do. */
export function accountable(settings: AccSettings, flags: number): boolean {
  return (
    flagSet(flags, settings.dbFlag) ||
    flagSet(flags, settings.logFlag) ||
    flagSet(flags, settings.dbMissedFlag) ||
    flagSet(flags, settings.logMissedFlag)
  );
}

/** `columns` evaluated on the context's message: "" for a variable without value. */
function extras(ctx: RouteContext, columns: AccSettings['dbExtra']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [column, pv] of columns) {
    const found = ctx.host.pvNames.lookup(pv);
    const value = found.ok ? readPv(ctx, found.value) : undefined;
    out[column] = value === undefined ? '' : String(value);
  }
  return out;
}

/**
 * The record of the context's request answered with `code` and `reason`; with detect_direction, the tags
 * of a request going upstream (its Route's ftag is not the From tag) are swapped, as Kamailio's.
 */
function recordOf(
  ctx: RouteContext,
  request: SipRequest,
  settings: AccSettings,
  answer: { code: string; reason: string; toTag: string | undefined },
  columns: AccSettings['dbExtra'],
): AccRecord {
  let fromTag = request.from?.tag ?? '';
  let toTag = answer.toTag ?? request.to?.tag ?? '';
  if (settings.detectDirection && upstream(request)) [fromTag, toTag] = [toTag, fromTag];
  return {
    method: request.method,
    fromTag,
    toTag,
    callId: request.callId,
    sipCode: answer.code,
    sipReason: answer.reason,
    time: Date.now(),
    extra: extras(ctx, columns),
  };
}

/** rr's is_direction("upstream"): the first Route's ftag parameter differs from the From tag. */
function upstream(request: SipRequest): boolean {
  const route = request.routes?.[0];
  const ftag = route === undefined ? undefined : parseUri(route.uri)?.params.get('ftag');
  return ftag !== undefined && ftag !== request.from?.tag;
}

/** Writes one record: a log line and/or a row, as the flags ask; false when the store refused the row. */
function account(
  ctx: RouteContext,
  acc: AccHost,
  request: SipRequest,
  settings: AccSettings,
  answer: { code: string; reason: string; toTag: string | undefined },
  target: { log: boolean; table: string | undefined; text: string },
): boolean {
  const tenant = ctx.tenant ?? 'default';
  if (target.log) {
    const r = recordOf(ctx, request, settings, answer, settings.logExtra);
    ctx.log.info(
      {
        acc: target.text,
        method: r.method,
        from_tag: r.fromTag,
        to_tag: r.toTag,
        callid: r.callId,
        code: r.sipCode,
        reason: r.sipReason,
        ...r.extra,
      },
      `ACC: ${target.text}`,
    );
  }
  if (target.table === undefined) return true;
  const record = recordOf(ctx, request, settings, answer, settings.dbExtra);
  if (acc.store.write(tenant, target.table, record)) return true;
  hostLog(ctx, 'error', 'acc', { ksr: 'acc', limit: 'acc' }, `acc record refused: ${tenant} holds its cap`);
  return false;
}

/**
 * Accounts a reply the transaction of `ctx.msg` (its request, as relayed to the answering branch) sends
 * upstream, with the transaction's flags in `flags`; returns the flags left (the missed-call flags cleared
 * once a missed call was recorded).
 */
export function accountReply(ctx: RouteContext, flags: number, reply: AccountedReply): number {
  const acc = ctx.host.acc;
  const request = ctx.request;
  if (acc === undefined || request === undefined) return flags;
  const settings = acc.settings(ctx.tenant ?? 'default');
  if (request.method === 'CANCEL' && !settings.reportCancels) return flags;
  const answer = { code: String(reply.status), reason: reply.reason, toTag: reply.toTag };
  let left = flags;
  if (request.method === 'INVITE' && reply.status >= 300) {
    const log = flagSet(flags, settings.logMissedFlag);
    const db = flagSet(flags, settings.dbMissedFlag);
    if (log || db) {
      account(ctx, acc, request, settings, answer, {
        log,
        table: db ? MISSED_TABLE : undefined,
        text: 'call missed',
      });
      if (log) left &= ~(1 << settings.logMissedFlag);
      if (db) left &= ~(1 << settings.dbMissedFlag);
    }
  }
  if (!shouldAccount(flags, settings, reply)) return left;
  const log = flagSet(flags, settings.logFlag);
  const db = flagSet(flags, settings.dbFlag);
  if (log || db) {
    account(ctx, acc, request, settings, answer, {
      log,
      table: db ? ACC_TABLE : undefined,
      text: 'transaction answered',
    });
  }
  return left;
}

/** Kamailio's should_acc_reply: failures only with failed_transaction_flag, provisionals only as early media. */
function shouldAccount(flags: number, settings: AccSettings, reply: AccountedReply): boolean {
  if (reply.status >= 300) return flagSet(flags, settings.failedTransactionFlag);
  if (reply.status < 200) return settings.earlyMedia && reply.hasBody;
  return true;
}

/**
 * acc_request: a record of the current request in `table` (and a log line with log_flag's extras), its code
 * and reason from `comment` ("200 OK"; without three leading digits, the whole comment is the reason).
 * 1, or -1 for an empty comment or table, a comment with a pseudo-variable (as Kamailio's KEMI), a request
 * missing, or a refused row.
 */
export function accRequest(ctx: RouteContext, comment: string, table: string): number {
  const acc = ctx.host.acc;
  const request = ctx.request;
  const fail = (why: string) => {
    hostLog(ctx, 'error', 'acc-request', { ksr: 'acc-request' }, why);
    return -1;
  };
  if (acc === undefined) return fail('accounting is not configured on this server');
  if (request === undefined) return fail('acc-request needs a request');
  if (comment === '' || comment.includes('$')) return fail(`bad comment '${comment.slice(0, 64)}'`);
  if (!/^[A-Za-z0-9_]{1,64}$/.test(table)) return fail(`bad table name '${table.slice(0, 64)}'`);
  const coded = /^[0-9]{3}/.test(comment);
  const answer = {
    code: coded ? comment.slice(0, 3) : '',
    reason: coded ? comment.slice(3).replace(/^\s+/, '') : comment,
    toTag: undefined,
  };
  const settings = acc.settings(ctx.tenant ?? 'default');
  return account(ctx, acc, request, settings, answer, { log: true, table, text: 'request accounted' })
    ? 1
    : -1;
}
