// KSR core functions (Kamailio's `KSR.*`): method tests, "is this me", flags, R-URI and $du setters, rport,
// logging.
import { parseUri, type SipUri } from '../sip/index.ts';
import type { RouteContext, RouteFlags } from './context.ts';
import { defineModule, fn } from './define.ts';
import { lookupPv, writePv } from './pseudo-variables.ts';
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
  ctx.log.error({ ksr: fn }, `flag ${flag} is out of range 0..31`);
  return undefined;
}

/** setflag/resetflag/isflagset over one of the context's flag words (`b` prefix: the branch's). */
function flagFunctions(prefix: '' | 'b', word: keyof RouteFlags, what: string) {
  const named = (verb: string) => `${verb}${prefix}flag`;
  return [
    fn(named('set'), `Set a ${what} flag.`, [['flag', 's32']], 'bool', (ctx, flag) => {
      const bit = flagBit(ctx, flag, named('set'));
      if (bit !== undefined) ctx.flags[word] |= bit;
      return bit !== undefined;
    }),
    fn(named('reset'), `Reset a ${what} flag.`, [['flag', 's32']], 'bool', (ctx, flag) => {
      const bit = flagBit(ctx, flag, named('reset'));
      if (bit !== undefined) ctx.flags[word] &= ~bit;
      return bit !== undefined;
    }),
    fn(`is${prefix}flagset`, `Test a ${what} flag.`, [['flag', 's32']], 'bool', (ctx, flag) => {
      const bit = flagBit(ctx, flag, `is${prefix}flagset`);
      return bit !== undefined && (ctx.flags[word] & bit) !== 0;
    }),
  ];
}

function setPv(ctx: RouteContext, name: string, value: string | undefined): boolean {
  const found = lookupPv(name);
  return found.ok && writePv(ctx, found.ref, value) === undefined;
}

const logAt = (level: string) =>
  fn(level, `Log at ${level} level.`, [['msg', 'string']], 'none', (ctx, msg) => scriptLog(ctx, level, msg));

export const core = defineModule('core', "Core KEMI functions (Kamailio's KSR.*).", [
  fn(
    'is-method',
    'True if the method equals `method`.',
    [['method', 'string']],
    'bool',
    (ctx, m) => method(ctx).toUpperCase() === m.toUpperCase(),
  ),
  fn(
    'is-method-in',
    'True if the method is one of the letters.',
    [['methods', 'string']],
    'bool',
    (ctx, letters) => {
      const m = method(ctx);
      for (const letter of letters) if (METHOD_LETTERS[letter.toUpperCase()] === m) return true;
      return false;
    },
  ),
  fn('is-myself', 'True if `uri` names this server.', [['uri', 'string']], 'bool', (ctx, uri) =>
    isMyselfUri(ctx, parseUri(uri)),
  ),
  fn('is-myself-ruri', '`is-myself` on the R-URI.', [], 'bool', (ctx) =>
    isMyselfUri(ctx, ctx.request?.parsedUri),
  ),
  fn('is-myself-furi', '`is-myself` on the From URI.', [], 'bool', (ctx) =>
    isMyselfUri(ctx, uriOf(ctx.msg.from?.uri)),
  ),
  fn('is-myself-turi', '`is-myself` on the To URI.', [], 'bool', (ctx) =>
    isMyselfUri(ctx, uriOf(ctx.msg.to?.uri)),
  ),
  fn('is-myself-srcip', 'True if the source IP is a listen address.', [], 'bool', (ctx) =>
    ctx.host.isMyself(ctx.source.remote.address, undefined, false),
  ),
  ...flagFunctions('', 'message', 'message'),
  ...flagFunctions('b', 'branch', 'branch'),
  fn('seturi', 'Replace the R-URI.', [['uri', 'string']], 'bool', (ctx, uri) => setPv(ctx, '$ru', uri)),
  fn('setuser', 'Replace the R-URI user.', [['user', 'string']], 'bool', (ctx, user) =>
    setPv(ctx, '$rU', user),
  ),
  fn('sethost', 'Replace the R-URI host.', [['host', 'string']], 'bool', (ctx, host) =>
    setPv(ctx, '$rd', host),
  ),
  fn(
    'setdsturi',
    'Set $du.',
    [['uri', 'string']],
    'bool',
    (ctx, uri) => uri !== '' && setPv(ctx, '$du', uri),
  ),
  fn('resetdsturi', 'Clear $du.', [], 'bool', (ctx) => setPv(ctx, '$du', undefined)),
  fn('isdsturiset', 'True if $du is set.', [], 'bool', (ctx) => ctx.relay.dstUri !== undefined),
  fn('force-rport', 'Reply to the source port.', [], 'bool', (ctx) => {
    if (!ctx.request) return false;
    ctx.answer.forceRport = true;
    return true;
  }),
  fn('set-drop', 'Drop the message when the route returns.', [], 'none', (ctx) => {
    ctx.answer.dropped = true;
  }),
  fn(
    'log',
    'Log at a level.',
    [
      ['level', 'string'],
      ['msg', 'string'],
    ],
    'none',
    (ctx, level, msg) => scriptLog(ctx, level, msg),
  ),
  logAt('dbg'),
  logAt('info'),
  logAt('notice'),
  logAt('warn'),
  logAt('err'),
  logAt('crit'),
]);
