// One admin server on loopback for the tests of a route family: tenants acme (with its own token) and beta
// (without), a registry over a real compiler, and the stores and log the test gives.
import { type AdminOptions, type AdminServer, startAdmin } from '../../src/admin/index.ts';
import { silentLogger } from '../../src/logger.ts';
import { ModuleCompiler } from '../../src/registry/index.ts';
import { openRegistry, spec } from '../registry/helpers/setup.ts';

export const OPERATOR = 'operator-token-0123456789';
export const ACME = 'acme-token-0123456789abc';

export interface TestAdmin {
  readonly admin: AdminServer;
  close(): Promise<void>;
}

/** Starts the server with `options` (stores, metric sources, log) over the defaults. */
export async function startTestAdmin(
  options: Partial<
    Pick<AdminOptions, 'addresses' | 'subscribers' | 'acc' | 'trace' | 'dispatcher' | 'sources' | 'log'>
  >,
): Promise<TestAdmin> {
  const compiler = new ModuleCompiler();
  const opened = await openRegistry(compiler, [spec('acme'), spec('beta')]);
  const started = await startAdmin({
    config: {
      listen: '127.0.0.1:0',
      operator_token: OPERATOR,
      operator_token_env: 'UNUSED_TOKEN_VARIABLE',
      max_upload_bytes: 1024,
      max_json_bytes: 16 * 1024,
      max_uploads_in_flight_per_tenant: 2,
      max_uploads_in_flight: 8,
    },
    tenants: [{ name: 'acme', token: ACME }, { name: 'beta' }],
    registry: opened.registry,
    sources: {},
    log: silentLogger,
    ...options,
  });
  if (!started.ok) throw new Error(started.error);
  const admin = started.value;
  return {
    admin,
    close: async () => {
      await admin.close();
      await opened.close();
      await compiler.close();
    },
  };
}
