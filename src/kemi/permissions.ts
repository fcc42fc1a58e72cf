// KSR permissions: Kamailio's address checks against the context tenant's address table
// (src/state/address-store.ts). allow-source-address and allow-address answer 1 or -1; the *-group
// functions the matching row's group or -1. Kamailio writes a row's tag to peer_tag_avp only when that
// parameter is set, which it is not by default; kemi-wasm has no AVPs, so a tag is for the operator's
// listings only (docs/ksr-api.md). A -1 is counted per tenant (metrics), never logged: it is the answer
// to an unknown peer, which any stranger can cause.
import { type AddressIndex, parseIp } from '../state/index.ts';
import type { RouteContext } from './context.ts';
import { defineModule } from './define.ts';
import { hostLog } from './host-log.ts';

/** The function names a denial is counted under. */
export type PermissionCheck =
  | 'allow-source-address'
  | 'allow-address'
  | 'allow-source-address-group'
  | 'allow-address-group';

/** The context tenant's address table, or undefined (logged) on a server or context without one. */
function tenantIndex(ctx: RouteContext): AddressIndex | undefined {
  const store = ctx.host.permissions?.store;
  const tenant = ctx.tenant;
  if (store === undefined || tenant === undefined) {
    hostLog(
      ctx,
      'error',
      'permissions',
      { ksr: 'permissions' },
      'permissions: no address table for this route (no tenant, or a server without one)',
    );
    return undefined;
  }
  return store.index(tenant);
}

/** Counts a -1 of `check` for the context's tenant and returns it. */
function denied(ctx: RouteContext, check: PermissionCheck): -1 {
  const counts = ctx.host.permissions?.denied;
  if (counts !== undefined && ctx.tenant !== undefined) {
    const tenant = counts[ctx.tenant] ?? {};
    counts[ctx.tenant] = tenant;
    tenant[check] = (tenant[check] ?? 0) + 1;
  }
  return -1;
}

function allowAddress(
  ctx: RouteContext,
  check: PermissionCheck,
  group: number,
  addr: string,
  port: number,
): number {
  const index = tenantIndex(ctx);
  if (index === undefined) return denied(ctx, check);
  const ip = parseIp(addr);
  const row = ip === undefined ? index.matchName(group, addr, port) : index.match(group, ip, port);
  return row === undefined ? denied(ctx, check) : 1;
}

function addressGroup(ctx: RouteContext, check: PermissionCheck, addr: string, port: number): number {
  const index = tenantIndex(ctx);
  if (index === undefined) return denied(ctx, check);
  const ip = parseIp(addr);
  const row = ip === undefined ? index.findGroupByName(addr, port) : index.findGroup(ip, port);
  return row === undefined ? denied(ctx, check) : row.group;
}

export const permissions = defineModule('permissions', {
  'allow-source-address': (ctx, group) =>
    allowAddress(ctx, 'allow-source-address', group, ctx.source.remote.address, ctx.source.remote.port),
  'allow-address': (ctx, group, addr, port) => allowAddress(ctx, 'allow-address', group, addr, port),
  'allow-source-address-group': (ctx) =>
    addressGroup(ctx, 'allow-source-address-group', ctx.source.remote.address, ctx.source.remote.port),
  'allow-address-group': (ctx, addr, port) => addressGroup(ctx, 'allow-address-group', addr, port),
});
