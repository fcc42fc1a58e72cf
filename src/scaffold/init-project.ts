// `kemi-wasm init`: a new route project from the example of a template, in one language: the example's
// sources (copied from guest-examples/ now), this installation's SDK wired in by path, the template's test
// cases (guest-examples/cases/) and a README saying how to build, test, serve and deploy it.
import { cp, mkdir, readdir, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { err, ok, type Result } from '../result.ts';
import { EXAMPLES_DIR, LANGUAGES, type LanguageName, type Template } from './languages.ts';
import { projectReadme } from './readme.ts';

export interface InitOptions {
  readonly language: LanguageName;
  readonly template: Template;
}

export interface InitResult {
  readonly dir: string;
  /** The project's name (its folder's, made a valid package/crate name). */
  readonly name: string;
  /** Files written, relative to dir. */
  readonly files: readonly string[];
}

/** A folder name as a package and crate name: lower case letters, digits, `-` and `_`, from a letter. */
export function projectName(dir: string): Result<string, string> {
  const name = basename(resolve(dir))
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-+$/, '');
  return name === '' ? err(`${dir}: the folder name must contain a letter (it names the route)`) : ok(name);
}

export async function initProject(dirArg: string, options: InitOptions): Promise<Result<InitResult, string>> {
  const dir = resolve(dirArg);
  const named = projectName(dirArg);
  if (!named.ok) return named;
  const name = named.value;
  const existing = await readdir(dir).catch(() => [] as string[]);
  if (existing.length > 0) return err(`${dirArg} is not empty: give a new folder`);

  const language = LANGUAGES[options.language];
  const example = join(EXAMPLES_DIR, language.examples, options.template);
  const skip = new Set(language.skip);
  await mkdir(dir, { recursive: true });
  await cp(example, dir, {
    recursive: true,
    filter: (source) => !skip.has(basename(source)) || source === example,
  });
  await language.wire(dir, name);
  await mkdir(join(dir, 'test'), { recursive: true });
  await cp(join(EXAMPLES_DIR, 'cases', `${options.template}.yaml`), join(dir, 'test', 'cases.yaml'));
  await writeFile(join(dir, 'README.md'), projectReadme({ name, ...options, toolchain: language.toolchain }));
  await writeFile(join(dir, '.gitignore'), 'build/\ntarget/\nnode_modules/\n');
  const files = (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
  return ok({ dir, name, files });
}
