// A routing script ready to run: one module version of one tenant, with its runner and logger. Which
// script serves a message is the selector's choice (one fixed script until the registry takes over).
import type { Logger } from 'pino';
import type { ModuleRunner } from '../runtime/index.ts';
import type { SipRequest, SipResponse } from '../sip/index.ts';
import type { Source } from '../transport/index.ts';

export interface Script {
  readonly tenant: string;
  readonly version: number;
  readonly runner: ModuleRunner;
  /** Bound to tenant and version. */
  readonly log: Logger;
}

export interface ScriptSelector {
  /** The script for a message, or undefined when no tenant takes it. */
  select(msg: SipRequest | SipResponse, source: Source): Script | undefined;
}
