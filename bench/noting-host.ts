// The route host of the benches: replies are noted on the context instead of sent, and 127.0.0.1:5060 is
// the server itself.
import { PvNames, type RouteHost, ScriptRegexes } from '../src/kemi/index.ts';

export const notingHost: RouteHost = {
  slReply: (ctx, status) => {
    ctx.answer.replied = status;
    return true;
  },
  sendReply: (ctx, status) => {
    ctx.answer.replied = status;
    return true;
  },
  isMyself: (h, port) => h === '127.0.0.1' && (port === undefined || port === 5060),
  pvNames: new PvNames(),
  regexes: new ScriptRegexes(),
};
