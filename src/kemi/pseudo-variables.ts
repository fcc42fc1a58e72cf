// Kamailio's pseudo-variables by name: one table of readers (and writers where Kamailio allows writes),
// used by the `pv` interface and by xlog's formatter. A name is `$xy` or `$xy(arg)`.
import { err, OK, ok, type Result } from '../result.ts';
import { formatUri, type NameAddr, parseUri, type SipUri } from '../sip/index.ts';
import type { DialogRecord } from '../state/dialog-store.ts';
import type { PvValue, RouteContext } from './context.ts';
import { messageDialog } from './dialog-tracking.ts';
import { findCredentials, headerFor, splitUsername } from './digest-auth.ts';
import { hostLog } from './host-log.ts';
import { localTable } from './htable.ts';
import { inputFits, uriFits } from './message-budget.ts';
import { expand } from './xlog.ts';

interface PseudoVariable {
  /** True when the name takes an argument in parentheses (`$hdr(Name)`). */
  readonly arg?: boolean;
  readonly get: (ctx: RouteContext, arg: string) => PvValue;
  /** Absent for read-only variables; false when the value was refused. */
  readonly set?: (ctx: RouteContext, value: string | number | undefined, arg: string) => boolean;
}

const ruri = (ctx: RouteContext) => ctx.request?.parsedUri;
const defaultPort = (uri: SipUri) => (uri.scheme === 'sips' ? 5061 : 5060);

/**
 * `$sht(table=>key)`: the table and the key, with the pseudo-variables in the key expanded
 * ("$sht(ipban=>$si)"), as Kamailio's pv_parse_ht_name / pv_printf_s do.
 */
function htableItem(ctx: RouteContext, arg: string): [table: string, key: string] | undefined {
  const at = arg.indexOf('=>');
  if (at > 0) {
    const key = arg.slice(at + 2);
    return [arg.slice(0, at), key.includes('$') ? expand(ctx, key) : key];
  }
  hostLog(ctx, 'error', 'pv', { ksr: 'pv' }, `'$sht(${arg})': expected $sht(table=>key)`);
  return undefined;
}

/**
 * Rewrites one part of the R-URI to a value of `length` octets; false when there is no R-URI, the result
 * does not parse, or it would take the message past its limits (message-budget.ts).
 */
function setRuriPart(ctx: RouteContext, length: number, change: (uri: SipUri) => SipUri): boolean {
  const req = ctx.request;
  const uri = req?.parsedUri;
  if (uri === undefined || !inputFits(ctx, 'pv', length)) return false;
  const next = formatUri(change(uri));
  return uriFits(ctx, 'pv', next) && req!.setUri(next);
}

/** Sets the R-URI to `value` when the message stays within its limits. */
function setRuri(ctx: RouteContext, value: string): boolean {
  return ctx.request !== undefined && uriFits(ctx, 'pv', value) && ctx.request.setUri(value);
}

const textOf = (v: string | number | undefined) => (v === undefined ? '' : String(v));

/** Readers of a name-addr header: the URI, its user and host, the display name and the tag. */
function nameAddrVariables(header: 'from' | 'to', prefix: string): Record<string, PseudoVariable> {
  const value = (ctx: RouteContext): NameAddr | undefined => ctx.msg[header];
  const uri = (ctx: RouteContext) => {
    const v = value(ctx);
    return v && parseUri(v.uri);
  };
  return {
    [`${prefix}u`]: { get: (ctx) => value(ctx)?.uri },
    [`${prefix}U`]: { get: (ctx) => uri(ctx)?.user },
    [`${prefix}d`]: { get: (ctx) => uri(ctx)?.host },
    [`${prefix}n`]: { get: (ctx) => value(ctx)?.displayName },
    [`${prefix}t`]: { get: (ctx) => value(ctx)?.tag },
  };
}

/** `$dlg(name)`: Kamailio's names; an unknown one reads $null. */
function dialogAttribute(d: DialogRecord | undefined, name: string): PvValue {
  if (d === undefined) return undefined;
  switch (name) {
    case 'h_id':
      return Number(d.id);
    case 'state':
      return d.state;
    case 'callid':
      return d.callId;
    case 'from_uri':
      return d.fromUri.slice(1, -1);
    case 'to_uri':
      return d.toUri.slice(1, -1);
    case 'from_tag':
      return d.caller.tag;
    case 'to_tag':
      return d.callee.tag;
    case 'from_cseq':
      return String(d.caller.cseq);
    case 'to_cseq':
      return String(d.callee.cseq);
    case 'from_contact':
      return d.caller.contact;
    case 'to_contact':
      return d.callee.contact;
    case 'lifetime':
      return d.lifetime;
    case 'sflags':
      return d.flags;
    case 'start_ts':
      return d.confirmedAt === undefined ? 0 : Math.floor(d.confirmedAt / 1000);
    default:
      return undefined;
  }
}

const avpName = (name: string) => (name.startsWith('s:') ? name.slice(2) : name);

const headerBody = (ctx: RouteContext, name: string) => ctx.msg.getFieldValues(name)[0];

/** The first Digest credentials a check would read (Authorization for REGISTER, else Proxy-Authorization). */
function credentials(ctx: RouteContext) {
  if (!ctx.request) return undefined;
  const found = findCredentials(ctx, headerFor(ctx), undefined);
  return typeof found === 'string' ? undefined : found.credentials;
}

/** Kamailio's $au (user part of the auth username), $aU (all of it), $ad (its domain) and $ar (realm). */
const AUTH_VARIABLES: Record<string, PseudoVariable> = {
  au: { get: (ctx) => splitUsername(credentials(ctx)?.username ?? '').user || undefined },
  aU: { get: (ctx) => credentials(ctx)?.username },
  ad: { get: (ctx) => splitUsername(credentials(ctx)?.username ?? '').domain },
  ar: { get: (ctx) => credentials(ctx)?.realm },
};

const VARIABLES: Record<string, PseudoVariable> = {
  ...AUTH_VARIABLES,
  ru: {
    get: (ctx) => ctx.request?.uri,
    set: (ctx, v) => v !== undefined && setRuri(ctx, String(v)),
  },
  rU: {
    get: (ctx) => ruri(ctx)?.user,
    set: (ctx, v) =>
      setRuriPart(ctx, textOf(v).length, (u) => ({
        ...u,
        user: v === undefined || v === '' ? undefined : String(v),
      })),
  },
  rd: {
    get: (ctx) => ruri(ctx)?.host,
    set: (ctx, v) =>
      v !== undefined && v !== '' && setRuriPart(ctx, textOf(v).length, (u) => ({ ...u, host: String(v) })),
  },
  rp: {
    get: (ctx) => {
      const uri = ruri(ctx);
      return uri && (uri.port ?? defaultPort(uri));
    },
    set: (ctx, v) => {
      const port = v === undefined || v === '' ? undefined : Number(v);
      if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) return false;
      return setRuriPart(ctx, 5, (u) => ({ ...u, port }));
    },
  },
  rz: { get: (ctx) => ruri(ctx)?.scheme },
  ou: { get: (ctx) => ctx.originalUri },
  du: {
    get: (ctx) => ctx.relay.dstUri,
    set: (ctx, v) => {
      if (v === undefined || v === '') ctx.relay.dstUri = undefined;
      // A destination longer than a whole message is refused before it is parsed.
      else if (inputFits(ctx, 'pv', String(v).length) && parseUri(String(v))) ctx.relay.dstUri = String(v);
      else return false;
      return true;
    },
  },
  ...nameAddrVariables('from', 'f'),
  ...nameAddrVariables('to', 't'),
  ci: { get: (ctx) => ctx.msg.callId },
  cs: { get: (ctx) => ctx.msg.cseq.seq },
  rm: { get: (ctx) => ctx.request?.method ?? ctx.msg.cseq.method },
  rs: { get: (ctx) => ctx.reply?.status },
  rr: { get: (ctx) => ctx.reply?.reason },
  rv: { get: (ctx) => ctx.msg.version },
  si: { get: (ctx) => ctx.source.remote.address },
  sp: { get: (ctx) => ctx.source.remote.port },
  Ri: { get: (ctx) => ctx.source.local.address },
  Rp: { get: (ctx) => ctx.source.local.port },
  pr: { get: (ctx) => ctx.source.proto },
  proto: { get: (ctx) => ctx.source.proto },
  ua: { get: (ctx) => headerBody(ctx, 'User-Agent') },
  ct: { get: (ctx) => headerBody(ctx, 'Contact') },
  cT: { get: (ctx) => headerBody(ctx, 'Content-Type') },
  cl: { get: (ctx) => ctx.msg.bodyLength },
  ml: { get: (ctx) => ctx.msg.toBuffer().length },
  mb: { get: (ctx) => ctx.msg.toString() },
  rb: { get: (ctx) => ctx.msg.body },
  bs: { get: (ctx) => ctx.msg.bodyLength },
  // tmx: the transaction's view. In a failure route the winning reply, in reply routes the current one,
  // in the request route the last reply sent statefully; 0 / $null without one.
  T_reply_code: {
    get: (ctx) =>
      ctx.reply?.status ??
      (ctx.kind === 'failure' ? ctx.tm.transaction?.picked?.final?.status : ctx.tm.transaction?.lastStatus) ??
      0,
  },
  T_reply_reason: {
    get: (ctx) =>
      ctx.reply?.reason ?? (ctx.kind === 'failure' ? ctx.tm.transaction?.picked?.final?.reason : undefined),
  },
  // The branch a branch or onreply route runs for; else how many branches the transaction has; -1 without.
  T_branch_idx: { get: (ctx) => ctx.tm.branchIndex ?? ctx.tm.transaction?.branches.length ?? -1 },
  Ts: { get: () => Math.floor(Date.now() / 1000) },
  hdr: { arg: true, get: (ctx, name) => headerBody(ctx, name) },
  hdrc: { arg: true, get: (ctx, name) => ctx.msg.getFieldValues(name).length },
  sht: {
    arg: true,
    get: (ctx, arg) => {
      const item = htableItem(ctx, arg);
      return item && localTable(ctx, item[0], '$sht')?.get(item[1]);
    },
    set: (ctx, v, arg) => {
      const item = htableItem(ctx, arg);
      const table = item && localTable(ctx, item[0], '$sht');
      if (table === undefined || item === undefined) return false;
      if (v === undefined) {
        table.remove(item[1]);
        return true;
      }
      const written = table.set(item[1], v);
      if (!written.ok)
        hostLog(
          ctx,
          'error',
          'htable',
          { ksr: 'pv', htable: item[0], refused: written.error.code },
          written.error.message,
        );
      return written.ok;
    },
  },
  // One value per name: an assignment replaces it ($null removes it). `s:name` is `name`, as in Kamailio.
  avp: {
    arg: true,
    get: (ctx, name) => ctx.avps.get(avpName(name)),
    set: (ctx, v, name) => {
      if (v === undefined) ctx.avps.delete(avpName(name));
      else ctx.avps.set(avpName(name), v);
      return true;
    },
  },
  // The message's dialog's variables (dialog module); without a dialog a read is $null, a write refused.
  dlg_var: {
    arg: true,
    get: (ctx, name) => messageDialog(ctx)?.vars.get(name),
    set: (ctx, v, name) => {
      const dialog = messageDialog(ctx);
      const store = ctx.host.dialogs?.store;
      if (dialog === undefined || store === undefined) return false;
      return store.setVar(dialog, name, v === undefined ? undefined : String(v));
    },
  },
  // Attributes of the message's dialog (Kamailio's $dlg(name)); $null without a dialog.
  dlg: { arg: true, get: (ctx, name) => dialogAttribute(messageDialog(ctx), name) },
  rc: { get: (ctx) => ctx.lastCode },
  retcode: { get: (ctx) => ctx.lastCode },
  var: {
    arg: true,
    get: (ctx, name) => ctx.vars.get(name),
    set: (ctx, v, name) => {
      if (v === undefined) ctx.vars.delete(name);
      else ctx.vars.set(name, v);
      return true;
    },
  },
};

/** A pseudo-variable name resolved against the table. */
export interface PvRef {
  readonly text: string;
  readonly spec: PseudoVariable;
  readonly arg: string;
}

const NAME = /^\$([A-Za-z_][A-Za-z0-9_]*)(?:\((.*)\))?$/;

// Scripts ask for the same few names on every message: resolve each once. Bounded in entries and in name
// length, so a script inventing names (or huge ones) cannot make the host keep them.
const CACHE_LIMIT = 4096;
const CACHED_NAME_LIMIT = 128;

/**
 * Resolves pseudo-variable names, keeping what it resolved. One per server (the RouteHost owns it), so the
 * cache lives as long as the scripts that fill it and a test starts with an empty one.
 */
export class PvNames {
  readonly #cache = new Map<string, Result<PvRef, string>>();

  /** Resolves `$name` or `$name(arg)`; the error names what is wrong with it. */
  lookup(text: string): Result<PvRef, string> {
    let found = this.#cache.get(text);
    if (found === undefined) {
      found = resolve(text);
      if (text.length > CACHED_NAME_LIMIT) return found;
      if (this.#cache.size >= CACHE_LIMIT) this.#cache.clear();
      this.#cache.set(text, found);
    }
    return found;
  }
}

function resolve(text: string): Result<PvRef, string> {
  const m = NAME.exec(text);
  if (!m) return err(`malformed pseudo-variable name '${text}' (expected $name or $name(arg))`);
  const spec = Object.hasOwn(VARIABLES, m[1]) ? VARIABLES[m[1]] : undefined;
  if (!spec) return err(`unknown pseudo-variable '${text}'`);
  const arg = m[2];
  if (spec.arg && (arg === undefined || arg === ''))
    return err(`'$${m[1]}' needs an argument: $${m[1]}(name)`);
  if (!spec.arg && arg !== undefined) return err(`'$${m[1]}' takes no argument`);
  return ok({ text, spec, arg: arg ?? '' });
}

/** The value of a resolved variable. */
export function readPv(ctx: RouteContext, ref: PvRef): PvValue {
  return ref.spec.get(ctx, ref.arg);
}

/** Assigns a resolved variable; the error says why it was refused. */
export function writePv(
  ctx: RouteContext,
  ref: PvRef,
  value: string | number | undefined,
): Result<void, string> {
  if (!ref.spec.set) return err(`pseudo-variable '${ref.text}' is read-only`);
  if (!ref.spec.set(ctx, value, ref.arg))
    return err(`pseudo-variable '${ref.text}' refused the value '${value}'`);
  return OK;
}

/** Names the table knows, for docs and error hints. */
export const pvNames: readonly string[] = Object.entries(VARIABLES).map(([name, spec]) =>
  spec.arg ? `$${name}(name)` : `$${name}`,
);
