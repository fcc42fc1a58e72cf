// KSR pike: Kamailio's flood detection by source address, counted in the context tenant's own table
// (src/state/pike.ts). A detection (-2) is logged once, as Kamailio's "PIKE - BLOCKing ip" line, and
// counted; what to do about it (drop, ban through an htable) is the script's decision, as in Kamailio.
import { type IpValue, PIKE_DETECTED, PIKE_OK, parseIp } from '../state/index.ts';
import type { RouteContext } from './context.ts';
import { defineModule } from './define.ts';
import { hostLog } from './host-log.ts';

function check(ctx: RouteContext, ip: IpValue, text: string): number {
  const store = ctx.host.pike;
  const tenant = ctx.tenant;
  // Kamailio answers 1 on an internal error, so that an address is never reported flooding by mistake.
  if (store === undefined || tenant === undefined) return PIKE_OK;
  const verdict = store.table(tenant).check(ip);
  if (verdict === PIKE_DETECTED) {
    hostLog(ctx, 'warn', 'pike', { ksr: 'pike', ip: text }, `pike: blocking ${text}: flooding detected`);
  }
  return verdict;
}

export const pike = defineModule('pike', {
  'pike-check-req': (ctx) => {
    const source = ctx.source.remote.address;
    const ip = parseIp(source);
    return ip === undefined ? PIKE_OK : check(ctx, ip, source);
  },
  'pike-check-ip': (ctx, text) => {
    const ip = parseIp(text);
    if (ip === undefined) {
      hostLog(
        ctx,
        'error',
        'pike',
        { ksr: 'pike' },
        `pike-check-ip: '${text.slice(0, 64)}' is not an IP address`,
      );
      return -1;
    }
    return check(ctx, ip, text);
  },
});
