// The Redis keys and the channel of a cluster, all under one prefix (docs/cluster.md has the table).
// Blobs are shared by content; everything else a tenant owns is under `tenant:<name>:`.

export interface ClusterKeys {
  /** A component's bytes, by the sha256 of its content. */
  blob(sha256: string): string;
  /** Which `tenant/version` records name a blob: it is deleted with the last of them. */
  blobRefs(sha256: string): string;
  /** The tenant's last version number (INCR). */
  lastVersion(tenant: string): string;
  /** Hash: version number -> version record (JSON). */
  versions(tenant: string): string;
  /** The tenant's last activation id (INCR). */
  lastActivation(tenant: string): string;
  /** Hash: activation id -> activation record (JSON); the last HISTORY kept. */
  activations(tenant: string): string;
  /** The tenant's current activation record (JSON): the cluster's active version. */
  active(tenant: string): string;
  /** The dialog pin key every node signs and verifies with (hex). */
  readonly pinKey: string;
  /** Sorted set: node name -> last report time (ms). */
  readonly nodes: string;
  /** A node's last report (JSON), expiring: a node whose key is gone is lost. */
  node(name: string): string;
  /** Pub/sub channel of activations. */
  readonly events: string;
}

export function clusterKeys(prefix: string): ClusterKeys {
  const t = (tenant: string, what: string) => `${prefix}tenant:${tenant}:${what}`;
  return {
    blob: (sha) => `${prefix}blob:${sha}`,
    blobRefs: (sha) => `${prefix}blob-refs:${sha}`,
    lastVersion: (tenant) => t(tenant, 'last-version'),
    versions: (tenant) => t(tenant, 'versions'),
    lastActivation: (tenant) => t(tenant, 'last-activation'),
    activations: (tenant) => t(tenant, 'activations'),
    active: (tenant) => t(tenant, 'active'),
    pinKey: `${prefix}dialog-pin-key`,
    nodes: `${prefix}nodes`,
    node: (name) => `${prefix}node:${name}`,
    events: `${prefix}events`,
  };
}
