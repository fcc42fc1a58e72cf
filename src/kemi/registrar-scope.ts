// The registrar's view of the location service: a table name checked, the route's tenant, its settings,
// and the address-of-record a URI is keyed by (Kamailio's usrloc with use_domain on).
import { err, ok, type Result } from '../result.ts';
import { parseUri } from '../sip/index.ts';
import type { LocationBackend, RegistrarSettings } from '../state/index.ts';
import type { RouteContext } from './context.ts';

const TABLE = /^[A-Za-z0-9_]{1,64}$/;

/**
 * The address-of-record of a sip: or sips: URI as usrloc keys it: "user@host" (or "host"), the host in lower
 * case, the user with its escapes normalised; scheme, port and parameters do not count (Kamailio's default,
 * use_domain on). Undefined for anything else.
 */
export function addressOfRecord(text: string): string | undefined {
  const uri = parseUri(text) ?? (text.includes(':') ? undefined : parseUri(`sip:${text}`));
  if (uri === undefined || uri.scheme === 'tel' || uri.host === '') return undefined;
  const host = uri.host.toLowerCase();
  return uri.user === undefined ? host : `${normalizeUser(uri.user)}@${host}`;
}

function normalizeUser(user: string): string {
  if (user.indexOf('%') < 0) return user;
  return user.replace(/%([0-9a-fA-F]{2})/g, (written, hex: string) => {
    const c = String.fromCharCode(Number.parseInt(hex, 16));
    return /[A-Za-z0-9\-_.!~*'()]/.test(c) ? c : written.toUpperCase();
  });
}

export interface Scope {
  readonly store: LocationBackend;
  readonly settings: RegistrarSettings;
  readonly tenant: string;
  readonly refused: Record<string, Record<string, number>>;
}

/** The tenant's location scope, or why there is none. */
export function scopeOf(ctx: RouteContext, table: string): Result<Scope, string> {
  const location = ctx.host.location;
  if (!location) return err('this server has no location service');
  if (ctx.tenant === undefined) return err('the route has no tenant');
  if (!TABLE.test(table)) return err(`table '${table.slice(0, 80)}' is not 1-64 letters, digits or "_"`);
  return ok({
    store: location.store,
    settings: location.settings(ctx.tenant),
    tenant: ctx.tenant,
    refused: location.refused,
  });
}
