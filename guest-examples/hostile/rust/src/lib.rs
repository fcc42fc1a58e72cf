//! Hostile routes for the sandbox tests (test/sandbox, test/e2e/sandbox): each module holds one attack a
//! tenant's script could make. request-route runs the attack named by the R-URI user (INVITE
//! sip:infinite-loop@...) and, if the attack returns, answers (the reply of the last refused relay, or
//! 200 Attack Returned) so a caller sees what came back; named-route runs the attack named by its
//! argument. guest-examples/hostile/assemblyscript behaves the same.

mod deep_recursion;
mod floods;
mod header_forging;
mod host_work;
mod huge_string;
mod infinite_loop;
mod memory_bomb;
mod pointer_chase;
mod raw;
mod relay;
mod trap;

fn attack(name: &str) {
    match name {
        "infinite-loop" => infinite_loop::infinite_loop(),
        "memory-bomb" => memory_bomb::memory_bomb(),
        "pointer-chase" => pointer_chase::pointer_chase(),
        "deep-recursion" => deep_recursion::deep_recursion(),
        "trap-unreachable" => trap::trap_unreachable(),
        "trap-out-of-bounds" => trap::trap_out_of_bounds(),
        "huge-string" => huge_string::huge_string(),
        "bogus-length" => huge_string::bogus_length(),
        "bogus-pointer" => huge_string::bogus_pointer(),
        "bogus-retptr" => huge_string::bogus_retptr(),
        "hoard-host-memory" => huge_string::hoard_host_memory(),
        "log-flood" => floods::log_flood(),
        "ksr-flood" => floods::ksr_flood(),
        "header-forging" => header_forging::header_forging(),
        "relay-forbidden" => relay::relay_forbidden(),
        "header-redos" => host_work::header_redos(),
        "pv-name-hoard" => host_work::pv_name_hoard(),
        "xlog-amplify" => host_work::xlog_amplify(),
        _ => ksr::err(&format!("unknown attack {name}")),
    }
}

/// Attempts record their KSR result in $var(<attempt>), for the tests to read.
pub(crate) fn record(attempt: &str, result: i32) {
    ksr::pv::seti(&format!("$var({attempt})"), result);
}

fn request_route() {
    if let Some(name) = ksr::pv::get("$rU") {
        attack(&name);
        if name == "relay-forbidden" {
            ksr::sl::sl_reply_error();
        } else {
            ksr::sl::sl_send_reply(200, "Attack Returned");
        }
    }
}

fn reply_route() {}

fn named_route(name: &str) {
    attack(name);
}

ksr::export_routes!(request_route, reply_route, named_route);
