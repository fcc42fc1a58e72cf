// Shared by the sandbox tests: building the guests with the real toolchains, one runner per tenant over the
// server's KSR tables under explicit limits, contexts over parsed messages, and the well-behaved neighbour.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect } from 'vitest';
import { buildGuest } from '../../src/builder/index.ts';
import type { KsrModule } from '../../src/kemi/define.ts';
import { ksrModules, type RouteContext } from '../../src/kemi/index.ts';
import {
  type CompileOptions,
  createRunner,
  type InvocationLimits,
  Linker,
  type ModuleRunner,
} from '../../src/runtime/index.ts';
import { contextFor, INVITE, type Sent } from '../kemi/fixture.ts';
import { engine } from '../runtime/helpers/run.ts';

export const LANGUAGES = ['assemblyscript', 'rust'] as const;
export type Language = (typeof LANGUAGES)[number];

const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

/** Builds guest projects (paths from the repository root) with buildGuest into a temporary folder. */
export async function buildAll<K extends string>(
  projects: Record<K, string>,
): Promise<Record<K, Uint8Array>> {
  const out = mkdtempSync(join(tmpdir(), 'kemi-sandbox-'));
  try {
    const built = {} as Record<K, Uint8Array>;
    for (const [key, dir] of Object.entries(projects) as [K, string][]) {
      const result = await buildGuest(root(dir), { out: join(out, `${key}.wasm`) });
      if (!result.ok) throw new Error(`${dir}: ${result.error.message}\n${result.error.output ?? ''}`);
      built[key] = result.value.component;
    }
    return built;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

export const HOSTILE: Record<Language, string> = {
  assemblyscript: 'guest-examples/hostile/assemblyscript',
  rust: 'guest-examples/hostile/rust',
};
export const HELLO: Record<Language, string> = {
  assemblyscript: 'guest-examples/assemblyscript/hello',
  rust: 'guest-examples/rust/hello',
};

export interface TenantSetup {
  readonly compile?: CompileOptions;
  readonly limits?: Partial<InvocationLimits>;
  readonly capabilities?: readonly string[];
  readonly tables?: readonly KsrModule[];
}

/** Compiles `bytes` and links one runner for a tenant, as the server would; throws on a refusal. */
export async function tenant(bytes: Uint8Array, setup: TenantSetup = {}): Promise<ModuleRunner> {
  const compiled = await engine.compile(bytes, { ...setup.compile, capabilities: setup.capabilities });
  if (!compiled.ok) throw new Error(`compile refused: ${compiled.error.code}: ${compiled.error.message}`);
  const linked = createRunner(compiled.value, new Linker(setup.tables ?? ksrModules), {
    limits: setup.limits,
    capabilities: setup.capabilities,
  });
  if (!linked.ok) throw new Error(`link refused: ${linked.error.message}`);
  return linked.value;
}

/** An INVITE whose R-URI user names the attack the hostile routes run; log bytes charged to `runner`. */
export function attackContext(attack: string, runner?: ModuleRunner): { ctx: RouteContext; sent: Sent[] } {
  const made = contextFor(INVITE.replace('sip:bob@example.com', `sip:${attack}@example.com`));
  if (runner) made.ctx.logMeter = runner.meter;
  return made;
}

const OPTIONS_TO_SERVER = INVITE.replace(
  'INVITE sip:bob@example.com:5070;transport=udp;lr',
  'OPTIONS sip:127.0.0.1:5060',
)
  .replace('CSeq: 101 INVITE', 'CSeq: 101 OPTIONS')
  .replace(/Content-Type: .*\r\n/, '')
  .replace('Content-Length: 4\r\n\r\nv=0\n', 'Content-Length: 0\r\n\r\n');

/**
 * Runs the hello route of a well-behaved tenant on an INVITE (404) and a keepalive OPTIONS to the server
 * (200) and checks it answered both correctly.
 */
export function expectNeighbourServes(neighbour: ModuleRunner): void {
  for (const [text, status] of [
    [INVITE, 404],
    [OPTIONS_TO_SERVER, 200],
  ] as const) {
    const { ctx, sent } = contextFor(text);
    ctx.logMeter = neighbour.meter;
    expect(neighbour.invoke('request-route', ctx)).toEqual({ ok: true });
    expect(sent.map((s) => s.status)).toEqual([status]);
  }
}

let collect: (() => void) | undefined;

/** A full garbage collection (V8's gc, exposed on first use). */
export function fullGc(): void {
  if (!collect) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  collect();
  collect();
}

export const MiB = 1024 * 1024;
