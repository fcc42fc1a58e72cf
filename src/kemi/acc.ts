// KSR acc: the accounting function a script calls (Kamailio's acc module); the flag-driven records of
// transactions are written by accounting.ts when a transaction replies.
import { accRequest } from './accounting.ts';
import { defineModule } from './define.ts';

export const acc = defineModule('acc', {
  'acc-request': (ctx, comment, table) => accRequest(ctx, comment, table),
});
