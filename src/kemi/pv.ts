// KSR pv: pseudo-variable reads and writes by Kamailio name. A bad name or a refused write is logged with
// the reason, as Kamailio does; reads then give $null.
import type { PvValue, RouteContext } from './context.ts';
import { defineModule } from './define.ts';
import { hostLog } from './host-log.ts';
import { type PvRef, readPv, writePv } from './pseudo-variables.ts';

function resolve(ctx: RouteContext, name: string): PvRef | undefined {
  const found = ctx.host.pvNames.lookup(name);
  if (found.ok) return found.value;
  hostLog(ctx, 'error', 'pv', { ksr: 'pv' }, found.error);
  return undefined;
}

function read(ctx: RouteContext, name: string): PvValue {
  const ref = resolve(ctx, name);
  return ref && readPv(ctx, ref);
}

function write(ctx: RouteContext, name: string, value: string | number | undefined): void {
  const ref = resolve(ctx, name);
  const written = ref && writePv(ctx, ref, value);
  if (written && !written.ok) hostLog(ctx, 'error', 'pv', { ksr: 'pv' }, written.error);
}

/**
 * What Kamailio's str2sint (src/core/ut.h str2snval) leaves in its result, which sr_kemi_pv_geti returns
 * whatever str2sint answered: an optional sign and the digits up to the first other character ("12ab" is
 * 12, "ab" 0), saturated at the s32 bounds.
 */
function str2sint(value: string): number {
  const neg = value[0] === '-';
  let i = neg || value[0] === '+' ? 1 : 0;
  let n = 0;
  for (; i < value.length; i++) {
    const c = value.charCodeAt(i) - 0x30;
    if (c < 0 || c > 9) break;
    n = n * 10 + c;
    if (n > 0x80000000) break;
  }
  return neg ? Math.max(-n, -0x80000000) : Math.min(n, 0x7fffffff);
}

const text = (value: PvValue, absent: string) => (value === undefined ? absent : String(value));

export const pv = defineModule('pv', {
  get: (ctx, name) => {
    const value = read(ctx, name);
    return value === undefined ? undefined : String(value);
  },
  gete: (ctx, name) => text(read(ctx, name), ''),
  getvn: (ctx, name, vn) => {
    const value = read(ctx, name);
    const n =
      typeof value === 'number' ? value : value === undefined || value === '' ? Number.NaN : Number(value);
    return Number.isInteger(n) && n >= -0x80000000 && n <= 0x7fffffff ? n : vn;
  },
  // sr_kemi_pv_geti (src/core/kemi.c): 0 for $null, an integer as it is, a string through str2sint.
  geti: (ctx, name) => {
    const value = read(ctx, name);
    if (value === undefined) return 0;
    if (typeof value === 'number') return value | 0;
    return str2sint(value);
  },
  getvs: (ctx, name, vs) => text(read(ctx, name), vs),
  getw: (ctx, name) => text(read(ctx, name), '<<null>>'),
  sets: (ctx, name, value) => write(ctx, name, value),
  seti: (ctx, name, value) => write(ctx, name, value),
  unset: (ctx, name) => write(ctx, name, undefined),
  'is-null': (ctx, name) => read(ctx, name) === undefined,
});
