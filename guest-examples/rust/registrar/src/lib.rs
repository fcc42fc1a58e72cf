//! A registrar and proxy, the shape of Kamailio's KEMI example with registration (the same as
//! guest-examples/assemblyscript/registrar): sanity and Max-Forwards checks, REGISTER authenticated
//! against the tenant's "subscriber" table (digest, 401 challenge: provision with `kemi-wasm subscriber
//! add`) and then saved in the "location" table (the reply is save's own 200, or its 4xx/5xx), in-dialog requests by
//! loose routing, initial requests looked up in "location" and relayed to every binding in parallel (404
//! when the AoR has none). The bindings are the tenant's own: another tenant's script never finds them.
//! Browsers over WebSocket (nat_uac_test 64) are handled as Kamailio's WebSocket example does: the
//! REGISTER saves the connection's address (fix_nated_register), other requests and replies get a Contact
//! alias (add_contact_alias) that in-dialog requests turn back into the next hop (handle_ruri_alias).

use ksr::{auth, auth_db, hdr, maxfwd, nathelper, pv, registrar, rr, sanity, siputils, sl, tm, x, xlog};

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
    if nathelper::nat_uac_test(64) > 0 {
        ksr::force_rport();
        if ksr::is_method("REGISTER") {
            nathelper::fix_nated_register();
        } else if nathelper::add_contact_alias() < 0 {
            sl::sl_send_reply(400, "Bad Contact");
            return x::exit();
        }
    }
    if siputils::has_totag() > 0 {
        return within_dialog();
    }

    if ksr::is_method("REGISTER") {
        if !authenticated() {
            return x::exit();
        }
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

/// Kamailio's route[AUTH] for a REGISTER: the From user (who must also be the To user) knows the password
/// of a subscriber of the From domain, else a 401 challenge goes back. qop=auth (flag 1) makes the UA count
/// its uses of a nonce, so a replayed REGISTER is refused; after a stale nonce (-4) the challenge says
/// stale=true (flag 16) and the UA answers it without asking its user again.
fn authenticated() -> bool {
    let realm = pv::gete("$fd");
    let rc = auth_db::auth_check(&realm, "subscriber", 1);
    if rc > 0 {
        return true;
    }
    if rc != -5 {
        xlog::xnotice(&format!("REGISTER for $tu from $si:$sp: authentication failed ({rc})"));
    }
    auth::auth_challenge(&realm, if rc == -4 { 1 | 16 } else { 1 });
    false
}

fn within_dialog() {
    if rr::loose_route() > 0 {
        // A request to a browser: its Contact carries the alias of its WebSocket connection.
        if pv::is_null("$du") && nathelper::handle_ruri_alias() < 0 {
            sl::sl_send_reply(400, "Bad Request-URI");
            return x::exit();
        }
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

fn reply_route() {
    // A reply from a browser: its Contact gets the alias of the WebSocket connection it came over.
    if nathelper::nat_uac_test(64) > 0 {
        nathelper::add_contact_alias();
    }
}

fn named_route(_name: &str) {}

ksr::export_routes!(request_route, reply_route, named_route);
