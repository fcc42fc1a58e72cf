// KSR dialog: Kamailio's dialog module KEMI exports (dialog.c's sr_kemi_dialog_exports) over the tenant's
// dialog table (src/state/dialog-store.ts); how messages move a dialog is dialog-tracking.ts. Every function
// reaches only the context tenant's dialogs and declared profiles. Return codes are Kamailio's: 1 or -1.
import { type DialogRecord, type DialogStore, DLG_STATE } from '../state/dialog-store.ts';
import type { RouteContext } from './context.ts';
import { defineModule } from './define.ts';
import { manage, messageDialog } from './dialog-tracking.ts';
import { hostLog } from './host-log.ts';
import { writePv } from './pseudo-variables.ts';

const code = (yes: boolean | undefined) => (yes === true ? 1 : -1);

function fail(ctx: RouteContext, fn: string, why: string): number {
  hostLog(ctx, 'error', fn, { ksr: fn }, why);
  return -1;
}

/** dlg_get_dlg_ctx's dialog for a function that needs one; undefined (quietly, as Kamailio's LM_DBG) else. */
function current(ctx: RouteContext): { store: DialogStore; dialog: DialogRecord } | undefined {
  const store = ctx.host.dialogs?.store;
  const dialog = messageDialog(ctx);
  return store === undefined || dialog === undefined ? undefined : { store, dialog };
}

/** The dialog of Call-ID and tags among the tenant's (the To tag may be "" for a dialog not yet answered). */
function byTags(ctx: RouteContext, callId: string, ftag: string, ttag: string): DialogRecord | undefined {
  const store = ctx.host.dialogs?.store;
  if (store === undefined || ctx.tenant === undefined || callId === '' || ftag === '') return undefined;
  return store.find(ctx.tenant, callId, ftag, ttag === '' ? undefined : ttag)?.dialog;
}

type ProfileKind = 'with-value' | 'no-value';

/** Whether `profile` is declared for the tenant, and how; undefined (logged, as Kamailio's LM_CRIT) if not. */
function declared(ctx: RouteContext, fn: string, profile: string): ProfileKind | undefined {
  const store = ctx.host.dialogs?.store;
  if (store !== undefined && ctx.tenant !== undefined && profile !== '') {
    const settings = store.settings(ctx.tenant);
    if (settings.profilesWithValue.has(profile)) return 'with-value';
    if (settings.profilesNoValue.has(profile)) return 'no-value';
  }
  fail(ctx, fn, `profile <${profile}> not defined`);
  return undefined;
}

/**
 * The value a profile function uses: "" for a profile without value (Kamailio ignores one given), the
 * value for a profile with values, or undefined when such a profile is given none.
 */
function profileValue(kind: ProfileKind, value: string | undefined): string | undefined {
  if (kind === 'no-value') return '';
  return value === undefined || value === '' ? undefined : value;
}

function setProfile(ctx: RouteContext, fn: string, profile: string, value: string | undefined): number {
  const kind = declared(ctx, fn, profile);
  if (kind === undefined) return -1;
  const v = profileValue(kind, value);
  if (v === undefined) return fail(ctx, fn, 'invalid value parameter');
  const found = current(ctx);
  if (found !== undefined) {
    found.store.addToProfile(found.dialog, profile, v);
    return 1;
  }
  // Before dlg_manage in a request route: joined when the dialog is made (Kamailio's pending linkers).
  if (ctx.kind === 'request' && ctx.request?.to?.tag === undefined) {
    ctx.dlg.pendingProfiles.push([profile, v]);
    return 1;
  }
  return fail(ctx, fn, 'no dialog for this message');
}

function unsetProfile(ctx: RouteContext, fn: string, profile: string, value: string | undefined): number {
  const kind = declared(ctx, fn, profile);
  if (kind === undefined) return -1;
  const v = profileValue(kind, value);
  if (v === undefined) return fail(ctx, fn, 'invalid value parameter');
  const found = current(ctx);
  return code(found?.store.removeFromProfile(found.dialog, profile, v));
}

function inProfile(ctx: RouteContext, fn: string, profile: string, value: string | undefined): number {
  const kind = declared(ctx, fn, profile);
  if (kind === undefined) return -1;
  const found = current(ctx);
  const values = found?.dialog.profiles.get(profile);
  if (values === undefined) return -1;
  return code(kind === 'no-value' || value === undefined || values.has(value));
}

function profileSize(
  ctx: RouteContext,
  fn: string,
  profile: string,
  value: string | undefined,
  pv: string,
): number | Promise<number> {
  if (pv === '') return fail(ctx, fn, 'invalid destination var name');
  const kind = declared(ctx, fn, profile);
  if (kind === undefined) return -1;
  const v = profileValue(kind, value);
  if (v === undefined) return fail(ctx, fn, 'invalid value parameter');
  const ref = ctx.host.pvNames.lookup(pv);
  if (!ref.ok) return fail(ctx, fn, ref.error);
  if (!pv.startsWith('$var(') && !pv.startsWith('$avp('))
    return fail(ctx, fn, 'return must be an AVP or SCRIPT VAR!');
  const store = ctx.host.dialogs!.store;
  const write = (size: number) => {
    if (size < 0) return fail(ctx, fn, "the cluster's Redis did not answer");
    const written = writePv(ctx, ref.value, size);
    return written.ok ? 1 : fail(ctx, fn, 'setting profile PV failed');
  };
  const asked = kind === 'no-value' ? undefined : v;
  // Several nodes: the sizes of all nodes, from Redis (the guest suspends while it answers).
  if (store.sharedProfileSize) return store.sharedProfileSize(ctx.tenant!, profile, asked).then(write);
  return write(store.profileSize(ctx.tenant!, profile, asked));
}

/** The dialog functions that answer a Promise when profile sizes are counted by all nodes (Redis). */
export const DIALOG_SUSPENDING: readonly string[] = [
  'dialog#get-profile-size',
  'dialog#get-profile-size-static',
];

function setFlag(ctx: RouteContext, flag: number, on: boolean): number {
  if (flag < 0 || flag > 31) return -1;
  const bit = 1 << flag;
  const found = current(ctx);
  ctx.dlg.flags = on ? ctx.dlg.flags | bit : ctx.dlg.flags & ~bit;
  if (found !== undefined) found.dialog.flags = on ? found.dialog.flags | bit : found.dialog.flags & ~bit;
  return 1;
}

function setTimeout(ctx: RouteContext, timeout: number): number {
  const found = current(ctx);
  if (found === undefined || timeout <= 0) return -1;
  found.dialog.lifetime = timeout;
  found.store.refresh(found.dialog);
  return 1;
}

function bye(ctx: RouteContext, side: string): number {
  const found = current(ctx);
  const host = ctx.host.dialogs;
  if (found === undefined || host === undefined || found.dialog.state === DLG_STATE.deleted) return -1;
  const lower = side.toLowerCase();
  const which = lower === 'caller' || lower === 'callee' ? lower : 'both';
  if (!host.bye(found.dialog, which)) return fail(ctx, 'dlg-bye', 'no BYE could be sent for this dialog');
  found.store.end(found.dialog, 'dlg-bye');
  return 1;
}

function setVar(
  ctx: RouteContext,
  fn: string,
  dialog: DialogRecord | undefined,
  key: string,
  value?: string,
) {
  const store = ctx.host.dialogs?.store;
  if (dialog === undefined || store === undefined) return -1;
  if (store.setVar(dialog, key, value)) return 1;
  return fail(ctx, fn, `dialog variable '${key.slice(0, 64)}' refused (dialog max_vars / max_var_bytes)`);
}

export const dialog = defineModule('dialog', {
  'dlg-manage': (ctx) => manage(ctx),
  'is-known-dlg': (ctx) => code(messageDialog(ctx) !== undefined),
  'dlg-set-timeout': (ctx, timeout) => setTimeout(ctx, timeout),
  'dlg-bye': (ctx, side) => bye(ctx, side),
  'dlg-get': (ctx, callId, ftag, ttag) => {
    if (ttag === '') return fail(ctx, 'dlg-get', 'invalid To tag parameter');
    const found = byTags(ctx, callId, ftag, ttag);
    if (found === undefined) return -1;
    ctx.dlg.current = found;
    return 1;
  },
  'dlg-set-var': (ctx, callId, ftag, ttag, key, value) =>
    setVar(ctx, 'dlg-set-var', byTags(ctx, callId, ftag, ttag), key, value),
  'dlg-get-var': (ctx, callId, ftag, ttag, key) => byTags(ctx, callId, ftag, ttag)?.vars.get(key),
  'var-sets': (ctx, name, value) => setVar(ctx, 'var-sets', messageDialog(ctx), name, value),
  'var-get': (ctx, name) => messageDialog(ctx)?.vars.get(name),
  'var-gete': (ctx, name) => messageDialog(ctx)?.vars.get(name) ?? '',
  'var-rm': (ctx, name) => setVar(ctx, 'var-rm', messageDialog(ctx), name, undefined),
  'var-is-null': (ctx, name) => code(messageDialog(ctx)?.vars.get(name) === undefined),
  'dlg-setflag': (ctx, flag) => setFlag(ctx, flag, true),
  'dlg-resetflag': (ctx, flag) => setFlag(ctx, flag, false),
  'dlg-isflagset': (ctx, flag) => {
    if (flag < 0 || flag > 31) return -1;
    const flags = current(ctx)?.dialog.flags ?? ctx.dlg.flags;
    return code((flags & (1 << flag)) !== 0);
  },
  'set-dlg-profile': (ctx, profile, value) => setProfile(ctx, 'set-dlg-profile', profile, value),
  'set-dlg-profile-static': (ctx, profile) => setProfile(ctx, 'set-dlg-profile', profile, undefined),
  'unset-dlg-profile': (ctx, profile, value) => unsetProfile(ctx, 'unset-dlg-profile', profile, value),
  'unset-dlg-profile-static': (ctx, profile) => unsetProfile(ctx, 'unset-dlg-profile', profile, undefined),
  'is-in-profile': (ctx, profile, value) =>
    inProfile(ctx, 'is-in-profile', profile, value === '' ? undefined : value),
  'is-in-profile-static': (ctx, profile) => inProfile(ctx, 'is-in-profile', profile, undefined),
  'get-profile-size': (ctx, profile, value, pv) => profileSize(ctx, 'get-profile-size', profile, value, pv),
  'get-profile-size-static': (ctx, profile, pv) =>
    profileSize(ctx, 'get-profile-size', profile, undefined, pv),
});
