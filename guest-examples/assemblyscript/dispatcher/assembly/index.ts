// Load balancing with failover, the shape of Kamailio's dispatcher example (its README, route[DISPATCH] and
// failure_route[RTF_DISPATCH]): initial INVITEs go to a destination of set DS_SET chosen by algorithm
// DS_ALG (defines; 1 and 4, round robin, when absent); if that destination times out or answers 5xx the
// failure route marks a silent one inactive and probing (the health checks bring it back) and tries the
// next destination of the set, until none is left. In-dialog requests follow their Route; a BYE or CANCEL
// frees the call's slot for the call-load algorithm (10). OPTIONS from a destination of any set are
// answered here (a gateway's keepalive).
import { KSR } from '../../sdk';

export * from '../../sdk/exports';

function define(name: string, otherwise: i32): i32 {
  const value = KSR.kx.get_def(name);
  return value === null ? otherwise : I32.parseInt(value);
}

export function request_route(): void {
  if (KSR.maxfwd.process_maxfwd(10) < 0) {
    KSR.sl.sl_send_reply(483, 'Too Many Hops');
    return KSR.x.exit();
  }
  if (KSR.is_method('OPTIONS') && KSR.dispatcher.ds_is_from_lists() > 0) {
    KSR.sl.sl_send_reply(200, 'Keepalive');
    return KSR.x.exit();
  }
  if (KSR.is_method('CANCEL')) {
    if (KSR.tm.t_check_trans() > 0) {
      KSR.dispatcher.ds_load_update();
      relay();
    }
    return KSR.x.exit();
  }
  if (KSR.siputils.has_totag() > 0) return within_dialog();
  if (!KSR.is_method('INVITE')) {
    KSR.sl.sl_send_reply(405, 'Method Not Allowed');
    return KSR.x.exit();
  }
  KSR.hdr.remove('Route');
  KSR.rr.record_route();
  dispatch();
}

// Kamailio's route[DISPATCH].
function dispatch(): void {
  const set = define('DS_SET', 1);
  if (KSR.dispatcher.ds_select_dst(set, define('DS_ALG', 4)) < 0) {
    KSR.sl.sl_send_reply(404, 'No destination');
    return KSR.x.exit();
  }
  KSR.xlog.xdbg('dispatcher: going to <$ru> via <$du>');
  KSR.tm.t_on_failure('rtf_dispatch');
  relay();
}

function within_dialog(): void {
  if (KSR.rr.loose_route() > 0) {
    if (KSR.is_method('BYE')) KSR.dispatcher.ds_load_update();
    return relay();
  }
  if (KSR.is_method('ACK')) {
    if (KSR.tm.t_check_trans() > 0) relay();
    return KSR.x.exit();
  }
  KSR.sl.sl_send_reply(404, 'Not here');
  KSR.x.exit();
}

function relay(): void {
  if (KSR.tm.t_relay() < 0) KSR.sl.sl_reply_error();
  KSR.x.exit();
}

export function reply_route(): void {
  // A 2xx to an INVITE confirms the call's slot (algorithm 10).
  if (KSR.pv.get('$rm') === 'INVITE') KSR.dispatcher.ds_load_update();
}

export function named_route(name: string): void {
  if (name === 'rtf_dispatch') rtf_dispatch();
}

// Kamailio's failure_route[RTF_DISPATCH]: the next destination after a timeout or a 5xx.
function rtf_dispatch(): void {
  if (KSR.tm.t_is_canceled() > 0) return;
  const timedOut = KSR.tm.t_branch_timeout() > 0 && KSR.tm.t_branch_replied() < 0;
  if (!timedOut && KSR.tm.t_check_status('^5[0-9][0-9]$') < 0) {
    KSR.dispatcher.ds_load_unset();
    return;
  }
  // A destination that did not answer at all is taken out until the probes find it alive again.
  if (timedOut) KSR.dispatcher.ds_mark_dst_state('ip');
  if (KSR.dispatcher.ds_next_dst() > 0) {
    KSR.xlog.xnotice('dispatcher: $ci failed over to <$du>');
    KSR.tm.t_on_failure('rtf_dispatch');
    KSR.tm.t_relay();
    return;
  }
  KSR.dispatcher.ds_load_unset();
}
