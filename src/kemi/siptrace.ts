// KSR siptrace: Kamailio 5.6's siptrace KEMI functions that apply here (siptrace.c sr_kemi_siptrace_exports):
// sip_trace and sip_trace_mode send captures of the current message (or transaction) to the server's HEP
// collector. The destination is the operator's (config trace.hep): sip_trace_dst and sip_trace_dst_cid,
// which take a destination from the script, are not offered, nor hlog (HEP log packets).
import type { RouteContext } from './context.ts';
import { defineModule } from './define.ts';
import { hostLog } from './host-log.ts';

function capture(ctx: RouteContext, mode: 'm' | 't'): number {
  const host = ctx.host.siptrace;
  if (host === undefined || ctx.tenant === undefined) return -1;
  return host.capture(ctx.tenant, mode) ? 1 : -1;
}

export const siptrace = defineModule('siptrace', {
  'sip-trace': (ctx) => capture(ctx, 'm'),
  // siptrace.c ki_sip_trace_mode: the first letter decides; "d" without the dialog module, and any other
  // letter, trace the current message.
  'sip-trace-mode': (ctx, mode) => {
    const letter = mode.charAt(0).toLowerCase();
    if (letter === 't') {
      if (ctx.request === undefined) {
        // siptrace.c: a transaction is traced from its request only.
        hostLog(
          ctx,
          'warn',
          'sip-trace-mode',
          { ksr: 'sip-trace-mode' },
          'transaction tracing starts on a request: tracing this message only',
        );
        return capture(ctx, 'm');
      }
      return capture(ctx, 't');
    }
    return capture(ctx, 'm');
  },
});
