// A stateful proxy route in TypeScript, the shape of Kamailio's basic KEMI example without registration
// (the same as guest-examples/assemblyscript/proxy and guest-examples/rust/proxy): sanity and Max-Forwards
// checks, CANCEL handling, in-dialog requests by loose routing (404 without a Route), with the define
// WITH_AUTH Kamailio's route[AUTH] (initial requests from a local user, From domain this server,
// authenticated against the tenant's "subscriber" table with a 407 challenge; no relaying between two
// foreign domains; with WITH_IPAUTH too, peers of address group 1 trusted without credentials),
// record-routing, relay to the configured PRIMARY destination, a failure route that fails over once to
// SECONDARY on 5xx or timeout, and an onreply route that logs.
import { KSR } from 'kemi-wasm/ksr';

/** Message flag: the transaction failed over once already. */
const FLT_FAILOVER = 1;

export function request_route() {
  if (KSR.maxfwd.process_maxfwd(10) < 0) {
    KSR.sl.sl_send_reply(483, 'Too Many Hops');
    return KSR.x.exit();
  }
  if (KSR.sanity.sanity_check(17895, 7) < 0) {
    KSR.xlog.xerr('malformed SIP request from $si:$sp');
    return KSR.x.exit();
  }
  if (KSR.is_method('OPTIONS') && KSR.is_myself_ruri() && KSR.pv.get('$rU') === null) {
    KSR.sl.sl_send_reply(200, 'Keepalive');
    return KSR.x.exit();
  }

  // CANCEL: relayed when its INVITE has a transaction (retransmissions never get here: the transaction
  // layer absorbs them).
  if (KSR.is_method('CANCEL')) {
    if (KSR.tm.t_check_trans() > 0) relay();
    return KSR.x.exit();
  }

  if (KSR.siputils.has_totag() > 0) return within_dialog();

  if (KSR.kx.get_def('WITH_AUTH') !== null && !authenticated()) return KSR.x.exit();

  // Initial requests: preloaded Route headers are not honoured; dialogs are record-routed.
  KSR.hdr.remove('Route');
  if (KSR.is_method_in('IS')) KSR.rr.record_route();
  const primary = KSR.kx.get_def('PRIMARY');
  if (primary === null) {
    KSR.sl.sl_send_reply(500, 'No Destination');
    return KSR.x.exit();
  }
  KSR.setdsturi(primary);
  if (KSR.is_method('INVITE')) KSR.tm.t_on_failure('failover');
  relay();
}

/**
 * Kamailio's route[AUTH]: a request from a local user (From domain is this server) must carry credentials
 * of a subscriber (its From user), else a 407 challenge goes back; they are then removed, not relayed.
 * qop=auth (flag 1) lets nonce counts refuse a replay; after a stale nonce (-4) the challenge says
 * stale=true (16). A request from elsewhere is relayed only to this server's domain (no open relay).
 */
function authenticated(): boolean {
  // WITH_IPAUTH: a request (not a REGISTER) from a trusted peer of address group 1 needs no credentials.
  if (
    KSR.kx.get_def('WITH_IPAUTH') !== null &&
    !KSR.is_method('REGISTER') &&
    KSR.permissions.allow_source_address(1) > 0
  )
    return true;
  if (KSR.is_myself_furi()) {
    const realm = KSR.pv.gete('$fd');
    const rc = KSR.auth_db.auth_check(realm, 'subscriber', 1);
    if (rc < 0) {
      KSR.auth.auth_challenge(realm, rc === -4 ? 1 | 16 : 1);
      return false;
    }
    if (!KSR.is_method_in('RP')) KSR.auth.consume_credentials();
  } else if (!KSR.is_myself_ruri()) {
    KSR.sl.sl_send_reply(403, 'Not relaying');
    return false;
  }
  return true;
}

function within_dialog() {
  if (KSR.rr.loose_route() > 0) return relay();
  if (KSR.is_method('ACK')) {
    // An ACK without Route for a 2xx whose INVITE is still known goes on; any other is dropped.
    if (KSR.tm.t_check_trans() > 0) relay();
    return KSR.x.exit();
  }
  KSR.sl.sl_send_reply(404, 'Not here');
  KSR.x.exit();
}

function relay() {
  if (KSR.is_method_in('ISUB')) KSR.tm.t_on_reply('log-reply');
  if (KSR.tm.t_relay() < 0) KSR.sl.sl_reply_error();
  KSR.x.exit();
}

export function reply_route() {
  KSR.xlog.xdbg('response $rs $rr to $rm from $si:$sp');
}

export function named_route(name: string) {
  if (name === 'failover') failover();
  else if (name === 'log-reply') log_reply();
}

// Failure route: once, on a 5xx or a timeout, relay to SECONDARY instead.
function failover() {
  if (KSR.tm.t_is_canceled() > 0 || KSR.isflagset(FLT_FAILOVER)) return;
  if (KSR.tm.t_check_status('^5[0-9][0-9]$') < 0 && KSR.tm.t_branch_timeout() < 0) return;
  const secondary = KSR.kx.get_def('SECONDARY');
  if (secondary === null) return;
  KSR.setflag(FLT_FAILOVER);
  KSR.xlog.xnotice('$rm $ci failed with $T_reply_code: failing over');
  KSR.setdsturi(secondary);
  KSR.tm.t_relay();
}

// Onreply route: one line per reply a transaction receives.
function log_reply() {
  KSR.xlog.xinfo('reply $rs $rr to $rm from $si:$sp call-id $ci');
}
