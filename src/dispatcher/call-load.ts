// The call load of Kamailio's algorithm 10 (dispatch.c: ds_load_add, ds_load_replace, ds_load_remove,
// ds_load_state, ds_ht_timer): one cell per Call-ID naming the set and the destination's duid, and the count
// of calls on each destination. A cell is dropped by ds_load_unset, a BYE or CANCEL through ds_load_update,
// the dialog module when a dialog ends, or when it outlives ds_hash_expire (ds_hash_initexpire before its
// 2xx). At most `maxCalls` cells per tenant: past it a selection is not counted (Kamailio's fallback to
// classic dispatching when a cell cannot be added).
import type { Destination, DestinationSet } from './destination-set.ts';

interface LoadCell {
  readonly set: number;
  readonly duid: string;
  confirmed: boolean;
  readonly at: number;
}

export interface CallLoadLimits {
  readonly loadExpireMs: number;
  readonly loadInitExpireMs: number;
  readonly maxCalls: number;
}

export class CallLoad {
  readonly #cells = new Map<string, LoadCell>();
  readonly #sets: () => ReadonlyMap<number, DestinationSet>;
  readonly #limits: () => CallLoadLimits;
  readonly #now: () => number;

  constructor(
    sets: () => ReadonlyMap<number, DestinationSet>,
    limits: () => CallLoadLimits,
    now: () => number,
  ) {
    this.#sets = sets;
    this.#limits = limits;
    this.#now = now;
  }

  get size(): number {
    return this.#cells.size;
  }

  #byDuid(setId: number, duid: string): Destination | undefined {
    const lower = duid.toLowerCase();
    return this.#sets()
      .get(setId)
      ?.list.find((d) => d.attrs.duid.toLowerCase() === lower);
  }

  /** ds_load_add: the call goes to destination `index` of `set`. False: no duid, a cell already, full. */
  add(callId: string, set: DestinationSet, index: number): boolean {
    const d = set.list[index];
    if (d.attrs.duid === '' || this.#cells.has(callId) || this.#cells.size >= this.#limits().maxCalls)
      return false;
    this.#cells.set(callId, { set: set.id, duid: d.attrs.duid, confirmed: false, at: this.#now() });
    d.load++;
    return true;
  }

  /** ds_load_replace: 0 moved to `duid`, -1 the call has no cell, -2 its set has no destination `duid`. */
  replace(callId: string, duid: string): 0 | -1 | -2 {
    const cell = this.#cells.get(callId);
    if (cell === undefined || duid === '') return -1;
    const next = this.#byDuid(cell.set, duid);
    if (next === undefined) return -2;
    const old = this.#byDuid(cell.set, cell.duid);
    if (old !== undefined && old.load > 0) old.load--;
    this.#cells.set(callId, { set: cell.set, duid: next.attrs.duid, confirmed: false, at: this.#now() });
    next.load++;
    return 0;
  }

  /** ds_load_remove: the call's destination carries one call less. False when the call has no cell. */
  remove(callId: string): boolean {
    const cell = this.#cells.get(callId);
    if (cell === undefined) return false;
    this.#cells.delete(callId);
    const d = this.#byDuid(cell.set, cell.duid);
    if (d === undefined) return false;
    if (d.load > 0) d.load--;
    return true;
  }

  /** ds_load_state(DS_LOAD_CONFIRMED). */
  confirm(callId: string): boolean {
    const cell = this.#cells.get(callId);
    if (cell === undefined) return false;
    cell.confirmed = true;
    return true;
  }

  /** ds_ht_timer: drops the cells past their lifetime; how many. */
  expire(): number {
    const now = this.#now();
    const limits = this.#limits();
    let expired = 0;
    for (const [callId, cell] of this.#cells) {
      const life = cell.confirmed ? limits.loadExpireMs : limits.loadInitExpireMs;
      if (now - cell.at < life) continue;
      this.remove(callId);
      expired++;
    }
    return expired;
  }
}
