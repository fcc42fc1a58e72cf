// The registrar's settings for one tenant (Kamailio's registrar and usrloc parameters): the expiry a REGISTER
// gets, the bounds it must keep, and the caps that keep one tenant from filling the location store.

export interface RegistrarSettings {
  /** Seconds a contact is bound for when neither its expires parameter nor an Expires header says. */
  readonly defaultExpires: number;
  /** A shorter non-zero expiry is raised to it, or refused with 423 (and Min-Expires) in min_expires_mode. */
  readonly minExpires: number;
  /** Kamailio's min_expires_mode: 1 refuses an expiry below min_expires with 423, 0 raises it. */
  readonly minExpiresMode: 0 | 1;
  /** Kamailio's method_filtering: 1 makes lookup skip bindings whose UA does not allow the method (-2). */
  readonly methodFiltering: 0 | 1;
  /** Kamailio's use_path: 1 stores the REGISTER's Path (lookup routes through it), 0 ignores it. */
  readonly usePath: 0 | 1;
  /** A longer expiry is cut to this. */
  readonly maxExpires: number;
  /** Bindings per address-of-record; one more is refused with 503 Too Many Registered Contacts. */
  readonly maxContacts: number;
  /** Bindings of the tenant over all its tables; one more is refused with 503. */
  readonly maxBindings: number;
}

export const DEFAULT_REGISTRAR: RegistrarSettings = {
  defaultExpires: 3600,
  minExpires: 60,
  minExpiresMode: 0,
  methodFiltering: 0,
  usePath: 0,
  maxExpires: 86_400,
  maxContacts: 10,
  maxBindings: 10_000,
};

/** Expired bindings are swept every this many seconds, at most SWEEP_BATCH at a time. */
export const DEFAULT_SWEEP_INTERVAL_S = 60;
export const SWEEP_BATCH = 1000;
/** Batches one sweep pass may run (a pass yields to the event loop between them). */
export const SWEEP_MAX_BATCHES = 100;
