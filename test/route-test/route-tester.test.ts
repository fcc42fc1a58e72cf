// The offline route tester on real components: the hello and registrar examples run on the real message
// path, and what they do (KSR calls, replies, state across messages) is reported.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Guest } from '../../fixtures/guest.ts';
import { buildGuest } from '../../src/builder/index.ts';
import { createRouteTester, loadCases, runCases } from '../../src/route-test/index.ts';

const example = (template: string) =>
  fileURLToPath(new URL(`../../guest-examples/assemblyscript/${template}`, import.meta.url));
const cases = (template: string) =>
  fileURLToPath(new URL(`../../guest-examples/cases/${template}.yaml`, import.meta.url));

let outDir = '';
const components: Record<string, Uint8Array> = {};

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'kemi-route-test-'));
  for (const template of ['hello', 'registrar']) {
    const built = await buildGuest(example(template), { out: join(outDir, `${template}.wasm`) });
    if (!built.ok) throw new Error(built.error.message);
    components[template] = readFileSync(built.value.out);
  }
}, 120_000);

afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

const invite = (uri: string, callId: string, extra: string[] = []) =>
  [
    `INVITE ${uri} SIP/2.0`,
    `Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-${callId}`,
    'Max-Forwards: 70',
    'From: <sip:alice@example.org>;tag=a1',
    `To: <${uri}>`,
    `Call-ID: ${callId}`,
    'CSeq: 1 INVITE',
    ...extra,
    'Content-Length: 0',
  ].join('\n');

describe('createRouteTester', () => {
  it('reports the KSR calls, as scripts write them, and the reply to the sender', async () => {
    const tester = await createRouteTester(components.hello);
    if (!tester.ok) throw new Error(tester.error);
    try {
      const run = await tester.value.run(invite('sip:bob@example.com', 'c1'));
      expect(run.calls).toEqual([
        'xlog.xinfo("request $rm $ru from $si:$sp call-id $ci")',
        'sanity.sanity_check(17895, 7) = 1',
        'maxfwd.process_maxfwd(10) = 1',
        'is_method("OPTIONS") = false',
        'sl.sl_send_reply(404, "Not Found") = 1',
      ]);
      expect(run.reply?.status).toBe(404);
      expect(run.sent.map((s) => `${s.to.address}:${s.to.port} ${s.line}`)).toEqual([
        '192.0.2.1:5060 SIP/2.0 404 Not Found',
      ]);
      // Each run reports only its own message.
      const from = { proto: 'udp' as const, address: '192.0.2.7', port: 5062 };
      const second = await tester.value.run(invite('sip:carol@example.com', 'c2'), from);
      expect(second.calls.filter((c) => c.startsWith('sl.'))).toEqual([
        'sl.sl_send_reply(404, "Not Found") = 1',
      ]);
      // The reply goes to the source address and the Via's port (no rport asked): RFC 3261 18.2.2.
      expect(second.sent.map((s) => `${s.to.address}:${s.to.port}`)).toEqual(['192.0.2.7:5060']);
    } finally {
      await tester.value.close();
    }
  });

  it('shows a route that traps: the failure the server logs and its fail-closed reply', async () => {
    const g = new Guest();
    const trapping = await g
      .route('request-route', `(drop ${g.call('maxfwd', 'process-maxfwd', [10])}) unreachable`)
      .component();
    const tester = await createRouteTester(trapping);
    if (!tester.ok) throw new Error(tester.error);
    try {
      const run = await tester.value.run(invite('sip:bob@example.com', 'c3'));
      expect(run.calls).toEqual(['maxfwd.process_maxfwd(10) = 1']);
      expect(run.reply?.status).toBe(500);
      expect(run.problems.join('\n')).toMatch(/trap/);
    } finally {
      await tester.value.close();
    }
  });

  it('refuses bytes that are not a component of the script world', async () => {
    const tester = await createRouteTester(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
    expect(!tester.ok && tester.error).toMatch(/^the route does not load: /);
  });
});

describe('runCases', () => {
  it('passes the example cases of hello and registrar', async () => {
    for (const template of ['hello', 'registrar']) {
      const file = await loadCases(cases(template));
      if (!file.ok) throw new Error(file.error);
      const results = await runCases(components[template], file.value);
      if (!results.ok) throw new Error(results.error);
      expect(results.value.map((r) => [r.name, r.problems])).toEqual(
        file.value.cases.map((c) => [c.name, []]),
      );
    }
  });

  it('fails a case whose expectation the route does not meet', async () => {
    const file = await loadCases(cases('hello'));
    if (!file.ok) throw new Error(file.error);
    const wrong = {
      ...file.value,
      cases: [{ ...file.value.cases[1], expect: { reply: 200, calls: ['tm.t_relay'] } }],
    };
    const results = await runCases(components.hello, wrong);
    if (!results.ok) throw new Error(results.error);
    expect(results.value[0].problems).toEqual([
      'reply: expected 200, got 404 Not Found',
      'calls: expected tm.t_relay',
    ]);
  });
});
