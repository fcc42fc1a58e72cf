// Turns a checked core module into a component of the script world: embed wit/ksr.wit as the module's
// component type (utf8 strings), then let wit-component build the component.
import { readFileSync } from 'node:fs';
import { componentEmbed, componentNew } from '@bytecodealliance/jco-transpile/wasm-tools';
import { ok } from '../result.ts';
import { type StepResult, stepError } from './types.ts';

const witSource = readFileSync(new URL('../../wit/ksr.wit', import.meta.url), 'utf8');

export async function embedWit(core: Uint8Array, world: string): Promise<StepResult<Uint8Array>> {
  try {
    return ok(await componentEmbed({ binary: core, witSource, world, stringEncoding: 'utf8' }));
  } catch (err) {
    return stepError(
      'embed',
      `wit/ksr.wit could not be embedded: ${firstLine(err)}`,
      String((err as Error).message),
    );
  }
}

export async function newComponent(embedded: Uint8Array): Promise<StepResult<Uint8Array>> {
  try {
    return ok(await componentNew(embedded));
  } catch (err) {
    return stepError(
      'component',
      `the module does not fit the script world: ${rootCause(err)}`,
      String((err as Error).message),
    );
  }
}

function firstLine(err: unknown): string {
  return String((err as Error).message ?? err)
    .split('\n')[0]
    .trim();
}

// wit-component reports a chain ("Caused by: 0: ... 1: ..."); the last link says what is wrong.
function rootCause(err: unknown): string {
  const text = String((err as Error).message ?? err);
  const causes = [...text.matchAll(/^\s*\d+: (.*)$/gm)].map((m) => m[1].trim());
  return causes.at(-1) ?? firstLine(err);
}
