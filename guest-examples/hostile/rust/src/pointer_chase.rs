//! Attacks the CPU under the fuel budget: a chase over 16 MiB of guest memory where each load's address
//! depends on the value the previous load returned, so every one waits for a cache (and TLB) miss. It calls
//! no KSR function and returns; the calibrated weights and the deadline end it.

use std::sync::atomic::{AtomicPtr, AtomicU32, Ordering};

const SLOTS: usize = 4 << 20;
const MASK: u32 = (SLOTS as u32) - 1;
const STEPS: u32 = 12_000_000;
static RING: AtomicPtr<u32> = AtomicPtr::new(std::ptr::null_mut());
static CHASED: AtomicU32 = AtomicU32::new(0);

pub fn pointer_chase() {
    let mut ring = RING.load(Ordering::Relaxed);
    if ring.is_null() {
        ring = Box::leak(vec![0u32; SLOTS].into_boxed_slice()).as_mut_ptr();
        // One write per 4 KiB page, so the pages are the instance's own (untouched ones share one zero page).
        for slot in (0..SLOTS).step_by(1024) {
            // SAFETY: slot < SLOTS, in the buffer leaked above.
            unsafe { std::ptr::write_volatile(ring.add(slot), 1) };
        }
        RING.store(ring, Ordering::Relaxed);
    }
    let mut p: u32 = 0;
    for n in 0..STEPS {
        let slot = (p.wrapping_add(n.wrapping_mul(0x9e37_79b1)) & MASK) as usize;
        // SAFETY: `ring` points to SLOTS u32s leaked above, never freed, and slot < SLOTS. Volatile: the
        // optimizer could otherwise assume what the slots hold and drop the loads.
        p = unsafe { std::ptr::read_volatile(ring.add(slot)) };
    }
    CHASED.store(p, Ordering::Relaxed);
}
