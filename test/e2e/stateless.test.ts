// The stateless example route, in AssemblyScript, Rust and TypeScript, answering real SIPp traffic over UDP
// and TCP with the same replies.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExample, UNMEASURED_START_MS } from '../../fixtures/built-guest.ts';
import { runSipp, scenario } from '../../fixtures/sipp.ts';
import { expectAll, type ServerProcess, startServerProcess } from './harness.ts';
import { startRouteServer } from './helpers/route-server.ts';

const out = mkdtempSync(join(tmpdir(), 'kemi-e2e-'));
const guests = {
  assemblyscript: 'guest-examples/assemblyscript/hello',
  rust: 'guest-examples/rust/hello',
  typescript: 'guest-examples/js/hello',
};

const expectations: [file: string, what: string][] = [
  ['options-myself.xml', 'OPTIONS to the server itself gets 200'],
  ['options-user.xml', 'OPTIONS to a user gets 404'],
  ['invite-404.xml', 'INVITE gets 404 and its ACK is absorbed'],
  ['max-forwards-zero.xml', 'Max-Forwards 0 gets 483'],
  ['bad-max-forwards.xml', 'an unparseable request gets 400 naming the fault, without the route'],
  ['unknown-version.xml', 'an unknown SIP version gets 505'],
];

/** The Rust suite starts its server with the old name of --module, which must keep working. */
const oldFlag = (language: string) => language === 'rust';

describe.each(Object.entries(guests))('the %s example route', (language, dir) => {
  let server: ServerProcess;

  beforeAll(async () => {
    // A TypeScript guest is built once for all suites and its server waits as long as its measured load
    // warrants (fixtures/built-guest.ts).
    const built = await buildExample(dir, out, language);
    server = await startRouteServer(built, [
      '--listen',
      'udp:127.0.0.1:0',
      '--listen',
      'tcp:127.0.0.1:0',
      oldFlag(language) ? '--route' : '--module',
      built.out,
    ]);
  }, 240_000 + UNMEASURED_START_MS);

  afterAll(async () => {
    expect(await server?.stop()).toBe(0);
  });

  describe.each(['udp', 'tcp'] as const)('over %s', (transport) => {
    it.each(expectations)('%s: %s', async (file) => {
      const run = await runSipp(scenario(file), {
        transport,
        port: server.ports[transport]!,
        calls: 10,
        rate: 100,
      });
      expectAll(run, 10);
      expect(run.code).toBe(0);
    });
  });

  it('serves under --module, and under its old name --route with a warning naming the new one', () => {
    const warned = server.lines.some((l) => l.msg === "'--route' is deprecated: use '--module'");
    expect(warned).toBe(oldFlag(language));
  });

  it('logs one line per request with method and Call-ID, tagged with tenant and version', () => {
    const requests = server.lines.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('request '));
    expect(requests.length).toBeGreaterThanOrEqual(40);
    expect(requests[0]).toMatchObject({ tenant: 'default', version: 1, script: 'info' });
    expect(
      requests.every((l) => typeof l.callId === 'string' && (l.msg as string).includes(l.callId as string)),
    ).toBe(true);
  });
});

describe('npm start default', () => {
  it('serves the bundled AssemblyScript route when no route is given', async () => {
    const server = await startServerProcess(['--listen', 'udp:127.0.0.1:0']);
    try {
      const run = await runSipp(scenario('options-myself.xml'), {
        transport: 'udp',
        port: server.ports.udp!,
        calls: 3,
      });
      expect(run.successful, run.output).toBe(3);
      expect(
        server.lines.some(
          (l) => l.msg === 'module loaded' && String(l.path).includes('assemblyscript/hello'),
        ),
      ).toBe(true);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  }, 60_000);
});
