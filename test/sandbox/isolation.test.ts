// State isolation between tenants, on the message path with the real registry and a real component: two
// tenants run the same bytes. What one route leaves behind (guest globals, $var, message flags, its log
// lines, its defines) is never visible to the other tenant's route: each tenant has its own instance, every
// message its own context, logs carry the tenant, defines are looked up per tenant.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ksrModules } from '../../src/kemi/index.ts';
import { ModuleCompiler } from '../../src/registry/index.ts';
import { HTABLE_DEFAULTS, HtableStore } from '../../src/state/htable.ts';
import { buildStampedRoute, HTABLE_ROUTE, PLACEHOLDER } from '../registry/fixtures.ts';
import { type Opened, openRegistry, spec } from '../registry/helpers/setup.ts';
import { proxyHarness, uacRequest } from '../router/proxy-harness.ts';

/** Counts its invocations in a global; reports what it found before writing its own $var and flag. */
const ROUTE = `
import { KSR } from '../../sdk';

export * from '../../sdk/exports';

let count: i32 = 0;

function orNull(value: string | null): string {
  return value === null ? 'null' : value;
}

export function request_route(): void {
  count++;
  const before = KSR.pv.get('$var(secret)');
  const flagged = KSR.isflagset(7);
  const secret = 'secret of ' + orNull(KSR.pv.get('$rU'));
  KSR.pv.sets('$var(secret)', secret);
  KSR.setflag(7);
  KSR.info(secret);
  KSR.hdr.append_to_reply('X-Count: ' + count.toString() + '\\r\\n');
  KSR.hdr.append_to_reply('X-Var-Before: ' + orNull(before) + '\\r\\n');
  KSR.hdr.append_to_reply('X-Flag-Before: ' + (flagged ? 'yes' : 'no') + '\\r\\n');
  KSR.hdr.append_to_reply('X-Define: ' + orNull(KSR.kx.get_def('SECRET')) + '\\r\\n');
  KSR.hdr.append_to_reply('X-Build: ${PLACEHOLDER}\\r\\n');
  KSR.sl.sl_send_reply(200, 'OK');
}

export function reply_route(): void {}

export function named_route(name: string): void {}
`;

let compiler: ModuleCompiler;
let opened: Opened;
const lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  compiler = new ModuleCompiler();
  const route = await buildStampedRoute(ROUTE);
  const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  opened = await openRegistry(
    compiler,
    [spec('alpha'), spec('beta'), spec('gamma'), spec('delta'), spec('narrow', { capabilities: NARROW })],
    undefined,
    log,
  );
  const bytes = route.stamp(1);
  for (const tenant of ['alpha', 'beta']) {
    const up = await opened.registry.upload(tenant, bytes, { by: 'test', activate: true });
    if (!up.ok) throw new Error(up.error.message);
  }
  const htableRoute = await buildStampedRoute(HTABLE_ROUTE);
  htableV1 = htableRoute.stamp(1);
  htableV2 = htableRoute.stamp(2);
  for (const tenant of ['gamma', 'delta']) {
    const up = await opened.registry.upload(tenant, htableV1, { by: 'test', activate: true });
    if (!up.ok) throw new Error(up.error.message);
  }
}, 120_000);

/** Every interface but htable. */
const NARROW = ksrModules.map((m) => m.name).filter((name) => name !== 'htable');
let htableV1: Uint8Array;
let htableV2: Uint8Array;

afterAll(async () => {
  await opened?.close();
  await compiler?.close();
});

describe('two tenants running the same component', () => {
  it("never see each other's globals, variables, flags, defines or log lines", () => {
    let tenant = 'alpha';
    const h = proxyHarness({
      script: opened.registry.active('alpha')!,
      tenantDefines: { alpha: { SECRET: 'alpha-only' } },
      select: () => opened.registry.active(tenant),
    });
    const ask = (user: string, n: number) => {
      h.receive(
        uacRequest('OPTIONS', { uri: `sip:${user}@proxy.example.com`, branch: `z9hG4bK-${user}-${n}` }),
      );
      const reply = h.sentTo('192.0.2.1').at(-1)!.message;
      return ['X-Count', 'X-Var-Before', 'X-Flag-Before', 'X-Define'].map((name) => reply.get(name));
    };
    for (let n = 1; n <= 3; n++) expect(ask('alice', n)).toEqual([String(n), 'null', 'no', 'alpha-only']);
    tenant = 'beta';
    expect(ask('bob', 1)).toEqual(['1', 'null', 'no', 'null']);
    tenant = 'alpha';
    expect(ask('alice', 4)).toEqual(['4', 'null', 'no', 'alpha-only']);

    const scriptLines = lines.filter((l) => String(l.msg).startsWith('secret of'));
    expect(scriptLines.map((l) => [l.tenant, l.msg])).toEqual([
      ['alpha', 'secret of alice'],
      ['alpha', 'secret of alice'],
      ['alpha', 'secret of alice'],
      ['beta', 'secret of bob'],
      ['alpha', 'secret of alice'],
    ]);
    // Each tenant has its own instance of the module.
    const alpha = opened.registry.active('alpha')!.runner;
    const beta = opened.registry.active('beta')!.runner;
    expect(alpha).not.toBe(beta);
    expect([alpha.stats.invocations, beta.stats.invocations]).toEqual([4, 1]);
  });
});

describe('htable: two tenants, one table name', () => {
  it("each reads only its own items, through the fast path; a new version keeps the tenant's items", async () => {
    let tenant = 'gamma';
    const h = proxyHarness({
      script: opened.registry.active('gamma')!,
      htables: new HtableStore({ gamma: { calls: HTABLE_DEFAULTS }, delta: { calls: HTABLE_DEFAULTS } }),
      select: () => opened.registry.active(tenant),
    });
    let n = 0;
    const ask = (user: string) => {
      h.receive(uacRequest('OPTIONS', { uri: `sip:${user}@proxy.example.com`, branch: `z9hG4bK-ht-${++n}` }));
      const reply = h.sentTo('192.0.2.1').at(-1)!.message;
      return ['X-Count', 'X-Last', 'X-Get', 'X-Seen-Alice', 'X-Undeclared', 'X-Build'].map((name) =>
        reply.get(name),
      );
    };
    expect(opened.registry.active('gamma')!.runner.module.path).toBe('fast');
    expect(ask('alice')).toEqual(['1', 'null', '1', '-1', '-1', '00000001']);
    expect(ask('alice')).toEqual(['2', 'alice', '2', '-1', '-1', '00000001']);
    tenant = 'delta';
    // Same component, same table name, same keys: delta's table is its own.
    expect(ask('bob')).toEqual(['1', 'null', '1', '1', '-1', '00000001']);
    expect(ask('alice')).toEqual(['1', 'bob', '1', '-1', '-1', '00000001']);
    tenant = 'gamma';
    expect(ask('alice')).toEqual(['3', 'alice', '3', '-1', '-1', '00000001']);

    // A hot reload: version 2 becomes active; the items belong to the tenant, not to the version.
    const up = await opened.registry.upload('gamma', htableV2, { by: 'test', activate: true });
    if (!up.ok) throw new Error(up.error.message);
    expect(ask('alice')).toEqual(['4', 'alice', '4', '-1', '-1', '00000002']);
    const back = await opened.registry.rollback('gamma', 'test');
    expect(back.ok).toBe(true);
    expect(ask('carol')).toEqual(['1', 'alice', '1', '-1', '-1', '00000001']);
    expect(h.core.htables!.tenant('gamma')!.table('calls')!.get('last')).toBe('carol');
    expect(h.core.htables!.tenant('delta')!.table('calls')!.get('last')).toBe('alice');

    const undeclared = lines.filter((l) => String(l.msg).startsWith("htable 'other'"));
    expect(new Set(undeclared.map((l) => [l.tenant, l.msg].join(' ')))).toEqual(
      new Set([
        "gamma htable 'other' is not declared for tenant 'gamma'",
        "delta htable 'other' is not declared for tenant 'delta'",
      ]),
    );
  });

  it('a tenant not granted htable cannot load a module that imports it', async () => {
    const up = await opened.registry.upload('narrow', htableV1, { by: 'test', activate: true });
    expect(up).toMatchObject({ ok: false, error: { code: 'capability' } });
    expect(up.ok || up.error.message).toMatch(/htable/);
  });
});
