//! Attacks the boundary: a 4 MiB string argument, lengths and pointers outside guest memory, and host
//! memory hoarding with many strings just under the size limit.

use crate::raw;

/// A KSR call with a 4 MiB argument: the host must refuse it without copying it.
pub fn huge_string() {
    ksr::pv::sets("$var(huge)", &"x".repeat(4 << 20));
}

/// A length of 4 GiB - 1 from address 0.
pub fn bogus_length() {
    unsafe { raw::crit(0, 0xffff_ffff) };
}

/// A pointer past the end of guest memory.
pub fn bogus_pointer() {
    unsafe { raw::crit(0xffff_fff0, 64) };
}

/// A return area the host would write outside guest memory.
pub fn bogus_retptr() {
    let name = "$ru";
    unsafe { raw::getw(name.as_ptr(), name.len(), 0xffff_fffc) };
}

/// Stores 1000000-byte strings in host-side variables, each under the string limit, until stopped.
pub fn hoard_host_memory() {
    let chunk = "x".repeat(1_000_000);
    for i in 0.. {
        let name = format!("$var(hoard{i})");
        unsafe { raw::sets(name.as_ptr(), name.len(), chunk.as_ptr(), chunk.len()) };
    }
}
