// Where a supervised worker's jobs run: a worker thread, or a child process. A thread's resource limits
// bound its JS heap only; WebAssembly memories, and what native code (V8's compiler) allocates, come out of
// the whole process, the server's. A child process is bounded in all its memory by measure: while a job is
// out its resident set is read every MEMORY_POLL_MS, and past the bound the process is killed (the job
// fails, the server goes on). An address-space limit (`prlimit --as`) would not do: V8 reserves tens of GiB
// of address space for WebAssembly guard regions (36 GiB for one ordinary compile), so any limit that lets a
// compile run bounds nothing. Between two reads the process can grow by what it touches in MEMORY_POLL_MS
// (measured in test/registry/compiler.test.ts).

/** How often a busy child process's resident memory is read. */
const MEMORY_POLL_MS = 10;

import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type ResourceLimits, Worker } from 'node:worker_threads';

/** Run jobs in a child process whose memory is bounded (heap, WebAssembly and native memory). */
export interface ProcessIsolation {
  /** The bound of the process's resident memory, MiB: past it the process is killed. */
  readonly maxMemoryMb: number;
  /** The V8 old-generation limit of the process, MiB (a JS heap bomb ends sooner, with a clearer cause). */
  readonly maxHeapMb: number;
}

/** One thread or process serving jobs; the supervisor sees its messages and its end. */
export interface JobHost {
  send(message: unknown): void;
  /** Keeps the event loop alive while a job is out. */
  ref(): void;
  unref(): void;
  /** Ends it now (the supervisor has let go of it: its later events are ignored). */
  end(): void;
}

export interface JobHostEvents {
  readonly onMessage: (message: unknown) => void;
  /** It failed or exited; `why` reads after the worker's name. */
  readonly onLost: (why: string) => void;
}

export function threadHost(url: URL, limits: ResourceLimits | undefined, events: JobHostEvents): JobHost {
  const worker = new Worker(url, { resourceLimits: limits });
  worker.on('message', events.onMessage);
  worker.on('error', (e) => events.onLost(`failed: ${e.message}`));
  worker.on('exit', (code) => events.onLost(`exited with code ${code}`));
  return {
    send: (m) => worker.postMessage(m),
    ref: () => worker.ref(),
    unref: () => worker.unref(),
    end: () => void worker.terminate(),
  };
}

export function processHost(url: URL, isolation: ProcessIsolation, events: JobHostEvents): JobHost {
  const child: ChildProcess = fork(fileURLToPath(url), [], {
    execArgv: [`--max-old-space-size=${isolation.maxHeapMb}`],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  let overMemory: string | undefined;
  let watch: NodeJS.Timeout | undefined;
  const stopWatch = () => {
    clearInterval(watch);
    watch = undefined;
  };
  child.on('message', events.onMessage);
  child.on('error', (e) => events.onLost(`failed: ${e.message}`));
  child.on('exit', (code, signal) => {
    stopWatch();
    events.onLost(overMemory ?? (signal ? `was ended by ${signal}` : `exited with code ${code}`));
  });
  const limitBytes = isolation.maxMemoryMb * 1024 * 1024;
  return {
    send: (m) => child.send(m as object),
    // A job is out: watch the process's resident memory until its reply.
    ref: () => {
      child.ref();
      child.channel?.ref();
      if (watch || child.pid === undefined) return;
      const pid = child.pid;
      watch = setInterval(() => {
        const rss = residentBytes(pid);
        if (rss === undefined || rss <= limitBytes) return;
        overMemory = `used ${Math.round(rss / 1024 / 1024)} MiB, above its bound of ${isolation.maxMemoryMb} MiB`;
        stopWatch();
        child.kill('SIGKILL');
      }, MEMORY_POLL_MS);
    },
    unref: () => {
      stopWatch();
      child.unref();
      child.channel?.unref();
    },
    end: () => {
      stopWatch();
      child.kill('SIGKILL');
    },
  };
}

/** The resident set of `pid` in bytes (VmRSS of /proc/<pid>/status), or undefined once it is gone. */
function residentBytes(pid: number): number | undefined {
  try {
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
    return kb ? Number(kb[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
