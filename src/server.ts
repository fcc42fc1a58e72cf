// The composition root: reads the configuration, loads the routing script, starts the transport and wires
// the message path. Everything it returns can be stopped with close().
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import { bundledRoute } from './build/bundled-route.ts';
import type { Config } from './config/schema.ts';
import { Myself } from './core/myself.ts';
import { fixedScript, type Script } from './core/script.ts';
import { SipCore } from './core/sip-core.ts';
import { ksrModules } from './kemi/index.ts';
import { checkBindings, compile, createRunner, ksrPackage, Linker } from './runtime/index.ts';
import { Transport } from './transport/index.ts';

export interface Server {
  readonly transport: Transport;
  readonly core: SipCore;
  readonly script: Script;
  close(): Promise<void>;
}

export type StartResult = { ok: true; server: Server } | { ok: false; error: string };

/** Loads and links the route at `path` (the bundled example when undefined). */
async function loadScript(path: string | undefined, linker: Linker, log: Logger): Promise<Script | string> {
  if (path === undefined) {
    const bundled = await bundledRoute();
    if (!bundled.ok) return bundled.error;
    if (bundled.built) log.info({ path: bundled.path }, 'built the bundled AssemblyScript route');
    path = bundled.path;
  }
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    return `cannot read route ${path}: ${(err as NodeJS.ErrnoException).code ?? err}`;
  }
  const compiled = await compile(bytes);
  if (!compiled.ok) return `route ${path} refused (${compiled.error.code}): ${compiled.error.message}`;
  const linked = createRunner(compiled.module, linker);
  if (!linked.ok) return `route ${path} refused (${linked.error.code}): ${linked.error.message}`;
  const meta = compiled.module.meta;
  log.info(
    { path, sha256: meta.sha256, size: meta.size, abi: meta.path, imports: meta.imports.length },
    'route loaded',
  );
  return fixedScript('default', 1, linked.runner, log.child({ tenant: 'default', version: 1 }));
}

export async function startServer(config: Config, log: Logger): Promise<StartResult> {
  const mismatches = checkBindings(ksrPackage, ksrModules);
  if (mismatches.length > 0) {
    const list = mismatches.map((m) => `${m.interface}.${m.function}: ${m.problem}`).join('; ');
    return { ok: false, error: `KSR tables do not match wit/ksr.wit: ${list}` };
  }
  const script = await loadScript(config.route, new Linker(ksrModules), log);
  if (typeof script === 'string') return { ok: false, error: script };

  let core: SipCore | undefined;
  const started = await Transport.start({
    listen: config.listen,
    logger: log.child({ layer: 'transport' }),
    onMessage: (bytes, source) => core?.receive(bytes, source),
    onFramingError: (error, source) => core?.framingError(error, source),
  });
  if (!started.ok) return { ok: false, error: started.error };
  const transport = started.transport;
  core = new SipCore({
    transport,
    myself: new Myself(transport, config.domains),
    selector: { select: () => script },
    log: log.child({ layer: 'core' }),
  });
  for (const local of transport.localAddresses)
    log.info({ listen: `${local.proto}:${local.address}:${local.port}` }, 'listening');
  const server = core;
  return {
    ok: true,
    server: { transport, core: server, script, close: () => transport.close() },
  };
}
