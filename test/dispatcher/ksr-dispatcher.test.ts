// KSR dispatcher over a route context: Kamailio's set order, the algorithms' distributions, failover
// through the _dsdst_ records (kept with the AVPs a failure route gets back), state marks, call load
// (algorithm 10) and its release hook, address matching, and the return codes.
import { describe, expect, it } from 'vitest';
import type { TenantDispatcherConfig } from '../../src/config/dispatcher-schema.ts';
import { configuredDestinations, dispatcherSchema } from '../../src/config/dispatcher-schema.ts';
import { Dispatcher } from '../../src/dispatcher/dispatcher.ts';
import { dispatcher as ksr } from '../../src/kemi/dispatcher.ts';
import { silentLogger } from '../../src/logger.ts';
import { DialogStore, DispatcherStore } from '../../src/state/index.ts';
import { call, contextFor, INVITE } from '../kemi/fixture.ts';

type Dest = TenantDispatcherConfig['destinations'][number];

function makeDispatcher(destinations: Partial<Dest>[], params: Partial<TenantDispatcherConfig> = {}) {
  const store = DispatcherStore.open(undefined);
  if (!store.ok) throw new Error(store.error);
  const tenant = {
    flags: 2,
    ...params,
    destinations: destinations.map((d) => ({ set: 1, flags: 0, priority: 0, attrs: '', uri: '', ...d })),
  } as TenantDispatcherConfig;
  return new Dispatcher({
    config: dispatcherSchema.parse({}),
    tenants: new Map([['acme', tenant]]),
    store: store.value,
    log: silentLogger,
  });
}

function invite(callId = 'call-1@10.0.0.1', from = 'sip:alice@example.org') {
  return INVITE.replace('call-1@10.0.0.1', callId).replace('sip:alice@example.org', from);
}

function route(d: Dispatcher, text = invite(), kind: 'request' | 'failure' = 'request', tenant = 'acme') {
  const { ctx } = contextFor(text, kind, undefined, { dispatcher: d }, { tenant, version: 1 });
  const ds = (name: string, ...args: (string | number)[]) => call(ksr, name, ctx, ...args) as number;
  return { ctx, ds };
}

/** Where `n` selections of `alg` in set 1 went, by $du. */
function distribution(d: Dispatcher, alg: number, n: number, callIds = false): Record<string, number> {
  const seen: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const { ctx, ds } = route(d, invite(callIds ? `c${i}@h` : 'same@h'));
    expect(ds('ds-select-dst', 1, alg)).toBe(1);
    const du = ctx.relay.dstUri ?? '';
    seen[du] = (seen[du] ?? 0) + 1;
  }
  return seen;
}

const A = 'sip:10.0.0.11:5060';
const B = 'sip:10.0.0.12:5060';
const C = 'sip:10.0.0.13:5060';

describe('destination sets', () => {
  it('orders a set as Kamailio: higher priority first, equal priorities in reverse order of their lines', () => {
    const d = makeDispatcher([
      { uri: A, priority: 1 },
      { uri: B, priority: 5 },
      { uri: C, priority: 1 },
    ]);
    expect(d.list('acme').map((x) => x.uri)).toEqual([B, C, A]);
    expect(distribution(d, 8, 3)).toEqual({ [B]: 3 });
  });

  it('takes duid, weight, maxload and socket from attrs and the config shorthands', () => {
    const parsed = dispatcherSchema.parse({});
    expect(parsed.ds_ping_interval).toBe(0);
    const inputs = configuredDestinations({
      destinations: [{ set: 2, uri: A, flags: 0, priority: 0, attrs: 'x=1;', duid: 'gw1', weight: 30 }],
    });
    expect(inputs[0].attrs).toBe('x=1;duid=gw1;weight=30');
  });

  it('ds-list-exists and ds-is-active answer per set and URI', () => {
    const d = makeDispatcher([{ uri: A }, { uri: B, set: 2, flags: 1 }]);
    const { ds } = route(d);
    expect(ds('ds-list-exists', 1)).toBe(1);
    expect(ds('ds-list-exists', 3)).toBe(-1);
    expect(ds('ds-is-active', 1)).toBe(1);
    expect(ds('ds-is-active', 2)).toBe(-1);
    expect(ds('ds-is-active-uri', 1, A)).toBe(1);
    expect(ds('ds-is-active-uri', 1, B)).toBe(-1);
  });

  it('a tenant reaches only its own sets', () => {
    const d = makeDispatcher([{ uri: A }]);
    const { ds } = route(d, invite(), 'request', 'other');
    expect(ds('ds-list-exists', 1)).toBe(-1);
    expect(ds('ds-select-dst', 1, 4)).toBe(-1);
  });
});

describe('algorithms', () => {
  it('4 round robin cycles over the active destinations', () => {
    const d = makeDispatcher([{ uri: A }, { uri: B }, { uri: C, flags: 1 }]);
    expect(distribution(d, 4, 10)).toEqual({ [A]: 5, [B]: 5 });
  });

  it('0 hashes the Call-ID: one call always goes to one destination, many calls to all', () => {
    const d = makeDispatcher([{ uri: A }, { uri: B }, { uri: C }]);
    expect(Object.keys(distribution(d, 0, 5))).toHaveLength(1);
    expect(Object.keys(distribution(d, 0, 60, true))).toHaveLength(3);
  });

  it('1 hashes the From URI: a caller always reaches the same destination', () => {
    const d = makeDispatcher([{ uri: A }, { uri: B }, { uri: C }]);
    const first = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const { ctx, ds } = route(d, invite(`c${i}@h`, 'sip:carol@example.org'));
      expect(ds('ds-select-dst', 1, 1)).toBe(1);
      first.add(ctx.relay.dstUri ?? '');
    }
    expect(first.size).toBe(1);
  });

  it('9 weight: every 100 calls split exactly by weight', () => {
    const d = makeDispatcher([
      { uri: A, attrs: 'weight=20' },
      { uri: B, attrs: 'weight=30' },
      { uri: C, attrs: 'weight=50' },
    ]);
    expect(distribution(d, 9, 200)).toEqual({ [C]: 100, [B]: 60, [A]: 40 });
  });

  it('11 relative weight: shares among the active destinations, recomputed when one goes down', () => {
    const d = makeDispatcher([
      { uri: A, attrs: 'rweight=25' },
      { uri: B, attrs: 'rweight=25' },
      { uri: C, attrs: 'rweight=50' },
    ]);
    expect(distribution(d, 11, 100)).toEqual({ [C]: 50, [B]: 25, [A]: 25 });
    d.tenant('acme').updateState(1, C, 1, 'test');
    expect(distribution(d, 11, 100)).toEqual({ [B]: 50, [A]: 50 });
  });

  it('answers -1 for an unknown set and for a set without an active destination', () => {
    const d = makeDispatcher([
      { uri: A, flags: 1 },
      { uri: B, flags: 4 },
    ]);
    const { ds } = route(d);
    expect(ds('ds-select-dst', 1, 4)).toBe(-1);
    expect(ds('ds-select-dst', 9, 4)).toBe(-1);
  });

  it('force_dst 0 refuses a selection when $du is set', () => {
    const d = makeDispatcher([{ uri: A }], { force_dst: 0 });
    const { ctx, ds } = route(d);
    ctx.relay.dstUri = 'sip:10.9.9.9';
    expect(ds('ds-select-dst', 1, 4)).toBe(-1);
    expect(ds('ds-select', 1, 4)).toBe(1);
  });
});

describe('failover', () => {
  it('ds-next-dst walks the other active destinations after the selected one (set order: last line first), then -1', () => {
    const d = makeDispatcher([{ uri: A }, { uri: B }, { uri: C }, { uri: 'sip:10.0.0.14', flags: 4 }]);
    const { ctx, ds } = route(d);
    expect(ds('ds-select-dst', 1, 8)).toBe(1);
    const first = ctx.relay.dstUri;
    const order = [first];
    while (ds('ds-next-dst') === 1) order.push(ctx.relay.dstUri);
    expect(order).toEqual([C, B, A]);
    expect(ds('ds-next-dst')).toBe(-1);
  });

  it('the records follow the AVPs into the failure route, as Kamailio keeps the xavps with the transaction', () => {
    const d = makeDispatcher([{ uri: A }, { uri: B }]);
    const request = route(d);
    expect(request.ds('ds-select-dst-limit', 1, 8, 2)).toBe(1);
    const failure = route(d, invite(), 'failure');
    expect(failure.ds('ds-next-dst')).toBe(-1);
    failure.ctx.avps = request.ctx.avps;
    expect(request.ctx.relay.dstUri).toBe(B);
    expect(failure.ds('ds-next-dst')).toBe(1);
    expect(failure.ctx.relay.dstUri).toBe(A);
  });

  it('without flags 2 (failover) ds-next-dst and ds-mark-dst answer -1', () => {
    const d = makeDispatcher([{ uri: A }, { uri: B }], { flags: 0 });
    const { ds } = route(d);
    expect(ds('ds-select-dst', 1, 8)).toBe(1);
    expect(ds('ds-next-dst')).toBe(-1);
    expect(ds('ds-mark-dst')).toBe(-1);
  });

  it('limit keeps at most that many records', () => {
    const d = makeDispatcher([{ uri: A }, { uri: B }, { uri: C }]);
    const { ds } = route(d);
    expect(ds('ds-select-limit', 1, 8, 2)).toBe(1);
    expect(ds('ds-set-dst')).toBe(1);
    expect(ds('ds-next-dst')).toBe(1);
    expect(ds('ds-next-dst')).toBe(-1);
  });

  it('ds-select-domain writes host:port into the R-URI, keeping its user', () => {
    const d = makeDispatcher([{ uri: 'sip:10.0.0.11:5080' }, { uri: 'sip:10.0.0.12' }]);
    const { ctx, ds } = route(d);
    expect(ds('ds-select-domain', 1, 8)).toBe(1);
    expect(ctx.request?.uri).toBe('sip:bob@10.0.0.12');
    expect(ds('ds-next-domain')).toBe(1);
    expect(ctx.request?.uri).toBe('sip:bob@10.0.0.11:5080');
    expect(ctx.relay.dstUri).toBeUndefined();
  });

  it('ds-mark-dst marks the current destination inactive; "a" brings it back', () => {
    const d = makeDispatcher([{ uri: A }, { uri: B }]);
    const { ds } = route(d);
    expect(ds('ds-select-dst', 1, 8)).toBe(1);
    expect(ds('ds-mark-dst')).toBe(1);
    expect(ds('ds-is-active-uri', 1, B)).toBe(-1);
    expect(d.counts.acme.down).toBe(1);
    expect(ds('ds-mark-dst-state', 'x')).toBe(-1);
    expect(ds('ds-mark-dst-state', 'a')).toBe(1);
    expect(ds('ds-is-active-uri', 1, B)).toBe(1);
    expect(d.counts.acme.up).toBe(1);
  });
});

describe('ds-mark-dst defaults', () => {
  it('marks inactive and probing under ds_probing_mode 1, inactive only otherwise', () => {
    for (const [mode, state] of [
      [1, 'IP'],
      [0, 'IX'],
    ] as const) {
      const d = makeDispatcher([{ uri: A }], { ds_probing_mode: mode });
      const { ds } = route(d);
      expect(ds('ds-select-dst', 1, 8)).toBe(1);
      expect(ds('ds-mark-dst')).toBe(1);
      expect(d.list('acme')[0].state).toBe(state);
    }
  });

  it('ds-load-unset on an INVITE whose destination took no slot answers 0 and frees nothing', () => {
    const d = makeDispatcher([{ uri: A }]);
    const { ds } = route(d);
    expect(ds('ds-select-dst', 1, 4)).toBe(1);
    expect(ds('ds-load-unset')).toBe(0);
  });
});

describe('state thresholds', () => {
  it('ds_probing_threshold failures make a destination inactive, ds_inactive_threshold replies active', () => {
    const d = makeDispatcher([{ uri: A }], {
      ds_probing_mode: 1,
      ds_probing_threshold: 2,
      ds_inactive_threshold: 2,
    });
    const t = d.tenant('acme');
    t.probeAnswered(1, A, 408);
    expect(d.list('acme')[0].state).toBe('AP');
    t.probeAnswered(1, A, 503);
    expect(d.list('acme')[0].state).toBe('IP');
    t.probeAnswered(1, A, 200);
    expect(d.list('acme')[0].state).toBe('IP');
    t.probeAnswered(1, A, 200);
    expect(d.list('acme')[0].state).toBe('AP');
  });

  it('ds_ping_reply_codes make more replies count as alive', () => {
    const d = makeDispatcher([{ uri: A }], { ds_probing_mode: 1, ds_ping_reply_codes: 'code=404;class=4' });
    d.tenant('acme').probeAnswered(1, A, 480);
    expect(d.list('acme')[0].state).toBe('AP');
    d.tenant('acme').probeAnswered(1, A, 503);
    expect(d.list('acme')[0].state).toBe('IP');
  });
});

describe('call load (algorithm 10)', () => {
  const loaded = () =>
    makeDispatcher([
      { uri: A, attrs: 'duid=a;maxload=1' },
      { uri: B, attrs: 'duid=b;maxload=1' },
    ]);

  it('sends each call to the least loaded destination below maxload, -1 when all are full', () => {
    const d = loaded();
    const first = route(d, invite('c1@h'));
    expect(first.ds('ds-select-dst', 1, 10)).toBe(1);
    const second = route(d, invite('c2@h'));
    expect(second.ds('ds-select-dst', 1, 10)).toBe(1);
    expect(new Set([first.ctx.relay.dstUri, second.ctx.relay.dstUri]).size).toBe(2);
    expect(route(d, invite('c3@h')).ds('ds-select-dst', 1, 10)).toBe(-1);
    expect(d.list('acme').map((x) => x.load)).toEqual([1, 1]);
  });

  it('releaseCallLoad (the dialog hook) and ds-load-unset free the slot', () => {
    const d = loaded();
    expect(route(d, invite('c1@h')).ds('ds-select-dst', 1, 10)).toBe(1);
    const second = route(d, invite('c2@h'));
    expect(second.ds('ds-select-dst', 1, 10)).toBe(1);
    expect(d.releaseCallLoad('acme', 'c1@h')).toBe(true);
    expect(d.releaseCallLoad('acme', 'c1@h')).toBe(false);
    expect(second.ds('ds-load-unset')).toBe(0);
    expect(second.ds('ds-load-unset')).toBe(-1);
    expect(d.list('acme').map((x) => x.load)).toEqual([0, 0]);
  });

  it('follows the dialogs: an ended dialog (here its timeout, no BYE routed) frees its call slot', () => {
    const d = loaded();
    const timers: (() => void)[] = [];
    const dialogs = new DialogStore(
      () => ({
        defaultTimeout: 60,
        sendBye: false,
        maxDialogs: 10,
        maxVars: 4,
        maxVarBytes: 64,
        profilesWithValue: new Set(),
        profilesNoValue: new Set(),
      }),
      {
        now: () => 0,
        schedule: (_ms, fire, arg) => {
          timers.push(() => fire(arg!));
          return { cancel: () => {} };
        },
      },
    );
    d.followDialogs(dialogs);
    expect(route(d, invite('c1@h')).ds('ds-select-dst', 1, 10)).toBe(1);
    const leg = { tag: undefined, contact: undefined, routeSet: [], cseq: 1 };
    const dialog = dialogs.create(
      { tenant: 'acme', version: 1, callId: 'c1@h', fromUri: A, toUri: B, caller: leg, callee: { ...leg } },
      () => {},
    )!;
    dialogs.confirm(dialog);
    expect(d.list('acme').map((x) => x.load)).toEqual([1, 0]);
    for (const fire of timers) fire();
    expect(d.list('acme').map((x) => x.load)).toEqual([0, 0]);
  });

  it('ds-next-dst moves the call to the next destination; a BYE through ds-load-update frees it', () => {
    const d = makeDispatcher([
      { uri: A, attrs: 'duid=a' },
      { uri: B, attrs: 'duid=b' },
    ]);
    const { ds } = route(d, invite('c1@h'));
    expect(ds('ds-select-dst', 1, 10)).toBe(1);
    expect(d.list('acme').map((x) => x.load)).toEqual([1, 0]);
    expect(ds('ds-next-dst')).toBe(1);
    expect(d.list('acme').map((x) => x.load)).toEqual([0, 1]);
    const bye = invite('c1@h')
      .replace(/^INVITE/, 'BYE')
      .replace('101 INVITE', '102 BYE');
    expect(route(d, bye).ds('ds-load-update')).toBe(0);
    expect(d.list('acme').map((x) => x.load)).toEqual([0, 0]);
  });

  it('a destination without duid takes no load: the selection falls back to classic dispatching', () => {
    const d = makeDispatcher([{ uri: A }, { uri: B }]);
    expect(route(d, invite('c1@h')).ds('ds-select-dst', 1, 10)).toBe(1);
    expect(d.tenant('acme').loadCells).toBe(0);
  });
});

describe('ds-is-from-list', () => {
  const d = () =>
    makeDispatcher([{ uri: 'sip:10.0.0.1:5062' }, { uri: 'sip:10.0.0.2;transport=tcp', set: 2 }]);

  it('matches the source address and port ($si, $sp), any transport', () => {
    const { ds } = route(d());
    expect(ds('ds-is-from-lists')).toBe(1);
    expect(ds('ds-is-from-list', 1)).toBe(1);
    expect(ds('ds-is-from-list', 2)).toBe(-1);
    expect(ds('ds-is-from-list', -1)).toBe(1);
  });

  it('mode bits: 2 ignores the transport (without it the transports must match, none matching none), 1 the port', () => {
    const { ds } = route(d());
    expect(ds('ds-is-from-list-mode', 1, 0)).toBe(-1);
    expect(ds('ds-is-from-list-uri', 2, 0, 'sip:10.0.0.2:5099;transport=tcp')).toBe(1);
    expect(ds('ds-is-from-list-uri', 1, 0, 'sip:10.0.0.1:5099')).toBe(-1);
    expect(ds('ds-is-from-list-uri', 1, 1, 'sip:10.0.0.1:5099')).toBe(1);
    expect(ds('ds-is-from-list-uri', 1, 1, 'sip:10.0.0.1:5099;transport=udp')).toBe(-1);
    expect(ds('ds-is-from-list-uri', 1, 3, 'sip:10.0.0.1:5099;transport=udp')).toBe(1);
  });
});

describe('admin rows', () => {
  it('adds, refuses duplicates and past the cap, removes, and keeps state across the reload', () => {
    const store = DispatcherStore.open(undefined);
    if (!store.ok) throw new Error(store.error);
    const d = new Dispatcher({
      config: dispatcherSchema.parse({ max_destinations_per_tenant: 2 }),
      tenants: new Map([
        ['acme', { flags: 2, destinations: [{ set: 1, uri: A, flags: 0, priority: 0, attrs: '' }] }],
      ]),
      store: store.value,
      log: silentLogger,
    });
    d.tenant('acme').updateState(1, A, 1, 'test');
    const added = d.add('acme', { set: 1, uri: '10.0.0.12', flags: 0, priority: 0, attrs: '' });
    expect(added.ok && added.value.uri).toBe('sip:10.0.0.12');
    const again = d.add('acme', { set: 1, uri: 'sip:10.0.0.12', flags: 0, priority: 0, attrs: '' });
    expect(!again.ok && again.error.code).toBe('full');
    expect(d.list('acme').map((x) => [x.uri, x.state, x.id ?? 'config'])).toEqual([
      ['sip:10.0.0.12', 'AX', 1],
      [A, 'IX', 'config'],
    ]);
    expect(d.remove('acme', 1)).toBe(true);
    expect(d.remove('acme', 1)).toBe(false);
    const dup = d.add('acme', { set: 1, uri: 'bad uri', flags: 0, priority: 0, attrs: '' });
    expect(!dup.ok && dup.error.code).toBe('invalid');
  });
});
