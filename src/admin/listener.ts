// The admin API on its own HTTP listener, apart from the SIP sockets (loopback by default). Starting it is a
// value (a taken port is an expected failure); close() stops accepting and ends open connections.

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Logger } from 'pino';
import type { ClusterNode } from '../cluster/index.ts';
import type { AddressWriter } from '../cluster/shared-addresses.ts';
import type { SubscriberWriter } from '../cluster/shared-subscribers.ts';
import type { AdminConfig } from '../config/schema.ts';
import type { Dispatcher } from '../dispatcher/dispatcher.ts';
import type { Registry } from '../registry/index.ts';
import { err, ok, type Result } from '../result.ts';
import type { AccStore, AddressStore, SubscriberStore } from '../state/index.ts';
import { createAdminApp } from './app.ts';
import { AdminMetrics, type MetricSources } from './metrics.ts';
import { resolveTokens, type TenantTokenConfig } from './tokens.ts';
import type { TraceStore } from './trace-routes.ts';

export interface AdminServer {
  /** `http://127.0.0.1:8060` with the bound port. */
  readonly url: string;
  readonly metrics: AdminMetrics;
  close(): Promise<void>;
}

/** The running admin API, or why it did not start (a start-up message for the operator). */
export type AdminStartResult = Result<AdminServer, string>;

export interface AdminOptions {
  readonly config: AdminConfig;
  readonly tenants: readonly TenantTokenConfig[];
  readonly registry: Registry;
  /** Several nodes: deploys go through the cluster, and /v1/cluster shows every node. */
  readonly cluster?: ClusterNode;
  /** The permissions address tables behind the address routes. */
  readonly addresses?: AddressStore;
  readonly sources: Omit<MetricSources, 'registry'>;
  /** The subscriber store the provisioning routes edit; they answer 404 without it. */
  readonly subscribers?: SubscriberStore;
  /** Several nodes: subscriber writes go to the cluster's Redis. */
  readonly sharedSubscribers?: SubscriberWriter;
  /** Several nodes: address writes go to the cluster's Redis. */
  readonly sharedAddresses?: AddressWriter;
  /** The accounting records the acc route reads; it answers 404 without them. */
  readonly acc?: AccStore;
  /** The recent-trace store the trace route reads; it answers 404 without it. */
  readonly trace?: TraceStore;
  /** The destination sets behind the dispatcher routes. */
  readonly dispatcher?: Dispatcher;
  readonly log: Logger;
  readonly env?: NodeJS.ProcessEnv;
}

export async function startAdmin(options: AdminOptions): Promise<AdminStartResult> {
  const tokens = resolveTokens(options.config, options.tenants, options.env);
  if (!tokens.ok) return tokens;
  const { host, port } = splitHostPort(options.config.listen);
  const metrics = new AdminMetrics({ registry: options.registry, ...options.sources });
  const app = createAdminApp({
    registry: options.registry,
    ...(options.cluster && { cluster: options.cluster }),
    tokens: tokens.value,
    metrics,
    maxUploadBytes: options.config.max_upload_bytes,
    maxJsonBytes: options.config.max_json_bytes,
    maxUploads: {
      perTenant: options.config.max_uploads_in_flight_per_tenant,
      global: options.config.max_uploads_in_flight,
    },
    subscribers: options.subscribers,
    ...(options.sharedSubscribers && { sharedSubscribers: options.sharedSubscribers }),
    ...(options.sharedAddresses && { sharedAddresses: options.sharedAddresses }),
    acc: options.acc,
    trace: options.trace,
    log: options.log,
    addresses: options.addresses,
    dispatcher: options.dispatcher,
  });
  const server = serve({ fetch: app.fetch, hostname: host, port }) as Server;
  const bound = await new Promise<AddressInfo | Error>((resolve) => {
    server.once('listening', () => resolve(server.address() as AddressInfo));
    server.once('error', (err) => resolve(err));
  });
  if (bound instanceof Error) {
    metrics.close();
    const code = (bound as NodeJS.ErrnoException).code ?? bound.message;
    return err(`admin.listen ${options.config.listen}: cannot listen (${code})`);
  }
  const url = `http://${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}`;
  options.log.info({ url }, 'admin listening');
  return ok({
    url,
    metrics,
    close: () =>
      new Promise<void>((resolve) => {
        metrics.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}

function splitHostPort(listen: string): { host: string; port: number } {
  const colon = listen.lastIndexOf(':');
  const host = listen.slice(0, colon);
  return { host: host.startsWith('[') ? host.slice(1, -1) : host, port: Number(listen.slice(colon + 1)) };
}
