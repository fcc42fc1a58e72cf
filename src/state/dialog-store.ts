// Kamailio's dialog table (the dialog module's hash of dlg_cell), one per tenant: the dialogs a tenant's
// script asked to track with dlg_manage, their state, variables, flags and profile memberships. A dialog
// lives with its tenant, not with a module version: an activation or a reload never drops one (the version
// that created it stays pinned until it ends). Each tenant holds at most `maxDialogs`; past it a new dialog
// is refused and counted. The SIP side (what moves a dialog from state to state) is kemi/dialog-tracking.ts;
// this file only keeps the records, their lifetime timers and who is told when one ends.
import type { Clock, Timer } from '../tm/clock.ts';

/** Kamailio's dlg states (DLG_STATE_*), with their numbers. */
export const DLG_STATE = {
  unconfirmed: 1,
  early: 2,
  confirmedNa: 3,
  confirmed: 4,
  deleted: 5,
} as const;
export type DialogState = (typeof DLG_STATE)[keyof typeof DLG_STATE];

/** Why a dialog ended (Kamailio's dialog callbacks: DLGCB_TERMINATED, DLGCB_FAILED, DLGCB_EXPIRED). */
export type DialogEndReason =
  /** A BYE was routed in the dialog (DLGCB_TERMINATED). */
  | 'bye'
  /** The INVITE got a final failure, or was never relayed (DLGCB_FAILED). */
  | 'failed'
  /** The lifetime ran out (DLGCB_EXPIRED); with send_bye, BYEs went both ways first. */
  | 'timeout'
  /** The script ended it with dlg_bye (DLGCB_TERMINATED). */
  | 'dlg-bye';

/** One leg's side of the dialog: what a request toward that party needs. */
export interface DialogLeg {
  /** The party's tag (From tag of the caller, To tag of the callee). */
  tag: string | undefined;
  /** The party's Contact URI: the Request-URI of a request to it. */
  contact: string | undefined;
  /** Route values toward the party, nearest first (from the Record-Route set, without our own entries). */
  routeSet: string[];
  /** The last CSeq number the party used (a request we make to the other party uses it + 1). */
  cseq: number;
}

/** What the server needs to end a dialog itself (BYE both ways, as Kamailio's dlg_bye). */
export interface DialogRecord {
  /** Kamailio's h_entry:h_id: unique in the process. */
  readonly id: string;
  readonly tenant: string;
  /** The module version the dialog was created on (pinned while it lives). */
  readonly version: number;
  readonly callId: string;
  /** The From and To header values of the INVITE as received, without tags. */
  readonly fromUri: string;
  readonly toUri: string;
  readonly caller: DialogLeg;
  readonly callee: DialogLeg;
  state: DialogState;
  /** Lifetime in seconds once confirmed (default_timeout, or dlg_set_timeout). */
  lifetime: number;
  /** Dialog variables ($dlg_var, dlg_set_var). */
  readonly vars: Map<string, string>;
  /** Dialog flags 0..31 (dlg_setflag). */
  flags: number;
  /** Profile memberships: profile name -> value ("" for a profile without value). */
  readonly profiles: Map<string, Set<string>>;
  /** Date.now() at creation and at confirmation. */
  readonly createdAt: number;
  confirmedAt: number | undefined;
}

/** What a listener is told when a dialog ended (the integration point for dispatcher's call load). */
export interface DialogEnded {
  readonly dialog: DialogRecord;
  readonly reason: DialogEndReason;
  /** The state before it ended (a confirmed call, or one still ringing). */
  readonly previousState: DialogState;
}

/** A tenant's dialog settings: Kamailio's dialog modparams (config `dialog`, dialog-schema.ts). */
export interface DialogSettings {
  /** default_timeout: seconds a confirmed dialog lives unless dlg_set_timeout says otherwise. */
  readonly defaultTimeout: number;
  /** send_bye: on timeout, BYE both parties before the dialog is deleted. */
  readonly sendBye: boolean;
  /** Dialogs the tenant holds at most; dlg_manage answers -1 past it. */
  readonly maxDialogs: number;
  /** Variables one dialog holds at most, and the longest name + value in bytes. */
  readonly maxVars: number;
  readonly maxVarBytes: number;
  /** profiles_with_value and profiles_no_value: a profile is used only if declared. */
  readonly profilesWithValue: ReadonlySet<string>;
  readonly profilesNoValue: ReadonlySet<string>;
}

export const DIALOG_DEFAULTS: DialogSettings = {
  defaultTimeout: 43_200,
  sendBye: false,
  maxDialogs: 10_000,
  maxVars: 32,
  maxVarBytes: 1024,
  profilesWithValue: new Set(),
  profilesNoValue: new Set(),
};

/** Creates a dialog's record; the store adds the id and bookkeeping. */
export type DialogDraft = Omit<
  DialogRecord,
  'id' | 'state' | 'vars' | 'flags' | 'profiles' | 'createdAt' | 'confirmedAt' | 'lifetime'
>;

interface Live {
  readonly record: DialogRecord;
  timer: Timer | undefined;
  /** Called once when the dialog ends (unpins its version). */
  readonly release: () => void;
}

/** Counters by tenant (metrics). */
export interface DialogCounters {
  created: Record<string, number>;
  refused: Record<string, number>;
  ended: Record<string, Record<DialogEndReason, number>>;
}

export class DialogStore {
  readonly counters: DialogCounters = { created: {}, refused: {}, ended: {} };
  /**
   * Several nodes: the profile sizes of all nodes together (src/cluster/shared-dialog-counts.ts), which
   * get_profile_size then answers (a Promise: the guest suspends); absent: this node's `profileSize`.
   */
  sharedProfileSize:
    | ((tenant: string, profile: string, value: string | undefined) => Promise<number>)
    | undefined;
  readonly #settings: (tenant: string) => DialogSettings;
  readonly #clock: Clock;
  /** By tenant, then Call-ID: the dialogs of one call (several only when a UA reuses a Call-ID). */
  readonly #tenants = new Map<string, Map<string, Live[]>>();
  readonly #byId = new Map<string, Live>();
  /** Live dialogs by tenant: the quota's count. */
  readonly #live = new Map<string, number>();
  /** Profile sizes by tenant, then profile, then value. */
  readonly #profileSizes = new Map<string, Map<string, Map<string, number>>>();
  readonly #ended: ((event: DialogEnded) => void)[] = [];
  readonly #confirmed: ((dialog: DialogRecord) => void)[] = [];
  readonly #resized: ((tenant: string, profile: string, value: string, delta: number) => void)[] = [];
  #expired: (dialog: DialogRecord) => void = () => {};
  #next = 1;

  constructor(settings: (tenant: string) => DialogSettings, clock: Clock) {
    this.#settings = settings;
    this.#clock = clock;
  }

  settings(tenant: string): DialogSettings {
    return this.#settings(tenant);
  }

  /** Listeners told when any dialog ends (DLGCB_TERMINATED / FAILED / EXPIRED): dispatcher's call load. */
  onEnded(listener: (event: DialogEnded) => void): void {
    this.#ended.push(listener);
  }

  /** Listeners told when a dialog is answered 2xx (DLGCB_CONFIRMED). */
  onConfirmed(listener: (dialog: DialogRecord) => void): void {
    this.#confirmed.push(listener);
  }

  /** Listeners told of every change of a profile size (several nodes: src/cluster/shared-dialog-counts.ts). */
  onProfileResized(listener: (tenant: string, profile: string, value: string, delta: number) => void): void {
    this.#resized.push(listener);
  }

  /** Every tenant's profile sizes with a value ("" for a profile without value): tenant -> profile -> value. */
  profileSizes(): ReadonlyMap<string, ReadonlyMap<string, ReadonlyMap<string, number>>> {
    return this.#profileSizes;
  }

  /** What runs when a confirmed dialog's lifetime ran out (the server's BYEs); it must then end it. */
  onExpired(handler: (dialog: DialogRecord) => void): void {
    this.#expired = handler;
  }

  /** Live dialogs by tenant (metrics). */
  activeByTenant(): Record<string, number> {
    return Object.fromEntries(this.#live);
  }

  activeOf(tenant: string): number {
    return this.#live.get(tenant) ?? 0;
  }

  /** A new unconfirmed dialog, or undefined when the tenant holds its maximum (counted). */
  create(draft: DialogDraft, release: () => void): DialogRecord | undefined {
    const settings = this.#settings(draft.tenant);
    let calls = this.#tenants.get(draft.tenant);
    if (calls === undefined) {
      calls = new Map();
      this.#tenants.set(draft.tenant, calls);
    }
    if (this.activeOf(draft.tenant) >= settings.maxDialogs) {
      bump(this.counters.refused, draft.tenant);
      return undefined;
    }
    const record: DialogRecord = {
      ...draft,
      id: `${this.#next++}`,
      state: DLG_STATE.unconfirmed,
      lifetime: settings.defaultTimeout,
      vars: new Map(),
      flags: 0,
      profiles: new Map(),
      createdAt: Date.now(),
      confirmedAt: undefined,
    };
    const live: Live = { record, timer: undefined, release };
    const list = calls.get(draft.callId);
    if (list === undefined) calls.set(draft.callId, [live]);
    else list.push(live);
    this.#byId.set(record.id, live);
    this.#live.set(draft.tenant, this.activeOf(draft.tenant) + 1);
    bump(this.counters.created, draft.tenant);
    return record;
  }

  /**
   * The tenant's live dialog of `callId` whose tags are `fromTag` and `toTag` in either direction (a
   * callee's request swaps them); a dialog without a To tag yet matches any. `upstream` tells which way.
   */
  find(
    tenant: string,
    callId: string,
    fromTag: string | undefined,
    toTag: string | undefined,
  ): { dialog: DialogRecord; upstream: boolean } | undefined {
    const list = this.#tenants.get(tenant)?.get(callId);
    if (list === undefined) return undefined;
    for (const { record } of list) {
      const { caller, callee } = record;
      if (caller.tag === fromTag && (callee.tag === undefined || toTag === undefined || callee.tag === toTag))
        return { dialog: record, upstream: false };
      if (caller.tag === toTag && callee.tag !== undefined && callee.tag === fromTag)
        return { dialog: record, upstream: true };
    }
    return undefined;
  }

  /** The live dialog with this id. */
  byId(id: string): DialogRecord | undefined {
    return this.#byId.get(id)?.record;
  }

  /** 2xx: confirmed (not yet ACKed); the lifetime timer starts, as Kamailio's on the 200 OK. */
  confirm(dialog: DialogRecord): void {
    const live = this.#byId.get(dialog.id);
    if (live === undefined || dialog.state >= DLG_STATE.confirmedNa) return;
    dialog.state = DLG_STATE.confirmedNa;
    dialog.confirmedAt = Date.now();
    this.#arm(live);
    for (const listener of this.#confirmed) listener(dialog);
  }

  /** Restarts the lifetime timer of a confirmed dialog (an in-dialog request, dlg_set_timeout). */
  refresh(dialog: DialogRecord): void {
    const live = this.#byId.get(dialog.id);
    if (live?.timer !== undefined) this.#arm(live);
  }

  /** Ends the dialog: out of its tenant's table and every profile, its version unpinned, listeners told. */
  end(dialog: DialogRecord, reason: DialogEndReason): void {
    const live = this.#byId.get(dialog.id);
    if (live === undefined) return;
    this.#byId.delete(dialog.id);
    this.#live.set(dialog.tenant, this.activeOf(dialog.tenant) - 1);
    live.timer?.cancel();
    const calls = this.#tenants.get(dialog.tenant);
    const list = calls?.get(dialog.callId);
    if (calls && list) {
      const rest = list.filter((l) => l !== live);
      if (rest.length === 0) calls.delete(dialog.callId);
      else calls.set(dialog.callId, rest);
    }
    for (const [profile, values] of dialog.profiles)
      for (const value of values) this.#resize(dialog.tenant, profile, value, -1);
    dialog.profiles.clear();
    const previousState = dialog.state;
    dialog.state = DLG_STATE.deleted;
    let ends = this.counters.ended[dialog.tenant];
    if (ends === undefined) {
      ends = { bye: 0, failed: 0, timeout: 0, 'dlg-bye': 0 };
      this.counters.ended[dialog.tenant] = ends;
    }
    ends[reason]++;
    live.release();
    for (const listener of this.#ended) listener({ dialog, reason, previousState });
  }

  /** Sets (undefined: removes) a dialog variable; false when it would pass max_vars or max_var_bytes. */
  setVar(dialog: DialogRecord, name: string, value: string | undefined): boolean {
    if (value === undefined) {
      dialog.vars.delete(name);
      return true;
    }
    const settings = this.#settings(dialog.tenant);
    if (name.length + value.length > settings.maxVarBytes) return false;
    if (!dialog.vars.has(name) && dialog.vars.size >= settings.maxVars) return false;
    dialog.vars.set(name, value);
    return true;
  }

  /** Adds the dialog to `profile` with `value` ("" without value); false when it was in it already. */
  addToProfile(dialog: DialogRecord, profile: string, value: string): boolean {
    if (!this.#byId.has(dialog.id)) return false;
    let values = dialog.profiles.get(profile);
    if (values === undefined) {
      values = new Set();
      dialog.profiles.set(profile, values);
    }
    if (values.has(value)) return false;
    values.add(value);
    this.#resize(dialog.tenant, profile, value, 1);
    return true;
  }

  /** Removes the dialog from `profile` (with `value`, or every value when undefined); false when not in it. */
  removeFromProfile(dialog: DialogRecord, profile: string, value: string | undefined): boolean {
    const values = dialog.profiles.get(profile);
    if (values === undefined) return false;
    const removed = value === undefined ? [...values] : values.has(value) ? [value] : [];
    for (const v of removed) {
      values.delete(v);
      this.#resize(dialog.tenant, profile, v, -1);
    }
    if (values.size === 0) dialog.profiles.delete(profile);
    return removed.length > 0;
  }

  /** Dialogs of the tenant in `profile`: with `value`, or all of them when undefined. */
  profileSize(tenant: string, profile: string, value: string | undefined): number {
    const sizes = this.#profileSizes.get(tenant)?.get(profile);
    if (sizes === undefined) return 0;
    if (value !== undefined) return sizes.get(value) ?? 0;
    let n = 0;
    for (const size of sizes.values()) n += size;
    return n;
  }

  /** Every live dialog (shutdown, tests). */
  *all(): Iterable<DialogRecord> {
    for (const live of this.#byId.values()) yield live.record;
  }

  #arm(live: Live): void {
    live.timer?.cancel();
    const record = live.record;
    live.timer = this.#clock.schedule(record.lifetime * 1000, () => {
      live.timer = undefined;
      if (this.#byId.get(record.id) !== live) return;
      this.#expired(record);
      this.end(record, 'timeout'); // a no-op when the handler ended it already
    });
  }

  #resize(tenant: string, profile: string, value: string, delta: number): void {
    let profiles = this.#profileSizes.get(tenant);
    if (profiles === undefined) {
      profiles = new Map();
      this.#profileSizes.set(tenant, profiles);
    }
    let sizes = profiles.get(profile);
    if (sizes === undefined) {
      sizes = new Map();
      profiles.set(profile, sizes);
    }
    const size = (sizes.get(value) ?? 0) + delta;
    if (size <= 0) sizes.delete(value);
    else sizes.set(value, size);
    for (const listener of this.#resized) listener(tenant, profile, value, delta);
  }
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}
