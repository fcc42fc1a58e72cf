// KSR rr: Record-Route and loose routing (Kamailio's rr module, RFC 3261 16.4, 16.6, 16.12). record-route
// only records the wish: the entries are written per branch when it is sent, with the listener it leaves
// from (two entries when the transport or interface changes). Return codes are Kamailio's. Parameters and
// preset addresses end up in every branch's Record-Route, so they are held to the message's limits
// (message-budget.ts) when recorded, and one longer than a whole message is refused before it is parsed.
import { parseUri } from '../sip/index.ts';
import { looseRoute } from '../tm/index.ts';
import type { RecordRouteState, RouteContext } from './context.ts';
import { defineModule } from './define.ts';
import { followInDialog } from './dialog-tracking.ts';
import { hostLog } from './host-log.ts';
import { inputFits, messageFits } from './message-budget.ts';

const yes = (test: boolean) => (test ? 1 : -1);
const NONE: RecordRouteState = { enabled: false, params: '', preset: undefined };

/** ";name" or ";name=value" runs of URI parameter characters (RFC 3261 25.1 paramchar). */
const PARAMS = /^(;[A-Za-z0-9\-_.!~*'()%[\]/:&+$]+(=[A-Za-z0-9\-_.!~*'()%[\]/:&+$"]*)?)+$/;
/** host[:port][;params] for record-route-preset: no scheme, no brackets, no spaces. */
const ADDRESS = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-.]+)(:[0-9]{1,5})?(;[^\s<>,;]+)*$/;

function recordable(ctx: RouteContext, ksr: string): boolean {
  const method = ctx.request?.method;
  if (method === undefined || ctx.kind === 'reply' || ctx.kind === 'onreply') {
    hostLog(ctx, 'error', ksr, { ksr }, 'only a request can be record-routed');
    return false;
  }
  return true;
}

/** Whether `added` more octets in the Record-Route entries keep the message within its limits. */
function recordFits(ctx: RouteContext, ksr: string, added: number): boolean {
  if (!inputFits(ctx, ksr, added)) return false;
  const rr = ctx.relay.recordRoute;
  const held = (rr?.params.length ?? 0) + (rr?.preset?.reduce((n, a) => n + a.length, 0) ?? 0);
  return messageFits(ctx, ksr, 0, held + added);
}

function record(ctx: RouteContext, change: (rr: RecordRouteState) => RecordRouteState): number {
  ctx.relay.recordRoute = change(ctx.relay.recordRoute ?? NONE);
  return 1;
}

export const rr = defineModule('rr', {
  'record-route': (ctx) =>
    recordable(ctx, 'record-route') ? record(ctx, (r) => ({ ...r, enabled: true, preset: undefined })) : -1,
  'record-route-params': (ctx, params) => {
    if (!recordable(ctx, 'record-route-params') || !recordFits(ctx, 'record-route-params', params.length))
      return -1;
    if (params !== '' && !PARAMS.test(params)) {
      hostLog(
        ctx,
        'error',
        'record-route-params',
        { ksr: 'record-route-params' },
        `'${params}' is not ;name=value parameters`,
      );
      return -1;
    }
    return record(ctx, (r) => ({ enabled: true, params: r.params + params, preset: undefined }));
  },
  'record-route-preset': (ctx, addr1, addr2) => {
    if (
      !recordable(ctx, 'record-route-preset') ||
      !recordFits(ctx, 'record-route-preset', addr1.length + addr2.length)
    )
      return -1;
    const addresses = addr2 === '' ? [addr1] : [addr1, addr2];
    const bad = addresses.find((a) => !ADDRESS.test(a));
    if (bad !== undefined) {
      hostLog(
        ctx,
        'error',
        'record-route-preset',
        { ksr: 'record-route-preset' },
        `'${bad}' is not host[:port][;params] (no scheme)`,
      );
      return -1;
    }
    return record(ctx, (r) => ({ ...r, enabled: true, preset: addresses }));
  },
  'remove-record-route': (ctx) => {
    ctx.relay.recordRoute = undefined;
    return 1;
  },
  'add-rr-param': (ctx, param) => {
    if (!recordable(ctx, 'add-rr-param') || !recordFits(ctx, 'add-rr-param', param.length)) return -1;
    if (!PARAMS.test(param)) {
      hostLog(
        ctx,
        'error',
        'add-rr-param',
        { ksr: 'add-rr-param' },
        `'${param}' is not ;name=value parameters`,
      );
      return -1;
    }
    return record(ctx, (r) => ({ ...r, params: r.params + param }));
  },
  'loose-route': (ctx) => {
    const request = ctx.request;
    if (!request || ctx.kind !== 'request') {
      hostLog(
        ctx,
        'error',
        'loose-route',
        { ksr: 'loose-route' },
        'loose-route runs on requests in the request route',
      );
      return -1;
    }
    const outcome = looseRoute(request, (uri) => ctx.host.isMyself(uri.host, uri.port));
    if (outcome.dstUri !== undefined) ctx.relay.dstUri = outcome.dstUri;
    if (outcome.localParams !== undefined) {
      ctx.relay.localRouteParams = outcome.localParams;
      // Our own Route entry: the dialog module follows the request (Kamailio's rr callback dlg_onroute).
      followInDialog(ctx);
    }
    return outcome.code;
  },
  'check-route-param': (ctx, re) => {
    const params = ctx.relay.localRouteParams;
    if (params === undefined) return -1;
    const matched = ctx.host.regexes.test(re, params);
    if (!matched.ok) {
      hostLog(ctx, 'error', 'check-route-param', { ksr: 'check-route-param' }, matched.error);
      return -1;
    }
    return yes(matched.value);
  },
  'is-direction': (ctx, dir) => {
    if (dir !== 'downstream' && dir !== 'upstream') {
      hostLog(
        ctx,
        'error',
        'is-direction',
        { ksr: 'is-direction' },
        `direction '${dir}' is not downstream or upstream`,
      );
      return -1;
    }
    const ftag =
      ctx.relay.localRouteParams && parseUri(`sip:x;${ctx.relay.localRouteParams}`)?.params.get('ftag');
    if (ftag === undefined) return -1;
    const downstream = ftag === ctx.msg.from?.tag;
    return yes(dir === 'downstream' ? downstream : !downstream);
  },
});
