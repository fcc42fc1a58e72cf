//! Attacks memory: keeps allocating 1 MiB blocks it never frees until the allocator's memory.grow is
//! refused (the memory cap); Rust's allocation error handler then aborts (a trap, with panic = "abort").

pub fn memory_bomb() {
    let mut hoard: Vec<Vec<u8>> = Vec::new();
    loop {
        hoard.push(vec![1u8; 1 << 20]);
    }
}
