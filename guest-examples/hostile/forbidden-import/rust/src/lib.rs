//! Attacks the capability boundary: imports wasi:filesystem to list (and then read) the server's files.
//! `kemi-wasm build` refuses the module; test/sandbox wraps it into a component with a world that
//! includes the WASI interface, as a hostile tenant would, and the runtime refuses that at load.

#[link(wasm_import_module = "wasi:filesystem/preopens@0.2.0")]
extern "C" {
    // Lowered signature of get-directories: func() -> list<...>: a return area pointer.
    #[link_name = "get-directories"]
    fn get_directories(ret_area: *mut u32);
}

fn request_route() {
    let mut area = [0u32; 2];
    unsafe { get_directories(area.as_mut_ptr()) };
    ksr::info(&format!("preopened directories: {}", area[1]));
}

fn reply_route() {}

fn named_route(_name: &str) {}

ksr::export_routes!(request_route, reply_route, named_route);
