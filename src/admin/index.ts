// The admin layer's public surface: the HTTP API on its own listener, and its parts for tests.
export { type AdminApp, type AdminAppOptions, createAdminApp } from './app.ts';
export { type ErrorBody, REGISTRY_STATUS } from './errors.ts';
export { type AdminOptions, type AdminServer, type AdminStartResult, startAdmin } from './listener.ts';
export { AdminMetrics, type MetricSources } from './metrics.ts';
export { type Principal, resolveTokens, TokenTable } from './tokens.ts';
