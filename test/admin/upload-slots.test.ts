// Uploads in flight: capped per tenant first, then in all; a released slot is reusable, once.
import { describe, expect, it } from 'vitest';
import { type SlotGrant, UploadSlots } from '../../src/admin/upload-slots.ts';

function granted(grant: SlotGrant): () => void {
  if (!grant.ok) throw new Error(`refused by the ${grant.cap} cap`);
  return grant.release;
}

describe('UploadSlots', () => {
  it('refuses a tenant over its cap, then everyone over the global cap', () => {
    const slots = new UploadSlots({ perTenant: 2, global: 3 });
    const a1 = granted(slots.acquire('a'));
    granted(slots.acquire('a'));
    expect(slots.acquire('a')).toEqual({ ok: false, cap: 'tenant', limit: 2 });
    granted(slots.acquire('b'));
    expect(slots.acquire('c')).toEqual({ ok: false, cap: 'global', limit: 3 });
    expect(slots.inFlight).toBe(3);
    a1();
    a1();
    expect(slots.inFlight).toBe(2);
    granted(slots.acquire('c'));
    expect(slots.acquire('a')).toEqual({ ok: false, cap: 'global', limit: 3 });
  });
});
