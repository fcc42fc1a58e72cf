// Loose routing (RFC 3261 16.4, 16.6 steps 6-7, 16.12) with the return codes of Kamailio's loose_route:
// a Request-URI that is one of our Record-Route entries means a strict router sent the request (its real
// target is the last Route); a first Route naming us is ours to remove (the pair of a double
// record-route); the next Route is the next hop, sent to as a loose router ($du) or, without `lr`, as a
// strict one (it becomes the Request-URI and the old one the last Route).
import { parseUri, type SipRequest, type SipUri } from '../sip/index.ts';

export interface LooseRouteOutcome {
  /**
   * 1 routed by the Route set; -1 no Route header (or, for an initial request, only our own, now removed);
   * -3 an initial request routed by a preloaded Route set.
   */
  readonly code: 1 | -1 | -3;
  /** The next hop when it is a loose router: the destination URI to set ($du). */
  readonly dstUri: string | undefined;
  /** URI parameters of our own entry that was removed ("lr;ftag=..."), for check-route-param. */
  readonly localParams: string | undefined;
}

const NO_ROUTE: LooseRouteOutcome = { code: -1, dstUri: undefined, localParams: undefined };

/** Routes `request` by its Route headers, in place; `isMyself` says whether a URI names this server. */
export function looseRoute(request: SipRequest, isMyself: (uri: SipUri) => boolean): LooseRouteOutcome {
  if (request.routes === undefined) return NO_ROUTE;
  const inDialog = request.to?.tag !== undefined;
  let localParams: string | undefined;

  // 16.4: a strict router before us put our Record-Route entry in the Request-URI.
  const ruri = request.parsedUri;
  if (ruri !== undefined && ruri.scheme !== 'tel' && ruri.params.has('lr') && isMyself(ruri)) {
    const values = request.getAll('Route');
    const last = request.routes.at(-1)!;
    localParams = uriParams(request.uri);
    request.setUri(last.uri);
    request.removeHeader('Route');
    for (const value of values.slice(0, -1)) request.appendHeader('Route', value);
  }

  // 16.4: our own entry (two with r2=on) on top of the Route set is removed.
  let routes = request.routes;
  const first = routes && parseUri(routes[0].uri);
  if (first !== undefined && first.scheme !== 'tel' && isMyself(first)) {
    localParams = uriParams(routes![0].uri);
    request.removeFirstValue('Route');
    routes = request.routes;
    const second = first.params.has('r2') && routes ? parseUri(routes[0].uri) : undefined;
    if (second !== undefined && second.scheme !== 'tel' && isMyself(second)) {
      request.removeFirstValue('Route');
      routes = request.routes;
    }
  }
  if (routes === undefined) return { code: inDialog ? 1 : -1, dstUri: undefined, localParams };

  // 16.6 steps 6-7: the next Route is the next hop.
  const code = inDialog ? 1 : -3;
  const next = routes[0].uri;
  if (parseUri(next)?.params.has('lr')) return { code, dstUri: next, localParams };
  request.appendHeader('Route', `<${request.uri}>`);
  request.setUri(next);
  request.removeFirstValue('Route');
  return { code, dstUri: undefined, localParams };
}

/** The parameters of a SIP URI as written, without the leading ";" ("lr;ftag=x"); "" when none. */
export function uriParams(uri: string): string {
  const start = uri.indexOf(';', Math.max(uri.indexOf('@'), 0));
  if (start < 0) return '';
  const headers = uri.indexOf('?', start);
  return uri.slice(start + 1, headers < 0 ? undefined : headers);
}
