//! The KSR API of kemi-wasm for routing scripts in Rust, named as in Kamailio's KEMI:
//!
//! ```ignore
//! use ksr::{sl, x};
//!
//! fn request_route() {
//!     if ksr::is_method("OPTIONS") && ksr::is_myself_ruri() {
//!         sl::sl_send_reply(200, "OK");
//!         return x::exit();
//!     }
//!     sl::sl_send_reply(404, "Not Found");
//! }
//! fn reply_route() {}
//! fn named_route(_name: &str) {}
//!
//! ksr::export_routes!(request_route, reply_route, named_route);
//! ```
//!
//! Core functions sit at the crate root (`ksr::is_myself_ruri()`, `ksr::info(..)`), every other KSR module
//! is a module (`ksr::pv::get("$ru")`). `x::exit()` and `x::drop()` only tell the host the route is over:
//! return right after them. The functions are generated from wit/ksr.wit into `bindings.rs`.

// KEMI spells some functions with upper-case words (`KSR.is_INVITE`, `KSR.to_UDP`): the SDK keeps them.
#[allow(non_snake_case)]
mod bindings;
#[doc(hidden)]
pub mod rt;

pub use bindings::*;
