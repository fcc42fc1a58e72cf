// A registry over a real store and the real compile worker, for tests; and a way to ask a script which
// version it is (its stamped route answers with X-Version).
import type { Logger } from 'pino';
import { ksrModules } from '../../../src/kemi/index.ts';
import { silentLogger } from '../../../src/logger.ts';
import {
  catchAllTenant,
  type ModuleCompiler,
  ModuleStore,
  Registry,
  type RegistryEvent,
  type RegistryOptions,
  type TenantSpec,
} from '../../../src/registry/index.ts';
import type { Script } from '../../../src/router/script.ts';
import { Linker } from '../../../src/runtime/index.ts';
import { contextFor, INVITE } from '../../kemi/fixture.ts';

export function spec(name: string, over: Partial<TenantSpec> = {}): TenantSpec {
  return catchAllTenant(name, over);
}

export interface Opened {
  registry: Registry;
  store: ModuleStore;
  events: RegistryEvent[];
  close(): Promise<void>;
}

export async function openRegistry(
  compiler: ModuleCompiler,
  tenants: TenantSpec[],
  dir?: string,
  scriptLog?: Logger,
  options: Partial<RegistryOptions> = {},
): Promise<Opened> {
  const s = await ModuleStore.open({ dir });
  if (!s.ok) throw new Error(s.error);
  const r = await Registry.open({
    tenants,
    store: s.value.store,
    compiler,
    linker: new Linker(ksrModules),
    log: silentLogger,
    scriptLog,
    ...options,
  });
  if (!r.ok) {
    await s.value.store.close();
    throw new Error(r.error);
  }
  const events: RegistryEvent[] = [];
  r.value.subscribe((e) => events.push(e));
  return {
    registry: r.value,
    store: s.value.store,
    events,
    close: async () => {
      await r.value.close();
      await s.value.store.close();
    },
  };
}

/** Runs the script's request route on an INVITE and returns the X-Version it stamped on its reply. */
export function stampOf(script: Script | undefined): number | undefined {
  if (!script) return undefined;
  const { ctx, sent } = contextFor(INVITE);
  if (script.runner.suspends) throw new Error('these registry tests run synchronous scripts');
  const outcome = script.runner.invoke('request-route', ctx);
  if (!outcome.ok) throw new Error(outcome.error.message);
  const header = sent[0]?.headers.find(([name]) => name === 'X-Version');
  return header ? Number(header[1]) : undefined;
}
