// KSR kx (Kamailio's kemix module): quick getters of message attributes, and the values the configuration
// defines for the script (Kamailio's `#!define NAME value`, read with get_def / get_defn / ifdef), so one
// module can relay to destinations each deployment sets. Each getter follows its ki_kx_* function in
// src/modules/kemix/kemix_mod.c: `get_*` gives none where Kamailio gives $null, `gete_*` "" and
// `getw_*` "<<null>>" (SR_KEMI_XVAL_NULL_NONE / _EMPTY / _PRINT).
import { isIPv6 } from 'node:net';
import { parseUri, type SipUri } from '../sip/index.ts';
import type { RouteContext } from './context.ts';
import { defineModule } from './define.ts';

type Getter = (ctx: RouteContext) => string | undefined;

const orEmpty = (get: Getter) => (ctx: RouteContext) => get(ctx) ?? '';
const orNull = (get: Getter) => (ctx: RouteContext) => get(ctx) ?? '<<null>>';
/** An absent or empty part is $null in kemix (`user.len <= 0`). */
const nonEmpty = (value: string | undefined) => (value === '' ? undefined : value);

const ruri = (ctx: RouteContext) => ctx.request?.parsedUri;
const fromUri = (ctx: RouteContext): SipUri | undefined => {
  const from = ctx.msg.from;
  return from && parseUri(from.uri);
};
const toUri = (ctx: RouteContext): SipUri | undefined => {
  const to = ctx.msg.to;
  return to && parseUri(to.uri);
};

const ruser: Getter = (ctx) => nonEmpty(ruri(ctx)?.user);
const rhost: Getter = (ctx) => nonEmpty(ruri(ctx)?.host);
const fuser: Getter = (ctx) => nonEmpty(fromUri(ctx)?.user);
const fhost: Getter = (ctx) => nonEmpty(fromUri(ctx)?.host);
const tuser: Getter = (ctx) => nonEmpty(toUri(ctx)?.user);
const thost: Getter = (ctx) => nonEmpty(toUri(ctx)?.host);
const duri: Getter = (ctx) => nonEmpty(ctx.relay.dstUri);
const ua: Getter = (ctx) => ctx.msg.getFieldValues('User-Agent')[0];
const body: Getter = (ctx) => nonEmpty(ctx.msg.body);
/** The first Contact's URI; $null for `Contact: *` or without Contact. */
const cturi: Getter = (ctx) => {
  const contacts = ctx.msg.contacts;
  return contacts === undefined || contacts === '*' ? undefined : nonEmpty(contacts[0]?.uri);
};

// Kamailio's protocol numbers: enum sip_protos in src/core/ip_addr.h.
const PROTO_IDS: Record<string, number> = { udp: 1, tcp: 2, tls: 3, sctp: 4, ws: 5, wss: 6 };

/** An address as Kamailio writes it in a URI or a socket: IPv6 in brackets. */
const hostOf = (address: string) => (isIPv6(address) ? `[${address}]` : address);

const defined = (ctx: RouteContext, name: string) => ctx.host.getDefine?.(ctx, name);

export const kx = defineModule('kx', {
  'get-ruri': (ctx) => ctx.request?.uri,
  'get-ruser': ruser,
  'getw-ruser': orNull(ruser),
  'gete-ruser': orEmpty(ruser),
  'get-rhost': rhost,
  'getw-rhost': orNull(rhost),
  'gete-rhost': orEmpty(rhost),
  'get-ouri': (ctx) => ctx.originalUri,
  'get-furi': (ctx) => ctx.msg.from?.uri,
  'get-fuser': fuser,
  'getw-fuser': orNull(fuser),
  'gete-fuser': orEmpty(fuser),
  'get-fhost': fhost,
  'getw-fhost': orNull(fhost),
  'gete-fhost': orEmpty(fhost),
  'get-turi': (ctx) => ctx.msg.to?.uri,
  'get-tuser': tuser,
  'gete-tuser': orEmpty(tuser),
  'getw-tuser': orNull(tuser),
  'get-thost': thost,
  'gete-thost': orEmpty(thost),
  'getw-thost': orNull(thost),
  'get-duri': duri,
  'gete-duri': orEmpty(duri),
  'getw-duri': orNull(duri),
  'get-cturi': cturi,
  'gete-cturi': orEmpty(cturi),
  'getw-cturi': orNull(cturi),
  'get-nhuri': (ctx) => duri(ctx) ?? ctx.request?.uri,
  // get_src_uri(msg, 0, ...): no transport parameter for UDP, the default.
  'get-srcuri': (ctx) => {
    const { proto, remote } = ctx.source;
    return `sip:${hostOf(remote.address)}:${remote.port}${proto === 'udp' ? '' : `;transport=${proto}`}`;
  },
  'get-srcaddr-sock': (ctx) =>
    `${ctx.source.proto}:${hostOf(ctx.source.remote.address)}:${ctx.source.remote.port}`,
  'get-ua': ua,
  'gete-ua': orEmpty(ua),
  'getw-ua': orNull(ua),
  'get-srcip': (ctx) => ctx.source.remote.address,
  'get-srcport': (ctx) => ctx.source.remote.port,
  'get-rcvip': (ctx) => ctx.source.local.address,
  'get-rcvport': (ctx) => ctx.source.local.port,
  'get-rcvadvip': (ctx) => ctx.source.local.address,
  'get-rcvadvport': (ctx) => ctx.source.local.port,
  'get-rcvaddr-sock': (ctx) =>
    `${ctx.source.proto}:${hostOf(ctx.source.local.address)}:${ctx.source.local.port}`,
  'get-proto': (ctx) => ctx.source.proto,
  'get-protoid': (ctx) => PROTO_IDS[ctx.source.proto] ?? 0,
  'get-method': (ctx) => ctx.request?.method ?? ctx.msg.cseq.method,
  'get-status': (ctx) => ctx.reply?.status ?? -1,
  'gets-status': (ctx) => ctx.reply && String(ctx.reply.status),
  'get-body': body,
  'getw-body': orNull(body),
  'gete-body': orEmpty(body),
  'get-bodylen': (ctx) => ctx.msg.bodyLength,
  'get-timestamp': () => Math.floor(Date.now() / 1000),
  'get-callid': (ctx) => ctx.msg.callId,
  'get-msgbuf': (ctx) => ctx.msg.toString(),
  'get-msglen': (ctx) => ctx.msg.toBuffer().length,
  'get-msgtype': (ctx) => (ctx.request ? 1 : 2),
  'get-def': (ctx, name) => defined(ctx, name),
  'get-defn': (ctx, name) => {
    const value = defined(ctx, name);
    if (value === undefined || !/^\s*[+-]?[0-9]+\s*$/.test(value)) return 0;
    const n = Number(value);
    return n >= -0x80000000 && n <= 0x7fffffff ? n : 0;
  },
  ifdef: (ctx, name) => defined(ctx, name) !== undefined,
  ifndef: (ctx, name) => defined(ctx, name) === undefined,
});
