// End-to-end harness: a real kemi-wasm server process and real SIPp runs on loopback, every run bounded in
// calls and time, every process stopped by its PID.
import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
export const scenario = (name: string) => join(root, 'test/e2e/scenarios', name);

export interface ServerProcess {
  readonly pid: number;
  /** Actual bound ports by proto. */
  readonly ports: { udp?: number; tcp?: number };
  /** Every log line so far, parsed. */
  readonly lines: Record<string, unknown>[];
  stop(): Promise<number | null>;
}

/** Starts `kemi-wasm serve` with `args` and waits until it listens (or fails to). */
export async function startServerProcess(args: string[], timeoutMs = 30_000): Promise<ServerProcess> {
  const child = spawn(process.execPath, [join(root, 'bin/kemi-wasm.js'), 'serve', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  let stderr = '';
  const ports: { udp?: number; tcp?: number } = {};
  let pending = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not listen within ${timeoutMs} ms: ${stderr}`)),
      timeoutMs,
    );
    child.stdout!.on('data', (d: Buffer) => {
      pending += d.toString();
      const parts = pending.split('\n');
      pending = parts.pop()!;
      for (const part of parts) {
        if (!part.trim()) continue;
        const line = JSON.parse(part) as Record<string, unknown>;
        lines.push(line);
        const listen = typeof line.listen === 'string' ? /^(udp|tcp):.*:(\d+)$/.exec(line.listen) : null;
        if (listen && line.msg === 'listening') ports[listen[1] as 'udp' | 'tcp'] = Number(listen[2]);
        if (line.msg === 'ready') {
          clearTimeout(timer);
          resolve();
        }
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${stderr}`));
    });
  });
  try {
    await ready;
  } catch (err) {
    await stopProcess(child);
    throw err;
  }
  return { pid: child.pid!, ports, lines, stop: () => stopProcess(child) };
}

function stopProcess(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', (code) => {
      clearTimeout(kill);
      resolve(code);
    });
    child.kill('SIGTERM');
  });
}

/** A port free for both UDP and TCP on 127.0.0.1, for SIPp's own socket. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const u = createSocket('udp4');
      u.once('error', () => resolve(false));
      u.bind(port, '127.0.0.1', () => u.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
}

export interface SippRun {
  readonly code: number | null;
  readonly successful: number;
  readonly failed: number;
  readonly output: string;
}

export interface SippOptions {
  readonly transport: 'udp' | 'tcp';
  readonly port: number;
  readonly calls: number;
  readonly rate?: number;
  readonly service?: string;
  readonly extra?: string[];
  readonly timeoutSeconds?: number;
  /** SIPp's own port; a free one when absent. */
  readonly localPort?: number;
}

/** Runs SIPp with `scenarioFile` against 127.0.0.1:port until `calls` calls are done (bounded in time). */
export async function runSipp(scenarioFile: string, options: SippOptions): Promise<SippRun> {
  const dir = mkdtempSync(join(tmpdir(), 'kemi-sipp-'));
  const timeout = options.timeoutSeconds ?? 30;
  const args = [
    `127.0.0.1:${options.port}`,
    '-sf',
    scenarioFile,
    '-t',
    options.transport === 'udp' ? 'u1' : 't1',
    '-i',
    '127.0.0.1',
    '-p',
    String(options.localPort ?? (await freePort())),
    '-m',
    String(options.calls),
    '-r',
    String(options.rate ?? 50),
    '-s',
    options.service ?? 'service',
    '-recv_timeout',
    '5000',
    '-timeout',
    `${timeout}s`,
    '-timeout_error',
    '-nostdin',
    '-trace_err',
    '-error_file',
    join(dir, 'errors.log'),
    ...(options.extra ?? []),
  ];
  const child = spawn('sipp', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const code = await new Promise<number | null>((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), (timeout + 10) * 1000);
    child.once('exit', (c) => {
      clearTimeout(kill);
      resolve(c);
    });
  });
  const count = (label: string) => {
    const m = new RegExp(`${label}\\s*\\|\\s*\\d+\\s*\\|\\s*(\\d+)`).exec(output);
    return m ? Number(m[1]) : -1;
  };
  return { code, successful: count('Successful call'), failed: count('Failed call'), output };
}

/** Every one of `calls` calls of the SIPp run succeeded (its screen is the message when not). */
export function expectAll(run: SippRun, calls: number): void {
  expect(run.failed, run.output).toBe(0);
  expect(run.successful, run.output).toBe(calls);
}
