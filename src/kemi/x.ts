// Control flow (Kamailio's `KSR.x`): the route is marked finished; define.ts makes every later KSR call of
// it a no-op, and the guest returns by itself. No exception crosses guest frames.
import { defineModule, fn } from './define.ts';

export const x = defineModule('x', "Control flow (Kamailio's KSR.x).", [
  fn('exit', 'Stop the route.', [], 'none', (ctx) => {
    ctx.answer.finished = 'exit';
  }),
  fn('drop', 'Stop the route and drop the message.', [], 'none', (ctx) => {
    ctx.answer.finished = 'drop';
    ctx.answer.dropped = true;
  }),
]);
