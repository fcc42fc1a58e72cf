// What a node reads and writes in the cluster's Redis: blobs by content, each tenant's versions (numbered
// cluster-wide) and activations (history, current pointer, event), breaker trips, the shared dialog pin
// key, and the nodes' reports. Writes that must be atomic are the Lua scripts of cluster-scripts.ts.
import type { Redis } from 'ioredis';
import type { ActivationKind, NewVersion } from '../registry/index.ts';
import type { ClusterKeys } from './cluster-keys.ts';
import { ACTIVATE, ACTIVATION_HISTORY, PRUNE_VERSION, RECORD_VERSION, RESEED } from './cluster-scripts.ts';

/** A version as the cluster records it. */
export interface ClusterVersion {
  readonly version: number;
  readonly sha256: string;
  readonly size: number;
  readonly world: string;
  readonly createdBy: string;
  readonly createdAt: string;
  /** The node it was uploaded to. */
  readonly node: string;
}

/** An activation as the cluster records it: the cluster's active version is its latest one. */
export interface ClusterActivation {
  readonly id: number;
  readonly tenant: string;
  readonly version: number;
  /** What a rollback returns to (undo), as in the node's own store. */
  readonly previous: number | null;
  readonly kind: ActivationKind;
  readonly at: string;
  readonly by: string;
  /** The node that wrote it. */
  readonly node: string;
}

export type ActivateRefusal = 'unknown-version' | 'conflict';

export class ClusterStore {
  readonly #redis: Redis;
  readonly #keys: ClusterKeys;
  readonly #prefix: string;
  readonly #node: string;

  constructor(redis: Redis, keys: ClusterKeys, prefix: string, node: string) {
    this.#redis = redis;
    this.#keys = keys;
    this.#prefix = prefix;
    this.#node = node;
  }

  /** Stores a component's bytes under their hash (once: a second upload of the same bytes writes nothing). */
  async putBlob(sha256: string, bytes: Uint8Array): Promise<void> {
    await this.#redis.set(this.#keys.blob(sha256), Buffer.from(bytes), 'NX');
  }

  async blob(sha256: string): Promise<Buffer | null> {
    return this.#redis.getBuffer(this.#keys.blob(sha256));
  }

  /** Numbers and records a version whose blob is stored; with `activation`, activates it in the same step. */
  async recordVersion(
    tenant: string,
    v: NewVersion,
    activation: ActivationKind | undefined,
  ): Promise<{ version: number; activation: ClusterActivation | null }> {
    const answer = await this.#eval<{ version: number; activation: ClusterActivation | null }>(
      RECORD_VERSION,
      [
        tenant,
        v.sha256,
        String(v.size),
        v.world,
        v.createdBy,
        new Date().toISOString(),
        this.#node,
        activation ?? '',
        String(ACTIVATION_HISTORY),
      ],
    );
    if ('error' in answer) throw new Error(`the cluster refused version of '${tenant}': ${answer.error}`);
    return answer;
  }

  /**
   * Makes `version` the cluster's active one and announces it. `expected`: the current activation's id
   * (or 'none') the change is based on; another one there refuses it (`conflict`).
   */
  async activate(
    tenant: string,
    version: number,
    kind: ActivationKind,
    by: string,
    options: { expected?: number | 'none'; previous?: number | null } = {},
  ): Promise<{ ok: true; activation: ClusterActivation } | { ok: false; error: ActivateRefusal }> {
    const { expected, previous } = options;
    const answer = await this.#eval<{ activation: ClusterActivation }>(ACTIVATE, [
      tenant,
      String(version),
      kind,
      by,
      this.#node,
      new Date().toISOString(),
      expected === undefined ? '' : String(expected),
      previous === undefined ? '' : previous === null ? 'null' : String(previous),
      String(ACTIVATION_HISTORY),
    ]);
    if ('error' in answer) return { ok: false, error: answer.error as ActivateRefusal };
    return { ok: true, activation: answer.activation };
  }

  /** Each tenant's current activation (undefined: the cluster has none for it). */
  async actives(tenants: readonly string[]): Promise<Map<string, ClusterActivation | undefined>> {
    const found = new Map<string, ClusterActivation | undefined>();
    if (tenants.length === 0) return found;
    const raw = await this.#redis.mget(tenants.map((t) => this.#keys.active(t)));
    tenants.forEach((t, i) => {
      const value = raw[i];
      found.set(t, value ? (JSON.parse(value) as ClusterActivation) : undefined);
    });
    return found;
  }

  async activation(tenant: string, id: number): Promise<ClusterActivation | undefined> {
    const raw = await this.#redis.hget(this.#keys.activations(tenant), String(id));
    return raw ? (JSON.parse(raw) as ClusterActivation) : undefined;
  }

  /** The first activation before `current` (following `previous`) other than its version and `accept`ed. */
  async walkBack(
    tenant: string,
    current: ClusterActivation,
    accept: (a: ClusterActivation) => boolean,
  ): Promise<ClusterActivation | undefined> {
    let id = current.previous;
    while (id !== null) {
      const a = await this.activation(tenant, id);
      if (!a) return undefined;
      if (a.version !== current.version && accept(a)) return a;
      id = a.previous;
    }
    return undefined;
  }

  async version(tenant: string, version: number): Promise<ClusterVersion | undefined> {
    const raw = await this.#redis.hget(this.#keys.versions(tenant), String(version));
    return raw ? (JSON.parse(raw) as ClusterVersion) : undefined;
  }

  /** The tenant's version numbers in the cluster, newest first. */
  async versionNumbers(tenant: string): Promise<number[]> {
    const keys = await this.#redis.hkeys(this.#keys.versions(tenant));
    return keys.map(Number).sort((a, b) => b - a);
  }

  async hasVersions(tenant: string): Promise<boolean> {
    return (await this.#redis.exists(this.#keys.lastVersion(tenant))) === 1;
  }

  /** Removes a version record (and its blob when no other record names it). */
  async prune(tenant: string, version: number): Promise<void> {
    await this.#eval(PRUNE_VERSION, [tenant, String(version)]);
  }

  /** Fills a tenant Redis knows nothing of from this node's versions; undefined when another node did. */
  async reseed(
    tenant: string,
    versions: readonly ClusterVersion[],
    blobs: ReadonlyMap<string, Uint8Array>,
    active: number | undefined,
  ): Promise<ClusterActivation | null | undefined> {
    for (const [sha, bytes] of blobs) await this.putBlob(sha, bytes);
    const last = Math.max(0, ...versions.map((v) => v.version));
    const answer = await this.#eval<{ activation: ClusterActivation | null }>(RESEED, [
      tenant,
      JSON.stringify(versions),
      String(last),
      String(active ?? 0),
      'reseed',
      this.#node,
      new Date().toISOString(),
      String(ACTIVATION_HISTORY),
    ]);
    return 'error' in answer ? undefined : answer.activation;
  }

  /** The cluster's pin key: `candidate` when none is set yet (the first node's), else the one set. */
  async pinKey(candidate: string): Promise<string> {
    await this.#redis.set(this.#keys.pinKey, candidate, 'NX');
    return (await this.#redis.get(this.#keys.pinKey)) ?? candidate;
  }

  /** Writes this node's report, expiring after `ttlMs` unless written again. */
  async report(report: object, ttlMs: number): Promise<void> {
    const now = Date.now();
    await this.#redis
      .multi()
      .set(this.#keys.node(this.#node), JSON.stringify(report), 'PX', ttlMs)
      .zadd(this.#keys.nodes, now, this.#node)
      // A node gone for a day is forgotten.
      .zremrangebyscore(this.#keys.nodes, 0, now - 86_400_000)
      .exec();
  }

  /** Every node seen in the last day: its last report (undefined: expired, the node is lost) and when. */
  async nodes(): Promise<{ node: string; lastSeen: number; report: unknown }[]> {
    const entries = await this.#redis.zrange(this.#keys.nodes, 0, -1, 'WITHSCORES');
    const names: { node: string; lastSeen: number }[] = [];
    for (let i = 0; i < entries.length; i += 2)
      names.push({ node: entries[i], lastSeen: Number(entries[i + 1]) });
    if (names.length === 0) return [];
    const reports = await this.#redis.mget(names.map((n) => this.#keys.node(n.node)));
    return names.map((n, i) => ({ ...n, report: reports[i] ? JSON.parse(reports[i]!) : undefined }));
  }

  async #eval<T>(script: string, args: string[]): Promise<T | { error: string }> {
    const raw = (await this.#redis.eval(script, 0, this.#prefix, ...args)) as string;
    return JSON.parse(raw) as T | { error: string };
  }
}
