// Moves versions between the cluster and this node's own store (the module store of src/registry/, which
// in a cluster is this node's copy): a version another node uploaded is fetched by its cluster-wide
// number, its bytes checked against the recorded size and sha256, and stored here under the same number;
// and a Redis that lost its data gets this node's versions back (reseed).
import { createHash } from 'node:crypto';
import type { ModuleStore, RegistryError } from '../registry/index.ts';
import { err, fail, OK, type Result } from '../result.ts';
import type { ClusterActivation, ClusterStore, ClusterVersion } from './cluster-store.ts';

export class VersionSync {
  readonly #cluster: ClusterStore;
  readonly #store: ModuleStore;
  readonly #retain: (tenant: string) => number;

  constructor(cluster: ClusterStore, store: ModuleStore, retain: (tenant: string) => number) {
    this.#cluster = cluster;
    this.#store = store;
    this.#retain = retain;
  }

  /** Makes the cluster's `version` of `tenant` a version of this node's store (fetched unless it is there). */
  async ensureLocal(tenant: string, version: number): Promise<Result<undefined, RegistryError>> {
    const record = await this.#cluster.version(tenant, version);
    const local = this.#store.version(tenant, version);
    if (local) {
      if (record && record.sha256 !== local.sha256)
        return fail(
          'conflict',
          `${tenant} v${version} of this node's store (sha256 ${local.sha256}) is not the cluster's (${record.sha256}): start the node with an empty data_dir to join the cluster`,
        );
      return OK;
    }
    if (!record) return fail('unknown-version', `the cluster has no version ${version} of '${tenant}'`);
    const bytes = await this.#cluster.blob(record.sha256);
    if (!bytes) return fail('corrupt', `the cluster has no file of ${tenant} v${version} (${record.sha256})`);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (bytes.length !== record.size || sha256 !== record.sha256)
      return fail(
        'corrupt',
        `${tenant} v${version} fetched from the cluster is ${bytes.length} bytes hashing to ${sha256}, not ${record.size} bytes hashing to ${record.sha256}`,
      );
    try {
      await this.#store.putBlob(sha256, bytes);
      this.#store.addVersion(
        tenant,
        { sha256, size: record.size, world: record.world, createdBy: record.createdBy },
        version,
      );
      const active = this.#store.current(tenant)?.version;
      await this.#store.prune(tenant, this.#retain(tenant), new Set([version, ...(active ? [active] : [])]));
    } catch (thrown) {
      return err({
        code: 'store',
        message: `cannot store ${tenant} v${version} fetched from the cluster: ${(thrown as Error).message}`,
      });
    }
    return OK;
  }

  /**
   * When Redis knows nothing of `tenant` (it lost its data), writes this node's retained versions and makes
   * `active` the cluster's active one; undefined when Redis already had the tenant (another node was first).
   */
  async reseed(tenant: string, active: number | undefined): Promise<ClusterActivation | null | undefined> {
    if (await this.#cluster.hasVersions(tenant)) return undefined;
    const versions: ClusterVersion[] = [];
    const blobs = new Map<string, Uint8Array>();
    for (const v of this.#store.versions(tenant)) {
      if (v.state !== 'ready') continue;
      const bytes = await this.#store.readBlob(v.sha256);
      if (!bytes) continue;
      blobs.set(v.sha256, bytes);
      versions.push({
        version: v.version,
        sha256: v.sha256,
        size: v.size,
        world: v.world,
        createdBy: v.createdBy,
        createdAt: v.createdAt,
        node: 'reseed',
      });
    }
    if (versions.length === 0) return undefined;
    const activeKept = versions.some((v) => v.version === active) ? active : undefined;
    return this.#cluster.reseed(tenant, versions, blobs, activeKept);
  }

  /** Removes the cluster's versions of `tenant` beyond `retain` (never `protect`). */
  async pruneCluster(tenant: string, protect: ReadonlySet<number>): Promise<number[]> {
    const numbers = await this.#cluster.versionNumbers(tenant);
    const doomed = numbers.slice(this.#retain(tenant)).filter((v) => !protect.has(v));
    for (const v of doomed) await this.#cluster.prune(tenant, v);
    return doomed;
  }
}
