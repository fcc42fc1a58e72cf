//! The first route, the same as guest-examples/assemblyscript/hello: log each request, run the sanity
//! checks, answer keepalive OPTIONS to the server itself with 200 and everything else with 404.

use ksr::{maxfwd, pv, sanity, sl, x, xlog};

fn request_route() {
    xlog::xinfo("request $rm $ru from $si:$sp call-id $ci");
    if sanity::sanity_check(17895, 7) < 0 {
        return x::exit();
    }
    if maxfwd::process_maxfwd(10) < 0 {
        sl::sl_send_reply(483, "Too Many Hops");
        return x::exit();
    }
    if ksr::is_method("OPTIONS") && ksr::is_myself_ruri() && pv::get("$rU").is_none() {
        sl::sl_send_reply(200, "OK");
        return x::exit();
    }
    sl::sl_send_reply(404, "Not Found");
}

fn reply_route() {
    let status = pv::getvn("$rs", 0);
    let reason = pv::gete("$rr");
    let call_id = pv::getvs("$ci", "-");
    ksr::info(&format!("reply {status} {reason} call-id {call_id}"));
}

fn named_route(name: &str) {
    ksr::info(&format!("named route {name}"));
}

ksr::export_routes!(request_route, reply_route, named_route);
