//! Attacks the instance's integrity: traps in the middle of a route, after changing its own state, so a
//! reused instance would carry on from a corrupt state.

use std::sync::atomic::{AtomicI32, Ordering};

static INVOCATIONS: AtomicI32 = AtomicI32::new(0);

fn count() {
    let n = INVOCATIONS.fetch_add(1, Ordering::Relaxed) + 1;
    ksr::pv::seti("$var(invocations)", n);
}

pub fn trap_unreachable() {
    count();
    std::process::abort();
}

pub fn trap_out_of_bounds() {
    count();
    // SAFETY: none; the address is past the end of any 32-bit memory this module can have.
    unsafe { std::ptr::write_volatile(0xffff_fff0 as *mut u32, 0xdead_beef) };
}
