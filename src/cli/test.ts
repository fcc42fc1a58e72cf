// `kemi-wasm test ROUTE.wasm CASES [--verbose]`: runs a route offline against the cases of a YAML/JSON file
// (docs/route-tests.md) and prints one line per case; a failing case prints what differed and the KSR calls
// the route made. Exit 1 when a case fails, 2 when the route or the file cannot be loaded.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { CaseResult } from '../route-test/index.ts';

export function registerTest(program: Command): void {
  program
    .command('test')
    .description('run a route offline (no sockets) against the SIP messages and expectations of a cases file')
    .argument('<route>', 'component (.wasm), e.g. built with kemi-wasm build')
    .argument('<cases>', 'cases file (.yaml or .json), see docs/route-tests.md')
    .option('-v, --verbose', 'print the KSR calls and the reply of every case')
    .action(async (route: string, cases: string, opts: { verbose?: boolean }) => {
      process.exitCode = await runTest(route, cases, opts.verbose === true);
    });
}

export async function runTest(route: string, casesPath: string, verbose: boolean): Promise<number> {
  // Imported here, like the builder in build.ts: only this command runs routes offline.
  const { loadCases, runCases } = await import('../route-test/index.ts');
  const file = await loadCases(casesPath);
  if (!file.ok) return fail(file.error);
  let component: Uint8Array;
  try {
    component = await readFile(route);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return fail(
      `cannot read ${route} (${code ?? e})${code === 'ENOENT' ? ': build it with kemi-wasm build' : ''}`,
    );
  }
  const results = await runCases(component, file.value);
  if (!results.ok) return fail(results.error);
  for (const result of results.value) print(result, verbose);
  const failed = results.value.filter((r) => r.problems.length > 0).length;
  const total = results.value.length;
  process.stdout.write(failed === 0 ? `${total} passed\n` : `${failed} of ${total} failed\n`);
  return failed === 0 ? 0 : 1;
}

function print(result: CaseResult, verbose: boolean): void {
  const passed = result.problems.length === 0;
  process.stdout.write(`${passed ? 'ok  ' : 'FAIL'}  ${result.name}\n`);
  for (const problem of result.problems) process.stdout.write(`        ${problem}\n`);
  if (passed && !verbose) return;
  for (const problem of result.run.problems) process.stdout.write(`        ! ${problem}\n`);
  for (const call of result.run.calls) process.stdout.write(`        | ${call}\n`);
  for (const sent of result.run.sent)
    process.stdout.write(`        > ${sent.to.proto}:${sent.to.address}:${sent.to.port}  ${sent.line}\n`);
}

function fail(message: string): number {
  process.stderr.write(`kemi-wasm test: ${message}\n`);
  return 2;
}
