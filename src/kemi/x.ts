// Control flow (Kamailio's `KSR.x`): the route is marked finished; define.ts makes every later KSR call of
// it a no-op, and the guest returns by itself. No exception crosses guest frames.
import { defineModule } from './define.ts';

export const x = defineModule('x', {
  exit: (ctx) => {
    ctx.answer.finished = 'exit';
  },
  drop: (ctx) => {
    ctx.answer.finished = 'drop';
    ctx.answer.dropped = true;
  },
});
