// A tenant's destination sets as Kamailio's dispatcher keeps them in memory (dispatch.c: pack_dest,
// add_dest2list, reindex_dests, dp_init_weights, dp_init_relative_weights): each destination's URI, state
// flags, priority and attributes, its address for ds_is_from_list, its call load; each set's destinations
// ordered as Kamailio orders them and the 100-slot weight tables algorithms 9 and 11 walk.
import { isIP } from 'node:net';
import { parseUri } from '../sip/index.ts';

/** Kamailio's destination state bits (dispatch.h). */
export const DS_INACTIVE = 1;
export const DS_TRYING = 2;
export const DS_DISABLED = 4;
export const DS_PROBING = 8;
export const DS_STATES_ALL = 31;

/** ds_skip_dst: an inactive or disabled destination is never selected. */
export const skipped = (flags: number): boolean => (flags & (DS_INACTIVE | DS_DISABLED)) !== 0;

/** Kamailio's PROTO_* numbers of a URI's transport parameter (0: none given). */
const PROTOS: Record<string, number> = { udp: 1, tcp: 2, tls: 3, sctp: 4, ws: 5, wss: 6 };
export const protoNumber = (transport: string | undefined): number =>
  transport === undefined ? 0 : (PROTOS[transport.toLowerCase()] ?? 0);

/** One destination as configured or provisioned (a line of Kamailio's dispatcher.list). */
export interface DestinationInput {
  readonly set: number;
  readonly uri: string;
  readonly flags: number;
  readonly priority: number;
  /** Kamailio's attrs: "duid=gw1;weight=50;maxload=20;socket=udp:10.0.0.1:5060" (';'-separated). */
  readonly attrs: string;
}

/** The attributes Kamailio reads out of attrs (ds_set_attrs). */
export interface DestinationAttrs {
  readonly duid: string;
  /** 1..100, 0 when absent or out of range (Kamailio ignores it). */
  readonly weight: number;
  readonly rweight: number;
  readonly maxload: number;
  readonly socket: string;
  readonly pingFrom: string;
}

export interface Destination {
  readonly set: number;
  readonly uri: string;
  readonly priority: number;
  readonly attrsBody: string;
  readonly attrs: DestinationAttrs;
  /** The host as an IP address (brackets removed), or undefined for a host name (matches no address). */
  readonly ip: string | undefined;
  /** The URI's port, 0 when it gives none (0 matches any port). */
  readonly port: number;
  /** The URI's transport as Kamailio's PROTO_* number, 0 when it gives none. */
  readonly proto: number;
  /** State bits (DS_INACTIVE ...), changed by probing and ds_mark_dst. */
  flags: number;
  /** Probing replies or failures counted toward ds_probing_threshold / ds_inactive_threshold. */
  messageCount: number;
  /** Calls this destination carries (algorithm 10). */
  load: number;
}

export interface DestinationSet {
  readonly id: number;
  /** Highest priority first; equal priorities in reverse order of their lines (as Kamailio's reindex). */
  readonly list: Destination[];
  /** Round robin position (algorithm 4). */
  last: number;
  /** Algorithm 9's table: 100 slots holding destination indexes in proportion to their weight. */
  readonly wlist: number[] | undefined;
  wlast: number;
  /** Algorithm 11's table, rebuilt when a destination with rweight changes state. */
  rwlist: number[] | undefined;
  rwlast: number;
}

function parseInt10(text: string): number {
  const m = /^\s*[+-]?\d+/.exec(text);
  return m === null ? 0 : Number.parseInt(m[0], 10);
}

/** ds_set_attrs: the attributes of `body`; weights outside 1..100 count as 0. */
export function parseAttrs(body: string): DestinationAttrs {
  const attrs = { duid: '', weight: 0, rweight: 0, maxload: 0, socket: '', pingFrom: '' };
  for (const item of body.split(';')) {
    const eq = item.indexOf('=');
    const name = (eq < 0 ? item : item.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? '' : item.slice(eq + 1).trim();
    if (name === 'duid') attrs.duid = value;
    else if (name === 'weight' || name === 'rweight') {
      const n = parseInt10(value);
      attrs[name] = n >= 1 && n <= 100 ? n : 0;
    } else if (name === 'maxload') attrs.maxload = parseInt10(value);
    else if (name === 'socket') attrs.socket = value;
    else if (name === 'ping_from') attrs.pingFrom = value;
  }
  return attrs;
}

/** A destination URI as Kamailio's pack_dest accepts it ("sip:" added to a bare host), or an error. */
export function checkDestinationUri(uri: string): { ok: true; uri: string } | { ok: false; error: string } {
  let text = uri.trim();
  if (parseUri(text) === undefined && !/^[a-z]+:/i.test(text)) text = `sip:${text}`;
  const parsed = parseUri(text);
  if (parsed === undefined || parsed.scheme === 'tel')
    return { ok: false, error: `'${uri}' is not a sip: or sips: URI` };
  return { ok: true, uri: text };
}

function packDestination(input: DestinationInput): Destination | undefined {
  const checked = checkDestinationUri(input.uri);
  if (!checked.ok) return undefined;
  const parsed = parseUri(checked.uri)!;
  const host = parsed.host.replace(/^\[(.*)\]$/, '$1');
  const body = input.attrs.endsWith(';') ? input.attrs.slice(0, -1) : input.attrs;
  return {
    set: input.set,
    uri: checked.uri,
    priority: input.priority,
    attrsBody: body,
    attrs: parseAttrs(body),
    ip: isIP(host) === 0 ? undefined : host,
    port: parsed.port ?? 0,
    proto: protoNumber(parsed.params.get('transport')),
    flags: input.flags,
    messageCount: 0,
    load: 0,
  };
}

/** Fisher-Yates over the 100 slots, as shuffle_uint100array. */
function shuffle(slots: number[]): number[] {
  for (let j = 0; j < slots.length; j++) {
    const k = j + Math.floor(Math.random() * (slots.length - j));
    [slots[j], slots[k]] = [slots[k], slots[j]];
  }
  return slots;
}

/** dp_init_weights: only when the first destination has a weight; the sum past 100 is cut, short of 100 filled by the last. */
function weightTable(list: readonly Destination[]): number[] | undefined {
  if (list.length === 0 || list[0].attrs.weight === 0) return undefined;
  const slots: number[] = [];
  for (const [j, d] of list.entries())
    for (let k = 0; k < d.attrs.weight && slots.length < 100; k++) slots.push(j);
  while (slots.length < 100) slots.push(list.length - 1);
  return shuffle(slots);
}

/** dp_init_relative_weights: the active destinations' rweights as shares of 100 slots. */
export function relativeWeightTable(list: readonly Destination[]): number[] | undefined {
  if (list.length < 2) return undefined;
  let sum = 0;
  for (const d of list) if (!skipped(d.flags)) sum += d.attrs.rweight;
  if (sum === 0) return undefined;
  const slots: number[] = [];
  for (const [j, d] of list.entries()) {
    if (skipped(d.flags)) continue;
    const slice = Math.trunc((d.attrs.rweight * 100) / sum);
    for (let k = 0; k < slice; k++) slots.push(j);
  }
  const lastInsert = slots.length > 0 ? slots[slots.length - 1] : list.length - 1;
  while (slots.length < 100) slots.push(lastInsert);
  return shuffle(slots);
}

/**
 * The sets of `inputs` in Kamailio's order. Rows whose URI does not parse are left out and returned in
 * `refused`. `previous` carries state and load over a reload for destinations that stay (same set and URI).
 */
export function buildSets(
  inputs: readonly DestinationInput[],
  previous?: ReadonlyMap<number, DestinationSet>,
): { sets: Map<number, DestinationSet>; refused: DestinationInput[] } {
  const bySet = new Map<number, Destination[]>();
  const refused: DestinationInput[] = [];
  for (const input of inputs) {
    const dest = packDestination(input);
    if (dest === undefined) {
      refused.push(input);
      continue;
    }
    const old = previous?.get(input.set)?.list.find((d) => d.uri.toLowerCase() === dest.uri.toLowerCase());
    if (old !== undefined) {
      dest.flags = (dest.flags & ~DS_STATES_ALL) | (old.flags & DS_STATES_ALL);
      dest.load = old.load;
    }
    const list = bySet.get(input.set) ?? [];
    bySet.set(input.set, list);
    list.push(dest);
  }
  const sets = new Map<number, DestinationSet>();
  for (const [id, lines] of bySet) {
    // add_dest2list keeps a list rising by priority (a new line after its equals); reindex copies it backwards.
    const rising: Destination[] = [];
    for (const d of lines) {
      let at = rising.length;
      while (at > 0 && rising[at - 1].priority > d.priority) at--;
      rising.splice(at, 0, d);
    }
    const list = rising.reverse();
    sets.set(id, {
      id,
      list,
      last: 0,
      wlist: weightTable(list),
      wlast: 0,
      rwlist: relativeWeightTable(list),
      rwlast: 0,
    });
  }
  return { sets, refused };
}
