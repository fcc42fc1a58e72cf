// What every store kept in the cluster's Redis shares (docs/cluster.md, "Shared stores"): the connection,
// a bound on how long an operation waits for Redis, what the store does when Redis does not answer
// (`unavailable`: 'fail' or 'cache'), the counters of those failures and one rate-limited log line per
// cause. Scripts run by their SHA (EVALSHA), sent once more when Redis does not know them (a restart).
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { LogLimiter } from '../log-limit.ts';

export type Unavailable = 'fail' | 'cache';

/** Failures of one store's Redis operations, by cause, and the answers served from a node's cache. */
export interface SharedStoreCounters {
  /** Operations refused at once: Redis was not connected. */
  down: number;
  /** Operations that waited longer than the store's timeout. */
  timeout: number;
  /** Operations Redis answered with an error. */
  error: number;
  /** Operations answered from this node's cache instead (unavailable = 'cache'). */
  cached: number;
}

export interface SharedStoreLink {
  /** The store's name in config, metrics and logs (`htable`). */
  readonly store: string;
  /** The cluster's command connection; commands are not queued while it is down. */
  readonly redis: Redis;
  readonly timeoutMs: number;
  readonly unavailable: Unavailable;
  readonly counters: SharedStoreCounters;
  readonly log: Logger;
  readonly logLimit: LogLimiter;
  /** Runs a Lua script by its SHA (loading it when Redis lacks it); `buffers`: the answer as Buffers. */
  script(
    redis: Redis,
    lua: string,
    keys: (Buffer | string)[],
    args: (Buffer | string)[],
    buffers?: boolean,
  ): Promise<unknown>;
}

export function newCounters(): SharedStoreCounters {
  return { down: 0, timeout: 0, error: 0, cached: 0 };
}

export function sharedStoreLink(options: Omit<SharedStoreLink, 'script' | 'counters'>): SharedStoreLink {
  const shas = new Map<string, string>();
  return {
    ...options,
    counters: newCounters(),
    async script(redis, lua, keys, args, buffers = false) {
      let sha = shas.get(lua);
      if (sha === undefined) {
        sha = createHash('sha1').update(lua).digest('hex');
        shas.set(lua, sha);
      }
      const run = (command: 'EVALSHA' | 'EVAL', body: string) => {
        const argv = [body, keys.length, ...keys, ...args];
        return buffers ? redis.callBuffer(command, argv) : redis.call(command, argv);
      };
      try {
        return await run('EVALSHA', sha);
      } catch (thrown) {
        if (!String((thrown as Error).message).startsWith('NOSCRIPT')) throw thrown;
        return await run('EVAL', lua);
      }
    },
  };
}

/** An operation's answer, or that Redis did not give one (`cached`: the store answers from its cache). */
export type SharedAnswer<T> = { ok: true; value: T } | { ok: false; cached: boolean };

/**
 * Runs `run` against Redis within the store's timeout. A failure never throws: it is counted, logged (rate
 * limited, one cause per kind of failure) and answered as `{ok: false}`, with `cached` true when the
 * store serves from its cache. A command that timed out may still be applied by Redis later. `share`: a
 * write of this node's own counts to the others (dialog, pike, breaker), never answered from a cache.
 */
export async function sharedCall<T>(
  link: SharedStoreLink,
  fields: Record<string, string>,
  run: (redis: Redis) => Promise<T>,
  kind: 'answer' | 'share' = 'answer',
): Promise<SharedAnswer<T>> {
  const cached = kind === 'answer' && link.unavailable === 'cache';
  if (link.redis.status !== 'ready') return failed(link, 'down', fields, 'not connected', cached, kind);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), link.timeoutMs);
  });
  try {
    const answer = await Promise.race([run(link.redis).then((value) => ({ value })), timeout]);
    if (answer === 'timeout')
      return failed(link, 'timeout', fields, `no answer within ${link.timeoutMs} ms`, cached, kind);
    return { ok: true, value: answer.value };
  } catch (thrown) {
    // A connection closing under the command answers "Connection is closed" before its status says so.
    const message = (thrown as Error).message;
    const down = link.redis.status !== 'ready' || /Connection is closed|Stream isn't writeable/.test(message);
    return failed(link, down ? 'down' : 'error', fields, message, cached, kind);
  } finally {
    clearTimeout(timer);
  }
}

function failed(
  link: SharedStoreLink,
  cause: 'down' | 'timeout' | 'error',
  fields: Record<string, string>,
  reason: string,
  cached: boolean,
  kind: 'answer' | 'share',
): SharedAnswer<never> {
  link.counters[cause]++;
  if (cached) link.counters.cached++;
  link.logLimit.error(
    link.log,
    `cluster-store-${link.store}-${cause}`,
    { store: link.store, ...fields },
    `cluster: ${link.store} store: Redis ${cause === 'down' ? 'unreachable' : cause === 'timeout' ? 'too slow' : 'error'} (${reason}): ${cached ? "answered from this node's cache" : kind === 'share' ? "this node's counts are not shared until it is back" : 'the operation fails'}`,
  );
  return { ok: false, cached };
}
