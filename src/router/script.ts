// A routing script ready to run: one module version of one tenant, with its runner and logger. Which
// script serves a message is the selector's choice (one fixed script until the registry takes over).
// Transactions and dialogs pin the script that created them, so their later routes run on the same
// version even after another was activated, and the version is unloaded only once nothing pins it.
import type { Logger } from 'pino';
import type { RouteRunner } from '../runtime/index.ts';
import type { SipRequest, SipResponse } from '../sip/index.ts';
import type { Source } from '../transport/index.ts';

export interface Script {
  readonly tenant: string;
  readonly version: number;
  readonly runner: RouteRunner;
  /** Bound to tenant and version. */
  readonly log: Logger;
  /** Transactions and dialogs running on this script now. */
  readonly pins: number;
  /** Called when a transaction (or pinned dialog) starts on this script. */
  pin(): void;
  /** Called when it ends; the script may be unloaded once no pin is left and it is no longer active. */
  unpin(): void;
}

export interface ScriptSelector {
  /** The script for a message, or undefined when no tenant takes it. */
  select(msg: SipRequest | SipResponse, source: Source): Script | undefined;
}

/** A script with plain pin counting, for a server that loads one route and never swaps it. */
export function fixedScript(tenant: string, version: number, runner: RouteRunner, log: Logger): Script {
  let pins = 0;
  return {
    tenant,
    version,
    runner,
    log,
    get pins() {
      return pins;
    },
    pin: () => {
      pins++;
    },
    unpin: () => {
      pins--;
    },
  };
}
