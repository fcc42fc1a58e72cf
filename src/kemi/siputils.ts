// KSR siputils: small tests on the message and URIs (Kamailio's siputils module): 1 true, -1 false, -2 for
// a URI that does not parse. add-uri-param keeps the message within its limits (message-budget.ts).
import { isIP } from 'node:net';
import { formatUri, parseUri, type SipUri, uriEquals } from '../sip/index.ts';
import type { RouteContext } from './context.ts';
import { defineModule } from './define.ts';
import { inputFits, uriFits } from './message-budget.ts';

const E164 = /^\+[0-9]{2,15}$/;
const yes = (test: boolean) => (test ? 1 : -1);

/** 1 when `same` holds for the two URIs, -1 when not, -2 when one does not parse. */
function compareUris(a: string, b: string, same: (a: SipUri, b: SipUri) => boolean): number {
  const ua = parseUri(a);
  const ub = parseUri(b);
  return ua && ub ? yes(same(ua, ub)) : -2;
}

/**
 * Kamailio 5.6's is_first_hop (mode 0): a request with one Via; a reply without Record-Route, or whose top
 * Record-Route names this server by IP address and did not come from that very address (a loop).
 */
function isFirstHop(ctx: RouteContext): number {
  const reply = ctx.reply;
  if (!reply) return yes(ctx.msg.getAll('Via').length === 1);
  if (reply.getAll('Record-Route').length === 0) return 1;
  const top = reply.recordRoutes?.[0];
  const uri = top && parseUri(top.uri);
  if (!uri) return -1;
  const host = uri.host.startsWith('[') ? uri.host.slice(1, -1) : uri.host;
  if (isIP(host) === 0) return -1;
  const transport = uri.params.get('transport')?.toLowerCase();
  if (!ctx.host.isMyself(host, uri.port)) return -1;
  const { remote } = ctx.source;
  const looped =
    remote.address === host &&
    remote.port === (uri.port ?? 5060) &&
    (transport ?? 'udp') === ctx.source.proto;
  return yes(!looped);
}

function ruriParams(ctx: RouteContext) {
  return ctx.request?.parsedUri?.params;
}

export const siputils = defineModule('siputils', {
  'has-totag': (ctx) => yes(ctx.msg.to?.tag !== undefined),
  'is-request': (ctx) => yes(ctx.request !== undefined),
  'is-reply': (ctx) => yes(ctx.reply !== undefined),
  'is-first-hop': isFirstHop,
  'is-uri-user-e164': (_ctx, uri) => {
    const parsed = parseUri(uri);
    return parsed ? yes(E164.test(parsed.user ?? '')) : -2;
  },
  'is-e164': (_ctx, number) => yes(E164.test(number)),
  'uri-param': (ctx, name) => {
    const params = ruriParams(ctx);
    return params ? yes(params.has(name.toLowerCase())) : -2;
  },
  'uri-param-value': (ctx, name, value) => {
    const params = ruriParams(ctx);
    return params ? yes(params.get(name.toLowerCase()) === value) : -2;
  },
  'add-uri-param': (ctx, param) => {
    const request = ctx.request;
    const uri = request?.parsedUri;
    if (!uri || !inputFits(ctx, 'add-uri-param', param.length)) return -1;
    const m = /^([^=;\s]+)(?:=([^;\s]*))?$/.exec(param);
    if (!m) return -1;
    const params = new Map(uri.params);
    params.set(m[1].toLowerCase(), m[2] ?? '');
    const next = formatUri({ ...uri, params });
    return uriFits(ctx, 'add-uri-param', next) && request!.setUri(next) ? 1 : -1;
  },
  'cmp-uri': (_ctx, a, b) => compareUris(a, b, uriEquals),
  'cmp-aor': (_ctx, a, b) =>
    compareUris(a, b, (ua, ub) => ua.user === ub.user && ua.host.toLowerCase() === ub.host.toLowerCase()),
});
