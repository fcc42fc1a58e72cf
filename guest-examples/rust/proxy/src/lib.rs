//! A stateful proxy route, the shape of Kamailio's basic KEMI example without registration (the same as
//! guest-examples/assemblyscript/proxy): sanity and Max-Forwards checks, CANCEL handling, in-dialog
//! requests by loose routing (404 without a Route), with the define WITH_AUTH Kamailio's route[AUTH]
//! (initial requests from a local user, From domain this server, authenticated against the tenant's
//! "subscriber" table with a 407 challenge; no relaying between two foreign domains; with WITH_IPAUTH
//! too, peers of address group 1 trusted without credentials), record-routing, relay to the configured
//! PRIMARY destination, a failure route that fails over once to SECONDARY on 5xx or timeout, and an
//! onreply route that logs.

use ksr::{auth, auth_db, hdr, kx, maxfwd, permissions, pv, rr, sanity, siputils, sl, tm, x, xlog};

/// Message flag: the transaction failed over once already.
const FLT_FAILOVER: i32 = 1;

fn request_route() {
    if maxfwd::process_maxfwd(10) < 0 {
        sl::sl_send_reply(483, "Too Many Hops");
        return x::exit();
    }
    if sanity::sanity_check(17895, 7) < 0 {
        xlog::xerr("malformed SIP request from $si:$sp");
        return x::exit();
    }
    if ksr::is_method("OPTIONS") && ksr::is_myself_ruri() && pv::get("$rU").is_none() {
        sl::sl_send_reply(200, "Keepalive");
        return x::exit();
    }

    // CANCEL: relayed when its INVITE has a transaction (retransmissions never get here: the transaction
    // layer absorbs them).
    if ksr::is_method("CANCEL") {
        if tm::t_check_trans() > 0 {
            relay();
        }
        return x::exit();
    }

    if siputils::has_totag() > 0 {
        return within_dialog();
    }

    if kx::get_def("WITH_AUTH").is_some() && !authenticated() {
        return x::exit();
    }

    // Initial requests: preloaded Route headers are not honoured; dialogs are record-routed.
    hdr::remove("Route");
    if ksr::is_method_in("IS") {
        rr::record_route();
    }
    let primary = match kx::get_def("PRIMARY") {
        Some(uri) => uri,
        None => {
            sl::sl_send_reply(500, "No Destination");
            return x::exit();
        }
    };
    ksr::setdsturi(&primary);
    if ksr::is_method("INVITE") {
        tm::t_on_failure("failover");
    }
    relay();
}

/// Kamailio's route[AUTH]: a request from a local user (From domain is this server) must carry credentials
/// of a subscriber (its From user), else a 407 challenge goes back; they are then removed, not relayed.
/// qop=auth (flag 1) lets nonce counts refuse a replay; after a stale nonce (-4) the challenge says
/// stale=true (16). A request from elsewhere is relayed only to this server's domain (no open relay).
fn authenticated() -> bool {
    // WITH_IPAUTH: a request (not a REGISTER) from a trusted peer of address group 1 needs no credentials.
    if kx::get_def("WITH_IPAUTH").is_some()
        && !ksr::is_method("REGISTER")
        && permissions::allow_source_address(1) > 0
    {
        return true;
    }
    if ksr::is_myself_furi() {
        let realm = pv::gete("$fd");
        let rc = auth_db::auth_check(&realm, "subscriber", 1);
        if rc < 0 {
            auth::auth_challenge(&realm, if rc == -4 { 1 | 16 } else { 1 });
            return false;
        }
        if !ksr::is_method_in("RP") {
            auth::consume_credentials();
        }
    } else if !ksr::is_myself_ruri() {
        sl::sl_send_reply(403, "Not relaying");
        return false;
    }
    true
}

fn within_dialog() {
    if rr::loose_route() > 0 {
        return relay();
    }
    if ksr::is_method("ACK") {
        // An ACK without Route for a 2xx whose INVITE is still known goes on; any other is dropped.
        if tm::t_check_trans() > 0 {
            relay();
        }
        return x::exit();
    }
    sl::sl_send_reply(404, "Not here");
    x::exit();
}

fn relay() {
    if ksr::is_method_in("ISUB") {
        tm::t_on_reply("log-reply");
    }
    if tm::t_relay() < 0 {
        sl::sl_reply_error();
    }
    x::exit();
}

fn reply_route() {
    xlog::xdbg("response $rs $rr to $rm from $si:$sp");
}

fn named_route(name: &str) {
    match name {
        "failover" => failover(),
        "log-reply" => log_reply(),
        _ => {}
    }
}

// Failure route: once, on a 5xx or a timeout, relay to SECONDARY instead.
fn failover() {
    if tm::t_is_canceled() > 0 || ksr::isflagset(FLT_FAILOVER) {
        return;
    }
    if tm::t_check_status("^5[0-9][0-9]$") < 0 && tm::t_branch_timeout() < 0 {
        return;
    }
    let secondary = match kx::get_def("SECONDARY") {
        Some(uri) => uri,
        None => return,
    };
    ksr::setflag(FLT_FAILOVER);
    xlog::xnotice("$rm $ci failed with $T_reply_code: failing over");
    ksr::setdsturi(&secondary);
    tm::t_relay();
}

// Onreply route: one line per reply a transaction receives.
fn log_reply() {
    xlog::xinfo("reply $rs $rr to $rm from $si:$sp call-id $ci");
}

ksr::export_routes!(request_route, reply_route, named_route);
