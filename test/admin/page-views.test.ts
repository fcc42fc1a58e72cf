// The admin page's templates with tenant-controlled strings in every field they show: a component's world,
// a corrupt version's problem, who deployed it, a breaker trip's cause, metric labels, tenant names. Each
// comes out as text, never as markup (XSS is the first attack on a page that shows other people's data).
import { describe, expect, it } from 'vitest';
import type { Session } from '../../src/admin/page/session.ts';
import { countersFragment, tenantPage } from '../../src/admin/page/tenant-view.ts';
import { traceView } from '../../src/admin/page/trace-view.ts';
import { errorPage, noticeView, tenantsPage } from '../../src/admin/page/views.ts';
import type { TenantStatus, VersionInfo } from '../../src/registry/index.ts';
import { DEFAULT_FAILURE_REPLY } from '../../src/router/failure-policy.ts';

const ATTACK = `<script>alert("x")</script><img src=x onerror='alert(1)'>&`;
const ESCAPED =
  '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=&#39;alert(1)&#39;&gt;&amp;';

const session: Session = { principal: { kind: 'operator' }, csrf: 'csrf-"><b>' };

function status(tenant: string): TenantStatus {
  return {
    tenant,
    active: 1,
    activatedAt: '2026-01-01T00:00:00.000Z',
    activatedBy: ATTACK,
    activationKind: 'activate',
    loaded: [
      {
        version: 1,
        active: true,
        pins: 0,
        invocations: 3,
        failures: 1,
        path: 'fast',
        loadedAt: '2026-01-01T00:00:00.000Z',
        standby: false,
        revoked: false,
      },
    ],
    retained: 2,
    failurePolicy: { mode: 'fail-closed', reply: DEFAULT_FAILURE_REPLY },
    fallback: undefined,
    breaker: {
      state: 'closed',
      failures: 20,
      windowS: 60,
      recent: 1,
      tripped: [{ tenant, version: 2, at: '2026-01-01T00:00:00.000Z', cause: ATTACK }],
    },
    inactiveFailures: 0,
  };
}

function version(n: number, over: Partial<VersionInfo> = {}): VersionInfo {
  return {
    tenant: 'acme',
    version: n,
    sha256: 'ab'.repeat(32),
    size: 100,
    world: ATTACK,
    createdAt: '2026-01-01T00:00:00.000Z',
    createdBy: ATTACK,
    state: 'ready',
    problem: undefined,
    active: n === 1,
    loaded: n === 1,
    pins: 0,
    ...over,
  };
}

const render = async (markup: unknown) => String(await markup);

/** The rendered page holds no markup from the attack string: every occurrence is escaped. */
function expectInert(text: string): void {
  expect(text).not.toContain('<script>alert');
  expect(text).not.toContain('<img src=x');
  expect(text).not.toContain(`onerror='`);
  expect(text).not.toContain('"><b>');
}

describe('the admin page escapes tenant-controlled strings', () => {
  it('the tenant page: world, deployer, corrupt problem, trip cause, activation by, CSRF field', async () => {
    const text = await render(
      tenantPage(session, {
        status: status('acme'),
        versions: [version(1), version(2, { state: 'corrupt', problem: ATTACK, active: false })],
        activations: [
          { id: 1, tenant: 'acme', version: 1, previous: undefined, kind: 'activate', at: 'now', by: ATTACK },
        ],
        counters: [{ name: 'kemi_route_failures_total', labels: { cause: ATTACK }, value: 2 }],
        notice: { kind: 'error', title: ATTACK, lines: [ATTACK] },
      }),
    );
    expectInert(text);
    // world, created by x2, corrupt problem, trip cause, activation by, activated by, counter label, notice x2
    expect(text.split(ESCAPED).length - 1).toBeGreaterThanOrEqual(9);
    expect(text).toContain('value="csrf-&quot;&gt;&lt;b&gt;"');
    // The only scripts are the page's own file.
    expect(text.match(/<script/g)).toEqual(['<script']);
    expect(text).toContain('<script src="/ui/app.js" defer></script>');
  });

  it('a tenant name in text and in links is escaped and URL-encoded', async () => {
    const name = `a"><script>x()</script>`;
    const text = await render(tenantsPage(session, [status(name)]));
    expect(text).not.toContain('<script>x()');
    expect(text).toContain(`href="/ui/tenants/${encodeURIComponent(name)}"`);
    expect(text).toContain('a&quot;&gt;&lt;script&gt;x()&lt;/script&gt;');
  });

  it('the counters fragment, notices and error pages', async () => {
    expectInert(await render(countersFragment([{ name: ATTACK, labels: { [ATTACK]: ATTACK }, value: 1 }])));
    expectInert(await render(noticeView({ kind: 'ok', title: ATTACK, lines: [ATTACK] })));
    expectInert(await render(errorPage(ATTACK, ATTACK, session)));
    expectInert(await render(traceView({ kind: 'refused', reason: ATTACK })));
  });

  it('the trace of a call: Call-ID, first line, addresses and message text', async () => {
    const text = await render(
      traceView({
        kind: 'messages',
        callId: ATTACK,
        messages: [
          {
            time: 'now',
            direction: 'in',
            proto: 'udp',
            local: ATTACK,
            remote: ATTACK,
            firstLine: ATTACK,
            version: 1,
            text: `INVITE sip:x SIP/2.0\r\nSubject: ${ATTACK}\r\n</pre><script>alert(2)</script>`,
          },
        ],
      }),
    );
    expectInert(text);
    expect(text).not.toContain('</pre><script>');
    expect(text).toContain('&lt;/pre&gt;&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(text.split(ESCAPED).length - 1).toBe(5);
  });
});
