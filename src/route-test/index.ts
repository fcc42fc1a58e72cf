// Testing routes offline (docs/route-tests.md): the cases file, the tester, and the runner of a file.
export {
  type CasesFile,
  casesFileSchema,
  type Expectation,
  loadCases,
  parseCases,
  type TestCase,
} from './cases.ts';
export { callMatches, checkRun } from './check.ts';
export {
  createRouteTester,
  type Peer,
  type RouteRun,
  type RouteTester,
  type RouteTesterOptions,
  type SentMessage,
  TEST_SENDER,
  TEST_SERVER,
} from './route-tester.ts';
export { type CaseResult, runCases } from './run-cases.ts';
