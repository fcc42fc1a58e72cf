// Runs a cases file against a component: one offline server for the whole file, the cases in order.
import { err, ok, type Result } from '../result.ts';
import type { CasesFile } from './cases.ts';
import { checkRun } from './check.ts';
import { createRouteTester, type RouteRun } from './route-tester.ts';

export interface CaseResult {
  readonly name: string;
  readonly run: RouteRun;
  /** Empty when the case passed. */
  readonly problems: readonly string[];
}

export async function runCases(
  component: Uint8Array,
  file: CasesFile,
): Promise<Result<CaseResult[], string>> {
  const tester = await createRouteTester(component, { defines: file.defines, domains: file.domains });
  if (!tester.ok) return err(tester.error);
  try {
    const results: CaseResult[] = [];
    for (const testCase of file.cases) {
      const run = await tester.value.run(testCase.message, testCase.from);
      results.push({ name: testCase.name, run, problems: checkRun(run, testCase.expect) });
    }
    return ok(results);
  } finally {
    await tester.value.close();
  }
}
