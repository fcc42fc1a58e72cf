// The Redis keys of the stores a cluster shares (src/state/shared-store.ts), beside the deploy keys of
// cluster-keys.ts and, like them, under the cluster prefix and the tenant (docs/cluster.md has the table).

/** An htable's keys: `<base>index` (sorted set of keys by expiry), `<base>item:<key>` (typed value). */
export function htableBase(prefix: string, tenant: string, table: string): string {
  return `${prefix}tenant:${tenant}:htable:${table}:`;
}

/** The breaker's failure counts of one version: `<base><bucket>` (INCRBY, expiring after the window). */
export function breakerBase(prefix: string, tenant: string, version: number): string {
  return `${prefix}tenant:${tenant}:breaker:v${version}:`;
}

/** A tenant's dialog profile sizes per node: `<base>node:<name>` (hash, expiring), `<base>nodes` (set). */
export function dialogProfilesBase(prefix: string, tenant: string): string {
  return `${prefix}tenant:${tenant}:dialog-profiles:`;
}

/** Pike hits of one sampling unit, all nodes': `<base><unit>` (hash address -> hits, expiring). */
export function pikeBase(prefix: string, tenant: string): string {
  return `${prefix}tenant:${tenant}:pike:`;
}
