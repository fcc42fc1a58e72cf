// Helpers for the registry e2e tests: a server process started from a generated configuration with the
// admin API on a free loopback port, the admin calls the tests make, and the kemi-wasm CLI as a process.
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ServerProcess, startServerProcess } from './harness.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
export const OPERATOR_TOKEN = 'e2e-operator-token-0123456789';

export interface RegistryServer {
  readonly process: ServerProcess;
  readonly adminUrl: string;
  readonly configPath: string;
}

/**
 * Writes `config` (YAML accepts JSON) to `configPath` over what every e2e server has: UDP and the admin API
 * on free loopback ports, info logs (the admin URL is read from them), the operator token.
 */
export function writeServerConfig(configPath: string, config: Record<string, unknown>): void {
  writeFileSync(
    configPath,
    JSON.stringify({
      listen: ['udp:127.0.0.1:0'],
      log_level: 'info',
      admin: { listen: '127.0.0.1:0', operator_token: OPERATOR_TOKEN },
      ...config,
    }),
  );
}

/** The admin API's URL a started server logged. */
export function adminUrlOf(server: ServerProcess): string {
  const line = server.lines.find((l) => l.msg === 'admin listening');
  if (!line) throw new Error('the server did not log its admin URL');
  return String(line.url);
}

/** Writes `config` (writeServerConfig) and starts `kemi-wasm serve --config` on it. */
export async function startRegistryServer(
  config: Record<string, unknown>,
  dir?: string,
): Promise<RegistryServer> {
  const configPath = join(dir ?? mkdtempSync(join(tmpdir(), 'kemi-e2e-config-')), 'kemi.yaml');
  writeServerConfig(configPath, config);
  const process = await startServerProcess(['--config', configPath]);
  return { process, adminUrl: adminUrlOf(process), configPath };
}

export interface AdminReply {
  status: number;
  body: Record<string, unknown>;
}

/** One admin API call with the operator token. */
export async function admin(
  url: string,
  method: string,
  path: string,
  body?: Uint8Array | Record<string, unknown>,
): Promise<AdminReply> {
  const headers: Record<string, string> = { authorization: `Bearer ${OPERATOR_TOKEN}` };
  let payload: string | Uint8Array | undefined;
  if (body instanceof Uint8Array) {
    headers['content-type'] = 'application/wasm';
    payload = body;
  } else if (body) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const res = await fetch(`${url}${path}`, { method, headers, body: payload as RequestInit['body'] });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `kemi-wasm ARGS` with `env` added, bounded in time. */
export function runCli(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 30_000,
): Promise<CliRun> {
  const child = spawn(process.execPath, [join(root, 'bin/kemi-wasm.js'), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(kill);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Sends one OPTIONS over UDP and returns the reply's text (undefined after `timeoutMs`). */
export function optionsOnce(
  port: number,
  uri = `sip:probe@127.0.0.1:${port}`,
  timeoutMs = 3000,
): Promise<string | undefined> {
  const socket = createSocket('udp4');
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      socket.close();
      resolve(undefined);
    }, timeoutMs);
    socket.on('message', (msg) => {
      clearTimeout(timer);
      socket.close();
      resolve(msg.toString('latin1'));
    });
    socket.bind(0, '127.0.0.1', () => {
      const local = socket.address().port;
      const id = `${Date.now()}-${Math.random()}`;
      const text = [
        `OPTIONS ${uri} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${local};branch=z9hG4bK-${id}`,
        `From: <sip:probe@127.0.0.1>;tag=${id}`,
        `To: <${uri}>`,
        `Call-ID: ${id}`,
        'CSeq: 1 OPTIONS',
        'Max-Forwards: 70',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
      socket.send(text, port, '127.0.0.1');
    });
  });
}

/** The X-Version a stamped route answered with, as a number. */
export function stampIn(reply: string | undefined): number | undefined {
  const m = reply && /^X-Version: (\d+)\r?$/m.exec(reply);
  return m ? Number(m[1]) : undefined;
}
