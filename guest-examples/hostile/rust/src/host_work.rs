//! Attacks the host through the work or memory a single KSR call makes it spend, which no runtime limit
//! sees (fuel counts guest work; the deadline is checked between calls): each was open until the KSR
//! tables bounded it (src/kemi, commit a891dbd); test/sandbox keeps them closed.

use crate::raw;
use std::sync::atomic::{AtomicU32, Ordering};

/// One hdr.append of 200 000 newlines then 'x': a trailing-newline trim by regex backtracks quadratically.
pub fn header_redos() {
    ksr::hdr::append(&format!("{}x", "\n".repeat(200_000)));
}

const NAME_BYTES: usize = 1_000_000;
static NAMES: AtomicU32 = AtomicU32::new(0);

/// 20 pv names of 1 MB each, a new one per call: a host cache of names would keep them all.
pub fn pv_name_hoard() {
    // $var(<8 digits>yyyy...): not the AssemblyScript route's x, so the two make different names.
    let mut name = vec![b'y'; NAME_BYTES];
    name[..5].copy_from_slice(b"$var(");
    name[NAME_BYTES - 1] = b')';
    let mut area = [0u32; 3];
    for _ in 0..20 {
        let mut n = NAMES.fetch_add(1, Ordering::Relaxed) + 1;
        for d in (5..13).rev() {
            name[d] = b'0' + (n % 10) as u8;
            n /= 10;
        }
        unsafe { raw::getw(name.as_ptr(), NAME_BYTES, area.as_mut_ptr() as usize) };
    }
}

/// One xlog line whose format names the whole message 300 000 times, expanded before it is charged.
pub fn xlog_amplify() {
    let format = "$mb".repeat(300_000);
    unsafe { raw::xinfo(format.as_ptr(), format.len()) };
}
