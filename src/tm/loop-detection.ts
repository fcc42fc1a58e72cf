// Loop detection (RFC 3261 16.3 step 4 with the branch calculation of 16.6 step 8). Every branch this proxy
// sends carries, after its unique part, a hash of the request as the proxy received it: To tag, From tag,
// Call-ID, Request-URI, the top Via (sent-by and branch), CSeq number, Proxy-Require and
// Proxy-Authorization. When a request comes in with a Via of ours, the same hash is computed on it, taking
// as "top Via" the one right below ours (the top Via of the request we received then). Equal: the request
// came back unchanged, a loop (482). Different (the Request-URI was rewritten, say): a spiral, processed.
// The hash is deterministic, so any process of the server can verify a branch another one minted. It is
// not a secret and need not resist forgery: forging one only gets the forger's own request a 482. Two
// 32-bit FNV-1a lanes: a few hundred nanoseconds per request, where a crypto hash costs microseconds.
import { hex32 } from '../hex-digits.ts';
import type { SipRequest, Via } from '../sip/index.ts';

/** The loop part of a branch: after the unique part, `.l` and 16 hex digits. */
const LOOP_TAG = /\.l([0-9a-f]{16})$/;
const LOOP_TAG_ANYWHERE = /\.l[0-9a-f]{16}/;

/** The value a branch carries for `request` as received (its own top Via). */
export function loopTag(request: SipRequest): string {
  return loopHash(request, request.via);
}

/** The branch suffix carrying `tag`. */
export function loopSuffix(tag: string): string {
  return ['.l', tag].join(''); // one flat string, kept by its transaction (see newBranchId)
}

/**
 * Whether `request` looped: one of its Via values is ours (`mine`) and its branch holds the hash of this
 * request computed with the Via below it as the top one.
 */
export function hasLooped(request: SipRequest, mine: (via: Via) => boolean): boolean {
  // Most requests carry no branch of ours: the raw values say so before any Via is parsed.
  if (!request.getFieldValues('Via').some((v) => LOOP_TAG_ANYWHERE.test(v))) return false;
  const vias = request.vias;
  if (vias === undefined) return false;
  for (let i = 0; i + 1 < vias.length; i++) {
    const found = LOOP_TAG.exec(vias[i].branch ?? '');
    if (found === null || !mine(vias[i])) continue;
    if (loopHash(request, vias[i + 1]) === found[1]) return true;
  }
  return false;
}

// The two lanes, mixed part by part (no array of parts, no joined or lower-cased copies: this runs for every
// request a transaction is made for).
let laneA = 0;
let laneB = 0;

function loopHash(request: SipRequest, topVia: Via): string {
  laneA = 0x811c9dc5;
  laneB = 0x6a09e667;
  mixPart(request.to?.tag ?? '');
  mixPart(request.from?.tag ?? '');
  mixPart(request.callId);
  mixPart(request.uri);
  mixLowerCase(topVia.host);
  mixPart(topVia.port === undefined ? '' : String(topVia.port));
  mixPart(topVia.branch ?? '');
  mixPart(String(request.cseq.seq));
  mixValues(request.getFieldValues('Proxy-Require'));
  mixValues(request.getFieldValues('Proxy-Authorization'));
  return [hex32(laneA), hex32(laneB)].join('');
}

function mix(c: number): void {
  laneA = Math.imul(laneA ^ c, 0x01000193);
  laneB = Math.imul(laneB ^ c, 0x5bd1e995);
}

/** The part's characters, then a line end. */
function mixPart(part: string): void {
  for (let i = 0; i < part.length; i++) mix(part.charCodeAt(i));
  mix(10);
}

/** As mixPart(part.toLowerCase()). */
function mixLowerCase(part: string): void {
  for (let i = 0; i < part.length; i++) {
    const c = part.charCodeAt(i);
    if (c > 0x7f) {
      mixPart(part.toLowerCase()); // lower-casing beyond ASCII is toLowerCase's
      return;
    }
  }
  for (let i = 0; i < part.length; i++) {
    const c = part.charCodeAt(i);
    mix(c >= 65 && c <= 90 ? c + 32 : c);
  }
  mix(10);
}

/** As mixPart(values.join(',')). */
function mixValues(values: readonly string[]): void {
  for (let v = 0; v < values.length; v++) {
    if (v > 0) mix(44);
    const value = values[v];
    for (let i = 0; i < value.length; i++) mix(value.charCodeAt(i));
  }
  mix(10);
}
