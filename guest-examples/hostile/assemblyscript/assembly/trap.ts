// Attacks the instance's integrity: traps in the middle of a route, after changing its own state, so a
// reused instance would carry on from a corrupt state.
import { KSR } from '../../../assemblyscript/sdk';

export let invocations: i32 = 0;

export function trapUnreachable(): void {
  invocations++;
  KSR.pv.seti('$var(invocations)', invocations);
  unreachable();
}

export function trapOutOfBounds(): void {
  invocations++;
  KSR.pv.seti('$var(invocations)', invocations);
  store<u32>(0xfffffff0, 0xdeadbeef);
}
