// Dialog pinning through Record-Route: the proxy records `;kwv=<version>.<mac>` in its Record-Route URI,
// the UAs send it back in the Route of every in-dialog request, and the selector runs that request on the
// named version while the version may still take dialogs (registry.dialogScript).
//
// The value is a claim a UA carries, so it is authenticated (issue 11): the MAC (HMAC-SHA256 with the
// dialog pin key, pin-key.ts, truncated) covers the tenant, the version and the dialog's Call-ID. A UA can
// neither write a version of its choosing, nor move a value it saw to another dialog or another tenant.
// The value is read only from the top Route entry when that entry names this server (the entry loose
// routing removes as ours); a kwv in any other entry belongs to someone else and selects nothing here.
import { createHmac, type KeyObject, timingSafeEqual } from 'node:crypto';
import type { SipRequest, SipUri } from '../sip/index.ts';
import { parseUri } from '../sip/index.ts';

export const DIALOG_VERSION_PARAM = 'kwv';
/** 96 bits of HMAC-SHA256: a forgery is one guess in 2^96 per request, and the server is the only oracle. */
const MAC_BYTES = 12;
const TOKEN = /^([1-9][0-9]{0,9})\.([A-Za-z0-9_-]{16})$/;

/** What the top Route of an in-dialog request says about its version. */
export type PinClaim =
  /** No claim: not in a dialog, no Route, or our entry carries no kwv. */
  | { readonly kind: 'none' }
  /** A value this server minted for this tenant and this dialog. */
  | { readonly kind: 'pinned'; readonly version: number }
  /**
   * A value ignored (the request goes to the active version): `unverified` (malformed, forged, or minted
   * for another dialog or tenant), `not-ours` (a kwv in a top Route that does not name this server).
   */
  | { readonly kind: 'refused'; readonly reason: PinRefusal };

export type PinRefusal = 'unverified' | 'not-ours' | 'revoked';

/** Whether a Route URI names this server (router/myself.ts: a listen address or a configured domain). */
export type IsOwnUri = (uri: SipUri) => boolean;

const NONE: PinClaim = { kind: 'none' };

export class DialogPins {
  readonly #key: KeyObject;

  /** `key`: a KeyObject made once (a Buffer key costs a KeyObject per MAC). */
  constructor(key: KeyObject) {
    this.#key = key;
  }

  /** The URI parameter the proxy's Record-Route entries carry for a dialog of `tenant` on `version`. */
  routeParam(tenant: string, version: number, callId: string): string {
    return `${DIALOG_VERSION_PARAM}=${version}.${this.#mac(tenant, version, callId).toString('base64url')}`;
  }

  /** What `request` (of `tenant`) claims in its top Route entry, verified. */
  claim(request: SipRequest, tenant: string, isOwn: IsOwnUri): PinClaim {
    if (request.to?.tag === undefined) return NONE;
    const top = request.routes?.[0];
    if (!top) return NONE;
    const uri = parseUri(top.uri);
    const value = uri?.params.get(DIALOG_VERSION_PARAM);
    if (uri === undefined || value === undefined) return NONE;
    if (uri.scheme === 'tel' || !isOwn(uri)) return { kind: 'refused', reason: 'not-ours' };
    const m = TOKEN.exec(value);
    if (!m) return { kind: 'refused', reason: 'unverified' };
    const version = Number(m[1]);
    const given = Buffer.from(m[2], 'base64url');
    const expected = this.#mac(tenant, version, request.callId);
    if (given.length !== MAC_BYTES || !timingSafeEqual(given, expected))
      return { kind: 'refused', reason: 'unverified' };
    return { kind: 'pinned', version };
  }

  #mac(tenant: string, version: number, callId: string): Buffer {
    // Tenant names and Call-IDs hold no NUL: the fields cannot run into each other.
    return createHmac('sha256', this.#key)
      .update(`${tenant}\0${version}\0${callId}`)
      .digest()
      .subarray(0, MAC_BYTES);
  }
}
