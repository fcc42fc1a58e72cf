// Attacks the host through its own functions: endless log lines, endless KSR calls.
import { KSR } from '../../../assemblyscript/sdk';

export function logFlood(): void {
  const line = 'flood '.repeat(170);
  while (true) KSR.info(line);
}

export function ksrFlood(): void {
  while (true) KSR.setflag(1);
}
