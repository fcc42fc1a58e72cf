// End-to-end harness: a real kemi-wasm server process on loopback, stopped by its PID, and the check of a
// SIPp run (SIPp itself: fixtures/sipp.ts).
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { SippRun } from '../../fixtures/sipp.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

export interface ServerProcess {
  readonly pid: number;
  /** Actual bound ports by proto. */
  readonly ports: { udp?: number; tcp?: number; tls?: number; ws?: number; wss?: number };
  /** Every log line so far, parsed. */
  readonly lines: Record<string, unknown>[];
  /** Settles when the process ended: its exit status, or the signal that ended it. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, SIGKILL after STOP_KILL_MS; settles with its exit status (null when a signal ended it). */
  stop(): Promise<number | null>;
}

/**
 * How long a server may take to stop on SIGTERM before the harness kills it: longer than the server's own
 * shutdown deadline (shutdown_timeout_ms, 10 s by default), which logs what it was waiting for.
 */
const STOP_KILL_MS = 15_000;

/** The servers started and not yet ended: killed when the test process exits, so none outlives a run. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Which kemi-wasm to start: this clone's by default, or an installed one (test/package). */
export interface ServerCommand {
  readonly bin: string;
  readonly cwd: string;
}

/** Starts `kemi-wasm serve` with `args` and waits until it listens (or fails to). */
export async function startServerProcess(
  args: string[],
  timeoutMs = 30_000,
  command: ServerCommand = { bin: join(root, 'bin/kemi-wasm.js'), cwd: root },
): Promise<ServerProcess> {
  const child = spawn(process.execPath, [command.bin, 'serve', ...args], {
    cwd: command.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    }),
  );
  const lines: Record<string, unknown>[] = [];
  let stderr = '';
  const ports: ServerProcess['ports'] = {};
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
        const listen =
          typeof line.listen === 'string' ? /^(udp|tcp|tls|ws|wss):.*:(\d+)$/.exec(line.listen) : null;
        if (listen && line.msg === 'listening')
          ports[listen[1] as keyof ServerProcess['ports']] = Number(listen[2]);
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
  return { pid: child.pid!, ports, lines, exited, stop: () => stopProcess(child) };
}

function stopProcess(child: ChildProcess): Promise<number | null> {
  // Ended already, by an exit or by a signal (a SIGKILL'd node: no 'exit' event comes again).
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const kill = setTimeout(() => {
      process.stderr.write(
        `harness: server ${child.pid} still running ${STOP_KILL_MS} ms after SIGTERM: SIGKILL\n`,
      );
      child.kill('SIGKILL');
    }, STOP_KILL_MS);
    child.once('exit', (code) => {
      clearTimeout(kill);
      resolve(code);
    });
    child.kill('SIGTERM');
  });
}

/** Every one of `calls` calls of the SIPp run succeeded (its screen is the message when not). */
export function expectAll(run: SippRun, calls: number): void {
  expect(run.failed, run.output).toBe(0);
  expect(run.successful, run.output).toBe(calls);
}
