// Uploads in flight, capped per tenant and in all: an upload holds a slot from its request's arrival (before
// its body is read) to its answer, through the compile. Beyond a cap the request is refused at once, so a
// token holder cannot queue compiles (or buffer bodies) faster than the server works them off.

export interface UploadSlotLimits {
  readonly perTenant: number;
  readonly global: number;
}

/** A slot (release it once, when the upload is answered), or which cap refused it. */
export type SlotGrant =
  | { readonly ok: true; readonly release: () => void }
  | { readonly ok: false; readonly cap: 'tenant' | 'global'; readonly limit: number };

export class UploadSlots {
  readonly #limits: UploadSlotLimits;
  readonly #byTenant = new Map<string, number>();
  #total = 0;

  constructor(limits: UploadSlotLimits) {
    this.#limits = limits;
  }

  get inFlight(): number {
    return this.#total;
  }

  acquire(tenant: string): SlotGrant {
    const mine = this.#byTenant.get(tenant) ?? 0;
    // The tenant's own cap first: a tenant over it learns that waiting for its own uploads helps.
    if (mine >= this.#limits.perTenant) return { ok: false, cap: 'tenant', limit: this.#limits.perTenant };
    if (this.#total >= this.#limits.global) return { ok: false, cap: 'global', limit: this.#limits.global };
    this.#byTenant.set(tenant, mine + 1);
    this.#total++;
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.#total--;
        const left = (this.#byTenant.get(tenant) ?? 1) - 1;
        if (left > 0) this.#byTenant.set(tenant, left);
        else this.#byTenant.delete(tenant);
      },
    };
  }
}
