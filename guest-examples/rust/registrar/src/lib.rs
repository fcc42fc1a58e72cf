//! A registrar and proxy, the shape of Kamailio's KEMI example with registration (the same as
//! guest-examples/assemblyscript/registrar): sanity and Max-Forwards checks, REGISTER for this server
//! saved in the "location" table (the reply is save's own 200, or its 4xx/5xx), in-dialog requests by
//! loose routing, initial requests looked up in "location" and relayed to every binding in parallel (404
//! when the AoR has none). The bindings are the tenant's own: another tenant's script never finds them.

use ksr::{hdr, maxfwd, registrar, rr, sanity, siputils, sl, tm, x, xlog};

fn request_route() {
    if maxfwd::process_maxfwd(10) < 0 {
        sl::sl_send_reply(483, "Too Many Hops");
        return x::exit();
    }
    if sanity::sanity_check(17895, 7) < 0 {
        xlog::xerr("malformed SIP request from $si:$sp");
        return x::exit();
    }
    if ksr::is_method("CANCEL") {
        if tm::t_check_trans() > 0 {
            relay();
        }
        return x::exit();
    }
    if siputils::has_totag() > 0 {
        return within_dialog();
    }

    if ksr::is_method("REGISTER") {
        // save replies itself: 200 with the bindings, 423, 400, 500 or 503.
        if registrar::save("location", 0) < 0 {
            xlog::xnotice("REGISTER for $tu from $si:$sp refused");
        }
        return x::exit();
    }

    hdr::remove("Route");
    if ksr::is_method_in("IS") {
        rr::record_route();
    }
    if registrar::lookup("location") < 0 {
        sl::send_reply(404, "Not Found");
        return x::exit();
    }
    relay();
}

fn within_dialog() {
    if rr::loose_route() > 0 {
        return relay();
    }
    if ksr::is_method("ACK") {
        if tm::t_check_trans() > 0 {
            relay();
        }
        return x::exit();
    }
    sl::sl_send_reply(404, "Not here");
    x::exit();
}

fn relay() {
    if tm::t_relay() < 0 {
        sl::sl_reply_error();
    }
    x::exit();
}

fn reply_route() {}

fn named_route(_name: &str) {}

ksr::export_routes!(request_route, reply_route, named_route);
