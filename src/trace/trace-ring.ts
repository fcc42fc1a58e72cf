// The recent-trace store: per tenant, the last `size` traced messages in a ring, indexed by Call-ID so
// that the admin API answers "the messages of this call" without scanning. Bounded twice: the ring by
// `size`, and the index by what the ring holds (a record leaving the ring leaves the index). A tenant's
// flood overwrites only its own ring.
import type { TraceRecord } from './trace-record.ts';

class TenantRing {
  readonly #records: (TraceRecord | undefined)[];
  readonly #byCallId = new Map<string, TraceRecord[]>();
  #next = 0;

  constructor(size: number) {
    this.#records = new Array(size);
  }

  push(record: TraceRecord): void {
    const old = this.#records[this.#next];
    if (old !== undefined) this.#forget(old);
    this.#records[this.#next] = record;
    this.#next = (this.#next + 1) % this.#records.length;
    const list = this.#byCallId.get(record.callId);
    if (list === undefined) this.#byCallId.set(record.callId, [record]);
    else list.push(record);
  }

  call(callId: string): readonly TraceRecord[] {
    return this.#byCallId.get(callId) ?? [];
  }

  get callIds(): number {
    return this.#byCallId.size;
  }

  #forget(record: TraceRecord): void {
    const list = this.#byCallId.get(record.callId);
    if (list === undefined) return;
    // The oldest of a call leaves first: it is at the front.
    if (list[0] === record) list.shift();
    else list.splice(list.indexOf(record), 1);
    if (list.length === 0) this.#byCallId.delete(record.callId);
  }
}

export class TraceRing {
  readonly #size: number;
  readonly #tenants = new Map<string, TenantRing>();

  constructor(size: number) {
    this.#size = size;
  }

  push(tenant: string, record: TraceRecord): void {
    if (this.#size === 0) return;
    let ring = this.#tenants.get(tenant);
    if (ring === undefined) {
      ring = new TenantRing(this.#size);
      this.#tenants.set(tenant, ring);
    }
    ring.push(record);
  }

  /** The messages of `callId` the ring of `tenant` still holds, oldest first. */
  call(tenant: string, callId: string): readonly TraceRecord[] {
    return this.#tenants.get(tenant)?.call(callId) ?? [];
  }
}
