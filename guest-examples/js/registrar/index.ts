// A registrar and proxy in TypeScript, the shape of Kamailio's KEMI example with registration (the same as
// guest-examples/assemblyscript/registrar and guest-examples/rust/registrar): sanity and Max-Forwards
// checks, REGISTER authenticated against the tenant's "subscriber" table (digest, 401 challenge: provision
// with `kemi-wasm subscriber add`) and then saved in the "location" table (the reply is save's own 200, or
// its 4xx/5xx), in-dialog requests by loose routing, initial requests looked up in "location" and relayed
// to every binding in parallel (404 when the AoR has none). The bindings are the tenant's own: another
// tenant's script never finds them. Browsers over WebSocket (nat_uac_test 64) are handled as Kamailio's
// WebSocket example does: the REGISTER saves the connection's address (fix_nated_register), other requests
// and replies get a Contact alias (add_contact_alias) that in-dialog requests turn back into the next hop
// (handle_ruri_alias).
import { KSR } from 'kemi-wasm/ksr';

export function request_route() {
  if (KSR.maxfwd.process_maxfwd(10) < 0) {
    KSR.sl.sl_send_reply(483, 'Too Many Hops');
    return KSR.x.exit();
  }
  if (KSR.sanity.sanity_check(17895, 7) < 0) {
    KSR.xlog.xerr('malformed SIP request from $si:$sp');
    return KSR.x.exit();
  }
  if (KSR.is_method('CANCEL')) {
    if (KSR.tm.t_check_trans() > 0) relay();
    return KSR.x.exit();
  }
  if (KSR.nathelper.nat_uac_test(64) > 0) {
    KSR.force_rport();
    if (KSR.is_method('REGISTER')) KSR.nathelper.fix_nated_register();
    else if (KSR.nathelper.add_contact_alias() < 0) {
      KSR.sl.sl_send_reply(400, 'Bad Contact');
      return KSR.x.exit();
    }
  }
  if (KSR.siputils.has_totag() > 0) return within_dialog();

  if (KSR.is_method('REGISTER')) {
    if (!authenticated()) return KSR.x.exit();
    // save replies itself: 200 with the bindings, 423, 400, 500 or 503.
    if (KSR.registrar.save('location', 0) < 0) KSR.xlog.xnotice('REGISTER for $tu from $si:$sp refused');
    return KSR.x.exit();
  }

  KSR.hdr.remove('Route');
  if (KSR.is_method_in('IS')) KSR.rr.record_route();
  const found = KSR.registrar.lookup('location');
  if (found < 0) {
    KSR.sl.send_reply(404, 'Not Found');
    return KSR.x.exit();
  }
  relay();
}

/**
 * Kamailio's route[AUTH] for a REGISTER: the From user (who must also be the To user) knows the password
 * of a subscriber of the From domain, else a 401 challenge goes back. qop=auth (flag 1) makes the UA count
 * its uses of a nonce, so a replayed REGISTER is refused; after a stale nonce (-4) the challenge says
 * stale=true (flag 16) and the UA answers it without asking its user again.
 */
function authenticated(): boolean {
  const realm = KSR.pv.gete('$fd');
  const rc = KSR.auth_db.auth_check(realm, 'subscriber', 1);
  if (rc > 0) return true;
  if (rc !== -5) KSR.xlog.xnotice(`REGISTER for $tu from $si:$sp: authentication failed (${rc})`);
  KSR.auth.auth_challenge(realm, rc === -4 ? 1 | 16 : 1);
  return false;
}

function within_dialog() {
  if (KSR.rr.loose_route() > 0) {
    // A request to a browser: its Contact carries the alias of its WebSocket connection.
    if (KSR.pv.is_null('$du') && KSR.nathelper.handle_ruri_alias() < 0) {
      KSR.sl.sl_send_reply(400, 'Bad Request-URI');
      return KSR.x.exit();
    }
    return relay();
  }
  if (KSR.is_method('ACK')) {
    if (KSR.tm.t_check_trans() > 0) relay();
    return KSR.x.exit();
  }
  KSR.sl.sl_send_reply(404, 'Not here');
  KSR.x.exit();
}

function relay() {
  if (KSR.tm.t_relay() < 0) KSR.sl.sl_reply_error();
  KSR.x.exit();
}

export function reply_route() {
  // A reply from a browser: its Contact gets the alias of the WebSocket connection it came over.
  if (KSR.nathelper.nat_uac_test(64) > 0) KSR.nathelper.add_contact_alias();
}

export function named_route(_name: string) {}
