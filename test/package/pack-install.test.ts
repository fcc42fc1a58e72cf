// The npm package as a user gets it: `npm pack` this project, `npm install` the tarball into an empty
// project, then run the installed `kemi-wasm`: serve answers SIP OPTIONS with the prebuilt bundled route
// (nothing written into the install folder), init + build + test make routes in both languages (the
// AssemblyScript compiler, an optional peer, installed by the route's own package.json), and deploy puts one
// on the running server. One install of kemi-wasm for the file: it is the slow part (the npm registry).
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServerProcess } from '../e2e/harness.ts';
import { closeSockets, next, request, udpSocket } from '../e2e/raw-sip.ts';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../../', import.meta.url));
const own = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
  version: string;
  peerDependencies: Record<string, string>;
};
// npm and the scripts it runs (prepack) use this Node (24), whatever `node` is first on PATH.
const env = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH}` };
const OPERATOR_TOKEN = 'pack-install-operator-token-0123456789';

const root = mkdtempSync(join(tmpdir(), 'kemi-pack-'));
const project = join(root, 'project');
const installed = join(project, 'node_modules', 'kemi-wasm');
const kemi = (cwd: string, args: string[], extra: Record<string, string> = {}) =>
  run(process.execPath, [join(installed, 'bin', 'kemi-wasm.js'), ...args], {
    cwd,
    env: { ...env, ...extra },
  });

/** `npm install [packages]` in `cwd`. */
const npmInstall = (cwd: string, ...packages: string[]) =>
  run('npm', ['install', '--no-audit', '--no-fund', ...packages], { cwd, env, maxBuffer: 64 * 1024 * 1024 });

let server: ServerProcess | undefined;
let adminUrl = '';
let installFiles: string[] = [];

/** Every file under `dir` with its size and mtime: what a write into it would change. */
function snapshot(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => {
      const path = join(e.parentPath, e.name);
      const s = statSync(path);
      return `${path.slice(dir.length)} ${s.size} ${s.mtimeMs}`;
    })
    .sort();
}

beforeAll(async () => {
  const packed = await run('npm', ['pack', '--pack-destination', root, '--json'], {
    cwd: repo,
    env,
    maxBuffer: 64 * 1024 * 1024,
  });
  const tarball = join(root, (JSON.parse(packed.stdout) as { filename: string }[])[0].filename);
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), '{ "name": "a-user-project", "private": true }\n');
  await npmInstall(project, tarball);
  installFiles = snapshot(installed);
  const config = join(root, 'kemi.yaml');
  writeFileSync(
    config,
    JSON.stringify({
      listen: ['udp:127.0.0.1:0'],
      admin: { listen: '127.0.0.1:0', operator_token: OPERATOR_TOKEN },
    }),
  );
  server = await startServerProcess(['--config', config], 60_000, {
    bin: join(installed, 'bin', 'kemi-wasm.js'),
    cwd: project,
  });
  adminUrl = String(server.lines.find((l) => l.msg === 'admin listening')?.url);
}, 600_000);

afterAll(async () => {
  closeSockets();
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
});

async function options(callId: string): Promise<string | undefined> {
  const socket = await udpSocket();
  const port = server!.ports.udp!;
  const answer = next(socket, (text) => text.includes(callId));
  socket.send(request(socket.port, { callId, uri: `sip:127.0.0.1:${port}` }), port, '127.0.0.1');
  return (await answer)?.split('\r\n')[0];
}

describe('the npm package, installed', () => {
  it('holds compiled JavaScript, the WIT, the SDKs and the prebuilt route, and no TypeScript sources', () => {
    const files = readdirSync(installed, { recursive: true }) as string[];
    expect(files).toContain(join('dist', 'cli', 'main.js'));
    expect(files).toContain(join('dist', 'routes', 'hello.wasm'));
    expect(files).toContain(join('wit', 'ksr.wit'));
    expect(files).toContain(join('guest-examples', 'assemblyscript', 'sdk', 'index.ts'));
    expect(files).toContain(join('guest-examples', 'rust', 'ksr', 'Cargo.toml'));
    // The JS SDK and its types, the JS/TS examples init copies, and the builder's componentize-js child.
    expect(files).toContain(join('guest-examples', 'js', 'sdk', 'ksr.js'));
    expect(files).toContain(join('guest-examples', 'js', 'sdk', 'ksr.d.ts'));
    expect(files).toContain(join('guest-examples', 'js', 'registrar', 'index.ts'));
    expect(files).toContain(join('dist', 'builder', 'componentize-js-child.js'));
    expect(files.filter((f) => f.startsWith('src') || f.startsWith('test'))).toEqual([]);
    expect(files.filter((f) => /(^|\/)(build|target)(\/|$)/.test(f))).toEqual([]);
  });

  it('serve answers OPTIONS with the bundled route, writing nothing into the install folder', async () => {
    expect(await options('pack-bundled')).toBe('SIP/2.0 200 OK');
    expect(server!.lines.some((l) => String(l.msg).startsWith('built the bundled'))).toBe(false);
    expect(snapshot(installed)).toEqual(installFiles);
  });

  it('init, build and test an AssemblyScript route, then deploy it to the running server', async () => {
    await kemi(root, ['init', '--lang', 'assemblyscript', '--template', 'proxy', 'edge']);
    const dir = join(root, 'edge');
    // The compiler is an optional peer: not installed with kemi-wasm, and the build says how to get it.
    const refused = await kemi(dir, ['build', '.']).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(refused?.code).toBe(1);
    expect(refused?.stderr).toContain(
      `npm install --save-dev assemblyscript@${own.peerDependencies.assemblyscript}`,
    );
    // The project's package.json lists it: installed there, kemi-wasm (installed elsewhere) finds it.
    await npmInstall(dir);
    expect((await kemi(dir, ['build', '.'])).stdout).toMatch(/^built build\/edge\.wasm/m);
    expect((await kemi(dir, ['test', 'build/edge.wasm', 'test/cases.yaml'])).stdout).toMatch(/^3 passed$/m);
    const deployed = await kemi(dir, ['deploy', 'build/edge.wasm'], {
      KEMI_WASM_SERVER: adminUrl,
      KEMI_WASM_TOKEN: OPERATOR_TOKEN,
    });
    expect(deployed.stdout).toMatch(/^deployed default v2: active/m);
    // The proxy route answers a keepalive with its own reason phrase.
    expect(await options('pack-deployed')).toBe('SIP/2.0 200 Keepalive');
  }, 300_000);

  it("resolves import { KSR } from 'kemi-wasm/ksr' to the JS SDK, with its types", async () => {
    const resolved = await run(
      process.execPath,
      ['--input-type=module', '-e', "console.log(import.meta.resolve('kemi-wasm/ksr'))"],
      { cwd: project, env },
    );
    expect(resolved.stdout.trim()).toBe(`file://${join(installed, 'guest-examples', 'js', 'sdk', 'ksr.js')}`);
    // TypeScript finds the .d.ts through the package's exports: a route type-checks in the user's project.
    writeFileSync(
      join(project, 'route.ts'),
      "import { KSR } from 'kemi-wasm/ksr';\nexport function request_route(): void {\n  KSR.sl.sl_send_reply(200, 'OK');\n}\n",
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'esnext',
          moduleResolution: 'bundler',
          strict: true,
          noEmit: true,
          types: [],
        },
        include: ['route.ts'],
      }),
    );
    const tsc = fileURLToPath(import.meta.resolve('typescript/bin/tsc'));
    await run(process.execPath, [tsc, '-p', join(project, 'tsconfig.json')], { cwd: project, env });
  });

  it('init a TypeScript route; its build asks for componentize-js, an optional peer not installed with kemi-wasm', async () => {
    await kemi(root, ['init', '--lang', 'ts', '--template', 'hello', 'scripted']);
    const dir = join(root, 'scripted');
    const refused = await kemi(dir, ['build', '.']).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(refused?.code).toBe(1);
    expect(refused?.stderr).toContain(
      `npm i -D @bytecodealliance/componentize-js@${own.peerDependencies['@bytecodealliance/componentize-js']}`,
    );
    expect(snapshot(installed)).toEqual(installFiles);
  });

  it('init, build and test a Rust route', async () => {
    await kemi(root, ['init', '--lang', 'rust', '--template', 'hello', 'first']);
    const dir = join(root, 'first');
    expect((await kemi(dir, ['build', '.'])).stdout).toMatch(/^built build\/first\.wasm/m);
    expect((await kemi(dir, ['test', 'build/first.wasm', 'test/cases.yaml'])).stdout).toMatch(/^3 passed$/m);
    expect(snapshot(installed)).toEqual(installFiles);
  }, 180_000);
});
