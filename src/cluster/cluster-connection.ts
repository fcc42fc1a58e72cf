// The two Redis connections of a node (commands, and the subscriber of the activation channel) and
// whether Redis is reachable now. Commands are never queued while Redis is down: a deploy fails at once
// with a clear reason instead of waiting, and SIP traffic never waits on Redis at all. ioredis reconnects
// by itself; the node catches up on every reconnect (cluster-node.ts).
import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** Milliseconds between reconnection attempts, growing to this bound. */
const MAX_RETRY_MS = 1000;

export interface ClusterCounters {
  /** 1 while Redis is reachable. */
  redisUp: number;
  /** Activations received on the channel from other nodes. */
  events: number;
  /** Activations this node applied (from an event, a catch-up or its own deploy). */
  applied: number;
  /** Activations this node could not apply (it kept its previous version). */
  failed: number;
  /** Activations applied by a catch-up (start, reconnect, heartbeat check) rather than an event. */
  caughtUp: number;
  /** Deploys refused because Redis could not be reached. */
  refused: number;
  /** Times Redis became unreachable. */
  disconnects: number;
}

export class ClusterConnection {
  readonly redis: Redis;
  readonly subscriber: Redis;
  readonly counters: ClusterCounters = {
    redisUp: 0,
    events: 0,
    applied: 0,
    failed: 0,
    caughtUp: 0,
    refused: 0,
    disconnects: 0,
  };
  readonly #log: Logger;
  #readyOnce = false;
  /** Set by close(): the connection's end is this node's stop, not Redis gone. */
  #closing = false;
  #onReady: (() => void) | undefined;

  constructor(url: string, connectTimeoutMs: number, log: Logger) {
    this.#log = log;
    const options = {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: connectTimeoutMs,
      retryStrategy: (attempt: number) => Math.min(attempt * 100, MAX_RETRY_MS),
    };
    this.redis = new Redis(url, options);
    // SUBSCRIBE is sent again by ioredis on every reconnect; its queue only holds that.
    this.subscriber = new Redis(url, { ...options, enableOfflineQueue: true });
    this.redis.on('ready', () => {
      const again = this.#readyOnce;
      this.#readyOnce = true;
      this.counters.redisUp = 1;
      if (again) this.#log.warn('cluster: Redis reachable again: catching up');
      this.#onReady?.();
    });
    this.redis.on('close', () => {
      if (this.counters.redisUp === 1) {
        this.counters.redisUp = 0;
        if (this.#closing) return;
        this.counters.disconnects++;
        this.#log.error(
          'cluster: Redis unreachable: deploys are refused, SIP traffic runs on the active versions',
        );
      }
    });
    // Every failed reconnect emits an error; the transition above is the one line logged.
    this.redis.on('error', () => {});
    this.subscriber.on('error', () => {});
  }

  get up(): boolean {
    return this.redis.status === 'ready';
  }

  /** Called on every (re)connection, the first included. */
  onReady(callback: () => void): void {
    this.#onReady = callback;
  }

  /** Resolves true once Redis is reachable, false after `timeoutMs`. */
  waitReady(timeoutMs: number): Promise<boolean> {
    if (this.up) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.redis.off('ready', ready);
        resolve(false);
      }, timeoutMs);
      const ready = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.redis.once('ready', ready);
    });
  }

  /** Ends both connections; the commands still waiting for Redis fail at once. Again: nothing more. */
  async close(): Promise<void> {
    this.#closing = true;
    this.subscriber.disconnect();
    this.redis.disconnect();
  }
}
