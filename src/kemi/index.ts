// Every KSR module the host implements, in the order of wit/ksr.wit's world: the one list the runtime
// binds and the startup binding check walks.
import { acc } from './acc.ts';
import { auth } from './auth.ts';
import { authDb } from './auth-db.ts';
import { core } from './core.ts';
import { corex } from './corex.ts';
import type { KsrModule } from './define.ts';
import { dialog } from './dialog.ts';
import { dispatcher } from './dispatcher.ts';
import { hdr } from './hdr.ts';
import { htable } from './htable.ts';
import { kx } from './kx.ts';
import { maxfwd } from './maxfwd.ts';
import { nathelper } from './nathelper.ts';
import { permissions } from './permissions.ts';
import { pike } from './pike.ts';
import { pv } from './pv.ts';
import { registrar } from './registrar.ts';
import { rr } from './rr.ts';
import { rtpengine } from './rtpengine.ts';
import { sanity } from './sanity.ts';
import { siptrace } from './siptrace.ts';
import { siputils } from './siputils.ts';
import { sl } from './sl.ts';
import { textops, textopsx } from './textops.ts';
import { tm } from './tm.ts';
import { tmx } from './tmx.ts';
import { x } from './x.ts';
import { xlog } from './xlog.ts';

export { type AccHost, accountReply } from './accounting.ts';
export {
  type Answer,
  type Finish,
  type LocationHost,
  type LogMeter,
  type PermissionsHost,
  type PvValue,
  type RecordRouteState,
  type RelayPlan,
  RouteContext,
  type RouteFlags,
  type RouteHost,
  type RouteKind,
  type RouteScript,
  type RtpengineHost,
  type SipTraceHost,
  type TmHost,
  type TmSettings,
  type TmState,
} from './context.ts';
export type { KsrFunction, KsrModule } from './define.ts';
export {
  type DialogContext,
  type DialogHost,
  dialogResponded,
  followInDialog,
  settleDialog,
} from './dialog-tracking.ts';
export { type AuthHost, type AuthSettings, FAILURE_CAUSE } from './digest-auth.ts';
export { PvNames } from './pseudo-variables.ts';
export { linearRegex, ScriptRegexes } from './script-regex.ts';
export { leavePretranWhenDone } from './tmx.ts';

export const ksrModules: readonly KsrModule[] = [
  core,
  x,
  pv,
  hdr,
  sl,
  maxfwd,
  siputils,
  sanity,
  xlog,
  tm,
  tmx,
  rr,
  corex,
  kx,
  htable,
  registrar,
  permissions,
  pike,
  auth,
  authDb,
  nathelper,
  rtpengine,
  textops,
  textopsx,
  acc,
  dialog,
  dispatcher,
  siptrace,
];
