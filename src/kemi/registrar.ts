// KSR registrar: REGISTER processing (RFC 3261 10.3) and location lookups (Kamailio's registrar module over
// usrloc). The bindings live in the server's location store (state/location-store.ts) under the tenant of
// the route context: a script names only the table ("location"), never the tenant, so one tenant's
// REGISTER is never another tenant's location. Return codes are Kamailio's.
import { err, ok, type Result } from '../result.ts';
import { type Contact, parseDeltaSeconds, parseUri, type SipRequest, uriEquals } from '../sip/index.ts';
import { type Awaitable, andThen, type Binding, type BindingChanges } from '../state/index.ts';
import type { RouteContext } from './context.ts';
import { defineModule } from './define.ts';
import { hostLog } from './host-log.ts';
import { pushReplyHeaders } from './message-budget.ts';
import { lookup, registered } from './registrar-lookup.ts';
import { addressOfRecord, type Scope, scopeOf } from './registrar-scope.ts';

export { addressOfRecord } from './registrar-scope.ts';

/** save flag: do not send the reply (Kamailio's REG_SAVE_NORPL_FL). */
export const SAVE_NO_REPLY = 0x02;
/** save flag: the request's contacts replace every other binding of the AoR (REG_SAVE_REPL_FL). */
export const SAVE_REPLACE = 0x04;

/** Longest AoR, contact URI, Call-ID and User-Agent kept (bytes): a binding's size is bounded. */
export const MAX_AOR_BYTES = 256;
export const MAX_CONTACT_BYTES = 512;
const MAX_CALL_ID_BYTES = 255;
const MAX_USER_AGENT_BYTES = 255;
const MAX_PATH_BYTES = 1024;
/** usrloc's cseq_delay (20 s): how long the same CSeq again counts as a retransmission. */
export const CSEQ_DELAY_MS = 20_000;
/** The AVP fix_nated_register fills and registrar's received_avp names in Kamailio's basic config. */
export const RECEIVED_AVP = 'RECEIVED';

/**
 * What a binding keeps besides its contact: `received`, the address a NATed UA is reached at (the value of
 * $avp(RECEIVED), as nathelper's fix_nated_register leaves it: `KSR.kx.get_srcuri()`), and with use_path
 * the REGISTER's Path.
 */
function bindingExtras(
  request: SipRequest,
  ctx: RouteContext,
  usePath: boolean,
): Result<{ received?: string; path?: string }, Refusal> {
  const extras: { received?: string; path?: string } = {};
  const received = ctx.avps.get(RECEIVED_AVP);
  if (received !== undefined) {
    const uri = String(received);
    if (uri.length > MAX_CONTACT_BYTES || parseUri(uri) === undefined)
      return err(
        refusal(500, 'Server Internal Error', `$avp(${RECEIVED_AVP}) '${uri.slice(0, 80)}' is not a SIP URI`),
      );
    extras.received = uri;
  }
  const path = usePath ? request.getFieldValues('Path') : [];
  if (path.length > 0) {
    const value = path.join(', ');
    if (value.length > MAX_PATH_BYTES)
      return err(refusal(400, 'Bad Request', `the Path is longer than ${MAX_PATH_BYTES} bytes`));
    extras.path = value;
  }
  return ok(extras);
}

/** usrloc's methods: the contact's methods parameter, else the REGISTER's Allow; every method without. */
function methodsOf(contact: Contact, request: SipRequest): { methods?: string } {
  const param = contact.params.get('methods');
  const list = param !== undefined ? [param.replace(/^"|"$/g, '')] : request.getFieldValues('Allow');
  if (list.length === 0) return {};
  const names = list
    .flatMap((v) => v.split(','))
    .map((m) => m.trim().toUpperCase())
    .filter((m) => m !== '');
  return names.length === 0 ? {} : { methods: [...new Set(names)].join(',').slice(0, 255) };
}

function sameContact(a: string, b: string): boolean {
  return a === b || uriEquals(a, b);
}

function secondsLeft(b: Binding, now: number): number {
  return Math.max(0, Math.ceil((b.expiresAt - now) / 1000));
}

function formatQ(q: number): string {
  return q === 1 ? '1' : q.toFixed(3).replace(/0+$/, '').replace(/\.$/, '');
}

/** A REGISTER that could not be processed: the reply it gets, and why (logged). */
interface Refusal {
  readonly status: number;
  readonly reason: string;
  readonly detail: string;
  readonly headers: [string, string][];
}

function refusal(status: number, reason: string, detail: string, headers: [string, string][] = []): Refusal {
  return { status, reason, detail, headers };
}

type Plan = { changes: BindingChanges; added: boolean; updated: boolean; removed: boolean };

/** What the REGISTER asks for (RFC 3261 10.3 steps 6-7), checked against the AoR's current bindings. */
function plan(
  request: SipRequest,
  ctx: RouteContext,
  scope: Scope,
  existing: readonly Binding[],
  flags: number,
): Result<Plan, Refusal> {
  const { settings } = scope;
  const now = scope.store.now();
  const expiresText = request.get('Expires');
  const headerExpires = expiresText === undefined ? undefined : parseDeltaSeconds(expiresText.trim());
  if (headerExpires === -1)
    return err(refusal(400, 'Bad Expires', `Expires '${expiresText}' is not a number`));
  const callId = request.callId;
  const cseq = request.cseq.seq;
  if (callId.length > MAX_CALL_ID_BYTES)
    return err(refusal(400, 'Call-ID Too Long', `Call-ID longer than ${MAX_CALL_ID_BYTES} bytes`));
  // RFC 3261 10.3 step 7 as usrloc's get_ucontact applies it: a binding of this Call-ID with a higher CSeq
  // means an older request (400); the same CSeq within cseq_delay of the binding's last change is the
  // retransmission of the REGISTER that made it: the binding stays and the request is answered as before.
  const order = (b: Binding | undefined): 'new' | 'retransmission' | Refusal => {
    if (b === undefined || b.callId !== callId || cseq > b.cseq) return 'new';
    if (cseq === b.cseq && now < b.updatedAt + CSEQ_DELAY_MS) return 'retransmission';
    return refusal(
      400,
      'Bad Request',
      `CSeq ${cseq} is not higher than ${b.cseq} of the binding ${b.contact}`,
      [['P-Registrar-Error', 'Invalid CSeq number']],
    );
  };

  const values = request.getAll('Contact').map((v) => v.trim());
  if (values.includes('*')) {
    if (values.length > 1) return err(refusal(400, 'Invalid Request', "Contact '*' beside other contacts"));
    if (headerExpires !== 0) return err(refusal(400, 'Invalid Request', "Contact '*' needs 'Expires: 0'"));
    for (const b of existing) {
      const verdict = order(b);
      if (typeof verdict !== 'string') return err(verdict);
    }
    const remove = existing.map((b) => b.contact);
    return ok({ changes: { remove, put: [] }, added: false, updated: false, removed: remove.length > 0 });
  }
  // No Contact: a query for the current bindings (10.3 step 6).
  if (values.length === 0)
    return ok({ changes: { remove: [], put: [] }, added: false, updated: false, removed: false });
  const contacts = request.contacts;
  if (contacts === undefined || contacts === '*')
    return err(refusal(400, 'Bad Contact', 'a Contact value does not parse'));

  const userAgent = request.get('User-Agent')?.slice(0, MAX_USER_AGENT_BYTES);
  const source = `${ctx.source.proto}:${ctx.source.remote.address}:${ctx.source.remote.port}`;
  const extra = bindingExtras(request, ctx, settings.usePath === 1);
  if (!extra.ok) return err(extra.error);
  const remove: string[] = [];
  const put: Binding[] = [];
  let added = false;
  let updated = false;
  for (const contact of contacts as readonly Contact[]) {
    if (contact.uri.length > MAX_CONTACT_BYTES)
      return err(refusal(400, 'Contact Too Long', `a contact URI is longer than ${MAX_CONTACT_BYTES} bytes`));
    let expires = contact.expires ?? headerExpires ?? settings.defaultExpires;
    // sip_msg.c calc_contact_expires: below min_expires is raised to it, or refused in min_expires_mode.
    if (expires !== 0 && expires < settings.minExpires) {
      if (settings.minExpiresMode === 1)
        return err(
          refusal(
            423,
            'Interval Too Brief',
            `expires ${expires} of ${contact.uri} is below min_expires ${settings.minExpires}`,
            [
              ['Min-Expires', String(settings.minExpires)],
              ['P-Registrar-Error', 'Interval too brief'],
            ],
          ),
        );
      expires = settings.minExpires;
    }
    expires = Math.min(expires, settings.maxExpires);
    const match = existing.find((b) => sameContact(b.contact, contact.uri));
    const verdict = order(match);
    if (typeof verdict !== 'string') return err(verdict);
    if (verdict === 'retransmission') continue;
    const key = match?.contact ?? contact.uri;
    // A contact named twice in one request: the last one counts.
    const again = put.findIndex((b) => b.contact === key);
    if (again >= 0) put.splice(again, 1);
    if (expires === 0) {
      if (match) remove.push(key);
      continue;
    }
    if (match) updated = true;
    else added = true;
    put.push({
      contact: key,
      q: contact.q,
      expiresAt: now + expires * 1000,
      callId,
      cseq,
      source,
      userAgent,
      updatedAt: now,
      ...extra.value,
      ...methodsOf(contact, request),
      // usrloc keeps the branch flags as the contact's cflags (nat_bflag among them).
      ...(ctx.flags.branch !== 0 && { flags: ctx.flags.branch }),
    });
  }
  if (flags & SAVE_REPLACE) {
    for (const b of existing)
      if (!put.some((p) => p.contact === b.contact) && !remove.includes(b.contact)) remove.push(b.contact);
  }
  return ok({ changes: { remove, put }, added, updated, removed: remove.length > 0 });
}

function save(ctx: RouteContext, table: string, flags: number): Awaitable<number> {
  const ksr = 'save';
  const request = ctx.request;
  if (request?.method !== 'REGISTER') {
    hostLog(ctx, 'error', ksr, { ksr }, 'save needs a REGISTER request');
    return -1;
  }
  const scoped = scopeOf(ctx, table);
  if (!scoped.ok) {
    hostLog(ctx, 'error', ksr, { ksr }, scoped.error);
    return -1;
  }
  const scope = scoped.value;
  const reply = (status: number, reason: string, headers: [string, string][]) => {
    if (flags & SAVE_NO_REPLY) return;
    pushReplyHeaders(ctx, headers);
    ctx.host.sendReply(ctx, status, reason);
  };
  const refuse = (r: Refusal) => {
    hostLog(ctx, 'warn', ksr, { ksr, table, status: r.status }, `REGISTER refused: ${r.detail}`);
    scope.refused[scope.tenant] ??= {};
    const counts = scope.refused[scope.tenant];
    counts[r.status] = (counts[r.status] ?? 0) + 1;
    ctx.answer.pendingError = { status: r.status, reason: r.reason };
    reply(r.status, r.reason, r.headers);
    return -1;
  };
  const toUri = request.to?.uri;
  const aor = toUri === undefined ? undefined : addressOfRecord(toUri);
  if (aor === undefined) return refuse(refusal(400, 'Bad To URI', 'the To URI is not a sip: or sips: URI'));
  if (aor.length > MAX_AOR_BYTES)
    return refuse(refusal(400, 'AoR Too Long', `the AoR is longer than ${MAX_AOR_BYTES} bytes`));
  const { store, settings, tenant } = scope;
  // Kamailio's reply when usrloc fails: 500 with P-Registrar-Error naming the usrloc step (reply.c).
  let step = 'usrloc_record_get failed';
  const failed = (err: unknown) => {
    hostLog(ctx, 'error', ksr, { ksr, err }, 'the location store failed');
    return refuse(
      refusal(500, 'Server Internal Error', 'the location store failed', [['P-Registrar-Error', step]]),
    );
  };
  const accepted = (bindings: readonly Binding[], code: number) => {
    const now = store.now();
    const contacts = bindings.map((b): [string, string] => [
      'Contact',
      // Kamailio's build_contact: expires, q, then the received address a NATed binding was saved with.
      `<${b.contact}>;expires=${secondsLeft(b, now)}${b.q === undefined ? '' : `;q=${formatQ(b.q)}`}` +
        (b.received === undefined ? '' : `;received="${b.received}"`),
    ]);
    // RFC 3327 5.3: a registrar that stored the Path returns it in the 200 (Kamailio: path_mode on).
    if (settings.usePath === 1)
      for (const value of request.getFieldValues('Path')) contacts.push(['Path', value]);
    reply(200, 'OK', contacts);
    return code;
  };
  try {
    // The embedded store answers at once (one synchronous path); a Redis store with Promises (the guest
    // is suspended meanwhile, docs/cluster.md "Location").
    const saved = andThen(store.bindings(tenant, table, aor), (existing): Awaitable<number> => {
      const planned = plan(request, ctx, scope, existing, flags);
      if (!planned.ok) return refuse(planned.error);
      const { changes, added, updated, removed } = planned.value;
      // Kamailio's codes: 1 contacts inserted, 2 updated, 3 deleted, 4 returned (a query).
      const code = added ? 1 : updated ? 2 : removed ? 3 : 4;
      if (changes.put.length + changes.remove.length === 0) return accepted(existing, code);
      step = added
        ? 'usrloc_contact_insert failed'
        : updated
          ? 'usrloc_contact_update failed'
          : 'usrloc_contact_delete failed';
      return andThen(store.apply(tenant, table, aor, changes, settings), (applied) =>
        applied.ok
          ? accepted(applied.value, code)
          : refuse(refusal(503, 'Too Many Registered Contacts', applied.error.message)),
      );
    });
    return saved instanceof Promise ? saved.catch(failed) : saved;
  } catch (err) {
    return failed(err);
  }
}

export const registrar = defineModule('registrar', {
  save: (ctx, table, flags) => save(ctx, table, flags),
  lookup: (ctx, table) => lookup(ctx, 'lookup', table, undefined),
  'lookup-uri': (ctx, table, uri) => lookup(ctx, 'lookup-uri', table, uri),
  registered: (ctx, table) => registered(ctx, 'registered', table, undefined),
  'registered-uri': (ctx, table, uri) => registered(ctx, 'registered-uri', table, uri),
  unregister: (ctx, table, aorText) => {
    const ksr = 'unregister';
    const scope = scopeOf(ctx, table);
    const aor = addressOfRecord(aorText);
    if (!scope.ok || aor === undefined) {
      hostLog(
        ctx,
        'error',
        ksr,
        { ksr },
        !scope.ok ? scope.error : `'${aorText.slice(0, 80)}' is not an AoR`,
      );
      return -1;
    }
    const failed = (err: unknown) => {
      hostLog(ctx, 'error', ksr, { ksr, err }, 'the location store failed');
      return -1;
    };
    try {
      const removed = andThen(scope.value.store.removeAor(scope.value.tenant, table, aor), () => 1);
      return removed instanceof Promise ? removed.catch(failed) : removed;
    } catch (err) {
      return failed(err);
    }
  },
});
