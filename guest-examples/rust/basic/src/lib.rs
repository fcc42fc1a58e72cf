//! Kamailio's basic KEMI script ported to Rust, function for function: `kamailio-basic-kemi-lua.lua` with
//! its `kamailio-basic-kemi.cfg`, as shipped with Kamailio 5.6 (Debian installs both under
//! /usr/share/doc/kamailio/examples/kemi/), every define of the cfg on: WITH_AUTH, WITH_IPAUTH,
//! WITH_USRLOCDB, WITH_NAT, WITH_ANTIFLOOD, WITH_ACCDB. The same port in AssemblyScript:
//! guest-examples/assemblyscript/basic; the deployment (domains, timers, htable `ipban`, pike, acc,
//! nathelper, rtpengine): guest-examples/basic/kemi.toml.
//!
//! What differs from the Lua, and why:
//! - `KSR.x.exit()` ends the whole Lua script from any depth. Here `exit()` tells the host and returns
//!   `Err(Exit)`, which every route function passes up with `?` to the export: a `ksr_route_*()` call that
//!   may end the script is written `ksr_route_*()?`. `return 1` is `Ok(())`.
//! - The Lua checks whether a module is loaded (`if not KSR.auth then return 1 end`). kemi-wasm has every
//!   module, so those branches are never taken and are left out (a comment marks each place).
//! - WITH_NAT uses rtpengine instead of rtpproxy: `rtpengine_manage` in place of `rtpproxy_manage("co")`
//!   (see ksr_route_natmanage for the flags).
//! - The Lua functions take no arguments and their names stay; the exports are `request_route`
//!   (ksr_request_route) and `reply_route` (ksr_reply_route), and the branch, onreply and failure routes
//!   armed with t_on_branch / t_on_reply / t_on_failure run through `named_route` under their Lua names.
//! - Strings the Lua concatenates from `KSR.kx.get_*` (never nil in Kamailio: "" instead) are
//!   `Option<String>` in the SDK: an absent one is logged as "".
//! - Flags and table names are Kamailio's: the cfg's `#!define FLT_*`/`FLB_*`, "location", "subscriber",
//!   "ipban".

use ksr::{
    auth, auth_db, corex, hdr, htable, kx, maxfwd, nathelper, permissions, pike, pv, registrar, rr,
};
use ksr::{rtpengine, sanity, siputils, sl, tm, tmx, x};

// global variables corresponding to defined values (e.g., flags) in kamailio.cfg
const FLT_ACC: i32 = 1;
const FLT_ACCMISSED: i32 = 2;
const FLT_ACCFAILED: i32 = 3;
const FLT_NATS: i32 = 5;

const FLB_NATB: i32 = 6;
const FLB_NATSIPPING: i32 = 7;

/// The script ended (`KSR.x.exit()` was called): passed up to the export with `?`.
struct Exit;

/// What a Lua route function is: it returns (1), or it ends the script.
type Route = Result<(), Exit>;

/// `KSR.x.exit()`: the host stops the route; the caller returns what this returns.
fn exit() -> Route {
    x::exit();
    Err(Exit)
}

/// "" for a value the host does not have, as Kamailio's `KSR.kx.get_*` give it.
fn text(value: Option<String>) -> String {
    value.unwrap_or_default()
}

// SIP request routing
// equivalent of request_route{}
fn ksr_request_route() -> Route {
    // per request initial checks
    ksr_route_reqinit()?;

    // NAT detection
    ksr_route_natdetect();

    // CANCEL processing
    if ksr::is_CANCEL() {
        if tm::t_check_trans() > 0 {
            ksr_route_relay()?;
        }
        return Ok(());
    }

    // handle retransmissions
    if !ksr::is_ACK() {
        if tmx::t_precheck_trans() > 0 {
            tm::t_check_trans();
            return Ok(());
        }
        if tm::t_check_trans() == 0 {
            return Ok(());
        }
    }

    // handle requests within SIP dialogs
    ksr_route_withindlg()?;

    // -- only initial requests (no To tag)

    // authentication
    ksr_route_auth()?;

    // record routing for dialog forming requests (in case they are routed)
    // - remove preloaded route headers
    hdr::remove("Route");
    // if INVITE or SUBSCRIBE
    if ksr::is_method_in("IS") {
        rr::record_route();
    }

    // account only INVITEs
    if ksr::is_INVITE() {
        ksr::setflag(FLT_ACC); // do accounting
    }

    // dispatch requests to foreign domains
    ksr_route_sipout()?;

    // -- requests for my local domains

    // handle registrations
    ksr_route_registrar()?;

    if corex::has_ruri_user() < 0 {
        // request with no Username in RURI
        sl::sl_send_reply(484, "Address Incomplete");
        return Ok(());
    }

    // user location service
    ksr_route_location()?;

    Ok(())
}

// wrapper around tm relay function
fn ksr_route_relay() -> Route {
    // enable additional event routes for forwarded requests
    // - serial forking, RTP relaying handling, a.s.o.
    if ksr::is_method_in("IBSU") && tm::t_is_set("branch_route") < 0 {
        tm::t_on_branch("ksr_branch_manage");
    }
    if ksr::is_method_in("ISU") && tm::t_is_set("onreply_route") < 0 {
        tm::t_on_reply("ksr_onreply_manage");
    }

    if ksr::is_INVITE() && tm::t_is_set("failure_route") < 0 {
        tm::t_on_failure("ksr_failure_manage");
    }

    if tm::t_relay() < 0 {
        sl::sl_reply_error();
    }
    exit()
}

// Per SIP request initial checks
fn ksr_route_reqinit() -> Route {
    // no connect for sending replies
    ksr::set_reply_no_connect();
    // enforce symmetric signaling
    // send back replies to the source address of request
    ksr::force_rport();
    // WITH_ANTIFLOOD
    if !ksr::is_myself_srcip() {
        let srcip = kx::get_srcip();
        if htable::sht_match_name("ipban", "eq", &srcip) > 0 {
            // ip is already blocked
            ksr::dbg(&format!(
                "request from blocked IP - {} from {} (IP:{}:{})\n",
                text(kx::get_method()),
                text(kx::get_furi()),
                srcip,
                kx::get_srcport()
            ));
            return exit();
        }
        if pike::pike_check_req() < 0 {
            ksr::err(&format!(
                "ALERT: pike blocking {} from {} (IP:{}:{})\n",
                text(kx::get_method()),
                text(kx::get_furi()),
                srcip,
                kx::get_srcport()
            ));
            htable::sht_seti("ipban", &srcip, 1);
            return exit();
        }
    }
    // scanners: answered 200 so that they go away
    let ua = kx::gete_ua();
    if ua.contains("friendly")
        || ua.contains("scanner")
        || ua.contains("sipcli")
        || ua.contains("sipvicious")
    {
        sl::sl_send_reply(200, "OK");
        return exit();
    }

    if maxfwd::process_maxfwd(10) < 0 {
        sl::sl_send_reply(483, "Too Many Hops");
        return exit();
    }

    if ksr::is_OPTIONS() && ksr::is_myself_ruri() && corex::has_ruri_user() < 0 {
        sl::sl_send_reply(200, "Keepalive");
        return exit();
    }

    if sanity::sanity_check(17895, 7) < 0 {
        ksr::err(&format!(
            "malformed SIP message from {}:{}\n",
            kx::get_srcip(),
            kx::get_srcport()
        ));
        return exit();
    }

    Ok(())
}

// Handle requests within SIP dialogs
fn ksr_route_withindlg() -> Route {
    if siputils::has_totag() < 0 {
        return Ok(());
    }

    // sequential request withing a dialog should
    // take the path determined by record-routing
    if rr::loose_route() > 0 {
        ksr_route_dlguri();
        if ksr::is_BYE() {
            ksr::setflag(FLT_ACC); // do accounting ...
            ksr::setflag(FLT_ACCFAILED); // ... even if the transaction fails
        } else if ksr::is_ACK() {
            // ACK is forwarded statelessly
            ksr_route_natmanage();
        } else if ksr::is_NOTIFY() {
            // Add Record-Route for in-dialog NOTIFY as per RFC 6665.
            rr::record_route();
        }
        ksr_route_relay()?;
        return exit();
    }
    if ksr::is_ACK() {
        if tm::t_check_trans() > 0 {
            // no loose-route, but stateful ACK;
            // must be an ACK after a 487
            // or e.g. 404 from upstream server
            ksr_route_relay()?;
            return exit();
        }
        // ACK without matching transaction ... ignore and discard
        return exit();
    }
    sl::sl_send_reply(404, "Not here");
    exit()
}

// Handle SIP registrations
fn ksr_route_registrar() -> Route {
    if !ksr::is_REGISTER() {
        return Ok(());
    }
    if ksr::isflagset(FLT_NATS) {
        ksr::setbflag(FLB_NATB);
        // do SIP NAT pinging
        ksr::setbflag(FLB_NATSIPPING);
    }
    if registrar::save("location", 0) < 0 {
        sl::sl_reply_error();
    }
    exit()
}

// User location service
fn ksr_route_location() -> Route {
    let rc = registrar::lookup("location");
    if rc < 0 {
        tm::t_newtran();
        if rc == -1 || rc == -3 {
            sl::send_reply(404, "Not Found");
            return exit();
        } else if rc == -2 {
            sl::send_reply(405, "Method Not Allowed");
            return exit();
        }
    }

    // when routing via usrloc, log the missed calls also
    if ksr::is_INVITE() {
        ksr::setflag(FLT_ACCMISSED);
    }

    ksr_route_relay()?;
    exit()
}

// IP authorization and user authentication
fn ksr_route_auth() -> Route {
    // The Lua returns here without the auth module (`if not KSR.auth`), and skips IP authorization
    // without permissions (`if KSR.permissions`): kemi-wasm has both, so both always run (WITH_AUTH,
    // WITH_IPAUTH).

    if !ksr::is_REGISTER() && permissions::allow_source_address(1) > 0 {
        // source IP allowed
        return Ok(());
    }

    if ksr::is_REGISTER() || ksr::is_myself_furi() {
        // authenticate requests
        if auth_db::auth_check(&kx::gete_fhost(), "subscriber", 1) < 0 {
            auth::auth_challenge(&kx::gete_fhost(), 0);
            return exit();
        }
        // user authenticated - remove auth header
        if !ksr::is_method_in("RP") {
            auth::consume_credentials();
        }
    }

    // if caller is not local subscriber, then check if it calls
    // a local destination, otherwise deny, not an open relay here
    if !ksr::is_myself_furi() && !ksr::is_myself_ruri() {
        sl::sl_send_reply(403, "Not relaying");
        return exit();
    }

    Ok(())
}

// Caller NAT detection
fn ksr_route_natdetect() {
    // The Lua returns here without nathelper (`if not KSR.nathelper`): kemi-wasm has it (WITH_NAT).
    if nathelper::nat_uac_test(19) > 0 {
        if ksr::is_REGISTER() {
            nathelper::fix_nated_register();
        } else if siputils::is_first_hop() > 0 {
            nathelper::set_contact_alias();
        }
        ksr::setflag(FLT_NATS);
    }
}

// RTPProxy control -- here rtpengine
fn ksr_route_natmanage() {
    // The Lua returns here without rtpproxy (`if not KSR.rtpproxy`): this port relays media through
    // rtpengine, which kemi-wasm always has (WITH_NAT).
    if siputils::is_request() > 0
        && siputils::has_totag() > 0
        && rr::check_route_param("nat=yes") > 0
    {
        ksr::setbflag(FLB_NATB);
    }
    if !(ksr::isflagset(FLT_NATS) || ksr::isbflagset(FLB_NATB)) {
        return;
    }

    // rtpproxy_manage("co") in the Lua rewrites the c= (c) and o= (o) addresses of the SDP to the relay's
    // and, without rtpproxy's "r" (trust the address), sends media to the address the SIP message came
    // from rather than the one in the SDP, which a NATed UA fills with its unreachable private address.
    // rtpengine's words for the same: replace-session-connection, replace-origin and SIP-source-address
    // (rtpengine itself trusts the SDP address by default). The AssemblyScript port passes the same.
    rtpengine::rtpengine_manage("replace-origin replace-session-connection SIP-source-address");

    if siputils::is_request() > 0 && siputils::has_totag() < 0 && tmx::t_is_branch_route() > 0 {
        rr::add_rr_param(";nat=yes");
    }
    if siputils::is_reply() > 0 && ksr::isbflagset(FLB_NATB) {
        nathelper::set_contact_alias();
    }
}

// URI update for dialog requests
fn ksr_route_dlguri() {
    // The Lua returns here without nathelper (`if not KSR.nathelper`): kemi-wasm has it.
    if !ksr::isdsturiset() {
        nathelper::handle_ruri_alias();
    }
}

// Routing to foreign domains
fn ksr_route_sipout() -> Route {
    if ksr::is_myself_ruri() {
        return Ok(());
    }

    hdr::append("P-Hint: outbound\r\n");
    ksr_route_relay()?;
    exit()
}

// Manage outgoing branches
// equivalent of branch_route[...]{}
fn ksr_branch_manage() {
    ksr::dbg(&format!(
        "new branch [{}] to {}\n",
        text(pv::get("$T_branch_idx")),
        text(kx::get_ruri())
    ));
    ksr_route_natmanage();
}

// Manage incoming replies
// equivalent of onreply_route[...]{}
fn ksr_onreply_manage() {
    ksr::dbg("incoming reply\n");
    let scode = kx::get_status();
    if scode > 100 && scode < 299 {
        ksr_route_natmanage();
    }
}

// Manage failure routing cases
// equivalent of failure_route[...]{}
// (the Lua returns 1 whether or not the transaction was canceled: kept as written)
#[allow(clippy::needless_return)]
fn ksr_failure_manage() {
    ksr_route_natmanage();

    if tm::t_is_canceled() > 0 {
        return;
    }
}

// SIP response handling
// equivalent of reply_route{}
fn ksr_reply_route() {
    ksr::dbg("response - from kamailio lua script\n");
    if sanity::sanity_check(17604, 6) < 0 {
        ksr::err(&format!(
            "malformed SIP response from {}:{}\n",
            kx::get_srcip(),
            kx::get_srcport()
        ));
        x::drop();
    }
}

fn request_route() {
    // Err(Exit): the script ended where KSR.x.exit() was called; the host knows already.
    let _ = ksr_request_route();
}

fn reply_route() {
    ksr_reply_route();
}

/// The routes armed by name in ksr_route_relay.
fn named_route(name: &str) {
    match name {
        "ksr_branch_manage" => ksr_branch_manage(),
        "ksr_onreply_manage" => ksr_onreply_manage(),
        "ksr_failure_manage" => ksr_failure_manage(),
        _ => {}
    }
}

ksr::export_routes!(request_route, reply_route, named_route);
