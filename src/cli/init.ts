// `kemi-wasm init [--lang L] [--template T] DIR`: creates a route project (see src/scaffold/) and prints
// what to run next.
import { relative } from 'node:path';
import { type Command, Option } from 'commander';
import { initProject } from '../scaffold/init-project.ts';
import { LANGUAGE_NAMES, type LanguageName, TEMPLATES, type Template } from '../scaffold/languages.ts';

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('create a routing script project from a template, with the SDK and an offline test')
    .argument('<dir>', 'new folder for the project (its name names the route)')
    .addOption(new Option('--lang <language>', 'language').choices(LANGUAGE_NAMES).default('assemblyscript'))
    .addOption(new Option('--template <template>', 'starting point').choices(TEMPLATES).default('hello'))
    .action(async (dir: string, opts: { lang: LanguageName; template: Template }) => {
      process.exitCode = await runInit(dir, opts.lang, opts.template);
    });
}

async function runInit(dir: string, language: LanguageName, template: Template): Promise<number> {
  const result = await initProject(dir, { language, template });
  if (!result.ok) {
    process.stderr.write(`kemi-wasm init: ${result.error}\n`);
    return 1;
  }
  const { name, files } = result.value;
  const where = relative(process.cwd(), result.value.dir) || '.';
  process.stdout.write(`created ${where} (${language}, ${template}):\n`);
  for (const file of files) process.stdout.write(`  ${file}\n`);
  const steps = [
    `cd ${where}`,
    ...(language === 'rust' ? [] : ['npm install']),
    'kemi-wasm build .',
    `kemi-wasm test build/${name}.wasm test/cases.yaml`,
    `kemi-wasm serve --module build/${name}.wasm`,
  ];
  process.stdout.write(`next:\n${steps.map((s) => `  ${s}\n`).join('')}`);
  return 0;
}
