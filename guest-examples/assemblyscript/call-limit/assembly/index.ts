// Concurrent-call limits with Kamailio's dialog module: per tenant and per caller, the recipe of
// Kamailio's dialog docs (profiles counted before the call is let through). The config declares the
// profiles and the limits (README "Dialogs"):
//
//   dialog: { profiles_no_value: [calls], profiles_with_value: [caller], max_dialogs: 10000 }
//   defines: { PRIMARY: "sip:10.0.0.2:5060", MAX_CALLS: "100", MAX_PER_CALLER: "2" }
//
// An initial INVITE is counted against `calls` (every call of the tenant) and `caller` (its From user):
// over MAX_CALLS it gets 503, over MAX_PER_CALLER 486, both before anything is relayed. Checking and
// joining the profiles happen in one route invocation, and a tenant's routes never run concurrently, so
// two INVITEs cannot both take the last slot: the limit holds exactly. A call frees its slot when its
// dialog ends: BYE, a failed INVITE, or the dialog timeout. dlg_manage answers -1 when the tenant holds
// `dialog.max_dialogs` dialogs already: 503 as well.
import { KSR } from '../../sdk';

export * from '../../sdk/exports';

export function request_route(): void {
  if (KSR.maxfwd.process_maxfwd(10) < 0) {
    KSR.sl.sl_send_reply(483, 'Too Many Hops');
    return KSR.x.exit();
  }
  if (KSR.is_method('CANCEL')) {
    if (KSR.tm.t_check_trans() > 0) relay();
    return KSR.x.exit();
  }
  if (KSR.siputils.has_totag() > 0) return within_dialog();

  KSR.hdr.remove('Route');
  if (KSR.is_method('INVITE') && !admitted()) return KSR.x.exit();
  if (KSR.is_method_in('IS')) KSR.rr.record_route();
  const primary = KSR.kx.get_def('PRIMARY');
  if (primary === null) {
    KSR.sl.sl_send_reply(500, 'No Destination');
    return KSR.x.exit();
  }
  KSR.setdsturi(primary);
  relay();
}

/** The limits: false (answered) when the call is over one of them. */
function admitted(): bool {
  KSR.dialog.get_profile_size_static('calls', '$var(calls)');
  if (limitReached('$var(calls)', 'MAX_CALLS')) {
    KSR.sl.sl_send_reply(503, 'Too Many Calls');
    return false;
  }
  const caller = KSR.pv.gete('$fU');
  KSR.dialog.get_profile_size('caller', caller, '$var(mine)');
  if (limitReached('$var(mine)', 'MAX_PER_CALLER')) {
    KSR.sl.sl_send_reply(486, 'Busy Here');
    return false;
  }
  if (KSR.dialog.dlg_manage() < 0) {
    KSR.sl.sl_send_reply(503, 'Service Unavailable');
    return false;
  }
  KSR.dialog.set_dlg_profile_static('calls');
  KSR.dialog.set_dlg_profile('caller', caller);
  return true;
}

/** Whether the count in `variable` reached the define `limit` (no define: no limit). */
function limitReached(variable: string, limit: string): bool {
  const max = KSR.kx.get_def(limit);
  if (max === null) return false;
  return I32.parseInt(KSR.pv.gete(variable)) >= I32.parseInt(max);
}

function within_dialog(): void {
  // loose_route finds our Route entry: the dialog follows the request (ACK confirms, BYE ends it).
  if (KSR.rr.loose_route() > 0) return relay();
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

export function reply_route(): void {}

export function named_route(_name: string): void {}
