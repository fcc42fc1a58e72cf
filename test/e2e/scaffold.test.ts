// kemi-wasm init, end to end: each template in each language, created by the CLI, builds with
// `kemi-wasm build`, passes its own test (`kemi-wasm test`), and serves: a real `kemi-wasm serve --module`
// answers an OPTIONS over UDP as the template's route says.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { UNMEASURED_START_MS } from '../../fixtures/built-guest.ts';
import { LANGUAGE_NAMES, TEMPLATES, type Template } from '../../src/scaffold/languages.ts';
import { type ServerProcess, startServerProcess } from './harness.ts';
import { closeSockets, next, request, udpSocket } from './raw-sip.ts';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../bin/kemi-wasm.js', import.meta.url));
const kemi = (cwd: string, ...args: string[]) => run(process.execPath, [bin, ...args], { cwd });

const root = mkdtempSync(join(tmpdir(), 'kemi-scaffold-'));
let server: ServerProcess | undefined;

afterEach(async () => {
  await server?.stop();
  server = undefined;
});
afterAll(() => {
  closeSockets();
  rmSync(root, { recursive: true, force: true });
});

/** What each template answers to a keepalive OPTIONS to the server (registrar: no binding for it). */
const OPTIONS_ANSWER: Record<Template, string> = {
  hello: 'SIP/2.0 200 OK',
  proxy: 'SIP/2.0 200 Keepalive',
  registrar: 'SIP/2.0 404 Not Found',
};

describe('kemi-wasm init, build, test, serve', () => {
  for (const language of LANGUAGE_NAMES) {
    for (const template of TEMPLATES) {
      // JavaScript/TypeScript: componentize-js builds for 5-30 s, the test and the server each load the
      // 12 MiB component (7-35 s); each project is new, so nothing is shared with the other suites' builds.
      const javascript = language === 'js' || language === 'ts';
      it(
        `${language} ${template}`,
        async () => {
          const name = `${language}-${template}`;
          const created = await kemi(root, 'init', '--lang', language, '--template', template, name);
          expect(created.stdout).toContain(`created ${name} (${language}, ${template})`);
          const dir = join(root, name);
          const built = await kemi(dir, 'build', '.');
          expect(built.stdout).toMatch(new RegExp(`built build/${name}\\.wasm`));
          const tested = await kemi(dir, 'test', `build/${name}.wasm`, 'test/cases.yaml');
          expect(tested.stdout).toMatch(/^\d+ passed$/m);

          server = await startServerProcess(
            ['--listen', 'udp:127.0.0.1:0', '--module', join(dir, 'build', `${name}.wasm`)],
            javascript ? UNMEASURED_START_MS : 30_000,
          );
          const socket = await udpSocket();
          const callId = `scaffold-${name}`;
          const answer = next(socket, (text) => text.includes(callId));
          socket.send(
            request(socket.port, { callId, uri: `sip:127.0.0.1:${server.ports.udp}` }),
            server.ports.udp!,
            '127.0.0.1',
          );
          expect((await answer)?.split('\r\n')[0]).toBe(OPTIONS_ANSWER[template]);
        },
        180_000 + (javascript ? UNMEASURED_START_MS + 240_000 : 0),
      );
    }
  }

  it('kemi-wasm test exits 1 and shows the calls when a case fails', async () => {
    const dir = join(root, 'assemblyscript-hello');
    const cases = join(dir, 'test', 'wrong.yaml');
    writeFileSync(
      cases,
      'cases:\n  - name: INVITE relayed\n    message: |\n      INVITE sip:bob@example.com SIP/2.0\n      Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-w\n      From: <sip:a@example.org>;tag=1\n      To: <sip:bob@example.com>\n      Call-ID: w\n      CSeq: 1 INVITE\n      Content-Length: 0\n    expect: { relayed_to: 192.0.2.20:5060 }\n',
    );
    const failed = await kemi(dir, 'test', 'build/assemblyscript-hello.wasm', cases).then(
      () => undefined,
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(failed?.stderr).toBe('');
    expect(failed?.code).toBe(1);
    expect(failed?.stdout).toContain('FAIL  INVITE relayed');
    expect(failed?.stdout).toContain('relayed_to: expected 192.0.2.20:5060, got none');
    expect(failed?.stdout).toContain('| sl.sl_send_reply(404, "Not Found") = 1');
    expect(failed?.stdout).toContain('1 of 1 failed');
  });
});
