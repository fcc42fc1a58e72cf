// KSR core functions (Kamailio's `KSR.*`): method tests, "is this me", flags, R-URI and $du setters, rport,
// logging.
import { parseUri, type SipUri } from '../sip/index.ts';
import type { RouteContext, RouteFlags } from './context.ts';
import { defineModule } from './define.ts';
import { hostLog } from './host-log.ts';
import { writePv } from './pseudo-variables.ts';
import { scriptLog } from './script-log.ts';

const method = (ctx: RouteContext) => ctx.request?.method ?? ctx.msg.cseq.method;

// is_method_in letters (KEMI's, plus F for INFO and K for PRACK).
const METHOD_LETTERS: Record<string, string> = {
  I: 'INVITE',
  A: 'ACK',
  B: 'BYE',
  C: 'CANCEL',
  R: 'REGISTER',
  M: 'MESSAGE',
  O: 'OPTIONS',
  S: 'SUBSCRIBE',
  P: 'PUBLISH',
  N: 'NOTIFY',
  U: 'UPDATE',
  F: 'INFO',
  K: 'PRACK',
};

const isMyselfUri = (ctx: RouteContext, uri: SipUri | undefined) =>
  uri !== undefined && uri.scheme !== 'tel' && ctx.host.isMyself(uri.host, uri.port, uri.scheme === 'sips');

const uriOf = (value: string | undefined) => (value === undefined ? undefined : parseUri(value));

/** A flag index 0..31, or undefined (logged) when out of range. */
function flagBit(ctx: RouteContext, flag: number, fn: string): number | undefined {
  if (Number.isInteger(flag) && flag >= 0 && flag <= 31) return 1 << flag;
  hostLog(ctx, 'error', fn, { ksr: fn }, `flag ${flag} is out of range 0..31`);
  return undefined;
}

/** setflag/resetflag/isflagset over one of the context's flag words: `fn` names the function in logs. */
function setFlag(ctx: RouteContext, word: keyof RouteFlags, flag: number, fn: string): boolean {
  const bit = flagBit(ctx, flag, fn);
  if (bit !== undefined) ctx.flags[word] |= bit;
  return bit !== undefined;
}

function resetFlag(ctx: RouteContext, word: keyof RouteFlags, flag: number, fn: string): boolean {
  const bit = flagBit(ctx, flag, fn);
  if (bit !== undefined) ctx.flags[word] &= ~bit;
  return bit !== undefined;
}

function isFlagSet(ctx: RouteContext, word: keyof RouteFlags, flag: number, fn: string): boolean {
  const bit = flagBit(ctx, flag, fn);
  return bit !== undefined && (ctx.flags[word] & bit) !== 0;
}

function setPv(ctx: RouteContext, name: string, value: string | undefined): boolean {
  const found = ctx.host.pvNames.lookup(name);
  return found.ok && writePv(ctx, found.value, value).ok;
}

export const core = defineModule('core', {
  'is-method': (ctx, m) => method(ctx).toUpperCase() === m.toUpperCase(),
  'is-method-in': (ctx, letters) => {
    const m = method(ctx);
    for (const letter of letters) if (METHOD_LETTERS[letter.toUpperCase()] === m) return true;
    return false;
  },
  'is-myself': (ctx, uri) => isMyselfUri(ctx, parseUri(uri)),
  'is-myself-ruri': (ctx) => isMyselfUri(ctx, ctx.request?.parsedUri),
  'is-myself-furi': (ctx) => isMyselfUri(ctx, uriOf(ctx.msg.from?.uri)),
  'is-myself-turi': (ctx) => isMyselfUri(ctx, uriOf(ctx.msg.to?.uri)),
  'is-myself-srcip': (ctx) => ctx.host.isMyself(ctx.source.remote.address, undefined, false),
  setflag: (ctx, flag) => setFlag(ctx, 'message', flag, 'setflag'),
  resetflag: (ctx, flag) => resetFlag(ctx, 'message', flag, 'resetflag'),
  isflagset: (ctx, flag) => isFlagSet(ctx, 'message', flag, 'isflagset'),
  setbflag: (ctx, flag) => setFlag(ctx, 'branch', flag, 'setbflag'),
  resetbflag: (ctx, flag) => resetFlag(ctx, 'branch', flag, 'resetbflag'),
  isbflagset: (ctx, flag) => isFlagSet(ctx, 'branch', flag, 'isbflagset'),
  seturi: (ctx, uri) => setPv(ctx, '$ru', uri),
  setuser: (ctx, user) => setPv(ctx, '$rU', user),
  sethost: (ctx, host) => setPv(ctx, '$rd', host),
  setdsturi: (ctx, uri) => uri !== '' && setPv(ctx, '$du', uri),
  resetdsturi: (ctx) => setPv(ctx, '$du', undefined),
  isdsturiset: (ctx) => ctx.relay.dstUri !== undefined,
  'force-rport': (ctx) => {
    if (!ctx.request) return false;
    ctx.answer.forceRport = true;
    return true;
  },
  'set-drop': (ctx) => {
    ctx.answer.dropped = true;
  },
  log: (ctx, level, msg) => scriptLog(ctx, level, msg),
  dbg: (ctx, msg) => scriptLog(ctx, 'dbg', msg),
  info: (ctx, msg) => scriptLog(ctx, 'info', msg),
  notice: (ctx, msg) => scriptLog(ctx, 'notice', msg),
  warn: (ctx, msg) => scriptLog(ctx, 'warn', msg),
  err: (ctx, msg) => scriptLog(ctx, 'err', msg),
  crit: (ctx, msg) => scriptLog(ctx, 'crit', msg),
});
