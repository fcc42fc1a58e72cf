// Digest nonces that verify themselves (Kamailio's auth nonce.c, nid.c, nc.c, ot_nonce.c in spirit): a
// nonce carries its expiry and an index, sealed with an HMAC under the server secret, so issuing one keeps
// no state and a forged or altered nonce is refused. Optional extra checks (Kamailio's auth_checks_*: the
// R-URI, Call-ID, From tag and source IP of the challenged request) are sealed by a second MAC: a nonce
// reused by another request verifies as stale, and the client is challenged again.
//
// Replay protection keeps a fixed-size table (`trackedNonces` slots, 8 bytes each) indexed by the nonce's
// index: the slot remembers which nonce owns it and the highest nonce-count (nc) it accepted, or that a
// one-time nonce was used. A nonce whose slot was taken over by a newer one (more nonces in flight than
// slots), or one issued before this process started (its boot id differs: the table is not kept), verifies
// as stale: the client recomputes its credentials without asking the user (RFC 2617 3.2.1 stale=true).
import { createHmac, createSecretKey, type KeyObject, randomBytes, timingSafeEqual } from 'node:crypto';

export interface NonceSettings {
  /** Seconds a nonce is valid (Kamailio's nonce_expire). */
  readonly expireS: number;
  /** A nonce whose expiry lies further ahead than expireS + this is stale (nonce_auth_max_drift). */
  readonly maxDriftS: number;
  /** Track nc: a response must carry a higher nc than any accepted before with the same nonce. */
  readonly nonceCount: boolean;
  /** A nonce answered without nc is accepted once (one_time_nonce). */
  readonly oneTimeNonce: boolean;
  /** Slots of the replay table (nc_array_size); memory is 8 bytes per slot. */
  readonly trackedNonces: number;
}

export const DEFAULT_NONCE_SETTINGS: NonceSettings = {
  expireS: 300,
  maxDriftS: 3,
  nonceCount: true,
  oneTimeNonce: false,
  trackedNonces: 65_536,
};

/**
 * What a nonce is worth: `ok`; `forged` (not ours, or altered: Kamailio's invalid nonce, auth code -1);
 * `stale` (expired, its extra checks fail, or its replay slot is gone: -4, challenge with stale=true);
 * `reused` (an nc not above the last one accepted, or a one-time nonce used again: -6).
 */
export type NonceVerdict = 'ok' | 'forged' | 'stale' | 'reused';

/** Extra-check bits sealed into a nonce (Kamailio's auth_checks_* values). */
export const NONCE_CHECK_RURI = 1;
export const NONCE_CHECK_CALL_ID = 2;
export const NONCE_CHECK_FROM_TAG = 4;
export const NONCE_CHECK_SOURCE_IP = 8;

const VERSION = 1;
const TRACKED = 1;
// version, checks, flags, boot id (4), expires (4), index (4)
const HEAD_BYTES = 15;
const MAC_BYTES = 16;
const CHECK_MAC_BYTES = 8;

export class NonceIssuer {
  readonly settings: NonceSettings;
  readonly #key: KeyObject;
  readonly #now: () => number;
  /** Random per process: nonces of an earlier run cannot be matched against this run's replay table. */
  readonly #bootId = randomBytes(4).readUInt32BE(0);
  /** Which nonce index owns each slot (0: none). */
  readonly #owner: Uint32Array;
  /** The highest nc accepted for the slot's nonce; for a one-time nonce, 1 once used. */
  readonly #count: Uint32Array;
  #next = 0;

  /** `secret`: the server secret (made into a KeyObject once); `now`: milliseconds of the wall clock. */
  constructor(secret: Uint8Array, settings: NonceSettings, now: () => number = Date.now) {
    this.settings = settings;
    this.#key = createSecretKey(secret);
    this.#now = now;
    const slots = this.tracking ? settings.trackedNonces : 0;
    this.#owner = new Uint32Array(slots);
    this.#count = new Uint32Array(slots);
  }

  get tracking(): boolean {
    return this.settings.nonceCount || this.settings.oneTimeNonce;
  }

  /** A fresh nonce; `checks` are the extra-check bits and `checkData` the request's values of them. */
  issue(checks: number, checkData: string): string {
    const head = Buffer.alloc(HEAD_BYTES);
    head[0] = VERSION;
    head[1] = checks & 0xff;
    head[2] = this.tracking ? TRACKED : 0;
    head.writeUInt32BE(this.#bootId, 3);
    head.writeUInt32BE(Math.floor(this.#now() / 1000) + this.settings.expireS, 7);
    let index = 0;
    if (this.tracking) {
      // Index 0 means "free slot": skip it when the counter wraps.
      this.#next = (this.#next + 1) >>> 0 || 1;
      index = this.#next;
      const slot = index % this.#owner.length;
      this.#owner[slot] = index;
      this.#count[slot] = 0;
    }
    head.writeUInt32BE(index, 11);
    const parts = [head, this.#mac('n', head, MAC_BYTES)];
    if (checks !== 0)
      parts.push(this.#mac('c', Buffer.concat([head, Buffer.from(checkData, 'latin1')]), CHECK_MAC_BYTES));
    return Buffer.concat(parts).toString('base64url');
  }

  /** The extra-check bits a nonce was issued with (0 for one that does not decode). */
  checksOf(nonce: string): number {
    const bytes = decode(nonce);
    return bytes === undefined ? 0 : bytes[1];
  }

  /**
   * Checks a nonce a client answered with: `nc` is its nonce-count (hex) when it sent a qop, `checkData`
   * the request's values of the nonce's extra checks. An `ok` answer spends the nc (or the one-time use)
   * unless `spend` is false.
   */
  verify(nonce: string, nc: string | undefined, checkData: string, spend = true): NonceVerdict {
    const bytes = decode(nonce);
    if (bytes === undefined || bytes[0] !== VERSION) return 'forged';
    const checks = bytes[1];
    const length = HEAD_BYTES + MAC_BYTES + (checks !== 0 ? CHECK_MAC_BYTES : 0);
    if (bytes.length !== length) return 'forged';
    const head = bytes.subarray(0, HEAD_BYTES);
    if (!timingSafeEqual(this.#mac('n', head, MAC_BYTES), bytes.subarray(HEAD_BYTES, HEAD_BYTES + MAC_BYTES)))
      return 'forged';
    const nowS = Math.floor(this.#now() / 1000);
    const expires = head.readUInt32BE(7);
    if (expires <= nowS || expires - nowS > this.settings.expireS + this.settings.maxDriftS) return 'stale';
    if (checks !== 0) {
      const expected = this.#mac(
        'c',
        Buffer.concat([head, Buffer.from(checkData, 'latin1')]),
        CHECK_MAC_BYTES,
      );
      if (!timingSafeEqual(expected, bytes.subarray(HEAD_BYTES + MAC_BYTES))) return 'stale';
    }
    if (head[2] !== TRACKED) return 'ok';
    // Issued tracked: without the table (tracking turned off since), or by an earlier run, it is stale.
    if (!this.tracking || head.readUInt32BE(3) !== this.#bootId) return 'stale';
    const index = head.readUInt32BE(11);
    const slot = index % this.#owner.length;
    if (this.#owner[slot] !== index) return 'stale';
    if (nc !== undefined && this.settings.nonceCount) {
      const n = Number.parseInt(nc, 16);
      if (!(n > this.#count[slot])) return 'reused';
      if (spend) this.#count[slot] = n;
      return 'ok';
    }
    if (this.settings.oneTimeNonce) {
      if (this.#count[slot] !== 0) return 'reused';
      if (spend) this.#count[slot] = 1;
    }
    return 'ok';
  }

  #mac(domain: string, data: Buffer, bytes: number): Buffer {
    return createHmac('sha256', this.#key).update(domain).update(data).digest().subarray(0, bytes);
  }
}

const MAX_NONCE_CHARS = 64;

function decode(nonce: string): Buffer | undefined {
  if (nonce.length > MAX_NONCE_CHARS || !/^[A-Za-z0-9_-]+$/.test(nonce)) return undefined;
  const bytes = Buffer.from(nonce, 'base64url');
  return bytes.length >= HEAD_BYTES + MAC_BYTES ? bytes : undefined;
}
