// KSR nathelper: NAT detection and the rewrites that let a UA behind a NAT be reached (Kamailio 5.6's
// nathelper module, its KEMI exports). Contact edits rewrite the first Contact value only, once per
// message (Kamailio's "you can't call fix_nated_contact twice"); every edit goes through the message's
// edit methods and the size caps of message-budget.ts. The keepalive of registered NATed contacts is the
// server's (src/router/nat-keepalive.ts).
import { isIPv4, isIPv6 } from 'node:net';
import { parseUri, type SipMessage } from '../sip/index.ts';
import type { RouteContext } from './context.ts';
import { defineModule } from './define.ts';
import { hostLog } from './host-log.ts';
import { inputFits, messageFits, uriFits } from './message-budget.ts';
import { isPrivateAddress, PROTO_NUMBERS, sameAddress, sourceHost, sourceUri } from './nat-address.ts';
import { FIX_MEDIA_IP, FIX_ORIGIN_IP, mediaAddresses, rewriteSdp } from './nat-sdp.ts';
import { RECEIVED_AVP } from './registrar.ts';

const SIP_PORT = 5060;

/** Messages whose Contact one of the Contact functions changed already. */
const contactChanged = new WeakSet<SipMessage>();

/** The first Contact value and where its URI lies in it. */
interface ContactSpot {
  readonly value: string;
  readonly start: number;
  readonly end: number;
  readonly bracketed: boolean;
}

/** Where the URI of the Contact value `value` lies; undefined for '*' or a malformed value. */
function spotIn(value: string): ContactSpot | undefined {
  if (value.trim() === '*') return undefined;
  // Skip a quoted display name: it may hold '<'.
  let from = 0;
  const quote = value.indexOf('"');
  const lt0 = value.indexOf('<');
  if (quote >= 0 && (lt0 < 0 || quote < lt0)) {
    const close = value.indexOf('"', quote + 1);
    if (close < 0) return undefined;
    from = close + 1;
  }
  const lt = value.indexOf('<', from);
  if (lt >= 0) {
    const gt = value.indexOf('>', lt);
    return gt < 0 ? undefined : { value, start: lt + 1, end: gt, bracketed: true };
  }
  // addr-spec: every ';' parameter belongs to the header (RFC 3261 20.10).
  const start = value.length - value.trimStart().length;
  const semi = value.indexOf(';', start);
  const end = semi < 0 ? value.trimEnd().length : semi;
  return { value, start, end, bracketed: false };
}

function firstContact(ctx: RouteContext): ContactSpot | undefined {
  const value = ctx.msg.get('Contact');
  return value === undefined ? undefined : spotIn(value);
}

/** Where host[:port] lies in `uri` (as written). */
function hostPortSpan(
  uri: string,
): { start: number; end: number; host: string; port: number | undefined } | undefined {
  const parsed = parseUri(uri);
  if (parsed === undefined || parsed.scheme === 'tel') return undefined;
  const start = parsed.user === undefined ? uri.indexOf(':') + 1 : uri.indexOf('@') + 1;
  if (uri.slice(start, start + parsed.host.length).toLowerCase() !== parsed.host.toLowerCase())
    return undefined;
  let end = start + parsed.host.length;
  if (uri[end] === ':') {
    end++;
    while (end < uri.length && uri.charCodeAt(end) >= 48 && uri.charCodeAt(end) <= 57) end++;
  }
  return { start, end, host: parsed.host, port: parsed.port };
}

/** Replaces the first Contact value with `next`, within the message budget; false when refused. */
function replaceContact(ctx: RouteContext, fn: string, spot: ContactSpot, next: string): boolean {
  if (!messageFits(ctx, fn, 0, next.length - spot.value.length)) return false;
  if (!ctx.msg.replaceFirstValue('Contact', next)) return false;
  contactChanged.add(ctx.msg);
  return true;
}

/** The first Contact, unless a Contact function changed it before (an error, as Kamailio's). */
function contactToChange(ctx: RouteContext, fn: string): ContactSpot | undefined {
  const spot = firstContact(ctx);
  if (spot === undefined) return undefined;
  if (contactChanged.has(ctx.msg)) {
    hostLog(ctx, 'error', fn, { ksr: fn }, `${fn}: the Contact was changed before in this message`);
    return undefined;
  }
  return spot;
}

function fixNatedContact(ctx: RouteContext): number {
  const fn = 'fix-nated-contact';
  const spot = contactToChange(ctx, fn);
  if (spot === undefined) return -1;
  const uri = spot.value.slice(spot.start, spot.end);
  const span = hostPortSpan(uri);
  if (span === undefined) return -1;
  // A maddr parameter would send elsewhere than the source: Kamailio removes it.
  const rest = uri.slice(span.end).replace(/;maddr=[^;?]*/i, '');
  const next = `${uri.slice(0, span.start)}${sourceHost(ctx)}:${ctx.source.remote.port}${rest}`;
  return replaceContact(ctx, fn, spot, spot.value.slice(0, spot.start) + next + spot.value.slice(spot.end))
    ? 1
    : -1;
}

function aliasValue(host: string, port: string | number, proto: number): string {
  return `;alias=${host}~${port}~${proto}`;
}

function sourceProto(ctx: RouteContext): number {
  return PROTO_NUMBERS[ctx.source.proto] ?? 1;
}

function setContactAlias(ctx: RouteContext): number {
  const fn = 'set-contact-alias';
  const spot = contactToChange(ctx, fn);
  if (spot === undefined) return -1;
  const uri = spot.value.slice(spot.start, spot.end);
  // uri_add_rcv_alias: the parameter goes at the end of the URI; angle brackets are added when missing.
  const next = `${uri}${aliasValue(sourceHost(ctx), ctx.source.remote.port, sourceProto(ctx))}`;
  const head = spot.value.slice(0, spot.start);
  const tail = spot.value.slice(spot.end);
  const value = spot.bracketed ? head + next + tail : `${head}<${next}>${tail}`;
  return replaceContact(ctx, fn, spot, value) ? 1 : -1;
}

/** add_contact_alias: the alias right after the URI's host and port; brackets added when missing. */
function addAlias(ctx: RouteContext, fn: string, spot: ContactSpot, alias: string): number {
  const uri = spot.value.slice(spot.start, spot.end);
  const span = hostPortSpan(uri);
  if (span === undefined) return -1;
  const next = uri.slice(0, span.end) + alias + uri.slice(span.end);
  const head = spot.value.slice(0, spot.start);
  const tail = spot.value.slice(spot.end);
  const value = spot.bracketed ? head + next + tail : `${head}<${next}>${tail}`;
  return replaceContact(ctx, fn, spot, value) ? 1 : -1;
}

function addContactAlias(ctx: RouteContext): number {
  const fn = 'add-contact-alias';
  const spot = firstContact(ctx);
  if (spot === undefined) return ctx.msg.has('Contact') ? -1 : 2;
  const uri = spot.value.slice(spot.start, spot.end);
  const span = hostPortSpan(uri);
  if (span === undefined) return -1;
  const parsed = parseUri(uri);
  const uriProto = PROTO_NUMBERS[(parsed?.params.get('transport') ?? 'udp').toLowerCase()] ?? 0;
  const port = span.port ?? SIP_PORT;
  if (
    sameAddress(span.host, ctx.source.remote.address) &&
    port === ctx.source.remote.port &&
    uriProto === sourceProto(ctx)
  )
    return 2;
  if (contactToChange(ctx, fn) === undefined) return -1;
  return addAlias(ctx, fn, spot, aliasValue(sourceHost(ctx), ctx.source.remote.port, sourceProto(ctx)));
}

function addContactAliasAddr(ctx: RouteContext, ip: string, port: string, proto: string): number {
  const fn = 'add-contact-alias-addr';
  const spot = firstContact(ctx);
  if (spot === undefined) return ctx.msg.has('Contact') ? -1 : 2;
  const bare = ip.replace(/^\[(.*)\]$/, '$1');
  const portNumber = /^[0-9]{1,5}$/.test(port) ? Number(port) : 0;
  const protoNumber = PROTO_NUMBERS[proto.toLowerCase()];
  if (
    (!isIPv4(bare) && !isIPv6(bare)) ||
    portNumber < 1 ||
    portNumber > 65_535 ||
    protoNumber === undefined
  ) {
    hostLog(
      ctx,
      'error',
      fn,
      { ksr: fn },
      `${fn}: '${ip.slice(0, 60)}', '${port.slice(0, 10)}', '${proto.slice(0, 10)}' is no address`,
    );
    return -1;
  }
  if (contactToChange(ctx, fn) === undefined) return -1;
  return addAlias(ctx, fn, spot, aliasValue(ip, port, protoNumber));
}

const PROTO_NAMES = ['', 'udp', 'tcp', 'tls', 'sctp', 'ws', 'wss'];

function handleRuriAlias(ctx: RouteContext): number {
  const fn = 'handle-ruri-alias';
  const request = ctx.request;
  if (request === undefined || request.parsedUri === undefined) return -1;
  const uri = request.uri;
  const span = hostPortSpan(uri);
  if (span === undefined) return -1;
  const params = uri.slice(span.end);
  const m = /;alias=([^;?]*)/i.exec(params);
  if (!m) return 2;
  const value = /^(\[[^\]]+\]|[^~]+)~([0-9]{1,5})~([1-6])$/.exec(m[1]);
  if (!value) {
    hostLog(ctx, 'error', fn, { ksr: fn }, `${fn}: malformed alias parameter '${m[1].slice(0, 80)}'`);
    return -1;
  }
  const proto = Number(value[3]);
  const dst = `sip:${value[1]}:${value[2]}${proto === 1 ? '' : `;transport=${PROTO_NAMES[proto]}`}`;
  if (parseUri(dst) === undefined) return -1;
  const next = uri.slice(0, span.end) + params.slice(0, m.index) + params.slice(m.index + m[0].length);
  if (!uriFits(ctx, fn, next) || !request.setUri(next)) return -1;
  ctx.relay.dstUri = dst;
  return 1;
}

function addRcvParam(ctx: RouteContext, uriParam: number): number {
  const fn = 'add-rcv-param';
  if (uriParam && ctx.source.proto !== 'udp') {
    hostLog(ctx, 'error', fn, { ksr: fn }, `${fn}: a received URI parameter works only for UDP`);
    return -1;
  }
  const values = ctx.msg.getAll('Contact');
  if (values.length === 0) return -1;
  const received = sourceUri(ctx);
  const next: string[] = [];
  for (const value of values) {
    const spot = spotIn(value);
    if (spot === undefined) return -1;
    // 0: a header parameter after the whole contact, quoted; 1: a URI parameter at the end of the URI.
    next.push(
      uriParam
        ? `${value.slice(0, spot.end)};received=${received}${value.slice(spot.end)}`
        : `${value.trimEnd()};received="${received}"`,
    );
  }
  const grow = next.join(', ').length - values.join(', ').length;
  if (!messageFits(ctx, fn, 0, grow)) return -1;
  // One Contact field where the first was, holding every contact.
  return ctx.msg.setHeader('Contact', next.join(', ')) ? 1 : -1;
}

function fixNatedSdp(ctx: RouteContext, mode: number, ip: string): number {
  const fn = 'fix-nated-sdp';
  const body = ctx.msg.body;
  if (body === '' || !inputFits(ctx, fn, ip.length)) return -1;
  const address = ip !== '' ? ip : ctx.source.remote.address;
  const result = rewriteSdp(body, mode, address);
  if (!result.ok) {
    hostLog(ctx, 'error', fn, { ksr: fn }, `${fn}: ${result.why}`);
    return -1;
  }
  if (result.body !== body) {
    if (!messageFits(ctx, fn, 0, result.body.length - body.length)) return -1;
    if (!ctx.msg.setBody(result.body)) return -1;
  }
  return (mode & (FIX_MEDIA_IP | FIX_ORIGIN_IP)) !== 0 && result.replaced > 0 ? 1 : 2;
}

/** nat_uac_test's bits (Kamailio's NAT_UAC_TEST_*). */
function natUacTest(ctx: RouteContext, tests: number): number {
  const msg = ctx.msg;
  const src = ctx.source.remote;
  const via = msg.vias?.[0];
  if (tests & 0x10 && via && src.port !== (via.port ?? SIP_PORT)) return 1;
  if (tests & 0x02 && via && !sameAddress(via.host, src.address)) return 1;
  const contact = firstContact(ctx);
  const contactUri = contact && parseUri(contact.value.slice(contact.start, contact.end));
  if (tests & 0x01 && contactUri && isPrivateAddress(contactUri.host)) return 1;
  if (tests & 0x08 && sdpPrivate(msg.body)) return 1;
  if (tests & 0x04 && via && isPrivateAddress(via.host)) return 1;
  if (tests & 0x20 && isPrivateAddress(src.address, true)) return 1;
  // 64: the request came over a WebSocket (ws or wss): a browser's Contact is never reachable as written.
  if (tests & 0x40 && (ctx.source.proto === 'ws' || ctx.source.proto === 'wss')) return 1;
  if (tests & 0x80 && contactUri && src.port !== (contactUri.port ?? SIP_PORT)) return 1;
  if (tests & 0x100 && msg.body !== '') {
    const media = mediaAddresses(msg.body) ?? [];
    if (media.some((m) => !sameAddress(m.address, src.address))) return 1;
  }
  return -1;
}

/** Kamailio's sdp_1918: a private IPv4 media address, up to the first that is not IPv4 or is null. */
function sdpPrivate(body: string): boolean {
  if (body === '') return false;
  for (const m of mediaAddresses(body) ?? []) {
    if (m.family !== 4 || m.address === '0.0.0.0') return false;
    if (isPrivateAddress(m.address)) return true;
  }
  return false;
}

export const nathelper = defineModule('nathelper', {
  'nat-uac-test': (ctx, tests) => natUacTest(ctx, tests),
  'fix-nated-contact': (ctx) => fixNatedContact(ctx),
  'fix-nated-register': (ctx) => {
    if (ctx.request === undefined) return -1;
    ctx.avps.set(RECEIVED_AVP, sourceUri(ctx));
    return 1;
  },
  'set-contact-alias': (ctx) => setContactAlias(ctx),
  'add-contact-alias': (ctx) => addContactAlias(ctx),
  'add-contact-alias-addr': (ctx, ip, port, proto) => addContactAliasAddr(ctx, ip, port, proto),
  'handle-ruri-alias': (ctx) => handleRuriAlias(ctx),
  'add-rcv-param': (ctx, uriParam) => addRcvParam(ctx, uriParam),
  'is-rfc1918': (_ctx, ip) => (isPrivateAddress(ip) ? 1 : -1),
  'fix-nated-sdp': (ctx, mode) => fixNatedSdp(ctx, mode, ''),
  'fix-nated-sdp-ip': (ctx, mode, ip) => fixNatedSdp(ctx, mode, ip),
});
