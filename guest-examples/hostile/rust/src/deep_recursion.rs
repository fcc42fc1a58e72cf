//! Attacks the call stack: recursion without end. The volatile read after the call keeps LLVM from
//! turning it into a loop.

use std::ptr;

static mut DEPTH: u32 = 0;

#[inline(never)]
fn dive(n: u32) -> u32 {
    // SAFETY: one thread; volatile so the optimizer keeps every access.
    unsafe { ptr::write_volatile(ptr::addr_of_mut!(DEPTH), n) };
    if n == 0 {
        return 0;
    }
    let below = dive(n - 1);
    below.wrapping_add(unsafe { ptr::read_volatile(ptr::addr_of!(DEPTH)) })
}

pub fn deep_recursion() {
    let reached = dive(u32::MAX);
    unsafe { ptr::write_volatile(ptr::addr_of_mut!(DEPTH), reached) };
}
