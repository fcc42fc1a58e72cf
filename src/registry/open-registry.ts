// How a server process opens its registry, in one thread (src/server.ts) or as the workers' primary
// (src/workers/primary.ts): a compiler of its own (its process starts with the first compile and ends when
// idle, src/registry/compiler.ts), then every tenant booted from the store. Both are closed by the
// caller's `stops`, the registry before the compiler.
import type { Result } from '../result.ts';
import type { StopList } from '../shutdown.ts';
import { type CompileSettings, compilerFor } from './compiler.ts';
import { Registry, type RegistryOptions } from './registry.ts';

export async function openRegistry(
  compile: CompileSettings | undefined,
  stops: StopList,
  options: Omit<RegistryOptions, 'compiler'>,
): Promise<Result<Registry, string>> {
  const compiler = compilerFor(compile);
  stops.add('compiler', () => compiler.close());
  const opening = await Registry.open({ ...options, compiler });
  if (opening.ok) {
    const registry = opening.value;
    stops.add('registry', () => registry.close());
  }
  return opening;
}
