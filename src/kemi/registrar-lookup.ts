// KSR registrar lookups (Kamailio 5.6's src/modules/registrar/lookup.c): the best binding's contact becomes
// the R-URI, the others are appended as branches (t-relay forks to all; t-load-contacts orders them for
// serial forking). Each branch's next hop is the binding's registered Path (sent as its Route set), else its
// `received` address (the source a NATed UA registered from), else the contact itself.
import { parseNameAddr, type SipRequest } from '../sip/index.ts';
import { type Awaitable, andThen, type Binding } from '../state/index.ts';
import { type DestinationBranch, MAX_BRANCHES } from '../tm/index.ts';
import type { RouteContext } from './context.ts';
import { hostLog } from './host-log.ts';
import { addressOfRecord, scopeOf } from './registrar-scope.ts';

/** Bindings of the AoR of `uri`, or a negative code (logged); later when the store is remote. */
function bindingsOf(
  ctx: RouteContext,
  ksr: string,
  table: string,
  uri: string,
): Awaitable<Binding[] | number> {
  const scoped = scopeOf(ctx, table);
  if (!scoped.ok) {
    hostLog(ctx, 'error', ksr, { ksr }, scoped.error);
    return -3;
  }
  const scope = scoped.value;
  const aor = addressOfRecord(uri);
  if (aor === undefined) {
    hostLog(ctx, 'error', ksr, { ksr }, `'${uri.slice(0, 80)}' is not a sip: or sips: URI`);
    return -3;
  }
  const failed = (err: unknown) => {
    hostLog(ctx, 'error', ksr, { ksr, err }, 'the location store failed');
    return -3;
  };
  try {
    const found = scope.store.bindings(scope.tenant, table, aor);
    return found instanceof Promise ? found.catch(failed) : found;
  } catch (err) {
    return failed(err);
  }
}

/** lookup.c allowed_method: with method_filtering on, only bindings whose UA accepts the method. */
function allowed(b: Binding, method: string, filtering: boolean): boolean {
  return !filtering || b.methods === undefined || b.methods.split(',').includes(method);
}

/** The first URI of a Path (get_path_dst_uri), or undefined when it does not parse. */
function pathHop(path: string): string | undefined {
  const first = path.split(',')[0]?.trim();
  return first === undefined ? undefined : parseNameAddr(first)?.uri;
}

/** The branch a binding becomes: its contact, with its Path or received address as the next hop. */
function branchOf(b: Binding): DestinationBranch {
  if (b.path !== undefined)
    return { uri: b.contact, dstUri: pathHop(b.path), q: b.q, flags: b.flags ?? 0, path: b.path };
  return { uri: b.contact, dstUri: b.received, q: b.q, flags: b.flags ?? 0 };
}

/** lookup / lookup_uri: 1 found, -1 none, -2 only bindings that do not allow the method, -3 error. */
export function lookup(
  ctx: RouteContext,
  ksr: string,
  table: string,
  uri: string | undefined,
): Awaitable<number> {
  const request = ctx.request;
  if (!request) {
    hostLog(ctx, 'error', ksr, { ksr }, 'only a request can be looked up');
    return -3;
  }
  return andThen(bindingsOf(ctx, ksr, table, uri ?? request.uri), (found) =>
    typeof found === 'number' ? found : route(ctx, ksr, request, found),
  );
}

/** The found bindings become the R-URI and branches (lookup.c lookup_helper's second half). */
function route(ctx: RouteContext, ksr: string, request: SipRequest, found: Binding[]): number {
  const filtering = ctx.host.location?.settings(ctx.tenant!).methodFiltering === 1;
  const usable = found.filter((b) => allowed(b, request.method, filtering));
  if (usable.length === 0) return found.length === 0 ? -1 : -2;
  const [first, ...rest] = usable.map(branchOf);
  if (!request.setUri(first.uri)) {
    hostLog(ctx, 'error', ksr, { ksr }, `the contact '${first.uri}' is not a URI`);
    return -3;
  }
  // lookup.c: reset_dst_uri, then the Path's first hop or the received address.
  ctx.relay.dstUri = first.dstUri;
  ctx.relay.ruriPath = first.path;
  ctx.relay.ruriQ = first.q;
  // lookup.c: the binding's cflags become the R-URI branch's flags (so a script sees its nat_bflag).
  ctx.flags.branch = first.flags;
  ctx.relay.appended ??= [];
  for (const b of rest) {
    if (ctx.relay.appended.length + 1 >= MAX_BRANCHES) {
      hostLog(ctx, 'warn', ksr, { ksr }, `only ${MAX_BRANCHES} branches: ${usable.length} bindings found`);
      break;
    }
    ctx.relay.appended.push(b);
  }
  return 1;
}

/** registered / registered_uri: 1 if the AoR has bindings, else -1. */
export function registered(
  ctx: RouteContext,
  ksr: string,
  table: string,
  uri: string | undefined,
): Awaitable<number> {
  const text = uri ?? ctx.request?.uri;
  if (text === undefined) {
    hostLog(ctx, 'error', ksr, { ksr }, 'not a request: give the URI');
    return -1;
  }
  return andThen(bindingsOf(ctx, ksr, table, text), (found) =>
    typeof found !== 'number' && found.length > 0 ? 1 : -1,
  );
}
