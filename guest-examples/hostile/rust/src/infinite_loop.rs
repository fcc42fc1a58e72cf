//! Attacks the CPU: a loop that never ends and never calls the host, so only fuel can stop it.

use std::sync::atomic::{AtomicU64, Ordering};

static SPINS: AtomicU64 = AtomicU64::new(0);

pub fn infinite_loop() {
    loop {
        SPINS.fetch_add(1, Ordering::Relaxed);
    }
}
