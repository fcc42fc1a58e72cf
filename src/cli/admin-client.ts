// What the deploy/versions/activate/rollback/status commands share: the server URL and token (flags, else
// environment), one HTTP call to the admin API, and a one-line error that names the fix.
import type { Command } from 'commander';

export interface ConnectionOptions {
  server?: string;
  token?: string;
  tenant?: string;
  json?: boolean;
}

export const DEFAULT_SERVER = 'http://127.0.0.1:8060';

/** Adds --server, --token, --tenant and --json to a command. */
export function connectionOptions(command: Command): Command {
  return command
    .option('-s, --server <url>', `admin API URL (env KEMI_WASM_SERVER, default ${DEFAULT_SERVER})`)
    .option('-t, --token <token>', 'bearer token: operator or tenant (env KEMI_WASM_TOKEN)')
    .option('--tenant <name>', 'tenant (env KEMI_WASM_TENANT, default "default")')
    .option('--json', 'print the server response as JSON');
}

export type CallResult<T> = { ok: true; body: T } | { ok: false; error: string };

export class AdminClient {
  readonly server: string;
  readonly tenant: string;
  readonly #token: string | undefined;

  constructor(opts: ConnectionOptions, env: NodeJS.ProcessEnv = process.env) {
    // An empty variable counts as unset.
    this.server = (opts.server ?? (env.KEMI_WASM_SERVER || DEFAULT_SERVER)).replace(/\/+$/, '');
    this.#token = opts.token ?? (env.KEMI_WASM_TOKEN || undefined);
    this.tenant = opts.tenant ?? (env.KEMI_WASM_TENANT || 'default');
  }

  tenantPath(suffix = ''): string {
    return `/v1/tenants/${encodeURIComponent(this.tenant)}${suffix}`;
  }

  async call<T>(
    method: string,
    path: string,
    body?: { json: unknown } | { wasm: Uint8Array },
  ): Promise<CallResult<T>> {
    if (!this.#token) return { ok: false, error: 'no token: give --token or set KEMI_WASM_TOKEN' };
    const headers: Record<string, string> = { authorization: `Bearer ${this.#token}` };
    const user = process.env.USER;
    if (user) headers['x-kemi-user'] = user;
    let payload: string | Uint8Array | undefined;
    if (body && 'json' in body) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body.json);
    } else if (body) {
      headers['content-type'] = 'application/wasm';
      payload = body.wasm;
    }
    let res: Response;
    try {
      res = await fetch(`${this.server}${path}`, { method, headers, body: payload as RequestInit['body'] });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (err as Error).message;
      return {
        ok: false,
        error: `cannot reach ${this.server} (${why}): is the server running with an admin section? give --server or KEMI_WASM_SERVER`,
      };
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return {
        ok: false,
        error: `${this.server} answered ${res.status} with something that is not JSON: is it a kemi-wasm admin URL?`,
      };
    }
    if (res.ok) return { ok: true, body: parsed as T };
    const reason = (parsed as { reason?: string }).reason ?? text;
    if (res.status === 401) return { ok: false, error: `${reason} (give --token or set KEMI_WASM_TOKEN)` };
    return { ok: false, error: reason };
  }
}

/** Prints the one-line error on stderr and returns the exit code. */
export function fail(command: string, error: string): number {
  process.stderr.write(`kemi-wasm ${command}: ${error}\n`);
  return 1;
}

export function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

export function ms(value: number): string {
  return value < 1 ? `${value.toFixed(3)} ms` : `${Math.round(value)} ms`;
}
