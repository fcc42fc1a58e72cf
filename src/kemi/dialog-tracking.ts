// How SIP messages move a tracked dialog (Kamailio's dlg_handlers.c): dlg_manage on an initial INVITE
// creates it (unconfirmed); the INVITE transaction's responses make it early (1xx with a To tag),
// confirmed (2xx: the lifetime timer starts) or end it (a final failure); an in-dialog request that
// loose_route finds our Route entry in (or that dlg_manage sees) confirms it on the ACK, ends it on a BYE
// and restarts its lifetime on anything else. A dialog made in a request route whose request was never
// relayed (answered statelessly, dropped, the route failed) ends there, as Kamailio's unref of a dialog
// without a transaction.
import type { SipRequest, SipResponse } from '../sip/index.ts';
import { parseUri } from '../sip/index.ts';
import { type DialogRecord, type DialogStore, DLG_STATE } from '../state/dialog-store.ts';
import type { RouteContext } from './context.ts';
import { hostLog } from './host-log.ts';

/** What the dialog functions need from the server. */
export interface DialogHost {
  readonly store: DialogStore;
  /** Pins the context's module version for the dialog's life; the function unpins it. */
  pin(ctx: RouteContext): () => void;
  /** Sends BYE to the caller, the callee or both (Kamailio's dlg_bye); false when none could be sent. */
  bye(dialog: DialogRecord, side: 'caller' | 'callee' | 'both'): boolean;
}

/** The dialog side of one route invocation (Kamailio's dlg_ctx). */
export interface DialogContext {
  /** The dialog of the message: created by dlg_manage here, matched in-dialog, or chosen by dlg_get. */
  current: DialogRecord | undefined;
  /** dlg_manage created `current` in this request route. */
  created: boolean;
  /** Flags dlg_setflag set before a dialog existed: the new dialog takes them. */
  flags: number;
  /** Profiles set before dlg_manage in this route: the new dialog joins them. */
  readonly pendingProfiles: [profile: string, value: string][];
}

export function newDialogContext(): DialogContext {
  return { current: undefined, created: false, flags: 0, pendingProfiles: [] };
}

/** dlg_manage: a new dialog for an initial INVITE, the tracking of an in-dialog request; 1 or -1. */
export function manage(ctx: RouteContext): number {
  const dialogs = ctx.host.dialogs;
  const request = ctx.request;
  const fail = (why: string) => {
    hostLog(ctx, 'error', 'dlg-manage', { ksr: 'dlg-manage' }, why);
    return -1;
  };
  if (dialogs === undefined || ctx.tenant === undefined)
    return fail('dialogs are not tracked on this server');
  if (request === undefined || ctx.kind !== 'request') return fail('dlg-manage runs in the request route');
  if (request.to === undefined) return fail('bad To header');
  if (request.to.tag !== undefined) {
    followInDialog(ctx);
    return 1;
  }
  if (ctx.dlg.current !== undefined) return 1; // managed already in this route
  if (request.method !== 'INVITE') return fail(`dlg-manage makes dialogs for INVITE, not ${request.method}`);
  const from = request.from;
  if (from?.tag === undefined) return fail('the INVITE has no From tag');
  const release = dialogs.pin(ctx);
  const contact = request.contacts;
  const dialog = dialogs.store.create(
    {
      tenant: ctx.tenant,
      version: ctx.script?.version ?? 0,
      callId: request.callId,
      fromUri: `<${from.uri}>`,
      toUri: `<${request.to.uri}>`,
      caller: {
        tag: from.tag,
        contact: Array.isArray(contact) ? contact[0]?.uri : undefined,
        routeSet: (request.recordRoutes ?? []).map((rr) => `<${rr.uri}>`),
        cseq: request.cseq.seq,
      },
      callee: { tag: undefined, contact: undefined, routeSet: [], cseq: request.cseq.seq },
    },
    release,
  );
  if (dialog === undefined) {
    release();
    const settings = dialogs.store.settings(ctx.tenant);
    hostLog(
      ctx,
      'warn',
      'dialog-quota',
      { ksr: 'dlg-manage', limit: settings.maxDialogs },
      `no dialog for this INVITE: tenant ${ctx.tenant} holds ${settings.maxDialogs} (dialog max_dialogs)`,
    );
    return -1;
  }
  dialog.flags |= ctx.dlg.flags;
  ctx.dlg.current = dialog;
  ctx.dlg.created = true;
  for (const [profile, value] of ctx.dlg.pendingProfiles) dialogs.store.addToProfile(dialog, profile, value);
  ctx.dlg.pendingProfiles.length = 0;
  return 1;
}

/**
 * The request route of a request is over: a dialog made in it whose INVITE went nowhere (no transaction,
 * or one that was abandoned unanswered) ends as failed.
 */
export function settleDialog(ctx: RouteContext, relayed: boolean): void {
  const dialog = ctx.dlg.current;
  if (!ctx.dlg.created || dialog === undefined) return;
  if (!relayed && dialog.state < DLG_STATE.confirmedNa) ctx.host.dialogs?.store.end(dialog, 'failed');
}

/** The dialog of an in-dialog request, its state moved by the method; undefined when none is known. */
export function followInDialog(ctx: RouteContext): DialogRecord | undefined {
  const store = ctx.host.dialogs?.store;
  const request = ctx.request;
  if (store === undefined || request === undefined || ctx.tenant === undefined) return undefined;
  const found = store.find(ctx.tenant, request.callId, request.from?.tag, request.to?.tag);
  if (found === undefined) return undefined;
  const { dialog, upstream } = found;
  ctx.dlg.current = dialog;
  const method = request.method;
  if (method === 'CANCEL') return dialog; // the INVITE's transaction ends it (487)
  const leg = upstream ? dialog.callee : dialog.caller;
  // The party's CSeq space is its own: the last number it used, whatever it was (Kamailio's dlg_update_cseq).
  if (method !== 'ACK') leg.cseq = request.cseq.seq;
  if (method === 'ACK') {
    if (dialog.state === DLG_STATE.confirmedNa) dialog.state = DLG_STATE.confirmed;
  } else if (method === 'BYE') {
    store.end(dialog, 'bye');
  } else if (dialog.state >= DLG_STATE.confirmedNa) {
    store.refresh(dialog);
  }
  return dialog;
}

/**
 * A response the INVITE transaction of a tracked dialog sent upstream (tm's TMCB_RESPONSE_OUT): early on a
 * 1xx with a To tag, confirmed on a 2xx, failed on a final failure before any 2xx.
 */
export function dialogResponded(
  host: DialogHost,
  isMyself: (host: string, port: number | undefined, secure: boolean) => boolean,
  tenant: string,
  request: SipRequest,
  response: SipResponse,
): void {
  if (request.method !== 'INVITE' || request.to?.tag !== undefined) return;
  const found = host.store.find(tenant, request.callId, request.from?.tag, undefined);
  if (found === undefined || found.upstream) return;
  const { dialog } = found;
  if (dialog.state >= DLG_STATE.confirmedNa) return; // a second 2xx of a fork: the first one won
  const status = response.status;
  if (status >= 300) {
    host.store.end(dialog, 'failed');
    return;
  }
  const tag = response.to?.tag;
  if (tag === undefined || status === 100) return;
  learnCallee(dialog, response, tag, isMyself);
  if (status >= 200) host.store.confirm(dialog);
  else dialog.state = DLG_STATE.early;
}

/** The callee's tag, Contact and route set (the response's Record-Route above ours, nearest first). */
function learnCallee(
  dialog: DialogRecord,
  response: SipResponse,
  tag: string,
  isMyself: (host: string, port: number | undefined, secure: boolean) => boolean,
): void {
  const callee = dialog.callee;
  callee.tag = tag;
  const contacts = response.contacts;
  if (Array.isArray(contacts) && contacts[0] !== undefined) callee.contact = contacts[0].uri;
  const rr = response.recordRoutes ?? [];
  const above = rr.slice(0, Math.max(0, rr.length - dialog.caller.routeSet.length));
  callee.routeSet = above
    .filter((entry) => {
      const uri = parseUri(entry.uri);
      return (
        uri === undefined || uri.scheme === 'tel' || !isMyself(uri.host, uri.port, uri.scheme === 'sips')
      );
    })
    .map((entry) => `<${entry.uri}>`)
    .reverse();
}

/** The dialog a message belongs to: the route's (dlg_manage, dlg_get, in-dialog), else by its tags. */
export function messageDialog(ctx: RouteContext): DialogRecord | undefined {
  if (ctx.dlg.current !== undefined) return ctx.dlg.current;
  const store = ctx.host.dialogs?.store;
  if (store === undefined || ctx.tenant === undefined) return undefined;
  const msg = ctx.msg;
  const toTag = msg.to?.tag;
  // An initial request has no dialog until dlg_manage; a reply of one is matched by the caller's tag.
  if (ctx.request !== undefined && toTag === undefined) return undefined;
  return store.find(ctx.tenant, msg.callId, msg.from?.tag, toTag)?.dialog;
}
