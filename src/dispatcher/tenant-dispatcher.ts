// One tenant's dispatcher: its destination sets, their selection by Kamailio's algorithms
// (ds_manage_routes), state changes (ds_update_state with ds_probing_threshold / ds_inactive_threshold),
// what the prober pings and makes of its replies, and the call load of algorithm 10 (call-load.ts).
// Everything here is in memory and bounded: the sets by max_destinations_per_tenant, the load cells by
// max_calls_per_tenant.

import { CallLoad } from './call-load.ts';
import {
  buildSets,
  type Destination,
  type DestinationInput,
  type DestinationSet,
  DS_DISABLED,
  DS_INACTIVE,
  DS_PROBING,
  DS_STATES_ALL,
  DS_TRYING,
  relativeWeightTable,
  skipped,
} from './destination-set.ts';
import { dsHash, uriHash } from './hash.ts';

/** Kamailio's dispatcher parameters of one tenant (config: dispatcher-schema.ts). */
export interface DispatcherSettings {
  /** `flags`: 1 hash the URI user only, 2 failover (keep the other destinations for ds_next_dst). */
  readonly flags: number;
  /** `force_dst`: select even when $du is set. */
  readonly forceDst: boolean;
  /** `ds_probing_mode`: 0 none, 1 all, 2 inactive, 3 only flagged. */
  readonly probingMode: number;
  readonly probingThreshold: number;
  readonly inactiveThreshold: number;
  /** `ds_ping_reply_codes`: reply codes (100..699) and classes (1..6) that count as alive besides 2xx. */
  readonly replyCodes: readonly number[];
  readonly pingMethod: string;
  readonly pingFrom: string;
  /** Load cells: lifetime once confirmed (`ds_hash_expire`) and before (`ds_hash_initexpire`), ms. */
  readonly loadExpireMs: number;
  readonly loadInitExpireMs: number;
  /** Load cells a tenant may hold (calls of algorithm 10); past it a selection falls back to algorithm 0. */
  readonly maxCalls: number;
}

export const DS_HASH_USER_ONLY = 1;
export const DS_FAILOVER_ON = 2;
export const DS_PROBE_NONE = 0;
export const DS_PROBE_ALL = 1;
export const DS_PROBE_INACTIVE = 2;
export const DS_PROBE_ONLYFLAGGED = 3;

/** Kamailio's setop modes: where a selected destination is written. */
export type SetOp = 'dst-uri' | 'ruri' | 'xavp';

/** One record of Kamailio's `_dsdst_` xavp: a destination kept for failover. */
export interface DsRecord {
  readonly uri: string;
  readonly set: number;
  readonly attrs: string;
  /** The duid, only under algorithm 10 (Kamailio's `dstid` field). */
  readonly dstid: string | undefined;
}

/** What a selection needs of the message. */
export interface SelectInput {
  readonly callId: string;
  readonly fromUri: string | undefined;
  readonly toUri: string | undefined;
  readonly ruri: string | undefined;
  readonly isInvite: boolean;
  readonly dstUriSet: boolean;
}

export type SelectResult =
  | { readonly ok: false; readonly why: string }
  | { readonly ok: true; readonly chosen: Destination; readonly records: DsRecord[] };

/** A destination going down or coming up, with why (the reply code, or the script's mark). */
export interface StateChange {
  readonly set: number;
  readonly uri: string;
  readonly up: boolean;
  readonly flags: number;
  readonly cause: string;
}

export class TenantDispatcher {
  readonly name: string;
  settings: DispatcherSettings;
  sets = new Map<number, DestinationSet>();
  readonly #load: CallLoad;
  readonly #onChange: (change: StateChange) => void;

  constructor(
    name: string,
    settings: DispatcherSettings,
    onChange: (change: StateChange) => void,
    now: () => number = Date.now,
  ) {
    this.name = name;
    this.settings = settings;
    this.#onChange = onChange;
    this.#load = new CallLoad(
      () => this.sets,
      () => this.settings,
      now,
    );
  }

  /** Replaces the sets (ds_reload), keeping the state and load of destinations that stay; the refused rows. */
  load(inputs: readonly DestinationInput[]): DestinationInput[] {
    const built = buildSets(inputs, this.sets);
    this.sets = built.sets;
    return built.refused;
  }

  get failover(): boolean {
    return (this.settings.flags & DS_FAILOVER_ON) !== 0;
  }

  get loadCells(): number {
    return this.#load.size;
  }

  /** ds_manage_routes: the destination of `setId` chosen by `alg`, and the failover records after it. */
  select(setId: number, alg: number, limit: number, mode: SetOp, input: SelectInput): SelectResult {
    const set = this.sets.get(setId);
    if (mode === 'dst-uri' && !this.settings.forceDst && input.dstUriSet)
      return { ok: false, why: 'destination already set ($du) and force_dst is 0' };
    if (set === undefined || set.list.length === 0)
      return { ok: false, why: `destination set [${setId}] not found` };
    const nr = set.list.length;
    let hash = 0;
    let algorithm = alg;
    let roundRobin: number | undefined;
    const userOnly = (this.settings.flags & DS_HASH_USER_ONLY) !== 0;
    const uriKey = (uri: string | undefined, what: string) => {
      const h = uri === undefined ? undefined : uriHash(uri, userOnly);
      if (h === undefined) throw new SelectError(`can't get ${what} hash`);
      return h;
    };
    try {
      switch (alg) {
        case 0:
          hash = dsHash(input.callId.trim());
          break;
        case 1:
          hash = uriKey(input.fromUri, 'From uri');
          break;
        case 2:
          hash = uriKey(input.toUri, 'To uri');
          break;
        case 3:
          hash = uriKey(input.ruri, 'ruri');
          break;
        case 4:
          hash = set.last;
          set.last = (set.last + 1) % nr;
          roundRobin = set.last;
          break;
        case 6:
          hash = Math.floor(Math.random() * 0x7fffffff);
          break;
        case 8:
          hash = 0;
          break;
        case 9:
          hash = set.wlist?.[set.wlast] ?? 0;
          set.wlast = (set.wlast + 1) % 100;
          break;
        case 10: {
          if (!input.isInvite) {
            algorithm = 0;
            break;
          }
          const least = leastLoaded(set);
          if (least < 0)
            return { ok: false, why: `set [${setId}]: every destination is inactive or at maxload` };
          hash = least;
          if (!this.#load.add(input.callId, set, least)) algorithm = 0;
          break;
        }
        case 11:
          hash = set.rwlist?.[set.rwlast] ?? 0;
          set.rwlast = (set.rwlast + 1) % 100;
          break;
        default:
          hash = 0;
      }
    } catch (error) {
      if (error instanceof SelectError) return { ok: false, why: error.message };
      throw error;
    }
    const start = hash % nr;
    let i = start;
    while (skipped(set.list[i].flags)) {
      i = (i + 1) % nr;
      if (i === start) return { ok: false, why: `set [${setId}] has no active destination` };
    }
    // Round robin goes on after the destination used, unless another selection moved it meanwhile.
    if (roundRobin !== undefined && roundRobin === set.last) set.last = (i + 1) % nr;
    const chosen = set.list[i];
    if (!this.failover) return { ok: true, chosen, records: [] };
    const max = limit <= 0 ? Number.POSITIVE_INFINITY : limit;
    const records: DsRecord[] = [record(chosen, algorithm)];
    const usable = (d: Destination) =>
      !skipped(d.flags) && !(algorithm === 10 && d.attrs.maxload !== 0 && d.load >= d.attrs.maxload);
    for (let j = i + 1; j < nr && records.length < max; j++)
      if (usable(set.list[j])) records.push(record(set.list[j], algorithm));
    for (let j = 0; j < i && records.length < max; j++)
      if (usable(set.list[j])) records.push(record(set.list[j], algorithm));
    return { ok: true, chosen, records };
  }

  /** ds_list_exist. */
  has(setId: number): boolean {
    return this.sets.has(setId);
  }

  /** ds_is_active_uri: `set` has an active destination (`uri`, when given). */
  isActive(setId: number, uri: string | undefined): boolean {
    const set = this.sets.get(setId);
    return (
      set?.list.some((d) => !skipped(d.flags) && (uri === undefined || uri === '' || d.uri === uri)) ?? false
    );
  }

  /** ds_is_addr_from_set over `setId` (-1: every set): the matching destination's set, or undefined. */
  matchAddress(setId: number, ip: string, port: number, proto: number, mode: number): number | undefined {
    const sets = setId === -1 ? [...this.sets.values()] : [this.sets.get(setId)];
    for (const set of sets) {
      if (set === undefined) continue;
      for (const d of set.list) {
        if (d.ip === undefined || !sameIp(d.ip, ip)) continue;
        if ((mode & 1) === 0 && d.port !== 0 && d.port !== port) continue;
        if ((mode & 2) === 0 && d.proto !== proto) continue;
        if ((mode & 4) !== 0 && skipped(d.flags)) continue;
        return set.id;
      }
    }
    return undefined;
  }

  /** The destination `uri` of `setId` (case-insensitive, as ds_update_state compares). */
  find(setId: number, uri: string): Destination | undefined {
    const lower = uri.toLowerCase();
    return this.sets.get(setId)?.list.find((d) => d.uri.toLowerCase() === lower);
  }

  /** ds_update_state: applies `state` to the destination and reports a change of up/down. False: not found. */
  updateState(setId: number, uri: string, requested: number, cause: string): boolean {
    const set = this.sets.get(setId);
    const d = this.find(setId, uri);
    if (set === undefined || d === undefined) return false;
    const old = d.flags;
    let state = requested;
    d.flags &= ~DS_STATES_ALL;
    // Inactive stays inactive when asked for trying: it has to come up first.
    if ((state & DS_TRYING) !== 0 && (old & DS_INACTIVE) !== 0) state = (state & ~DS_TRYING) | DS_INACTIVE;
    d.flags |= (state & DS_DISABLED) !== 0 ? DS_DISABLED : state;
    if ((state & DS_TRYING) !== 0) {
      d.messageCount++;
      if (d.messageCount >= this.settings.probingThreshold) {
        d.flags = (d.flags & ~DS_TRYING) | DS_INACTIVE;
        d.messageCount = 0;
      }
    } else if ((requested & DS_TRYING) === 0 && (old & DS_INACTIVE) !== 0) {
      d.messageCount++;
      if (d.messageCount < this.settings.inactiveThreshold) {
        d.flags |= DS_INACTIVE;
        if ((old & DS_PROBING) !== 0) d.flags |= DS_PROBING;
      } else d.messageCount = 0;
    } else d.messageCount = 0;
    const wasUp = !skipped(old);
    const isUp = !skipped(d.flags);
    if (wasUp !== isUp) this.#onChange({ set: setId, uri: d.uri, up: isUp, flags: d.flags, cause });
    if (d.attrs.rweight > 0 && wasUp !== isUp) {
      set.rwlist = relativeWeightTable(set.list);
      set.rwlast = 0;
    }
    return true;
  }

  /** ds_load_replace (ds_next_dst under algorithm 10): 0 moved, -1 no cell, -2 no destination `duid`. */
  replaceLoad(callId: string, duid: string): 0 | -1 | -2 {
    return this.#load.replace(callId, duid);
  }

  /**
   * ds_load_remove: the call `callId` ends, its destination carries one call less. This is what the dialog
   * module calls when a dialog ends (Dispatcher.releaseCallLoad). False when the call holds no load.
   */
  removeLoad(callId: string): boolean {
    return this.#load.remove(callId);
  }

  /** ds_load_state(DS_LOAD_CONFIRMED): a 2xx answered the INVITE. False when the call holds no load. */
  confirmLoad(callId: string): boolean {
    return this.#load.confirm(callId);
  }

  /** ds_ht_timer: cells past their lifetime free their load; how many. */
  expireLoads(): number {
    return this.#load.expire();
  }

  /** Which states the prober pings (ds_ping_result_helper), skipping disabled ones. */
  wantsProbe(d: Destination): boolean {
    if ((d.flags & DS_DISABLED) !== 0) return false;
    const mode = this.settings.probingMode;
    if (mode === DS_PROBE_ALL) return true;
    if (mode !== DS_PROBE_INACTIVE && (d.flags & DS_PROBING) !== 0) return true;
    return mode === DS_PROBE_INACTIVE && (d.flags & DS_PROBING) !== 0 && (d.flags & DS_INACTIVE) !== 0;
  }

  /** ds_options_callback: a probe of `d` in `setId` answered `code` (408 when it timed out). */
  probeAnswered(setId: number, uri: string, code: number): void {
    const d = this.find(setId, uri);
    if (d === undefined) return;
    const mode = this.settings.probingMode;
    if (mode === DS_PROBE_ONLYFLAGGED && (d.flags & DS_PROBING) === 0) return;
    if ((d.flags & DS_DISABLED) !== 0) return;
    const alive =
      (code >= 200 && code <= 299) ||
      this.settings.replyCodes.some((c) => c === code || (c < 10 && Math.trunc(code / 100) === c));
    let state: number;
    if (alive) {
      state = 0;
      if (mode === DS_PROBE_ALL || (mode === DS_PROBE_ONLYFLAGGED && (d.flags & DS_PROBING) !== 0))
        state |= DS_PROBING;
    } else {
      state = DS_TRYING;
      if (mode !== DS_PROBE_NONE) state |= DS_PROBING;
    }
    this.updateState(setId, uri, state, `probe answered ${code}`);
  }
}

class SelectError extends Error {}

const record = (d: Destination, alg: number): DsRecord => ({
  uri: d.uri,
  set: d.set,
  attrs: d.attrsBody,
  dstid: alg === 10 ? d.attrs.duid : undefined,
});

/** ds_get_leastloaded: the active destination with the fewest calls below its maxload, or -1. */
function leastLoaded(set: DestinationSet): number {
  let k = -1;
  let t = 0x7fffffff;
  for (const [j, d] of set.list.entries()) {
    if (skipped(d.flags) || (d.attrs.maxload !== 0 && d.load >= d.attrs.maxload)) continue;
    if (d.load < t) {
      k = j;
      t = d.load;
    }
  }
  return k;
}

const sameIp = (a: string, b: string): boolean =>
  a.toLowerCase() === b.toLowerCase() || a === b.replace(/^::ffff:/i, '') || b === a.replace(/^::ffff:/i, '');
