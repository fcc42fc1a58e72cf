// Kamailio's basic KEMI script ported line by line to AssemblyScript: misc/examples/kemi/
// kamailio-basic-kemi-lua.lua with its kamailio-basic-kemi.cfg, as shipped with Kamailio 5.6 (Debian:
// /usr/share/doc/kamailio/examples/kemi/), with every define of the cfg on: WITH_AUTH, WITH_IPAUTH,
// WITH_USRLOCDB, WITH_NAT, WITH_ANTIFLOOD, WITH_ACCDB. Routes and flags keep the Lua names; the Lua
// comments are kept where they help. The deployment (aliases, tm timers, registrar, pike, htable ipban,
// acc columns, rtpengine) is guest-examples/basic/kemi.toml. What differs from the Lua, and why:
// - KSR.x.exit() ends a Lua script by unwinding it; here it only marks the route finished (later KSR calls
//   are ignored, docs/ksr-api.md), so each function of the script returns false right after it and its
//   caller returns at once ("return 1" in the Lua is "return true": go on).
// - `if not KSR.auth`, `if not KSR.nathelper`, `if KSR.permissions`: the host has every module, so these
//   tests always take the branch of a loaded module; they are left out.
// - WITH_NAT uses rtpengine where the 5.6 script uses rtpproxy: ksr_route_natmanage calls
//   KSR.rtpengine.rtpengine_manage instead of KSR.rtpproxy.rtpproxy_manage("co") (see there for the flags).
// - ksr_request_route / ksr_reply_route are the exports request_route / reply_route; ksr_branch_manage,
//   ksr_onreply_manage and ksr_failure_manage are named routes (named_route), armed with
//   t_on_branch / t_on_reply / t_on_failure by those names as in the Lua.
// - kx.get_furi / kx.get_method / pv.get answer null where Lua gets a string; log lines print "" then.
import { KSR } from '../../sdk';

export * from '../../sdk/exports';

// global variables corresponding to defined values (e.g., flags) in kamailio.cfg
const FLT_ACC = 1;
const FLT_ACCMISSED = 2;
const FLT_ACCFAILED = 3;
const FLT_NATS = 5;

const FLB_NATB = 6;
const FLB_NATSIPPING = 7;

/** Lua's string concatenation of a KSR string that may be missing. */
function str(value: string | null): string {
  return value !== null ? value : '';
}

// SIP request routing
// equivalent of request_route{}
export function request_route(): void {
  // per request initial checks
  if (!ksr_route_reqinit()) return;

  // NAT detection
  ksr_route_natdetect();

  // CANCEL processing
  if (KSR.is_CANCEL()) {
    if (KSR.tm.t_check_trans() > 0) {
      ksr_route_relay();
    }
    return;
  }

  // handle retransmissions
  if (!KSR.is_ACK()) {
    if (KSR.tmx.t_precheck_trans() > 0) {
      KSR.tm.t_check_trans();
      return;
    }
    if (KSR.tm.t_check_trans() === 0) return;
  }

  // handle requests within SIP dialogs
  if (!ksr_route_withindlg()) return;

  // -- only initial requests (no To tag)

  // authentication
  if (!ksr_route_auth()) return;

  // record routing for dialog forming requests (in case they are routed)
  // - remove preloaded route headers
  KSR.hdr.remove('Route');
  // if INVITE or SUBSCRIBE
  if (KSR.is_method_in('IS')) {
    KSR.rr.record_route();
  }

  // account only INVITEs
  if (KSR.is_INVITE()) {
    KSR.setflag(FLT_ACC); // do accounting
  }

  // dispatch requests to foreign domains
  if (!ksr_route_sipout()) return;

  // -- requests for my local domains

  // handle registrations
  if (!ksr_route_registrar()) return;

  if (KSR.corex.has_ruri_user() < 0) {
    // request with no Username in RURI
    KSR.sl.sl_send_reply(484, 'Address Incomplete');
    return;
  }

  // user location service
  ksr_route_location();
}

// wrapper around tm relay function
function ksr_route_relay(): bool {
  // enable additional event routes for forwarded requests
  // - serial forking, RTP relaying handling, a.s.o.
  if (KSR.is_method_in('IBSU')) {
    if (KSR.tm.t_is_set('branch_route') < 0) {
      KSR.tm.t_on_branch('ksr_branch_manage');
    }
  }
  if (KSR.is_method_in('ISU')) {
    if (KSR.tm.t_is_set('onreply_route') < 0) {
      KSR.tm.t_on_reply('ksr_onreply_manage');
    }
  }

  if (KSR.is_INVITE()) {
    if (KSR.tm.t_is_set('failure_route') < 0) {
      KSR.tm.t_on_failure('ksr_failure_manage');
    }
  }

  if (KSR.tm.t_relay() < 0) {
    KSR.sl.sl_reply_error();
  }
  KSR.x.exit();
  return false;
}

// Per SIP request initial checks
function ksr_route_reqinit(): bool {
  // no connect for sending replies
  KSR.set_reply_no_connect();
  // enforce symmetric signaling
  // send back replies to the source address of request
  KSR.force_rport();
  if (!KSR.is_myself_srcip()) {
    const srcip = KSR.kx.get_srcip();
    if (KSR.htable.sht_match_name('ipban', 'eq', srcip) > 0) {
      // ip is already blocked
      KSR.dbg(
        'request from blocked IP - ' +
          str(KSR.kx.get_method()) +
          ' from ' +
          str(KSR.kx.get_furi()) +
          ' (IP:' +
          srcip +
          ':' +
          KSR.kx.get_srcport().toString() +
          ')\n',
      );
      KSR.x.exit();
      return false;
    }
    if (KSR.pike.pike_check_req() < 0) {
      KSR.err(
        'ALERT: pike blocking ' +
          str(KSR.kx.get_method()) +
          ' from ' +
          str(KSR.kx.get_furi()) +
          ' (IP:' +
          srcip +
          ':' +
          KSR.kx.get_srcport().toString() +
          ')\n',
      );
      KSR.htable.sht_seti('ipban', srcip, 1);
      KSR.x.exit();
      return false;
    }
  }
  // Lua's string.find with these plain words is a substring test.
  const ua = KSR.kx.gete_ua();
  if (
    ua.includes('friendly') ||
    ua.includes('scanner') ||
    ua.includes('sipcli') ||
    ua.includes('sipvicious')
  ) {
    KSR.sl.sl_send_reply(200, 'OK');
    KSR.x.exit();
    return false;
  }

  if (KSR.maxfwd.process_maxfwd(10) < 0) {
    KSR.sl.sl_send_reply(483, 'Too Many Hops');
    KSR.x.exit();
    return false;
  }

  if (KSR.is_OPTIONS() && KSR.is_myself_ruri() && KSR.corex.has_ruri_user() < 0) {
    KSR.sl.sl_send_reply(200, 'Keepalive');
    KSR.x.exit();
    return false;
  }

  if (KSR.sanity.sanity_check(17895, 7) < 0) {
    KSR.err(`malformed SIP message from ${KSR.kx.get_srcip()}:${KSR.kx.get_srcport().toString()}\n`);
    KSR.x.exit();
    return false;
  }
  return true;
}

// Handle requests within SIP dialogs
function ksr_route_withindlg(): bool {
  if (KSR.siputils.has_totag() < 0) return true;

  // sequential request withing a dialog should
  // take the path determined by record-routing
  if (KSR.rr.loose_route() > 0) {
    ksr_route_dlguri();
    if (KSR.is_BYE()) {
      KSR.setflag(FLT_ACC); // do accounting ...
      KSR.setflag(FLT_ACCFAILED); // ... even if the transaction fails
    } else if (KSR.is_ACK()) {
      // ACK is forwarded statelessly
      ksr_route_natmanage();
    } else if (KSR.is_NOTIFY()) {
      // Add Record-Route for in-dialog NOTIFY as per RFC 6665.
      KSR.rr.record_route();
    }
    return ksr_route_relay();
  }
  if (KSR.is_ACK()) {
    if (KSR.tm.t_check_trans() > 0) {
      // no loose-route, but stateful ACK;
      // must be an ACK after a 487
      // or e.g. 404 from upstream server
      return ksr_route_relay();
    }
    // ACK without matching transaction ... ignore and discard
    KSR.x.exit();
    return false;
  }
  KSR.sl.sl_send_reply(404, 'Not here');
  KSR.x.exit();
  return false;
}

// Handle SIP registrations
function ksr_route_registrar(): bool {
  if (!KSR.is_REGISTER()) return true;
  if (KSR.isflagset(FLT_NATS)) {
    KSR.setbflag(FLB_NATB);
    // do SIP NAT pinging
    KSR.setbflag(FLB_NATSIPPING);
  }
  if (KSR.registrar.save('location', 0) < 0) {
    KSR.sl.sl_reply_error();
  }
  KSR.x.exit();
  return false;
}

// User location service
function ksr_route_location(): bool {
  const rc = KSR.registrar.lookup('location');
  if (rc < 0) {
    KSR.tm.t_newtran();
    if (rc === -1 || rc === -3) {
      KSR.sl.send_reply(404, 'Not Found');
      KSR.x.exit();
      return false;
    } else if (rc === -2) {
      KSR.sl.send_reply(405, 'Method Not Allowed');
      KSR.x.exit();
      return false;
    }
  }

  // when routing via usrloc, log the missed calls also
  if (KSR.is_INVITE()) {
    KSR.setflag(FLT_ACCMISSED);
  }

  return ksr_route_relay();
}

// IP authorization and user authentication
function ksr_route_auth(): bool {
  // `if not KSR.auth then return 1` and `if KSR.permissions`: both modules are always there.
  if (!KSR.is_REGISTER()) {
    if (KSR.permissions.allow_source_address(1) > 0) {
      // source IP allowed
      return true;
    }
  }

  if (KSR.is_REGISTER() || KSR.is_myself_furi()) {
    // authenticate requests
    if (KSR.auth_db.auth_check(KSR.kx.gete_fhost(), 'subscriber', 1) < 0) {
      KSR.auth.auth_challenge(KSR.kx.gete_fhost(), 0);
      KSR.x.exit();
      return false;
    }
    // user authenticated - remove auth header
    if (!KSR.is_method_in('RP')) {
      KSR.auth.consume_credentials();
    }
  }

  // if caller is not local subscriber, then check if it calls
  // a local destination, otherwise deny, not an open relay here
  if (!KSR.is_myself_furi() && !KSR.is_myself_ruri()) {
    KSR.sl.sl_send_reply(403, 'Not relaying');
    KSR.x.exit();
    return false;
  }

  return true;
}

// Caller NAT detection
function ksr_route_natdetect(): bool {
  // `if not KSR.nathelper then return 1`: nathelper is always there.
  if (KSR.nathelper.nat_uac_test(19) > 0) {
    if (KSR.is_REGISTER()) {
      KSR.nathelper.fix_nated_register();
    } else if (KSR.siputils.is_first_hop() > 0) {
      KSR.nathelper.set_contact_alias();
    }
    KSR.setflag(FLT_NATS);
  }
  return true;
}

// RTPProxy control (here: rtpengine)
function ksr_route_natmanage(): bool {
  // `if not KSR.rtpproxy then return 1`: the media relay (rtpengine) is always there.
  if (KSR.siputils.is_request() > 0) {
    if (KSR.siputils.has_totag() > 0) {
      if (KSR.rr.check_route_param('nat=yes') > 0) {
        KSR.setbflag(FLB_NATB);
      }
    }
  }
  if (!(KSR.isflagset(FLT_NATS) || KSR.isbflagset(FLB_NATB))) {
    return true;
  }

  // rtpproxy_manage("co") rewrites the c= (c) and o= (o) addresses of the SDP to the relay's and, without
  // rtpproxy's "r" (trust the address), sends media to the address the SIP message came from rather than
  // the one in the SDP: the NATed endpoint's private SDP address is unreachable. rtpengine's words for the
  // same: replace-session-connection, replace-origin, and SIP-source-address (rtpengine itself trusts the
  // SDP address by default). Newer Kamailio's rtpengine variant of this script passes SIP-source-address
  // only when nat_uac_test(8) finds a private SDP address; the 5.6 "co" applies it always.
  KSR.rtpengine.rtpengine_manage('replace-origin replace-session-connection SIP-source-address');

  if (KSR.siputils.is_request() > 0) {
    if (KSR.siputils.has_totag() < 0) {
      if (KSR.tmx.t_is_branch_route() > 0) {
        KSR.rr.add_rr_param(';nat=yes');
      }
    }
  }
  if (KSR.siputils.is_reply() > 0) {
    if (KSR.isbflagset(FLB_NATB)) {
      KSR.nathelper.set_contact_alias();
    }
  }
  return true;
}

// URI update for dialog requests
function ksr_route_dlguri(): bool {
  // `if not KSR.nathelper then return 1`: nathelper is always there.
  if (!KSR.isdsturiset()) {
    KSR.nathelper.handle_ruri_alias();
  }
  return true;
}

// Routing to foreign domains
function ksr_route_sipout(): bool {
  if (KSR.is_myself_ruri()) return true;

  KSR.hdr.append('P-Hint: outbound\r\n');
  return ksr_route_relay();
}

// Manage outgoing branches
// equivalent of branch_route[...]{}
function ksr_branch_manage(): void {
  KSR.dbg(`new branch [${str(KSR.pv.get('$T_branch_idx'))}] to ${str(KSR.kx.get_ruri())}\n`);
  ksr_route_natmanage();
}

// Manage incoming replies
// equivalent of onreply_route[...]{}
function ksr_onreply_manage(): void {
  KSR.dbg('incoming reply\n');
  const scode = KSR.kx.get_status();
  if (scode > 100 && scode < 299) {
    ksr_route_natmanage();
  }
}

// Manage failure routing cases
// equivalent of failure_route[...]{}
function ksr_failure_manage(): void {
  ksr_route_natmanage();

  if (KSR.tm.t_is_canceled() > 0) {
    return;
  }
}

// The named routes: the names ksr_route_relay gives to t_on_branch, t_on_reply and t_on_failure.
export function named_route(name: string): void {
  if (name === 'ksr_branch_manage') ksr_branch_manage();
  else if (name === 'ksr_onreply_manage') ksr_onreply_manage();
  else if (name === 'ksr_failure_manage') ksr_failure_manage();
}

// SIP response handling
// equivalent of reply_route{}
export function reply_route(): void {
  KSR.dbg('response - from kamailio lua script\n');
  if (KSR.sanity.sanity_check(17604, 6) < 0) {
    KSR.err(`malformed SIP response from ${KSR.kx.get_srcip()}:${KSR.kx.get_srcport().toString()}\n`);
    KSR.x.drop();
  }
}
