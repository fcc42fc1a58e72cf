// SIPp as a callee for the proxy tests: a UAS scenario on a fixed port (the proxy's configured
// destination), run in the background until it has handled `calls` calls, bounded in time, stopped by PID.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SippRun } from './harness.ts';

export interface SippUas {
  readonly pid: number;
  /** Resolves when SIPp exits: after `calls` calls, its timeout, or stop(). */
  readonly done: Promise<SippRun>;
  /** Kills it (by PID) if it is still running; resolves with its run. */
  stop(): Promise<SippRun>;
}

export interface SippUasOptions {
  readonly transport: 'udp' | 'tcp';
  readonly port: number;
  readonly calls: number;
  readonly extra?: string[];
  readonly timeoutSeconds?: number;
}

function count(output: string, label: string): number {
  const m = new RegExp(`${label}\\s*\\|\\s*\\d+\\s*\\|\\s*(\\d+)`).exec(output);
  return m ? Number(m[1]) : -1;
}

/** Starts SIPp with `scenarioFile` listening on 127.0.0.1:port; waits a moment for it to bind. */
export async function startSippUas(scenarioFile: string, options: SippUasOptions): Promise<SippUas> {
  const dir = mkdtempSync(join(tmpdir(), 'kemi-sipp-uas-'));
  const timeout = options.timeoutSeconds ?? 60;
  const args = [
    '-sf',
    scenarioFile,
    '-t',
    options.transport === 'udp' ? 'u1' : 't1',
    '-i',
    '127.0.0.1',
    '-p',
    String(options.port),
    '-m',
    String(options.calls),
    '-timeout',
    `${timeout}s`,
    '-nostdin',
    '-trace_err',
    '-error_file',
    join(dir, 'errors.log'),
    ...(options.extra ?? []),
  ];
  const child: ChildProcess = spawn('sipp', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const done = new Promise<SippRun>((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), (timeout + 10) * 1000);
    child.once('exit', (code) => {
      clearTimeout(kill);
      resolve({
        code,
        successful: count(output, 'Successful call'),
        failed: count(output, 'Failed call'),
        output,
      });
    });
  });
  // SIPp binds at start; give it a moment, and fail loudly if it exits at once (port taken ...).
  const early = await Promise.race([
    done,
    new Promise<undefined>((r) => setTimeout(() => r(undefined), 300)),
  ]);
  if (early) throw new Error(`SIPp UAS on port ${options.port} exited at once: ${early.output}`);
  return {
    pid: child.pid!,
    done,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return done;
    },
  };
}

/** The callee's run, waited for at most `ms` (then stopped) after the caller finished. */
export async function finished(uas: SippUas, ms = 15_000): Promise<SippRun> {
  const timer = setTimeout(() => void uas.stop(), ms);
  const run = await uas.done;
  clearTimeout(timer);
  return run;
}
