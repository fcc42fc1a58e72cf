// Dialog pinning through Record-Route: the proxy records `;kwv=<version>` in its Record-Route URI, the UAs
// send it back in the Route of every in-dialog request, and the selector runs that request on the named
// version while the version is still loaded (active, pinned, or within the tenant's dialog grace period).
// A UA could name another loaded version of the same tenant, never another tenant's.
import type { SipRequest } from '../sip/index.ts';
import { parseUri } from '../sip/index.ts';

export const DIALOG_VERSION_PARAM = 'kwv';

/** The URI parameter the record-route function adds for a script's version (`kwv=7`). */
export function dialogRouteParam(version: number): string {
  return `${DIALOG_VERSION_PARAM}=${version}`;
}

/** The version an in-dialog request names in its top Route entry (ours, after loose routing), if any. */
export function dialogVersion(request: SipRequest): number | undefined {
  if (request.to?.tag === undefined) return undefined;
  const top = request.routes?.[0];
  if (!top) return undefined;
  const value = parseUri(top.uri)?.params.get(DIALOG_VERSION_PARAM);
  if (value === undefined || !/^[1-9][0-9]{0,9}$/.test(value)) return undefined;
  return Number(value);
}
