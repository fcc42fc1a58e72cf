// The first route in TypeScript, the same as guest-examples/assemblyscript/hello and
// guest-examples/rust/hello: log each request, run the sanity checks, answer keepalive OPTIONS to the server
// itself with 200 and everything else with 404. `kemi-wasm build` points 'kemi-wasm/ksr' at the SDK
// (guest-examples/js/sdk); `kemi-wasm init --lang js` makes the same route in JavaScript (types erased).
import { KSR } from 'kemi-wasm/ksr';

export function request_route() {
  KSR.xlog.xinfo('request $rm $ru from $si:$sp call-id $ci');
  if (KSR.sanity.sanity_check(17895, 7) < 0) {
    return KSR.x.exit();
  }
  if (KSR.maxfwd.process_maxfwd(10) < 0) {
    KSR.sl.sl_send_reply(483, 'Too Many Hops');
    return KSR.x.exit();
  }
  if (KSR.is_method('OPTIONS') && KSR.is_myself_ruri() && KSR.pv.get('$rU') === null) {
    KSR.sl.sl_send_reply(200, 'OK');
    return KSR.x.exit();
  }
  KSR.sl.sl_send_reply(404, 'Not Found');
}

export function reply_route() {
  const status = KSR.pv.getvn('$rs', 0);
  const reason = KSR.pv.gete('$rr');
  const callId = KSR.pv.getvs('$ci', '-');
  KSR.info(`reply ${status} ${reason} call-id ${callId}`);
}

export function named_route(name: string) {
  KSR.info(`named route ${name}`);
}
