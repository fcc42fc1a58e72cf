// `kemi-wasm deploy FILE.wasm [--tenant T] [--no-activate]`: uploads a component to a running server and
// activates it, printing each step (read, upload, validate, rewrite, compile, store, swap) as it is known.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { AdminClient, type ConnectionOptions, connectionOptions, fail, kib, ms } from './admin-client.ts';

interface DeployOptions extends ConnectionOptions {
  activate: boolean;
}

export function registerDeploy(program: Command): void {
  connectionOptions(
    program
      .command('deploy')
      .description('upload a routing script component to a running server and activate it')
      .argument('<file>', 'component (.wasm), e.g. built with kemi-wasm build')
      .option('--no-activate', 'store the version without activating it'),
  ).action(async (file: string, opts: DeployOptions) => {
    process.exitCode = await deploy(file, opts);
  });
}

async function deploy(file: string, opts: DeployOptions): Promise<number> {
  const client = new AdminClient(opts);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return fail(
      'deploy',
      `cannot read ${file} (${code ?? err})${code === 'ENOENT' ? ': build it with kemi-wasm build' : ''}`,
    );
  }
  const say = (line: string) => {
    if (!opts.json) process.stdout.write(`${line}\n`);
  };
  say(`  read      ${basename(file)} (${kib(bytes.length)})`);
  say(`  upload    to ${client.server}, tenant ${client.tenant}${opts.activate ? '' : ' (not activating)'}`);
  const start = performance.now();
  const result = await client.call((_, tenant) =>
    tenant.versions.$post(
      { param: client.param, query: opts.activate ? { activate: '1' } : {} },
      { headers: { 'content-type': 'application/wasm' }, init: { body: bytes } },
    ),
  );
  if (!result.ok) return fail('deploy', result.error);
  const b = result.value;
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(b, null, 2)}\n`);
    return 0;
  }
  const t = b.timings;
  say(`  validate  ${ms(t.validateMs)}`);
  say(`  rewrite   ${ms(t.rewriteMs)}  (fuel, memory caps)`);
  say(`  compile   ${ms(t.compileMs)}  (${b.path} path${b.fallbackReason ? `: ${b.fallbackReason}` : ''})`);
  say(`  store     ${ms(t.storeMs)}  sha256 ${b.sha256.slice(0, 16)}`);
  if (b.activated) say(`  swap      ${ms(t.swapMs)}  (commit ${ms(t.commitMs)})`);
  if (b.pruned.length > 0)
    say(`  retention removed version${b.pruned.length > 1 ? 's' : ''} ${b.pruned.join(', ')}`);
  const total = `${ms(t.totalMs)} on the server, ${ms(performance.now() - start)} round trip`;
  say(
    b.activated
      ? `deployed ${b.tenant} v${b.version}: active (${total})`
      : `stored ${b.tenant} v${b.version}: activate it with kemi-wasm activate ${b.version} --tenant ${b.tenant} (${total})`,
  );
  return 0;
}
