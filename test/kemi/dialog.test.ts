// KSR dialog over the route context and a real DialogStore on a virtual clock: dlg_manage and its cap,
// state from the INVITE's responses and in-dialog requests, the lifetime timer (dlg_set_timeout, expiry
// handler before the end), variables ($dlg_var, dlg_set_var/dlg_get_var and their caps), flags set before
// the dialog exists, profiles with and without values (undeclared, pending, sizes through $var), and the
// "dialog ended" listeners with their reasons. Two tenants on one store reach only their own dialogs.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { dialog } from '../../src/kemi/dialog.ts';
import {
  type DialogHost,
  dialogResponded,
  followInDialog,
  PvNames,
  RouteContext,
  type RouteHost,
  ScriptRegexes,
  settleDialog,
} from '../../src/kemi/index.ts';
import { pv } from '../../src/kemi/pv.ts';
import { parseMessage, type SipRequest, SipResponse } from '../../src/sip/index.ts';
import {
  DIALOG_DEFAULTS,
  type DialogEnded,
  type DialogRecord,
  type DialogSettings,
  DialogStore,
} from '../../src/state/dialog-store.ts';
import type { Clock } from '../../src/tm/clock.ts';
import { call, INVITE, SOURCE } from './fixture.ts';

/** A clock whose timers fire when the test advances it. */
function virtualClock() {
  let now = 0;
  const timers: { at: number; fire: () => void; live: boolean }[] = [];
  const clock: Clock = {
    now: () => now,
    schedule(delayMs, fire, arg) {
      const t = { at: now + delayMs, fire: () => fire(arg!), live: true };
      timers.push(t);
      return { cancel: () => (t.live = false) };
    },
  };
  const advance = (ms: number) => {
    now += ms;
    for (const t of timers.filter((x) => x.live && x.at <= now)) {
      t.live = false;
      t.fire();
    }
  };
  return { clock, advance };
}

const settings = (over: Partial<DialogSettings> = {}): DialogSettings => ({
  ...DIALOG_DEFAULTS,
  profilesWithValue: new Set(['caller']),
  profilesNoValue: new Set(['calls']),
  ...over,
});

function setup(over: Partial<DialogSettings> = {}) {
  const { clock, advance } = virtualClock();
  const store = new DialogStore(
    (tenant) => (tenant === 'tiny' ? settings({ maxDialogs: 1 }) : settings(over)),
    clock,
  );
  const pins = { held: 0 };
  const byes: [string, string][] = [];
  const ended: DialogEnded[] = [];
  store.onEnded((e) => ended.push(e));
  const dialogs: DialogHost = {
    store,
    pin: () => {
      pins.held++;
      return () => pins.held--;
    },
    bye: (d, side) => {
      byes.push([d.callId, side]);
      return true;
    },
  };
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  const host: RouteHost = {
    slReply: () => true,
    sendReply: () => true,
    isMyself: (h) => h === '127.0.0.1',
    dialogs,
    pvNames: new PvNames(),
    regexes: new ScriptRegexes(),
  };
  const context = (text: string, tenant = 'acme', kind: 'request' | 'reply' = 'request') => {
    const parsed = parseMessage(Buffer.from(text, 'latin1'), { datagram: true });
    if (!parsed.ok) throw new Error(parsed.error.detail);
    return new RouteContext(kind, parsed.value, SOURCE, host, log, { tenant, version: 3 });
  };
  const dlg = (ctx: RouteContext, name: string, ...args: (string | number)[]) =>
    call(dialog, name, ctx, ...args);
  return { store, advance, pins, byes, ended, host, dialogs, context, dlg, lines };
}

/** INVITE with Record-Route from an upstream proxy; in-dialog requests and replies of the same call. */
const invite = INVITE.replace('Contact:', 'Record-Route: <sip:10.0.0.9;lr>\r\nContact:');
function reply(status: number, toTag = 'tt9') {
  return [
    `SIP/2.0 ${status} Whatever`,
    'Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-1',
    'Record-Route: <sip:10.0.0.20;lr>',
    'Record-Route: <sip:127.0.0.1;lr>',
    'Record-Route: <sip:10.0.0.9;lr>',
    'From: "Alice A" <sip:alice@example.org>;tag=ft1',
    `To: Bob <sip:bob@example.com>;tag=${toTag}`,
    'Call-ID: call-1@10.0.0.1',
    'CSeq: 101 INVITE',
    'Contact: <sip:bob@10.0.0.2:5070>',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}
function inDialog(method: string, cseq: number, upstream = false) {
  const [from, to] = upstream
    ? ['Bob <sip:bob@example.com>;tag=tt9', '"Alice A" <sip:alice@example.org>;tag=ft1']
    : ['"Alice A" <sip:alice@example.org>;tag=ft1', 'Bob <sip:bob@example.com>;tag=tt9'];
  return [
    `${method} sip:bob@10.0.0.2:5070 SIP/2.0`,
    'Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-in',
    'Max-Forwards: 70',
    `From: ${from}`,
    `To: ${to}`,
    'Call-ID: call-1@10.0.0.1',
    `CSeq: ${cseq} ${method}`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

function respond(t: ReturnType<typeof setup>, ctx: RouteContext, status: number) {
  const parsed = parseMessage(Buffer.from(reply(status), 'latin1'), { datagram: true });
  if (!parsed.ok || !(parsed.value instanceof SipResponse)) throw new Error('reply');
  dialogResponded(t.dialogs, t.host.isMyself, 'acme', ctx.msg as SipRequest, parsed.value);
}

function follow(t: ReturnType<typeof setup>, method: string, cseq: number, upstream = false) {
  const ctx = t.context(inDialog(method, cseq, upstream));
  return { ctx, dialog: followInDialog(ctx) };
}

describe('dlg_manage and the states', () => {
  it('makes an unconfirmed dialog that the responses and in-dialog requests move', () => {
    const t = setup();
    const ctx = t.context(invite);
    expect(t.dlg(ctx, 'dlg-manage')).toBe(1);
    expect(t.dlg(ctx, 'is-known-dlg')).toBe(1);
    const d = ctx.dlg.current as DialogRecord;
    expect(d.state).toBe(1);
    expect(d.caller).toEqual({
      tag: 'ft1',
      contact: 'sip:alice@10.0.0.1:5060',
      routeSet: ['<sip:10.0.0.9;lr>'],
      cseq: 101,
    });
    expect(t.pins.held).toBe(1);
    respond(t, ctx, 180);
    expect(d.state).toBe(2);
    respond(t, ctx, 200);
    expect(d.state).toBe(3);
    // The callee's route set: the reply's Record-Route above ours, nearest first.
    expect(d.callee).toEqual({
      tag: 'tt9',
      contact: 'sip:bob@10.0.0.2:5070',
      routeSet: ['<sip:10.0.0.20;lr>'],
      cseq: 101,
    });
    expect(follow(t, 'ACK', 101).dialog).toBe(d);
    expect(d.state).toBe(4);
    const reinvite = follow(t, 'INVITE', 102);
    expect(reinvite.dialog).toBe(d);
    expect(d.caller.cseq).toBe(102);
    // The callee's request (tags swapped) is matched upstream and counts on the callee's leg.
    follow(t, 'INFO', 7, true);
    expect(d.callee.cseq).toBe(7);
    follow(t, 'BYE', 103);
    expect(d.state).toBe(5);
    expect(t.ended.map((e) => [e.reason, e.previousState])).toEqual([['bye', 4]]);
    expect(t.pins.held).toBe(0);
    expect(t.store.activeOf('acme')).toBe(0);
  });

  it('ends a dialog whose INVITE failed, or that was never relayed', () => {
    const t = setup();
    const ctx = t.context(invite);
    t.dlg(ctx, 'dlg-manage');
    respond(t, ctx, 486);
    const other = t.context(invite.replace('tag=ft1', 'tag=ft2'));
    t.dlg(other, 'dlg-manage');
    settleDialog(other, false);
    expect(t.ended.map((e) => e.reason)).toEqual(['failed', 'failed']);
    expect(t.pins.held).toBe(0);
    // Relayed: kept.
    const kept = t.context(invite.replace('tag=ft1', 'tag=ft3'));
    t.dlg(kept, 'dlg-manage');
    settleDialog(kept, true);
    expect(t.store.activeOf('acme')).toBe(1);
  });

  it('answers -1 past the tenant cap, counted; another tenant is not affected', () => {
    const t = setup();
    expect(t.dlg(t.context(invite, 'tiny'), 'dlg-manage')).toBe(1);
    expect(t.dlg(t.context(invite.replace('tag=ft1', 'tag=x'), 'tiny'), 'dlg-manage')).toBe(-1);
    expect(t.store.counters.refused).toEqual({ tiny: 1 });
    expect(t.pins.held).toBe(1);
    // acme does not see tiny's dialog, and has a cap of its own.
    expect(t.dlg(t.context(inDialog('BYE', 102), 'acme'), 'is-known-dlg')).toBe(-1);
    expect(t.dlg(t.context(invite, 'acme'), 'dlg-manage')).toBe(1);
    expect(
      t.dlg(
        t.context(invite.replace('INVITE sip', 'MESSAGE sip').replace('101 INVITE', '1 MESSAGE')),
        'dlg-manage',
      ),
    ).toBe(-1);
  });
});

describe('lifetime', () => {
  it('starts on the 2xx, is reset by in-dialog requests and dlg_set_timeout, and expires', () => {
    const t = setup();
    const expired: string[] = [];
    t.store.onExpired((d) => expired.push(`${d.callId} ${d.state}`));
    const ctx = t.context(invite);
    t.dlg(ctx, 'dlg-manage');
    expect(t.dlg(ctx, 'dlg-set-timeout', 10)).toBe(1);
    t.advance(60_000);
    expect(expired).toEqual([]); // not confirmed: no timer yet
    respond(t, ctx, 200);
    t.advance(9_000);
    follow(t, 'INFO', 102); // resets the timer
    t.advance(9_000);
    expect(expired).toEqual([]);
    t.advance(1_000);
    expect(expired).toEqual(['call-1@10.0.0.1 3']);
    expect(t.ended.map((e) => e.reason)).toEqual(['timeout']);
    expect(t.dlg(t.context(inDialog('BYE', 103)), 'dlg-set-timeout', 5)).toBe(-1);
  });

  it('dlg_bye asks the host for BYEs and ends the dialog', () => {
    const t = setup();
    const ctx = t.context(invite);
    t.dlg(ctx, 'dlg-manage');
    respond(t, ctx, 200);
    const bye = follow(t, 'INFO', 102).ctx;
    expect(t.dlg(bye, 'dlg-bye', 'callee')).toBe(1);
    expect(t.byes).toEqual([['call-1@10.0.0.1', 'callee']]);
    expect(t.ended.map((e) => e.reason)).toEqual(['dlg-bye']);
    expect(t.dlg(bye, 'dlg-bye', 'all')).toBe(-1);
  });
});

describe('variables and flags', () => {
  it('$dlg_var, var-*, dlg_set_var / dlg_get_var by Call-ID and tags, with the caps', () => {
    const t = setup({ maxVars: 2, maxVarBytes: 10 });
    const ctx = t.context(invite);
    expect(call(pv, 'sets', ctx, '$dlg_var(a)', 'x')).toBeUndefined();
    expect(call(pv, 'get', ctx, '$dlg_var(a)')).toBeUndefined(); // no dialog yet
    t.dlg(ctx, 'dlg-manage');
    call(pv, 'sets', ctx, '$dlg_var(a)', 'one');
    expect(t.dlg(ctx, 'var-get', 'a')).toBe('one');
    expect(t.dlg(ctx, 'var-sets', 'b', 'two')).toBe(1);
    expect(t.dlg(ctx, 'var-sets', 'c', 'three')).toBe(-1); // max_vars
    expect(t.dlg(ctx, 'var-sets', 'b', 'much-too-long')).toBe(-1); // max_var_bytes
    expect(t.dlg(ctx, 'dlg-set-var', 'call-1@10.0.0.1', 'ft1', '', 'a', 'uno')).toBe(1);
    respond(t, ctx, 200);
    const later = t.context(inDialog('BYE', 102));
    expect(t.dlg(later, 'dlg-get-var', 'call-1@10.0.0.1', 'ft1', 'tt9', 'a')).toBe('uno');
    expect(call(pv, 'get', later, '$dlg_var(b)')).toBe('two');
    expect(call(pv, 'get', later, '$dlg(state)')).toBe('3');
    expect(t.dlg(later, 'var-rm', 'b')).toBe(1);
    expect(t.dlg(later, 'var-is-null', 'b')).toBe(1);
    expect(t.dlg(later, 'dlg-get-var', 'nope', 'ft1', 'tt9', 'a')).toBeUndefined();
    expect(t.dlg(later, 'dlg-get', 'call-1@10.0.0.1', 'ft1', '')).toBe(-1);
    expect(t.dlg(later, 'dlg-get', 'call-1@10.0.0.1', 'ft1', 'tt9')).toBe(1);
  });

  it('flags set before dlg_manage go to the new dialog', () => {
    const t = setup();
    const ctx = t.context(invite);
    expect(t.dlg(ctx, 'dlg-setflag', 4)).toBe(1);
    expect(t.dlg(ctx, 'dlg-setflag', 32)).toBe(-1);
    t.dlg(ctx, 'dlg-manage');
    expect(t.dlg(ctx, 'dlg-isflagset', 4)).toBe(1);
    expect(t.dlg(ctx, 'dlg-resetflag', 4)).toBe(1);
    expect(t.dlg(ctx, 'dlg-isflagset', 4)).toBe(-1);
    expect((ctx.dlg.current as DialogRecord).flags).toBe(0);
  });
});

describe('profiles', () => {
  it('with and without values, pending before dlg_manage, sizes into $var, freed when the dialog ends', () => {
    const t = setup();
    const a = t.context(invite);
    expect(t.dlg(a, 'set-dlg-profile-static', 'calls')).toBe(1); // pending
    t.dlg(a, 'dlg-manage');
    expect(t.dlg(a, 'set-dlg-profile', 'caller', 'alice')).toBe(1);
    const b = t.context(invite.replace('tag=ft1', 'tag=ft2'));
    t.dlg(b, 'dlg-manage');
    t.dlg(b, 'set-dlg-profile-static', 'calls');
    t.dlg(b, 'set-dlg-profile', 'caller', 'bob');
    expect(t.dlg(a, 'get-profile-size-static', 'calls', '$var(n)')).toBe(1);
    expect(a.vars.get('n')).toBe(2);
    expect(t.dlg(a, 'get-profile-size', 'caller', 'alice', '$avp(m)')).toBe(1);
    expect(a.avps.get('m')).toBe(1);
    expect(t.dlg(a, 'get-profile-size-static', 'caller', '$var(x)')).toBe(-1); // a profile with values needs one
    expect(t.dlg(a, 'get-profile-size', 'caller', 'alice', '$ru')).toBe(-1); // not a var or avp
    expect(t.dlg(a, 'set-dlg-profile', 'nosuch', 'x')).toBe(-1);
    expect(t.dlg(a, 'set-dlg-profile', 'caller', '')).toBe(-1);
    expect(t.dlg(a, 'is-in-profile', 'caller', 'alice')).toBe(1);
    expect(t.dlg(a, 'is-in-profile', 'caller', 'bob')).toBe(-1);
    expect(t.dlg(a, 'is-in-profile-static', 'caller')).toBe(1);
    expect(t.dlg(a, 'unset-dlg-profile', 'caller', 'alice')).toBe(1);
    expect(t.dlg(a, 'unset-dlg-profile', 'caller', 'alice')).toBe(-1);
    expect(t.store.profileSize('acme', 'caller', undefined)).toBe(1);
    respondEnd(t, b);
    expect(t.store.profileSize('acme', 'calls', undefined)).toBe(1);
    expect(t.store.profileSize('acme', 'caller', 'bob')).toBe(0);
    expect(t.store.profileSize('other', 'calls', undefined)).toBe(0);
  });
});

function respondEnd(t: ReturnType<typeof setup>, ctx: RouteContext) {
  const parsed = parseMessage(
    Buffer.from(reply(603).replace('tag=ft1', `tag=${ctx.msg.from?.tag}`), 'latin1'),
    {
      datagram: true,
    },
  );
  if (!parsed.ok || !(parsed.value instanceof SipResponse)) throw new Error('reply');
  dialogResponded(t.dialogs, t.host.isMyself, 'acme', ctx.msg as SipRequest, parsed.value);
}
