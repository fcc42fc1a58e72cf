// KSR kx: values the configuration defines for the script (Kamailio's `#!define NAME value`, read with
// KSR.kx.get_def / get_defn), so one module can relay to destinations each deployment sets.
import { defineModule } from './define.ts';

export const kx = defineModule('kx', {
  'get-def': (ctx, name) => ctx.host.getDefine?.(ctx, name),
  'get-defn': (ctx, name) => {
    const value = ctx.host.getDefine?.(ctx, name);
    if (value === undefined || !/^\s*[+-]?[0-9]+\s*$/.test(value)) return 0;
    const n = Number(value);
    return n >= -0x80000000 && n <= 0x7fffffff ? n : 0;
  },
});
