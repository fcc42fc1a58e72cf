// KSR dispatcher: Kamailio 5.6's dispatcher KEMI exports over the context tenant's destination sets
// (src/dispatcher/). The `_dsdst_` xavp Kamailio keeps for failover (the selected destination first, then
// the others) lives beside the route's AVPs: keyed by the context's AVP map, which t-relay hands to the
// transaction and its failure routes get back, so ds_next_dst in a failure route walks on from what the
// request route selected, as Kamailio's xavps travel with the transaction.

import { DS_INACTIVE, DS_PROBING, protoNumber } from '../dispatcher/destination-set.ts';
import type { DsRecord, SetOp, TenantDispatcher } from '../dispatcher/tenant-dispatcher.ts';
import { DS_PROBE_ALL } from '../dispatcher/tenant-dispatcher.ts';
import { parseUri } from '../sip/index.ts';
import type { RouteContext } from './context.ts';
import { defineModule } from './define.ts';
import { hostLog } from './host-log.ts';

/** Kamailio's `_dsdst_` records and `_dsctx_` cnt of one request and its transaction. */
interface DsXavps {
  records: DsRecord[];
  cnt: number | undefined;
}

const xavps = new WeakMap<object, DsXavps>();

/** The failover state of the context's request (its transaction's, in a failure route). */
export function dsXavps(ctx: RouteContext): DsXavps {
  let state = xavps.get(ctx.avps);
  if (state === undefined) {
    state = { records: [], cnt: undefined };
    xavps.set(ctx.avps, state);
  }
  return state;
}

function refuse(ctx: RouteContext, ksr: string, why: string): -1 {
  hostLog(ctx, 'error', ksr, { ksr }, `${ksr}: ${why}`);
  return -1;
}

function tenantOf(ctx: RouteContext, ksr: string): TenantDispatcher | undefined {
  const tenant = ctx.tenant;
  if (ctx.host.dispatcher === undefined || tenant === undefined) {
    refuse(ctx, ksr, 'no destination sets on this server');
    return undefined;
  }
  return ctx.host.dispatcher.tenant(tenant);
}

/** ds_push_dst: `uri` becomes $du, or the R-URI's host:port (SET_HOSTALL: scheme and user kept). */
function push(ctx: RouteContext, ksr: string, uri: string, mode: SetOp): boolean {
  if (mode === 'xavp') return true;
  if (mode === 'dst-uri') {
    ctx.relay.dstUri = uri;
    return true;
  }
  const request = ctx.request!;
  const current = parseUri(request.uri);
  if (current === undefined || current.scheme === 'tel') {
    refuse(ctx, ksr, `cannot rewrite the host of R-URI '${request.uri}'`);
    return false;
  }
  const hostAll = uri.replace(/^sips?:/i, '');
  const user =
    current.user === undefined
      ? ''
      : `${current.user}${current.password === undefined ? '' : `:${current.password}`}@`;
  const next = `${current.scheme}:${user}${hostAll}`;
  if (!request.setUri(next)) {
    refuse(ctx, ksr, `'${next}' is not a URI`);
    return false;
  }
  return true;
}

function select(
  ctx: RouteContext,
  ksr: string,
  set: number,
  alg: number,
  limit: number,
  mode: SetOp,
): number {
  const t = tenantOf(ctx, ksr);
  const request = ctx.request;
  if (t === undefined) return -1;
  if (request === undefined) return refuse(ctx, ksr, 'not a request');
  const chosen = t.select(set, alg, limit, mode, {
    callId: request.callId,
    fromUri: request.from?.uri,
    toUri: request.to?.uri,
    ruri: request.uri,
    isInvite: request.method === 'INVITE',
    dstUriSet: ctx.relay.dstUri !== undefined,
  });
  if (!chosen.ok) {
    if (!/no active destination|maxload/.test(chosen.why)) refuse(ctx, ksr, chosen.why);
    return -1;
  }
  if (!push(ctx, ksr, chosen.chosen.uri, mode)) return -1;
  const state = dsXavps(ctx);
  // xavp_add_value_after(NULL): a later selection's records come before an earlier one's.
  state.records = [...chosen.records, ...state.records];
  state.cnt = chosen.records.length;
  return 1;
}

/** ds_update_dst: the current record (`next`: the one after it, dropping the current) as $du or R-URI host. */
function update(ctx: RouteContext, ksr: string, next: boolean, mode: SetOp): number {
  const t = tenantOf(ctx, ksr);
  if (t === undefined) return -1;
  if (ctx.request === undefined) return refuse(ctx, ksr, 'not a request');
  if (next && !t.failover) return refuse(ctx, ksr, 'failover support disabled (dispatcher flags 2)');
  const state = dsXavps(ctx);
  for (;;) {
    if (state.records.length === 0) return -1;
    if (next) {
      state.records.shift();
      if (state.records.length === 0) return -1;
    }
    const current = state.records[0];
    if (!push(ctx, ksr, current.uri, mode)) return -1;
    if (current.dstid === undefined || !next) return 1;
    const moved = t.replaceLoad(ctx.request.callId, current.dstid);
    if (moved === 0) return 1;
    if (moved === -1) return refuse(ctx, ksr, 'cannot update load distribution');
    // -2: the destination is gone (a reload): skip it, as Kamailio's goto next_dst.
  }
}

/** ds_mark_dst: `state` given, or Kamailio's default: inactive, and probing under ds_probing_mode 1. */
function markDst(ctx: RouteContext, ksr: string, given: number | undefined): number {
  const t = tenantOf(ctx, ksr);
  if (t === undefined) return -1;
  const state = given ?? DS_INACTIVE | (t.settings.probingMode === DS_PROBE_ALL ? DS_PROBING : 0);
  if (!t.failover) return refuse(ctx, ksr, 'failover support disabled (dispatcher flags 2)');
  const current = dsXavps(ctx).records[0];
  if (current === undefined) return -1;
  const cause = ctx.reply ? `reply ${ctx.reply.status}` : ksr;
  return t.updateState(current.set, current.uri, state, cause) ? 1 : -1;
}

/** ds_parse_flags: the state bits of "aidtp" letters, or -1. */
function parseStateLetters(text: string): number {
  let flags = 0;
  for (const c of text.toLowerCase()) {
    if (c === 'a') flags &= ~31;
    else if (c === 'i') flags |= 1;
    else if (c === 'd') flags |= 4;
    else if (c === 't') flags |= 2;
    else if (c === 'p') flags |= 8;
    else return -1;
  }
  return flags;
}

const SOURCE_PROTO = { udp: 1, tcp: 2, tls: 3, ws: 5, wss: 6 } as const;

function fromList(
  ctx: RouteContext,
  ksr: string,
  set: number,
  mode: number,
  uri: string | undefined,
): number {
  const t = tenantOf(ctx, ksr);
  if (t === undefined) return -1;
  let ip: string;
  let port: number;
  let proto: number;
  if (uri === undefined || uri === '') {
    ip = ctx.source.remote.address;
    port = ctx.source.remote.port;
    proto = SOURCE_PROTO[ctx.source.proto];
  } else {
    const parsed = parseUri(uri);
    if (parsed === undefined || parsed.scheme === 'tel') return refuse(ctx, ksr, `bad uri [${uri}]`);
    ip = parsed.host.replace(/^\[(.*)\]$/, '$1');
    port = parsed.port ?? 0;
    proto = protoNumber(parsed.params.get('transport'));
  }
  return t.matchAddress(set, ip, port, proto, mode) === undefined ? -1 : 1;
}

export const dispatcher = defineModule('dispatcher', {
  'ds-select-dst': (ctx, set, alg) => select(ctx, 'ds-select-dst', set, alg, 0, 'dst-uri'),
  'ds-select-dst-limit': (ctx, set, alg, limit) =>
    select(ctx, 'ds-select-dst-limit', set, alg, limit, 'dst-uri'),
  'ds-select-domain': (ctx, set, alg) => select(ctx, 'ds-select-domain', set, alg, 0, 'ruri'),
  'ds-select-domain-limit': (ctx, set, alg, limit) =>
    select(ctx, 'ds-select-domain-limit', set, alg, limit, 'ruri'),
  'ds-select': (ctx, set, alg) => select(ctx, 'ds-select', set, alg, 0, 'xavp'),
  'ds-select-limit': (ctx, set, alg, limit) => select(ctx, 'ds-select-limit', set, alg, limit, 'xavp'),
  'ds-next-dst': (ctx) => update(ctx, 'ds-next-dst', true, 'dst-uri'),
  'ds-next-domain': (ctx) => update(ctx, 'ds-next-domain', true, 'ruri'),
  'ds-set-dst': (ctx) => update(ctx, 'ds-set-dst', false, 'dst-uri'),
  'ds-set-domain': (ctx) => update(ctx, 'ds-set-domain', false, 'ruri'),
  'ds-mark-dst': (ctx) => markDst(ctx, 'ds-mark-dst', undefined),
  'ds-mark-dst-state': (ctx, letters) => {
    if (letters === '') return markDst(ctx, 'ds-mark-dst-state', undefined);
    const state = parseStateLetters(letters);
    if (state < 0) return refuse(ctx, 'ds-mark-dst-state', `failed to parse state flags: ${letters}`);
    return markDst(ctx, 'ds-mark-dst-state', state);
  },
  'ds-is-from-lists': (ctx) => fromList(ctx, 'ds-is-from-lists', -1, 2, undefined),
  'ds-is-from-list': (ctx, set) => fromList(ctx, 'ds-is-from-list', set, 2, undefined),
  'ds-is-from-list-mode': (ctx, set, mode) => fromList(ctx, 'ds-is-from-list-mode', set, mode, undefined),
  'ds-is-from-list-uri': (ctx, set, mode, uri) => fromList(ctx, 'ds-is-from-list-uri', set, mode, uri),
  'ds-list-exists': (ctx, set) => (tenantOf(ctx, 'ds-list-exists')?.has(set) ? 1 : -1),
  'ds-is-active': (ctx, set) => (tenantOf(ctx, 'ds-is-active')?.isActive(set, undefined) ? 1 : -1),
  'ds-is-active-uri': (ctx, set, uri) => (tenantOf(ctx, 'ds-is-active-uri')?.isActive(set, uri) ? 1 : -1),
  'ds-load-update': (ctx) => {
    const t = tenantOf(ctx, 'ds-load-update');
    if (t === undefined) return -1;
    const request = ctx.request;
    if (request !== undefined) {
      if (request.method === 'BYE' || request.method === 'CANCEL') t.removeLoad(request.callId);
      return 0;
    }
    const reply = ctx.reply!;
    if (reply.cseq.method === 'INVITE' && reply.status >= 200 && reply.status < 300)
      t.confirmLoad(reply.callId);
    return 0;
  },
  'ds-load-unset': (ctx) => {
    const t = tenantOf(ctx, 'ds-load-unset');
    if (t === undefined) return -1;
    if (ctx.request?.method === 'INVITE' && dsXavps(ctx).records[0]?.dstid === undefined) return 0;
    return t.removeLoad(ctx.msg.callId) ? 0 : -1;
  },
});
