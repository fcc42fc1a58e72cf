// Kamailio's rtpengine flag strings ("replace-origin replace-session-connection ICE=remove RTP/AVP
// direction=external trust-address") as entries of an ng command dictionary, the way Kamailio 5.6's
// rtpengine module turns them: list prefixes (replace-, rtcp-mux-, SDES-, codec-strip- ...) and list keys
// (direction=) append to their list, a transport protocol sets transport-protocol, a known key=value sets
// that key, any other key=value passes through as a string, any other bare word joins `flags`. Kamailio's
// own flags (via-branch=, call-id=, from-tag=, to-tag=) are kept apart for the caller.
import { err, ok, type Result } from '../result.ts';
import type { BDict, BValue } from './bencode.ts';

/** Flags Kamailio itself acts on instead of passing them to rtpengine. */
export interface KamailioFlags {
  /** `via-branch=1|2|auto`: which Via's branch identifies the call leg. */
  viaBranch?: string;
  callId?: string;
  fromTag?: string;
  toTag?: string;
}

export interface ParsedFlags {
  /** Entries for the ng dictionary. */
  readonly entries: BDict;
  readonly own: KamailioFlags;
}

/** Kamailio passes at most this much of a flag string; longer is a script mistake. */
export const MAX_FLAGS_BYTES = 4096;

const TRANSPORTS = new Set([
  'RTP/AVP',
  'RTP/SAVP',
  'RTP/AVPF',
  'RTP/SAVPF',
  'UDP/TLS/RTP/SAVP',
  'UDP/TLS/RTP/SAVPF',
]);

/** Bare-word prefixes whose rest is an item of a list (`replace-origin` -> replace: [origin]). */
const LIST_PREFIXES: readonly (readonly [prefix: string, key: string])[] = [
  ['replace-', 'replace'],
  ['rtcp-mux-', 'rtcp-mux'],
  ['SDES-', 'SDES'],
  ['T38-', 'T.38'],
  ['OSRTP-', 'OSRTP'],
];

/** `codec-<verb>-<codec>` -> codec: { <verb>: [<codec>] }. */
const CODEC_VERBS = new Set(['strip', 'offer', 'transcode', 'mask', 'set', 'except', 'consume', 'accept']);

/** key=value pairs whose value is an item of a list. */
const LIST_KEYS = new Set(['direction']);

export function parseFlags(text: string): Result<ParsedFlags, string> {
  if (text.length > MAX_FLAGS_BYTES) return err(`the flags are longer than ${MAX_FLAGS_BYTES} bytes`);
  const entries: BDict = {};
  const own: KamailioFlags = {};
  const list = (key: string): BValue[] => {
    const existing = entries[key];
    if (Array.isArray(existing)) return existing;
    const created: BValue[] = [];
    entries[key] = created;
    return created;
  };
  for (const token of text.split(/[ \t\r\n]+/)) {
    if (token === '') continue;
    const eq = token.indexOf('=');
    const key = eq < 0 ? token : token.slice(0, eq);
    const value = eq < 0 ? undefined : token.slice(eq + 1);
    if (key === '') return err(`'${token}' has no name`);
    if (value === '') return err(`'${token}' has no value`);
    if (value === undefined) {
      if (TRANSPORTS.has(key)) {
        entries['transport-protocol'] = key;
        continue;
      }
      const prefixed = LIST_PREFIXES.find(([prefix]) => key.startsWith(prefix) && key.length > prefix.length);
      if (prefixed) {
        list(prefixed[1]).push(key.slice(prefixed[0].length));
        continue;
      }
      const codec = /^codec-([a-z]+)-(.+)$/.exec(key);
      if (codec && CODEC_VERBS.has(codec[1])) {
        if (typeof entries.codec !== 'object' || Array.isArray(entries.codec)) entries.codec = {};
        const dict = entries.codec as BDict;
        const items = Array.isArray(dict[codec[1]]) ? (dict[codec[1]] as BValue[]) : [];
        items.push(codec[2]);
        dict[codec[1]] = items;
        continue;
      }
      list('flags').push(key);
      continue;
    }
    switch (key) {
      case 'via-branch':
        if (!['1', '2', 'auto'].includes(value)) return err(`via-branch=${value} is not 1, 2 or auto`);
        own.viaBranch = value;
        break;
      case 'call-id':
        own.callId = value;
        break;
      case 'from-tag':
        own.fromTag = value;
        break;
      case 'to-tag':
        own.toTag = value;
        break;
      default:
        if (LIST_KEYS.has(key)) list(key).push(value);
        else entries[key] = value;
    }
  }
  return ok({ entries, own });
}
