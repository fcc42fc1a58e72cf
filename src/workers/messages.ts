// What the primary thread and the SIP worker threads say to each other (structured clone over the
// worker's port). Nothing here is on the message path: SIP messages never cross threads.
import type { Config } from '../config/schema.ts';
import type { WorkerRows } from './metric-merge.ts';
import type { FailureReport, TenantView } from './worker-scripts.ts';

/** A worker's start: the configuration (listen ports resolved) and the versions it serves from the start. */
export interface SipWorkerData {
  readonly index: number;
  readonly config: Config;
  readonly logFormat: 'json' | 'pretty';
  readonly views: readonly TenantView[];
}

export type ToWorker =
  | { readonly kind: 'view'; readonly view: TenantView }
  | { readonly kind: 'metrics'; readonly id: number }
  | { readonly kind: 'stop' };

export type FromWorker =
  | { readonly kind: 'ready' }
  | { readonly kind: 'failed'; readonly failure: FailureReport }
  | { readonly kind: 'metrics'; readonly id: number; readonly rows: WorkerRows }
  | { readonly kind: 'refused'; readonly error: string };
