// Hostile routes for the sandbox tests (test/sandbox, test/e2e/sandbox): each file holds one attack a
// tenant's script could make. request-route runs the attack named by the R-URI user (INVITE
// sip:infinite-loop@...) and, if the attack returns, answers (the reply of the last refused relay, or
// 200 Attack Returned) so a caller sees what came back; named-route runs the attack named by its
// argument. guest-examples/hostile/rust behaves the same.
import { KSR } from '../../../assemblyscript/sdk';
import { deepRecursion } from './deep-recursion';
import { ksrFlood, logFlood } from './floods';
import { headerForging } from './header-forging';
import { headerRedos, pvNameHoard, xlogAmplify } from './host-work';
import { bogusLength, bogusPointer, bogusRetptr, hoardHostMemory, hugeString } from './huge-string';
import { infiniteLoop } from './infinite-loop';
import { memoryBomb } from './memory-bomb';
import { pointerChase } from './pointer-chase';
import { relayForbidden } from './relay';
import { trapOutOfBounds, trapUnreachable } from './trap';

export * from '../../../assemblyscript/sdk/exports';

function attack(name: string): void {
  if (name === 'infinite-loop') infiniteLoop();
  else if (name === 'memory-bomb') memoryBomb();
  else if (name === 'pointer-chase') pointerChase();
  else if (name === 'deep-recursion') deepRecursion();
  else if (name === 'trap-unreachable') trapUnreachable();
  else if (name === 'trap-out-of-bounds') trapOutOfBounds();
  else if (name === 'huge-string') hugeString();
  else if (name === 'bogus-length') bogusLength();
  else if (name === 'bogus-pointer') bogusPointer();
  else if (name === 'bogus-retptr') bogusRetptr();
  else if (name === 'hoard-host-memory') hoardHostMemory();
  else if (name === 'log-flood') logFlood();
  else if (name === 'ksr-flood') ksrFlood();
  else if (name === 'header-forging') headerForging();
  else if (name === 'relay-forbidden') relayForbidden();
  else if (name === 'header-redos') headerRedos();
  else if (name === 'pv-name-hoard') pvNameHoard();
  else if (name === 'xlog-amplify') xlogAmplify();
  else KSR.err(`unknown attack ${name}`);
}

export function request_route(): void {
  const name = KSR.pv.get('$rU');
  if (name === null) return;
  attack(name);
  if (name === 'relay-forbidden') KSR.sl.sl_reply_error();
  else KSR.sl.sl_send_reply(200, 'Attack Returned');
}

export function reply_route(): void {}

export function named_route(name: string): void {
  attack(name);
}
