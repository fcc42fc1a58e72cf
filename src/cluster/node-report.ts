// What a node reports in Redis at every heartbeat (its key expires after node_ttl_ms: a node that stops
// reporting is shown as lost), and what `GET /v1/cluster` and `kemi-wasm status` show of every node.
import type { Registry } from '../registry/index.ts';
import type { ClusterActivation, ClusterStore } from './cluster-store.ts';

/** A version this node could not load: it kept its previous one. */
export interface ApplyError {
  readonly version: number;
  readonly activation: number;
  readonly code: string;
  readonly reason: string;
  readonly at: string;
}

export interface TenantReport {
  readonly tenant: string;
  /** The version serving new messages on this node. */
  readonly version: number | undefined;
  /** The cluster activation this node runs (undefined: none applied yet). */
  readonly activation: number | undefined;
  /** Transactions in flight on this tenant's versions (their pins), all versions together. */
  readonly inFlight: number;
  readonly loaded: readonly { readonly version: number; readonly pins: number; readonly active: boolean }[];
  readonly breaker: string;
  /** The last cluster activation this node could not apply, while it still runs another version. */
  readonly error: ApplyError | undefined;
}

export interface NodeReport {
  readonly node: string;
  readonly pid: number;
  readonly startedAt: string;
  readonly at: string;
  /** Server and client transactions of this node, every tenant. */
  readonly transactions: number;
  readonly tenants: readonly TenantReport[];
}

/** A node as the cluster status shows it. */
export interface NodeStatus {
  readonly node: string;
  /** `up`: its report is fresh; `lost`: it stopped reporting (stopped, crashed or cut off). */
  readonly state: 'up' | 'lost';
  readonly lastSeen: string;
  readonly report: NodeReport | undefined;
}

export interface ClusterStatus {
  readonly enabled: boolean;
  /** This node's name. */
  readonly node?: string;
  readonly redis?: 'up' | 'down';
  /** The cluster's active activation per tenant. */
  readonly active?: Readonly<Record<string, ClusterActivation | null>>;
  readonly nodes: readonly NodeStatus[];
}

export function nodeReport(
  node: string,
  startedAt: string,
  registry: Registry,
  applied: ReadonlyMap<string, ClusterActivation>,
  errors: ReadonlyMap<string, ApplyError>,
  transactions: number,
): NodeReport {
  const tenants = registry.tenantNames.map((tenant): TenantReport => {
    const status = registry.status(tenant);
    const loaded = (status?.loaded ?? []).map((l) => ({
      version: l.version,
      pins: l.pins,
      active: l.active,
    }));
    return {
      tenant,
      version: status?.active,
      activation: applied.get(tenant)?.id,
      inFlight: loaded.reduce((sum, l) => sum + l.pins, 0),
      loaded,
      breaker: status?.breaker.state ?? 'off',
      error: errors.get(tenant),
    };
  });
  return { node, pid: process.pid, startedAt, at: new Date().toISOString(), transactions, tenants };
}

/** The cluster's active versions and every node seen in the last day, `lost` once its report expired. */
export async function clusterStatus(
  cluster: ClusterStore,
  node: string,
  tenants: readonly string[],
  ttlMs: number,
): Promise<ClusterStatus> {
  const actives = await cluster.actives(tenants);
  const nodes = await cluster.nodes();
  const now = Date.now();
  return {
    enabled: true,
    node,
    redis: 'up',
    active: Object.fromEntries([...actives].map(([t, a]) => [t, a ?? null])),
    nodes: nodes.map((n) => ({
      node: n.node,
      state: n.report !== undefined && now - n.lastSeen <= ttlMs ? 'up' : 'lost',
      lastSeen: new Date(n.lastSeen).toISOString(),
      report: n.report as NodeReport | undefined,
    })),
  };
}
