//! Canonical-ABI glue used by the generated bindings and `export_routes!`; not part of the API.
//!
//! Strings the host returns (and a named route's name) are written into memory the host obtained from
//! `cabi_realloc` with alignment 1: they are taken over as `Vec<u8>` without copying and freed when the
//! `String` drops, so an instance reused for thousands of messages does not grow.

use std::alloc::{self, Layout};

/// The allocator the host hands strings to the guest with (canonical ABI).
///
/// # Safety
/// Called by the host only, with a pointer and layout this function returned before.
#[no_mangle]
pub unsafe extern "C" fn cabi_realloc(old_ptr: *mut u8, old_size: usize, align: usize, new_size: usize) -> *mut u8 {
    if new_size == 0 {
        if old_size != 0 {
            alloc::dealloc(old_ptr, Layout::from_size_align_unchecked(old_size, align));
        }
        // A non-null dangling pointer: an empty string is never freed (see lift_string).
        return align as *mut u8;
    }
    let layout = Layout::from_size_align_unchecked(new_size, align);
    let ptr = if old_size == 0 {
        alloc::alloc(layout)
    } else {
        alloc::realloc(old_ptr, Layout::from_size_align_unchecked(old_size, align), new_size)
    };
    if ptr.is_null() {
        alloc::handle_alloc_error(layout);
    }
    ptr
}

/// Takes over a host-written string. Bytes that are not UTF-8 (SIP does not promise it) become U+FFFD.
///
/// # Safety
/// `ptr` must come from `cabi_realloc(0, 0, 1, len)` and not be used afterwards.
pub unsafe fn lift_string(ptr: *mut u8, len: usize) -> String {
    if len == 0 {
        return String::new();
    }
    match String::from_utf8(Vec::from_raw_parts(ptr, len, len)) {
        Ok(text) => text,
        Err(invalid) => String::from_utf8_lossy(invalid.as_bytes()).into_owned(),
    }
}

/// Return area of a lowered import: string = ptr@0 len@4; option<string> = tag@0 ptr@4 len@8.
#[repr(C, align(4))]
pub struct RetArea([u8; 12]);

impl RetArea {
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        RetArea([0; 12])
    }

    pub fn as_mut_ptr(&mut self) -> *mut u8 {
        self.0.as_mut_ptr()
    }

    /// # Safety
    /// The host must have written a string result into the area.
    pub unsafe fn take_string(&self) -> String {
        lift_string(self.word(0) as *mut u8, self.word(4))
    }

    /// # Safety
    /// The host must have written an option<string> result into the area.
    pub unsafe fn take_option_string(&self) -> Option<String> {
        if self.0[0] == 0 {
            None
        } else {
            Some(lift_string(self.word(4) as *mut u8, self.word(8)))
        }
    }

    fn word(&self, offset: usize) -> usize {
        let b = &self.0[offset..offset + 4];
        u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize
    }
}
