// Attempts record their KSR result in $var(<attempt>), for the tests to read.
import { KSR } from '../../../assemblyscript/sdk';

export function record(attempt: string, result: i32): void {
  KSR.pv.seti(`$var(${attempt})`, result);
}
