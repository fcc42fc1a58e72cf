// The relay queue of a proxy transaction: t_relay does not send. It checks each destination (its next
// hop, the tenant's allow-list, max_branches) and queues a branch for it; the queue is sent as one round
// of forking once the route returned, so a route that fails after t_relay sends nothing (what it queued
// is dropped with its other changes).
import type { Logger } from 'pino';
import type { LogLimiter } from '../log-limit.ts';
import { err, ok, type Result } from '../result.ts';
import { heldUntil, type SipRequest } from '../sip/index.ts';
import type { DestinationBranch } from './destination-set.ts';
import type { NextHop } from './next-hop.ts';
import { E_TOO_MANY_BRANCHES, E_UNSPEC, type RelayError, relayError } from './relay-error.ts';

/** Kamailio's default max_branches: more forks than this in one transaction are refused. */
export const MAX_BRANCHES = 12;

/** A branch to send once the route returned. */
export interface QueuedBranch {
  /** The request as the route left it (the branch is a copy of it). */
  readonly message: SipRequest;
  readonly target: DestinationBranch;
  readonly hop: NextHop;
  /** The hop was given by t_relay_to_proto_addr: a branch route's $du or $ru does not change it. */
  readonly forced: boolean;
}

export class RelayQueue {
  /** The transaction: its log is read only when a refusal is logged (made on first use). */
  readonly #owner: { readonly log: Logger };
  readonly #logLimit: LogLimiter;
  #queued: QueuedBranch[] = [];
  /** The round of forking sent last: 1 from the request route, one more per failure route that relays. */
  #leg = 0;

  /** Refusals are a script's doing, many per message at worst: `logLimit` bounds their lines per tenant. */
  constructor(owner: { readonly log: Logger }, logLimit: LogLimiter) {
    this.#owner = owner;
    this.#logLimit = logLimit;
  }

  get length(): number {
    return this.#queued.length;
  }

  get leg(): number {
    return this.#leg;
  }

  /**
   * Queues a branch of `message` for each of `targets` whose next hop `resolve` finds and allows, `sent`
   * branches having gone out already. How many were queued, or why none was (the first reason).
   */
  add(
    message: SipRequest,
    targets: readonly DestinationBranch[],
    forced: boolean,
    sent: number,
    resolve: (target: DestinationBranch) => Result<NextHop, RelayError>,
  ): Result<number, RelayError> {
    if (targets.length === 0) return this.#refused(relayError(E_UNSPEC, 'no destination to relay to'));
    if (sent + this.#queued.length + targets.length > MAX_BRANCHES) {
      return this.#refused(relayError(E_TOO_MANY_BRANCHES, `more than ${MAX_BRANCHES} branches`));
    }
    let first: { error: RelayError; uri: string } | undefined;
    let refused = 0;
    let queued = 0;
    for (const target of targets) {
      const hop = resolve(target);
      if (!hop.ok) {
        first ??= { error: hop.error, uri: target.dstUri ?? target.uri };
        refused++;
        continue;
      }
      this.#queued.push({ message, target, hop: hop.value, forced });
      queued++;
    }
    // One line for the destinations refused in this call, with their count: the first names the reason.
    if (first !== undefined) {
      const others = refused > 1 ? ` (and ${refused - 1} more destinations refused)` : '';
      this.#logLimit.warn(
        this.#owner.log,
        'relay-refused',
        { uri: first.uri, code: first.error.code, refused },
        `relay refused: ${first.error.message}${others}`,
      );
    }
    return queued === 0 ? err(first!.error) : ok(queued);
  }

  /** Empties the queue: its branches as the next round of forking, and that round's number. */
  take(): { readonly queued: readonly QueuedBranch[]; readonly leg: number } {
    const queued = this.#queued;
    this.#queued = [];
    return { queued, leg: ++this.#leg };
  }

  /** The release of a hold on a queued branch's message (an SDP edit under way): the round waits for it. */
  held(): Promise<void> | undefined {
    for (const { message } of this.#queued) {
      const held = heldUntil(message);
      if (held !== undefined) return held;
    }
    return undefined;
  }

  clear(): void {
    this.#queued = [];
  }

  /** Drops what was queued after the queue was `length` long (by a route that failed). */
  truncate(length: number): void {
    this.#queued.length = Math.min(this.#queued.length, length);
  }

  /** Logs a refusal of the whole relay (t_relay then returns its code). */
  #refused(error: RelayError): Result<number, RelayError> {
    this.#logLimit.warn(
      this.#owner.log,
      'relay-refused',
      { code: error.code },
      `relay refused: ${error.message}`,
    );
    return err(error);
  }
}
