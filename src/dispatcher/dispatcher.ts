// Every tenant's dispatcher (Kamailio's dispatcher module, one instance per tenant): the sets built from the
// tenant's config and its admin-API rows (DispatcherStore), reloads, the cap on destinations, state
// changes logged (rate-limited per tenant) and counted for the metrics, and `releaseCallLoad`, what the
// dialog module calls when a dialog ends so algorithm 10 frees the call's slot.
import type { Logger } from 'pino';
import {
  configuredDestinations,
  type DispatcherConfig,
  dispatcherSettings,
  type TenantDispatcherConfig,
} from '../config/dispatcher-schema.ts';
import type { LogLimiter } from '../log-limit.ts';
import { err, ok, type Problem, type Result } from '../result.ts';
import type { DialogStore } from '../state/dialog-store.ts';
import type { DispatcherRow, DispatcherStore } from '../state/dispatcher-store.ts';
import { checkDestinationUri, type DestinationInput, DS_STATES_ALL } from './destination-set.ts';
import { type StateChange, TenantDispatcher } from './tenant-dispatcher.ts';

/** Per tenant: destinations gone down / come up, probes and what happened to them, load cells refused. */
export type DispatcherEvent =
  | 'down'
  | 'up'
  | 'probe_sent'
  | 'probe_failed'
  | 'probe_timeout'
  | 'probe_refused'
  | 'probe_capped';

export type DispatcherRefusal = 'invalid' | 'duplicate' | 'full';

/** A destination as listed by the admin API: where it comes from, its state and load. */
export interface ListedDestination {
  readonly set: number;
  readonly uri: string;
  readonly flags: number;
  /** Kamailio's state letters: A active / I inactive / D disabled, then P probing, T trying ("AP", "IP"). */
  readonly state: string;
  readonly priority: number;
  readonly attrs: string;
  readonly load: number;
  /** The admin-API row id; undefined for a destination of the config. */
  readonly id: number | undefined;
}

export interface DispatcherOptions {
  readonly config: DispatcherConfig;
  /** Each configured tenant's `dispatcher` (undefined: the top-level parameters, no configured sets). */
  readonly tenants: ReadonlyMap<string, TenantDispatcherConfig | undefined>;
  readonly store: DispatcherStore;
  readonly log: Logger;
  readonly logLimit?: LogLimiter;
  readonly now?: () => number;
}

/** Kamailio's state letters of `flags` (dispatcher.list's RPC output). */
export function stateLetters(flags: number): string {
  const first = (flags & 4) !== 0 ? 'D' : (flags & 1) !== 0 ? 'I' : 'A';
  const second = (flags & 8) !== 0 ? 'P' : (flags & 2) !== 0 ? 'T' : 'X';
  return first + second;
}

export class Dispatcher {
  readonly counts: Record<string, Record<DispatcherEvent, number>> = {};
  readonly maxDestinations: number;
  readonly #options: DispatcherOptions;
  readonly #tenants = new Map<string, TenantDispatcher>();

  constructor(options: DispatcherOptions) {
    this.#options = options;
    this.maxDestinations = options.config.max_destinations_per_tenant;
    for (const name of new Set([...options.tenants.keys(), ...options.store.tenants()])) this.reload(name);
  }

  /** The tenant's dispatcher, made with the top-level parameters for a tenant the config does not name. */
  tenant(name: string): TenantDispatcher {
    let t = this.#tenants.get(name);
    if (t === undefined) {
      const settings = dispatcherSettings(this.#options.config, this.#options.tenants.get(name));
      t = new TenantDispatcher(name, settings, (change) => this.#changed(name, change), this.#options.now);
      this.#tenants.set(name, t);
    }
    return t;
  }

  /** Tenants that have sets (the prober walks them). */
  get active(): TenantDispatcher[] {
    return [...this.#tenants.values()].filter((t) => t.sets.size > 0);
  }

  count(tenant: string, event: DispatcherEvent): void {
    this.counts[tenant] ??= {
      down: 0,
      up: 0,
      probe_sent: 0,
      probe_failed: 0,
      probe_timeout: 0,
      probe_refused: 0,
      probe_capped: 0,
    };
    this.counts[tenant][event]++;
  }

  #changed(tenant: string, change: StateChange): void {
    this.count(tenant, change.up ? 'up' : 'down');
    const fields = {
      tenant,
      set: change.set,
      uri: change.uri,
      state: stateLetters(change.flags),
      cause: change.cause,
    };
    const msg = change.up ? 'dispatcher: destination up' : 'dispatcher: destination down';
    // A logger bound to the tenant: one tenant's flapping destinations do not silence another's lines.
    const log = this.#options.log.child({ tenant });
    const { logLimit } = this.#options;
    if (logLimit) logLimit.warn(log, change.up ? 'dispatcher-up' : 'dispatcher-down', fields, msg);
    else log.warn(fields, msg);
  }

  #inputs(tenant: string): DestinationInput[] {
    const rows = this.#options.store.list(tenant);
    return [...configuredDestinations(this.#options.tenants.get(tenant)), ...rows];
  }

  /** ds_reload: rebuilds the tenant's sets from config and store; destinations that stay keep their state. */
  reload(tenant: string): { destinations: number; sets: number } {
    const inputs = this.#inputs(tenant).slice(0, this.maxDestinations);
    const refused = this.tenant(tenant).load(inputs);
    for (const r of refused)
      this.#options.log.warn(
        { tenant, set: r.set, uri: r.uri },
        'dispatcher: destination refused: not a SIP URI',
      );
    const t = this.tenant(tenant);
    let destinations = 0;
    for (const set of t.sets.values()) destinations += set.list.length;
    return { destinations, sets: t.sets.size };
  }

  /** Adds a row for the admin API and reloads the tenant's sets. */
  add(tenant: string, input: Omit<DispatcherRow, 'id'>): Result<DispatcherRow, Problem<DispatcherRefusal>> {
    const checked = checkDestinationUri(input.uri);
    if (!checked.ok) return err({ code: 'invalid', message: checked.error });
    if ((input.flags & ~DS_STATES_ALL) !== 0)
      return err({ code: 'invalid', message: `flags ${input.flags}: expected state bits within 31` });
    const held = this.#inputs(tenant).length;
    if (held >= this.maxDestinations)
      return err({
        code: 'full',
        message: `tenant ${tenant} has ${held} destinations, the limit (dispatcher.max_destinations_per_tenant)`,
      });
    const row = this.#options.store.add(tenant, { ...input, uri: checked.uri });
    if (row === undefined)
      return err({ code: 'duplicate', message: `set ${input.set} already has ${checked.uri}` });
    this.reload(tenant);
    return ok(row);
  }

  /** Removes an admin-API row and reloads; false when the tenant has no such row. */
  remove(tenant: string, id: number): boolean {
    if (!this.#options.store.remove(tenant, id)) return false;
    this.reload(tenant);
    return true;
  }

  /** The running destinations of the tenant, by set, each with its row id when it came from the admin API. */
  list(tenant: string): ListedDestination[] {
    const rows = this.#options.store.list(tenant);
    const out: ListedDestination[] = [];
    const t = this.#tenants.get(tenant);
    if (t === undefined) return out;
    for (const set of [...t.sets.values()].sort((a, b) => a.id - b.id))
      for (const d of set.list)
        out.push({
          set: set.id,
          uri: d.uri,
          flags: d.flags,
          state: stateLetters(d.flags),
          priority: d.priority,
          attrs: d.attrsBody,
          load: d.load,
          id: rows.find((r) => r.set === set.id && r.uri.toLowerCase() === d.uri.toLowerCase())?.id,
        });
    return out;
  }

  /**
   * Algorithm 10's hook for the dialog module: the call `callId` of `tenant` ended (BYE, timeout, dlg_bye),
   * so its destination carries one call less (Kamailio's ds_load_remove). False when the call held no slot.
   */
  releaseCallLoad(tenant: string, callId: string): boolean {
    return this.#tenants.get(tenant)?.removeLoad(callId) ?? false;
  }

  /**
   * Algorithm 10 follows the tenant's dialogs as Kamailio's registers dialog callbacks: a confirmed dialog
   * confirms its call's load, an ended one frees it, so a call the dialog timeout ends (whose BYE no route
   * sees) frees its slot too.
   */
  followDialogs(dialogs: Pick<DialogStore, 'onConfirmed' | 'onEnded'>): void {
    dialogs.onConfirmed((d) => this.#tenants.get(d.tenant)?.confirmLoad(d.callId));
    dialogs.onEnded(({ dialog }) => this.releaseCallLoad(dialog.tenant, dialog.callId));
  }

  /** Expired call-load cells of every tenant are dropped (ds_ht_timer). */
  expireLoads(): number {
    let n = 0;
    for (const t of this.#tenants.values()) n += t.expireLoads();
    return n;
  }
}
