// A/B of the host side of the stateless path without sockets or routes: another checkout's (A, e.g.
// /work/main) against this one's (B), both loaded into this one process, rounds alternating A B B A ...,
// CPU time (process.cpuUsage) per OPTIONS, medians. Each case is measured on a freshly parsed OPTIONS (the
// route context made over it) and the parse alone is subtracted, so parsed-once caches start cold as they
// do for a received request:
// - sanity: KSR.sanity.sanity_check(17895, 7), the proxy example's checks;
// - sl reply: sl_send_reply's checks (checkReply, with the reply-size estimate) and the 200 written.
//   node_modules/.bin/node bench/stateless-ab.ts --base /work/main [--rounds 21]
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { OPTIONS } from '../fixtures/messages.ts';
import { abArgs, alternatingRounds, cpuPerCall } from './lib/ab-rounds.ts';

const { base, rounds: ROUNDS } = abArgs('stateless-ab.ts', 21);
const ITERATIONS = 50_000;
const here = fileURLToPath(new URL('../', import.meta.url));

const options = OPTIONS;
const source = {
  proto: 'udp',
  remote: { address: '127.0.0.1', port: 9 },
  local: { address: '127.0.0.1', port: 5060 },
};

let sink = 0;
type Cases = Record<string, () => void>;

async function casesOf(tree: string): Promise<{ cases: Cases; parseOnly: () => void }> {
  const load = (path: string) => import(pathToFileURL(resolve(tree, path)).href);
  const sip = await load('src/sip/index.ts');
  const kemi = await load('src/kemi/index.ts');
  const { sanity } = await load('src/kemi/sanity.ts');
  const { checkReply } = await load('src/kemi/sl.ts');
  const { silentLogger } = await load('src/logger.ts');
  const host = {
    slReply: () => true,
    sendReply: () => true,
    isMyself: () => true,
    pvNames: new kemi.PvNames(),
    regexes: new kemi.ScriptRegexes(),
  };
  const sanityCheck = sanity.functions.find((f: { name: string }) => f.name === 'sanity-check').impl;
  const context = () =>
    new kemi.RouteContext(
      'request',
      sip.parseMessage(options, { datagram: true }).value,
      source,
      host,
      silentLogger,
    );
  return {
    cases: {
      sanity: () => {
        sink += sanityCheck(context(), 17895, 7);
      },
      'sl reply': () => {
        const ctx = context();
        if (checkReply(ctx, 200, 'OK').ok)
          sink += sip.responseBytes(ctx.request, 200, 'OK', { toTag: 'abc123' }).length;
      },
    },
    parseOnly: () => {
      sink += context().msg.headerCount;
    },
  };
}

const sides = [await casesOf(base), await casesOf(here)];
const names = Object.keys(sides[0].cases);
for (const side of sides) {
  for (const name of names) for (let i = 0; i < 4 * ITERATIONS; i++) side.cases[name]();
  for (let i = 0; i < 4 * ITERATIONS; i++) side.parseOnly();
}
alternatingRounds(
  names,
  ROUNDS,
  (side, name) =>
    cpuPerCall(sides[side].cases[name], ITERATIONS) - cpuPerCall(sides[side].parseOnly, ITERATIONS),
  `A = ${base}, B = ${here}; CPU ns per OPTIONS beyond its parse`,
);
if (sink === 0) console.log('unreachable');
