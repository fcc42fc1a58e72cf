// Every KSR module the host implements, in the order of wit/ksr.wit's world: the one list the runtime
// binds and the docs and binding checks walk.
import { core } from './core.ts';
import type { KsrModule } from './define.ts';
import { hdr } from './hdr.ts';
import { maxfwd } from './maxfwd.ts';
import { pv } from './pv.ts';
import { sanity } from './sanity.ts';
import { siputils } from './siputils.ts';
import { sl } from './sl.ts';
import { x } from './x.ts';
import { xlog } from './xlog.ts';

export {
  type Finish,
  type LogMeter,
  type PvValue,
  RouteContext,
  type RouteHost,
  type RouteKind,
} from './context.ts';
export type { KsrFunction, KsrModule } from './define.ts';

export const ksrModules: readonly KsrModule[] = [core, x, pv, hdr, sl, maxfwd, siputils, sanity, xlog];
