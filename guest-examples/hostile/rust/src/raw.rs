//! Raw KSR imports with their lowered signatures, as a hostile script declares them to hand the host
//! pointers and lengths of its own choosing (the ksr crate always passes valid ones).

#[link(wasm_import_module = "kemi:ksr/core@0.1.0")]
extern "C" {
    #[link_name = "crit"]
    pub fn crit(msg_ptr: usize, msg_len: usize);
}

#[link(wasm_import_module = "kemi:ksr/pv@0.1.0")]
extern "C" {
    #[link_name = "getw"]
    pub fn getw(name_ptr: *const u8, name_len: usize, ret_area: usize);
    #[link_name = "sets"]
    pub fn sets(name_ptr: *const u8, name_len: usize, value_ptr: *const u8, value_len: usize);
}

#[link(wasm_import_module = "kemi:ksr/xlog@0.1.0")]
extern "C" {
    #[link_name = "xinfo"]
    pub fn xinfo(format_ptr: *const u8, format_len: usize);
}
