// Which toolchain builds a directory: a Rust crate (Cargo.toml) or an AssemblyScript project (asconfig.json
// with `entries`, or package.json next to assembly/index.ts, the layout `asinit` creates).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { ok } from '../result.ts';
import { type StepResult, stepError } from './types.ts';

export type GuestProject =
  | {
      readonly language: 'assemblyscript';
      readonly dir: string;
      readonly name: string;
      /** Entry files relative to dir. */
      readonly entries: readonly string[];
    }
  | { readonly language: 'rust'; readonly dir: string; readonly name: string; readonly manifest: string };

const DEFAULT_AS_ENTRY = 'assembly/index.ts';

export function detectProject(dirArg: string): StepResult<GuestProject> {
  const dir = resolve(dirArg);
  if (!existsSync(dir)) return stepError('detect', `${dirArg} does not exist`);
  if (!statSync(dir).isDirectory())
    return stepError('detect', `${dirArg} is not a directory: give the project's folder`);

  const cargo = join(dir, 'Cargo.toml');
  const asconfig = join(dir, 'asconfig.json');
  const packageJson = join(dir, 'package.json');
  const hasAs = existsSync(asconfig) || (existsSync(packageJson) && existsSync(join(dir, DEFAULT_AS_ENTRY)));
  if (existsSync(cargo) && hasAs) {
    return stepError(
      'detect',
      `${dirArg} holds both a Rust crate and an AssemblyScript project: keep one per folder`,
    );
  }
  if (existsSync(cargo)) return detectRust(dir, cargo);
  if (hasAs) return detectAssemblyScript(dir, existsSync(asconfig) ? asconfig : undefined, packageJson);
  return stepError(
    'detect',
    `${dirArg} is not a guest project: expected Cargo.toml (Rust) or asconfig.json / package.json with ` +
      `${DEFAULT_AS_ENTRY} (AssemblyScript); see docs/guests.md`,
  );
}

function detectRust(dir: string, manifest: string): StepResult<GuestProject> {
  let name: unknown;
  try {
    const toml = parseToml(readFileSync(manifest, 'utf8')) as { package?: { name?: unknown } };
    name = toml.package?.name;
  } catch (err) {
    return stepError('detect', `${manifest} does not parse: ${(err as Error).message.split('\n')[0]}`);
  }
  if (typeof name !== 'string') return stepError('detect', `${manifest} has no [package] name: add one`);
  return ok({ language: 'rust', dir, name, manifest });
}

function detectAssemblyScript(
  dir: string,
  asconfig: string | undefined,
  packageJson: string,
): StepResult<GuestProject> {
  let entries: string[] = [DEFAULT_AS_ENTRY];
  if (asconfig) {
    const config = readJson(asconfig);
    if (!config.ok) return config;
    const listed = (config.value as { entries?: unknown }).entries;
    if (listed !== undefined) {
      if (!Array.isArray(listed) || listed.length === 0 || !listed.every((e) => typeof e === 'string')) {
        return stepError('detect', `${asconfig}: "entries" must be a non-empty list of files`);
      }
      entries = listed;
    }
  }
  for (const entry of entries) {
    if (!existsSync(join(dir, entry))) {
      return stepError(
        'detect',
        `AssemblyScript entry ${join(dir, entry)} does not exist: create it or fix "entries"`,
      );
    }
  }
  let name = basename(dir);
  if (existsSync(packageJson)) {
    const pkg = readJson(packageJson);
    if (!pkg.ok) return pkg;
    const pkgName = (pkg.value as { name?: unknown }).name;
    if (typeof pkgName === 'string' && pkgName !== '') name = pkgName.replace(/^@[^/]+\//, '');
  }
  return ok({ language: 'assemblyscript', dir, name, entries });
}

function readJson(path: string): StepResult<unknown> {
  try {
    return ok(JSON.parse(readFileSync(path, 'utf8')));
  } catch (err) {
    return stepError('detect', `${path} is not valid JSON: ${(err as Error).message}`);
  }
}
