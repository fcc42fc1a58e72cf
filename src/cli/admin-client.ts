// What the deploy/versions/activate/rollback/status commands share: the server URL and token (flags, else
// environment), one call to the admin API through Hono's typed client (paths, inputs and answers are the
// server's own types, src/admin/app.ts), and a one-line error that names the fix.
import type { Command } from 'commander';
import { type ClientResponse, hc } from 'hono/client';
import type { AdminApp, ErrorBody } from '../admin/index.ts';
import { err, ok, type Result } from '../result.ts';

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

/** The admin API as the server declares it. */
export type AdminApi = ReturnType<typeof hc<AdminApp>>;

/** The routes of one tenant (`/v1/tenants/:tenant/...`). */
export type TenantApi = AdminApi['v1']['tenants'][':tenant'];

/** What a successful call answers: the route's JSON bodies other than the error shape. */
export type Answer<R> = R extends ClientResponse<infer T, number, 'json'> ? Exclude<T, ErrorBody> : never;

/** The answer of one endpoint of the client, e.g. `AnswerOf<TenantApi['rollback']['$post']>`. */
export type AnswerOf<F extends (...args: never[]) => Promise<unknown>> = Answer<Awaited<ReturnType<F>>>;

/** The answer, or the one line to print: the server's reason, or why the server was not reached. */
export type CallResult<T> = Result<T, string>;

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

  /** The `:tenant` path parameter (the client puts parameters into the path as given). */
  get param(): { tenant: string } {
    return { tenant: encodeURIComponent(this.tenant) };
  }

  /** Sends one request through the typed client; an error status becomes the server's reason. */
  async call<R extends ClientResponse<unknown, number, 'json'>>(
    send: (api: AdminApi, tenant: TenantApi) => Promise<R>,
  ): Promise<CallResult<Answer<R>>> {
    if (!this.#token) return err('no token: give --token or set KEMI_WASM_TOKEN');
    const headers: Record<string, string> = { authorization: `Bearer ${this.#token}` };
    const user = process.env.USER;
    if (user) headers['x-kemi-user'] = user;
    const api = hc<AdminApp>(this.server, { headers });
    let res: R;
    try {
      res = await send(api, api.v1.tenants[':tenant']);
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (error as Error).message;
      return err(
        `cannot reach ${this.server} (${why}): is the server running with an admin section? give --server or KEMI_WASM_SERVER`,
      );
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return err(
        `${this.server} answered ${res.status} with something that is not JSON: is it a kemi-wasm admin URL?`,
      );
    }
    // The server's own declaration of what this route answers.
    if (res.ok) return ok(parsed as Answer<R>);
    const reason = (parsed as Partial<ErrorBody>).reason ?? text;
    if (res.status === 401) return err(`${reason} (give --token or set KEMI_WASM_TOKEN)`);
    return err(reason);
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
