// The registrar's settings for one tenant (Kamailio's registrar and usrloc parameters): the expiry a REGISTER
// gets, the bounds it must keep, and the caps that keep one tenant from filling the location store.

export interface RegistrarSettings {
  /** Seconds a contact is bound for when neither its expires parameter nor an Expires header says. */
  readonly defaultExpires: number;
  /** A shorter non-zero expiry is refused with 423 Interval Too Brief (and Min-Expires). */
  readonly minExpires: number;
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
  maxExpires: 86_400,
  maxContacts: 10,
  maxBindings: 10_000,
};

/** Expired bindings are swept every this many seconds, at most SWEEP_BATCH at a time. */
export const DEFAULT_SWEEP_INTERVAL_S = 60;
export const SWEEP_BATCH = 1000;
