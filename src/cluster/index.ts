// Several nodes sharing deploys through Redis: the server's and the admin API's surface.
export type { ClusterCounters } from './cluster-connection.ts';
export { ClusterNode, type ClusterNodeOptions, type Deployer } from './cluster-node.ts';
export type { ClusterActivation, ClusterVersion } from './cluster-store.ts';
export type { ApplyError, ClusterStatus, NodeReport, NodeStatus, TenantReport } from './node-report.ts';
