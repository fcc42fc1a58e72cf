// `kemi-wasm status [--tenant T]`: active version and in-flight transactions per loaded version, and the
// circuit breaker of the active one, for every tenant the token sees (or one).
import type { Command } from 'commander';
import {
  AdminClient,
  type AnswerOf,
  type ConnectionOptions,
  connectionOptions,
  fail,
  type TenantApi,
} from './admin-client.ts';
import { table } from './table.ts';

export function registerStatus(program: Command): void {
  connectionOptions(
    program.command('status').description('active versions and in-flight transactions per version'),
  ).action(async (opts: ConnectionOptions) => {
    // Without --tenant (and KEMI_WASM_TENANT), every tenant the token may see.
    const one = opts.tenant !== undefined || Boolean(process.env.KEMI_WASM_TENANT);
    process.exitCode = await status(opts, one);
  });
}

async function status(opts: ConnectionOptions, one: boolean): Promise<number> {
  const client = new AdminClient(opts);
  const result = one
    ? await client.call((_, tenant) => tenant.$get({ param: client.param }))
    : await client.call((api) => api.v1.status.$get());
  if (!result.ok) return fail('status', result.error);
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(result.value, null, 2)}\n`);
    return 0;
  }
  const tenants = 'tenants' in result.value ? result.value.tenants : [result.value];
  const rows = tenants.flatMap((t) =>
    t.loaded.length === 0
      ? [[t.tenant, '-', 'no version', '', '', '', '']]
      : t.loaded.map((l) => [
          t.tenant,
          String(l.version),
          l.active
            ? t.breaker.state === 'open'
              ? 'fail-closed'
              : 'active'
            : l.standby
              ? 'standby'
              : 'draining',
          String(l.pins),
          String(l.invocations),
          l.path,
          l.active ? breaker(t) : '',
        ]),
  );
  process.stdout.write(
    table(['TENANT', 'VERSION', 'STATE', 'IN-FLIGHT', 'INVOCATIONS', 'ABI', 'BREAKER'], rows),
  );
  return 0;
}

/** `closed 2/20` (failures in the window / the threshold), `open`, `tripping` or `off`. */
function breaker(t: AnswerOf<TenantApi['$get']>): string {
  const b = t.breaker;
  return b.state === 'closed' ? `closed ${b.recent}/${b.failures}` : b.state;
}
