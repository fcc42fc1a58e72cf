// Which toolchain builds a directory: a Rust crate (Cargo.toml), an AssemblyScript project (asconfig.json
// with `entries`, or package.json next to assembly/index.ts, the layout `asinit` creates), or a JavaScript /
// TypeScript project (any other package.json: its `main`, else index.js / index.ts).
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
  | { readonly language: 'rust'; readonly dir: string; readonly name: string; readonly manifest: string }
  | {
      readonly language: 'javascript';
      readonly dir: string;
      readonly name: string;
      /** The module exporting the routes, relative to dir (.js, .mjs, .ts or .mts). */
      readonly entry: string;
    };

const DEFAULT_AS_ENTRY = 'assembly/index.ts';
const DEFAULT_JS_ENTRIES = ['index.js', 'index.mjs', 'index.ts', 'index.mts'];
const JS_EXTENSIONS = /\.(m?js|m?ts)$/;

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
  if (existsSync(packageJson)) return detectJavaScript(dir, packageJson);
  return stepError(
    'detect',
    `${dirArg} is not a guest project: expected Cargo.toml (Rust), asconfig.json / package.json with ` +
      `${DEFAULT_AS_ENTRY} (AssemblyScript) or package.json (JavaScript/TypeScript); see docs/guests.md`,
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

function detectJavaScript(dir: string, packageJson: string): StepResult<GuestProject> {
  const pkg = readJson(packageJson);
  if (!pkg.ok) return pkg;
  const { name: pkgName, main } = pkg.value as { name?: unknown; main?: unknown };
  const name =
    typeof pkgName === 'string' && pkgName !== '' ? pkgName.replace(/^@[^/]+\//, '') : basename(dir);
  let entry: string | undefined;
  if (main !== undefined) {
    if (typeof main !== 'string' || !JS_EXTENSIONS.test(main))
      return stepError('detect', `${packageJson}: "main" must name a .js, .mjs, .ts or .mts file`);
    if (!existsSync(join(dir, main)))
      return stepError('detect', `the entry ${join(dir, main)} ("main" of package.json) does not exist`);
    entry = main;
  } else {
    entry = DEFAULT_JS_ENTRIES.find((file) => existsSync(join(dir, file)));
    if (!entry)
      return stepError(
        'detect',
        `${dir} has a package.json but no entry: set "main" or add one of ${DEFAULT_JS_ENTRIES.join(', ')}`,
      );
  }
  return ok({ language: 'javascript', dir, name, entry: entry.replace(/^\.\//, '') });
}

function readJson(path: string): StepResult<unknown> {
  try {
    return ok(JSON.parse(readFileSync(path, 'utf8')));
  } catch (err) {
    return stepError('detect', `${path} is not valid JSON: ${(err as Error).message}`);
  }
}
