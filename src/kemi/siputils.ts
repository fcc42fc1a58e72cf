// KSR siputils: small tests on the message and URIs (Kamailio's siputils module): 1 true, -1 false, -2 for
// a URI that does not parse.
import { formatUri, parseUri, type SipUri, uriEquals } from '../sip/index.ts';
import type { RouteContext } from './context.ts';
import { defineModule, fn } from './define.ts';

const E164 = /^\+[0-9]{2,15}$/;
const yes = (test: boolean) => (test ? 1 : -1);

const URI_PAIR = [
  ['uri1', 'string'],
  ['uri2', 'string'],
] as const;

/** 1 when `same` holds for the two URIs, -1 when not, -2 when one does not parse. */
function compareUris(a: string, b: string, same: (a: SipUri, b: SipUri) => boolean): number {
  const ua = parseUri(a);
  const ub = parseUri(b);
  return ua && ub ? yes(same(ua, ub)) : -2;
}

function ruriParams(ctx: RouteContext) {
  return ctx.request?.parsedUri?.params;
}

export const siputils = defineModule('siputils', "SIP helpers (Kamailio's siputils module).", [
  fn('has-totag', 'To has a tag.', [], 's32', (ctx) => yes(ctx.msg.to?.tag !== undefined)),
  fn('is-request', 'A request.', [], 's32', (ctx) => yes(ctx.request !== undefined)),
  fn('is-reply', 'A reply.', [], 's32', (ctx) => yes(ctx.reply !== undefined)),
  fn('is-first-hop', 'A single Via.', [], 's32', (ctx) => yes(ctx.msg.getAll('Via').length === 1)),
  fn('is-uri-user-e164', 'The URI user is E.164.', [['uri', 'string']], 's32', (_ctx, uri) => {
    const parsed = parseUri(uri);
    return parsed ? yes(E164.test(parsed.user ?? '')) : -2;
  }),
  fn('is-e164', 'An E.164 number.', [['number', 'string']], 's32', (_ctx, number) => yes(E164.test(number))),
  fn('uri-param', 'The R-URI has the parameter.', [['name', 'string']], 's32', (ctx, name) => {
    const params = ruriParams(ctx);
    return params ? yes(params.has(name.toLowerCase())) : -2;
  }),
  fn(
    'uri-param-value',
    'The R-URI parameter has the value.',
    [
      ['name', 'string'],
      ['value', 'string'],
    ],
    's32',
    (ctx, name, value) => {
      const params = ruriParams(ctx);
      return params ? yes(params.get(name.toLowerCase()) === value) : -2;
    },
  ),
  fn('add-uri-param', 'Append a parameter to the R-URI.', [['param', 'string']], 's32', (ctx, param) => {
    const request = ctx.request;
    const uri = request?.parsedUri;
    const m = /^([^=;\s]+)(?:=([^;\s]*))?$/.exec(param);
    if (!uri || !m) return -1;
    const params = new Map(uri.params);
    params.set(m[1].toLowerCase(), m[2] ?? '');
    return request!.setUri(formatUri({ ...uri, params })) ? 1 : -1;
  }),
  fn('cmp-uri', 'Equal URIs (RFC 3261 19.1.4).', URI_PAIR, 's32', (_ctx, a, b) =>
    compareUris(a, b, uriEquals),
  ),
  fn('cmp-aor', 'Same user and host.', URI_PAIR, 's32', (_ctx, a, b) =>
    compareUris(a, b, (ua, ub) => ua.user === ub.user && ua.host.toLowerCase() === ub.host.toLowerCase()),
  ),
]);
