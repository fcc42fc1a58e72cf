// Compiles an AssemblyScript project with the in-process compiler (no child process, output kept in
// memory). The flags make a guest that suits a long-lived instance: the incremental GC frees what each
// message allocated, and `abort` traps instead of importing env.abort, which a component may not import.

import { readFileSync } from 'node:fs';
import { ok } from '../result.ts';
import type { GuestProject } from './detect.ts';
import { importOptional } from './optional-import.ts';
import { type CompiledModule, type StepResult, stepError } from './types.ts';

export const ASC_FLAGS: readonly string[] = [
  '-O3',
  '--runtime',
  'incremental',
  '--use',
  'abort=',
  '--noColors',
];

/**
 * The compiler and binaryen are optional peer dependencies of the package: only building AssemblyScript
 * guests needs them, so a server install does not carry them. They resolve from the project first (its
 * package.json may list them, as `kemi-wasm init` writes), then from kemi-wasm's own location; the message
 * names the versions kemi-wasm's package.json asks for.
 */
export function assemblyScriptMissing(dir: string): string {
  const { peerDependencies: peers } = JSON.parse(
    readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
  ) as { peerDependencies: Record<string, string> };
  return (
    'building AssemblyScript needs its compiler, an optional dependency of kemi-wasm: in ' +
    `${dir} run npm install --save-dev assemblyscript@${peers.assemblyscript}`
  );
}

type Asc = typeof import('assemblyscript/asc').default;

export async function compileAssemblyScript(
  project: Extract<GuestProject, { language: 'assemblyscript' }>,
): Promise<StepResult<CompiledModule>> {
  let asc: Asc;
  try {
    asc = (await importOptional<{ default: Asc }>('assemblyscript/asc', project.dir)).default;
    // The post-process step's tool: checked here so that one message names everything to install.
    await importOptional('binaryen', project.dir);
  } catch {
    return stepError('compile', assemblyScriptMissing(project.dir));
  }
  const outFile = 'kemi-wasm-guest.wasm';
  let core: Uint8Array | undefined;
  const stdout = asc.createMemoryStream();
  const stderr = asc.createMemoryStream();
  const argv = [...project.entries, '--outFile', outFile, ...ASC_FLAGS, '--baseDir', project.dir];
  const result = await asc.main(argv, {
    stdout,
    stderr,
    writeFile: (name, contents) => {
      if (name.endsWith(outFile) && typeof contents !== 'string') core = contents;
    },
  });
  const output = stderr.toString().trim();
  const command = `asc ${project.entries.join(' ')} ${ASC_FLAGS.join(' ')}`;
  if (result.error) {
    return stepError(
      'compile',
      `${project.name}: the AssemblyScript compiler reported errors`,
      output || result.error.message,
    );
  }
  if (!core) return stepError('compile', `${project.name}: asc finished without writing a module`, output);
  return ok({ core, warnings: output, command });
}
