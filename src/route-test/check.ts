// Compares what a route did with one message (a RouteRun) against a case's expectations; each mismatch
// becomes one line that says what was expected and what happened.
import type { Expectation } from './cases.ts';
import type { RouteRun } from './route-tester.ts';

export function checkRun(run: RouteRun, expect: Expectation): string[] {
  const problems: string[] = [];
  if (expect.reply !== undefined) {
    const got = run.reply ? `${run.reply.status} ${run.reply.reason}` : 'none';
    const want = String(expect.reply);
    const matches = want === 'none' ? got === 'none' : got === want || got.startsWith(`${want} `);
    if (!matches) problems.push(`reply: expected ${want}, got ${got}`);
  }
  if (expect.relayed_to !== undefined) {
    const got = run.relayed.map((r) => `${r.to.address}:${r.to.port}`);
    const matches = expect.relayed_to === 'none' ? got.length === 0 : got.includes(expect.relayed_to);
    if (!matches) problems.push(`relayed_to: expected ${expect.relayed_to}, got ${got.join(', ') || 'none'}`);
  }
  if (expect.calls !== undefined) {
    let from = 0;
    for (const wanted of expect.calls) {
      const at = run.calls.findIndex((call, i) => i >= from && callMatches(call, wanted));
      if (at < 0) {
        problems.push(`calls: expected ${wanted}${from > 0 ? ` after ${run.calls[from - 1]}` : ''}`);
        break;
      }
      from = at + 1;
    }
  }
  for (const name of expect.not_calls ?? []) {
    const made = run.calls.find((call) => call.startsWith(`${name}(`));
    if (made) problems.push(`not_calls: ${made}`);
  }
  return problems;
}

/**
 * `sl.sl_send_reply` matches any call of the function; `sl.sl_send_reply(404, "Not Found")` one with those
 * arguments, whatever it returned; with ` = 1` it must also have returned 1.
 */
export function callMatches(call: string, wanted: string): boolean {
  if (!wanted.includes('(')) return call.startsWith(`${wanted}(`);
  return call === wanted || call.startsWith(`${wanted} = `);
}
