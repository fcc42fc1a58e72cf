// KSR registrar: save per RFC 3261 10.3 (expires sources, min/max, `*`, Call-ID/CSeq order, q, caps, the
// 200's Contact list, no-reply flag) and lookup (R-URI and branches by q), on the location store with an
// injected clock; the tenant comes from the route context.
import { afterEach, describe, expect, it } from 'vitest';
import { ruriBranch } from '../../src/kemi/destination.ts';
import type { LocationHost } from '../../src/kemi/index.ts';
import { nathelper } from '../../src/kemi/nathelper.ts';
import { pv } from '../../src/kemi/pv.ts';
import { addressOfRecord, registrar } from '../../src/kemi/registrar.ts';
import { DEFAULT_REGISTRAR, LocationStore, type RegistrarSettings } from '../../src/state/index.ts';
import { call, contextFor, INVITE, SOURCE } from './fixture.ts';

const stores: LocationStore[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

interface World {
  clock: { t: number };
  store: LocationStore;
  location: LocationHost;
}

function world(settings: Partial<RegistrarSettings> = {}): World {
  const clock = { t: 1_700_000_000_000 };
  const r = LocationStore.open({ dir: undefined, now: () => clock.t });
  if (!r.ok) throw new Error(r.error);
  stores.push(r.value);
  return {
    clock,
    store: r.value,
    location: { store: r.value, settings: () => ({ ...DEFAULT_REGISTRAR, ...settings }), refused: {} },
  };
}

function register(opts: {
  contacts?: string[];
  expires?: string;
  callId?: string;
  cseq?: number;
  to?: string;
}): string {
  const lines = [
    'REGISTER sip:example.com SIP/2.0',
    'Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-r1;rport',
    'Max-Forwards: 70',
    'From: <sip:bob@example.com>;tag=f1',
    `To: ${opts.to ?? '<sip:bob@Example.COM:5060>'}`,
    `Call-ID: ${opts.callId ?? 'reg-1@10.0.0.1'}`,
    `CSeq: ${opts.cseq ?? 1} REGISTER`,
    ...(opts.contacts ?? []).map((c) => `Contact: ${c}`),
    ...(opts.expires === undefined ? [] : [`Expires: ${opts.expires}`]),
    'Content-Length: 0',
    '',
    '',
  ];
  return lines.join('\r\n');
}

function context(w: World, text: string, tenant: string | null = 'acme') {
  const script = tenant === null ? undefined : { tenant, version: 1 };
  return contextFor(text, 'request', SOURCE, { location: w.location, isMyself: () => false }, script);
}

function save(w: World, text: string, flags = 0, tenant = 'acme') {
  const { ctx, sent } = context(w, text, tenant);
  const code = call(registrar, 'save', ctx, 'location', flags);
  return {
    code,
    sent,
    reply: sent[0],
    contacts: sent[0]?.headers.filter(([n]) => n === 'Contact').map(([, v]) => v),
  };
}

function lookup(w: World, uri = 'sip:bob@example.com', tenant = 'acme') {
  const { ctx } = context(w, INVITE.replace('sip:bob@example.com:5070;transport=udp;lr', uri), tenant);
  const code = call(registrar, 'lookup', ctx, 'location');
  return {
    code,
    ruri: ctx.request!.uri,
    q: ctx.relay.ruriQ,
    branches: (ctx.relay.appended ?? []).map((b) => [b.uri, b.q]),
  };
}

describe('addressOfRecord', () => {
  it('is user@host with the host in lower case; scheme, port and parameters do not count', () => {
    expect(addressOfRecord('sip:bob@Example.COM:5060;transport=tcp')).toBe('bob@example.com');
    expect(addressOfRecord('sips:bob@example.com')).toBe('bob@example.com');
    expect(addressOfRecord('sip:%62ob@example.com')).toBe('bob@example.com');
    expect(addressOfRecord('sip:Bob@example.com')).toBe('Bob@example.com');
    expect(addressOfRecord('bob@example.com')).toBe('bob@example.com');
    expect(addressOfRecord('sip:example.com')).toBe('example.com');
    expect(addressOfRecord('tel:+123')).toBeUndefined();
    expect(addressOfRecord('http://x')).toBeUndefined();
  });
});

describe('registrar.save', () => {
  it('binds with the contact expires, else the Expires header, else default_expires, and replies 200 with every binding', () => {
    const w = world();
    const r = save(
      w,
      register({ contacts: ['<sip:bob@10.0.0.1:5060>;expires=120', '<sip:bob@10.0.0.2>'], expires: '300' }),
    );
    expect(r.code).toBe(1);
    expect(r.reply.status).toBe(200);
    expect(r.contacts!.sort()).toEqual([
      '<sip:bob@10.0.0.1:5060>;expires=120',
      '<sip:bob@10.0.0.2>;expires=300',
    ]);
    const d = save(w, register({ contacts: ['<sip:bob@10.0.0.3>'], cseq: 2 }));
    expect(d.contacts).toContain('<sip:bob@10.0.0.3>;expires=3600');
    // Time passes: the 200 gives what is left.
    w.clock.t += 100_000;
    const q = save(w, register({ cseq: 3 }));
    expect(q.code).toBe(4);
    expect(q.contacts!.sort()).toEqual([
      '<sip:bob@10.0.0.1:5060>;expires=20',
      '<sip:bob@10.0.0.2>;expires=200',
      '<sip:bob@10.0.0.3>;expires=3500',
    ]);
  });

  it('expires bindings: never returned after their time', () => {
    const w = world();
    save(w, register({ contacts: ['<sip:bob@10.0.0.1>;expires=60'] }));
    expect(lookup(w).code).toBe(1);
    w.clock.t += 59_999;
    expect(lookup(w).code).toBe(1);
    w.clock.t += 1;
    expect(lookup(w).code).toBe(-1);
    expect(w.store.count('acme')).toBe(0);
  });

  // registrar sip_msg.c calc_contact_expires: below min_expires is raised to it (min_expires_mode 0, the
  // default) or refused with 423, Min-Expires and P-Registrar-Error (min_expires_mode 1); above
  // max_expires is cut.
  it('raises an expiry below min_expires to it; cuts one above max_expires', () => {
    const w = world({ minExpires: 60, maxExpires: 7200 });
    const brief = save(w, register({ contacts: ['<sip:bob@10.0.0.1>;expires=59'] }));
    expect(brief.code).toBe(1);
    expect(brief.contacts).toEqual(['<sip:bob@10.0.0.1>;expires=60']);
    const long = save(w, register({ contacts: ['<sip:bob@10.0.0.1>'], expires: '100000', cseq: 2 }));
    expect(long.contacts).toEqual(['<sip:bob@10.0.0.1>;expires=7200']);
  });

  it('in min_expires_mode 1 refuses an expiry below min_expires with 423 and Min-Expires', () => {
    const w = world({ minExpires: 60, minExpiresMode: 1 });
    const brief = save(w, register({ contacts: ['<sip:bob@10.0.0.1>;expires=59'] }));
    expect(brief.code).toBe(-1);
    expect(brief.reply).toMatchObject({ status: 423, reason: 'Interval Too Brief' });
    expect(brief.reply.headers).toContainEqual(['Min-Expires', '60']);
    expect(brief.reply.headers).toContainEqual(['P-Registrar-Error', 'Interval too brief']);
    expect(w.store.count('acme')).toBe(0);
    expect(w.location.refused).toEqual({ acme: { 423: 1 } });
  });

  it('removes one binding with expires 0, and every binding with * and Expires: 0', () => {
    const w = world();
    save(w, register({ contacts: ['<sip:bob@10.0.0.1>', '<sip:bob@10.0.0.2>', '<sip:bob@10.0.0.3>'] }));
    const one = save(w, register({ contacts: ['<sip:bob@10.0.0.1>;expires=0'], cseq: 2 }));
    expect(one.code).toBe(3);
    expect(one.contacts).toHaveLength(2);
    const all = save(w, register({ contacts: ['*'], expires: '0', cseq: 3 }));
    expect(all.code).toBe(3);
    expect(all.reply.status).toBe(200);
    expect(all.contacts).toEqual([]);
    expect(lookup(w).code).toBe(-1);
  });

  it('refuses * with other contacts or with an expiry other than 0 (400)', () => {
    const w = world();
    save(w, register({ contacts: ['<sip:bob@10.0.0.1>'] }));
    for (const bad of [
      register({ contacts: ['*', '<sip:bob@10.0.0.2>'], expires: '0', cseq: 2 }),
      register({ contacts: ['*'], expires: '60', cseq: 2 }),
      register({ contacts: ['*'], cseq: 2 }),
    ]) {
      const r = save(w, bad);
      expect(r.code).toBe(-1);
      expect(r.reply.status).toBe(400);
    }
    expect(lookup(w).code).toBe(1);
  });

  // usrloc urecord.c get_ucontact: a lower CSeq of the same Call-ID is refused (registrar reply.c: 400 with
  // P-Registrar-Error: Invalid CSeq number); the same CSeq is a retransmission while within cseq_delay
  // (20 s) of the binding's last change, refused after.
  it('refuses a request of the same Call-ID whose CSeq is lower (10.3 step 7): 400, nothing changed', () => {
    const w = world();
    save(w, register({ contacts: ['<sip:bob@10.0.0.1>;expires=600'], cseq: 5 }));
    const r = save(w, register({ contacts: ['<sip:bob@10.0.0.1>;expires=0'], cseq: 4 }));
    expect(r.code).toBe(-1);
    expect(r.reply).toMatchObject({ status: 400, reason: 'Bad Request' });
    expect(r.reply.headers).toContainEqual(['P-Registrar-Error', 'Invalid CSeq number']);
    expect(save(w, register({ contacts: ['*'], expires: '0', cseq: 4 })).reply.status).toBe(400);
    expect(lookup(w).code).toBe(1);
    // Another Call-ID (the UA restarted) may update it with any CSeq.
    const other = save(w, register({ contacts: ['<sip:bob@10.0.0.1>;expires=0'], callId: 'new', cseq: 1 }));
    expect(other.code).toBe(3);
    // A higher CSeq of the same Call-ID refreshes.
    save(w, register({ contacts: ['<sip:bob@10.0.0.1>;expires=600'], cseq: 6 }));
    expect(save(w, register({ contacts: ['<sip:bob@10.0.0.1>;expires=900'], cseq: 7 })).code).toBe(2);
  });

  it('answers a retransmitted REGISTER (same Call-ID and CSeq) like the original within cseq_delay', () => {
    const w = world();
    const first = save(w, register({ contacts: ['<sip:bob@10.0.0.1>;expires=600'], cseq: 5 }));
    w.clock.t += 1_000;
    const again = save(w, register({ contacts: ['<sip:bob@10.0.0.1>;expires=600'], cseq: 5 }));
    expect(again.reply.status).toBe(200);
    expect(again.contacts).toEqual(['<sip:bob@10.0.0.1>;expires=599']);
    expect(first.contacts).toEqual(['<sip:bob@10.0.0.1>;expires=600']);
    // A retransmitted de-registration after the binding went is answered 200 with no binding.
    save(w, register({ contacts: ['<sip:bob@10.0.0.1>;expires=0'], cseq: 6 }));
    expect(save(w, register({ contacts: ['<sip:bob@10.0.0.1>;expires=0'], cseq: 6 })).reply.status).toBe(200);
    // The same CSeq once cseq_delay has passed is out of order.
    save(w, register({ contacts: ['<sip:bob@10.0.0.1>;expires=600'], cseq: 7 }));
    w.clock.t += 20_000;
    expect(save(w, register({ contacts: ['<sip:bob@10.0.0.1>;expires=600'], cseq: 7 })).reply.status).toBe(
      400,
    );
  });

  it('matches contacts by URI equality when refreshing', () => {
    const w = world();
    save(w, register({ contacts: ['<sip:bob@10.0.0.1:5060>'] }));
    const r = save(w, register({ contacts: ['<sip:bob@10.0.0.1:5060;lr>;expires=200'], cseq: 2 }));
    expect(r.code).toBe(2);
    expect(r.contacts).toEqual(['<sip:bob@10.0.0.1:5060>;expires=200']);
  });

  it('forks by q: the best binding is the R-URI, the others are branches', () => {
    const w = world();
    save(
      w,
      register({
        contacts: [
          '<sip:a@10.0.0.1>;q=0.1',
          '<sip:b@10.0.0.2>;q=0.9',
          '<sip:c@10.0.0.3>',
          '<sip:d@10.0.0.4>;q=0.5',
        ],
      }),
    );
    const r = lookup(w, 'sip:bob@EXAMPLE.com;transport=udp');
    expect(r).toEqual({
      code: 1,
      ruri: 'sip:b@10.0.0.2',
      q: 0.9,
      branches: [
        ['sip:d@10.0.0.4', 0.5],
        ['sip:a@10.0.0.1', 0.1],
        ['sip:c@10.0.0.3', undefined],
      ],
    });
    const reply = save(w, register({ cseq: 2 }));
    expect(reply.contacts).toContain('<sip:b@10.0.0.2>;expires=3600;q=0.9');
  });

  it('caps bindings per AoR (503 Too Many Registered Contacts) and per tenant, each tenant on its own', () => {
    const w = world({ maxContacts: 2, maxBindings: 3 });
    expect(save(w, register({ contacts: ['<sip:1@h>', '<sip:2@h>'] })).code).toBe(1);
    const over = save(w, register({ contacts: ['<sip:3@h>'], cseq: 2 }));
    expect(over.reply).toMatchObject({ status: 503, reason: 'Too Many Registered Contacts' });
    expect(save(w, register({ contacts: ['<sip:1@h>'], to: '<sip:ann@example.com>', cseq: 3 })).code).toBe(1);
    const full = save(w, register({ contacts: ['<sip:2@h>'], to: '<sip:eve@example.com>', cseq: 4 }));
    expect(full.reply.status).toBe(503);
    expect(save(w, register({ contacts: ['<sip:2@h>'], to: '<sip:eve@example.com>' }), 0, 'other').code).toBe(
      1,
    );
  });

  it('keeps tenants apart: a REGISTER of one is never found by another', () => {
    const w = world();
    save(w, register({ contacts: ['<sip:bob@10.0.0.1>'] }), 0, 'a');
    expect(lookup(w, 'sip:bob@example.com', 'a').code).toBe(1);
    expect(lookup(w, 'sip:bob@example.com', 'b').code).toBe(-1);
    const { ctx } = context(w, INVITE, 'b');
    expect(call(registrar, 'registered', ctx, 'location')).toBe(-1);
    expect(call(registrar, 'unregister', ctx, 'location', 'sip:bob@example.com')).toBe(1);
    expect(lookup(w, 'sip:bob@example.com', 'a').code).toBe(1);
  });

  it('does not reply with flag 0x02; replaces all with 0x04', () => {
    const w = world();
    const quiet = save(w, register({ contacts: ['<sip:1@h>', '<sip:2@h>'] }), 0x02);
    expect(quiet.code).toBe(1);
    expect(quiet.sent).toEqual([]);
    const replace = save(w, register({ contacts: ['<sip:3@h>'], cseq: 2 }), 0x04);
    expect(replace.contacts).toEqual(['<sip:3@h>;expires=3600']);
  });

  it('refuses what is not a REGISTER, a bad table, a malformed Contact or Expires, a too long contact', () => {
    const w = world();
    const { ctx, sent } = context(w, INVITE);
    expect(call(registrar, 'save', ctx, 'location', 0)).toBe(-1);
    expect(sent).toEqual([]);
    expect(save(w, register({ contacts: ['<sip:1@h>'] })).code).toBe(1);
    const bad = context(w, register({ contacts: ['<sip:1@h>'] }));
    expect(call(registrar, 'save', bad.ctx, 'no such/table', 0)).toBe(-1);
    expect(save(w, register({ contacts: ['<sip:1@h'] })).reply.status).toBe(400);
    expect(save(w, register({ contacts: ['<sip:1@h>'], expires: 'soon' })).reply.status).toBe(400);
    expect(save(w, register({ contacts: [`<sip:${'x'.repeat(600)}@h>`] })).reply.status).toBe(400);
    expect(save(w, register({ contacts: ['<sip:1@h>'], to: '<tel:+1234>' })).reply.status).toBe(400);
  });

  it('looks up by a given URI and answers registered', () => {
    const w = world();
    save(w, register({ contacts: ['<sip:bob@10.0.0.1>'] }));
    const { ctx } = context(
      w,
      INVITE.replace('sip:bob@example.com:5070;transport=udp;lr', 'sip:alias@example.com'),
    );
    expect(call(registrar, 'registered', ctx, 'location')).toBe(-1);
    expect(call(registrar, 'registered-uri', ctx, 'location', 'sip:bob@example.com')).toBe(1);
    expect(call(registrar, 'lookup-uri', ctx, 'location', 'sip:bob@example.com')).toBe(1);
    expect(ctx.request!.uri).toBe('sip:bob@10.0.0.1');
    expect(call(registrar, 'lookup', ctx, 'bad table')).toBe(-3);
  });

  it('fails without a location service or a tenant', () => {
    const w = world();
    const { ctx } = context(w, register({ contacts: ['<sip:1@h>'] }), null);
    expect(call(registrar, 'save', ctx, 'location', 0)).toBe(-1);
    expect(call(registrar, 'lookup', ctx, 'location')).toBe(-3);
  });
});

describe('registrar.lookup: method filtering, received and Path (lookup.c)', () => {
  const invite = (method = 'INVITE') =>
    INVITE.replace(
      'INVITE sip:bob@example.com:5070;transport=udp;lr',
      `${method} sip:bob@example.com`,
    ).replace('CSeq: 101 INVITE', `CSeq: 101 ${method}`);
  const registerWith = (extra: string[], contacts = ['<sip:bob@10.0.0.1>']) =>
    register({ contacts }).replace('Content-Length: 0', [...extra, 'Content-Length: 0'].join('\r\n'));

  it('with method_filtering 1: -2 when no binding allows the method (the script answers 405), others skipped', () => {
    const w = world({ methodFiltering: 1 });
    save(w, registerWith(['Allow: INVITE, ACK, BYE, CANCEL']));
    const msg = context(w, invite('MESSAGE'));
    expect(call(registrar, 'lookup', msg.ctx, 'location')).toBe(-2);
    const inv = context(w, invite());
    expect(call(registrar, 'lookup', inv.ctx, 'location')).toBe(1);
    // A binding whose contact says methods="MESSAGE" takes the MESSAGE.
    save(w, register({ contacts: ['<sip:bob@10.0.0.2>;methods="MESSAGE"'], callId: 'c2' }));
    const msg2 = context(w, invite('MESSAGE'));
    expect(call(registrar, 'lookup', msg2.ctx, 'location')).toBe(1);
    expect(msg2.ctx.request!.uri).toBe('sip:bob@10.0.0.2');
    expect(msg2.ctx.relay.appended).toEqual([]);
  });

  it('with method_filtering 0 (the default) Allow does not matter', () => {
    const w = world();
    save(w, registerWith(['Allow: INVITE']));
    expect(call(registrar, 'lookup', context(w, invite('MESSAGE')).ctx, 'location')).toBe(1);
  });

  it('the received address ($avp(RECEIVED) at save, as fix_nated_register sets it) becomes $du', () => {
    const w = world();
    const reg = context(w, register({ contacts: ['<sip:bob@192.168.1.5:5060>;q=0.9'] }));
    call(pv, 'sets', reg.ctx, '$avp(RECEIVED)', 'sip:203.0.113.7:40123');
    expect(call(registrar, 'save', reg.ctx, 'location', 0)).toBe(1);
    save(w, register({ contacts: ['<sip:bob@10.0.0.9>;q=0.1'], callId: 'other' }));
    const { ctx } = context(w, invite());
    call(pv, 'sets', ctx, '$du', 'sip:stale.example.com');
    expect(call(registrar, 'lookup', ctx, 'location')).toBe(1);
    expect(ctx.request!.uri).toBe('sip:bob@192.168.1.5:5060');
    expect(ctx.relay.dstUri).toBe('sip:203.0.113.7:40123');
    // lookup resets $du: the branch of a binding without received has none.
    expect(ctx.relay.appended).toEqual([{ uri: 'sip:bob@10.0.0.9', dstUri: undefined, q: 0.1, flags: 0 }]);
  });

  it('with use_path 1: the Path is stored, echoed in the 200, and lookup routes through it', () => {
    const w = world({ usePath: 1 });
    const r = save(w, registerWith(['Path: <sip:edge.example.net;lr;received=sip:198.51.100.2>']));
    expect(r.reply.headers).toContainEqual(['Path', '<sip:edge.example.net;lr;received=sip:198.51.100.2>']);
    const { ctx } = context(w, invite());
    expect(call(registrar, 'lookup', ctx, 'location')).toBe(1);
    expect(ctx.relay.dstUri).toBe('sip:edge.example.net;lr;received=sip:198.51.100.2');
    expect(ctx.relay.ruriPath).toBe('<sip:edge.example.net;lr;received=sip:198.51.100.2>');
    expect(ruriBranch(ctx).path).toBe('<sip:edge.example.net;lr;received=sip:198.51.100.2>');
    // use_path 0 (the default) ignores Path.
    const plain = world();
    save(plain, registerWith(['Path: <sip:edge.example.net;lr>']));
    const p = context(plain, invite());
    call(registrar, 'lookup', p.ctx, 'location');
    expect(p.ctx.relay.dstUri).toBeUndefined();
  });
});

describe('registrar with nathelper', () => {
  it('save keeps the branch flags (nat_bflag) and fix_nated_register`s received; lookup gives both back', () => {
    const w = world();
    const { ctx, sent } = context(w, register({ contacts: ['<sip:bob@10.0.0.5:5060>'] }));
    ctx.flags.branch = 1 << 6;
    expect(call(nathelper, 'fix-nated-register', ctx)).toBe(1);
    expect(call(registrar, 'save', ctx, 'location', 0)).toBe(1);
    // As Kamailio 5.6.3 answers (checked): the received address as a Contact parameter of the 200.
    expect(sent[0].headers).toContainEqual([
      'Contact',
      `<sip:bob@10.0.0.5:5060>;expires=3600;received="sip:${SOURCE.remote.address}:${SOURCE.remote.port}"`,
    ]);
    const [binding] = w.store.bindings('acme', 'location', 'bob@example.com');
    expect(binding.flags).toBe(64);
    expect(binding.received).toBe(`sip:${SOURCE.remote.address}:${SOURCE.remote.port}`);
    const inv = context(
      w,
      INVITE.replace('sip:bob@example.com:5070;transport=udp;lr', 'sip:bob@example.com'),
    ).ctx;
    expect(call(registrar, 'lookup', inv, 'location')).toBe(1);
    expect(inv.flags.branch).toBe(64);
    expect(inv.relay.dstUri).toBe(binding.received);
  });
});
