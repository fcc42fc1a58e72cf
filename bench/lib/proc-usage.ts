// CPU time and memory of a process and its descendants, read from /proc: Kamailio forks its workers, and
// kemi-wasm's process counts the CPU of all its threads in its own /proc/<pid>/stat (a worker mode made of
// processes is covered by the walk over descendants). The parsers are pure, for test/bench.

import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of utime/stime (getconf CLK_TCK; 100 on Linux). */
export const TICKS = Number(spawnSync('getconf', ['CLK_TCK']).stdout?.toString().trim()) || 100;

export interface StatFields {
  readonly ppid: number;
  /** utime + stime, in clock ticks. */
  readonly ticks: number;
}

/** Reads /proc/<pid>/stat; the command name (field 2) may hold spaces and parentheses, so split after the last ')'. */
export function parseStat(text: string): StatFields {
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
  return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
}

/** `pid` and all its descendants, given each process's parent. */
export function descendants(pid: number, parentOf: ReadonlyMap<number, number>): number[] {
  const children = new Map<number, number[]>();
  for (const [child, parent] of parentOf) children.set(parent, [...(children.get(parent) ?? []), child]);
  const out: number[] = [];
  const walk = (p: number) => {
    out.push(p);
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(pid);
  return out;
}

/** Every process now and its parent. */
function parents(): Map<number, number> {
  const map = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      map.set(Number(entry), parseStat(readFileSync(`/proc/${entry}/stat`, 'latin1')).ppid);
    } catch {
      // the process ended meanwhile
    }
  }
  return map;
}

/** The processes of a system: its main process and what it forked (taken once it runs). */
export const processTree = (pid: number): number[] => descendants(pid, parents());

/** The descendants of `pid` whose command (/proc/<pid>/comm) is `name`: the SIPp runs a bench started. */
export function descendantsNamed(pid: number, name: string): number[] {
  return processTree(pid).filter((p) => {
    try {
      return p !== pid && readFileSync(`/proc/${p}/comm`, 'latin1').trim() === name;
    } catch {
      return false;
    }
  });
}

/** The first field of /proc/<pid>/task/<tid>/schedstat: the task's time on a CPU, in ns. */
export function parseSchedstat(text: string): number {
  return Number(text.slice(0, text.indexOf(' ')));
}

/**
 * CPU time of one process in ms: the sum of its threads' schedstat run times (nanoseconds: utime+stime
 * come in 10 ms ticks, truncated per process, so a six-process Kamailio read twice is off by up to 120 ms,
 * more than 200 calls at 100 cps cost), or utime+stime where schedstat is missing. A thread that ended
 * takes its time with it: the systems measured keep their threads.
 */
function processCpuMs(pid: number): number {
  try {
    let ns = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`))
      ns += parseSchedstat(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'latin1'));
    if (Number.isFinite(ns)) return ns / 1e6;
  } catch {
    // no schedstat (or the process ended): its ticks below
  }
  try {
    return (parseStat(readFileSync(`/proc/${pid}/stat`, 'latin1')).ticks * 1000) / TICKS;
  } catch {
    return 0;
  }
}

/** CPU time in ms of `pids` (a process that ended counts nothing: sample the tree while it runs). */
export function cpuMs(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + processCpuMs(pid), 0);
}

export interface Memory {
  /** Sum of the processes' resident sets (pages shared between them, such as Kamailio's shm, count once per process). */
  readonly rssKb: number;
  /** Sum of proportional set sizes: each shared page split between the processes that map it. */
  readonly pssKb: number;
  /** Of rssKb, resident shared memory (RssShmem: Kamailio's shared memory pool, for one). */
  readonly shmemKb: number;
}

/** A "Name:   123 kB" line of /proc/<pid>/status or smaps_rollup, in kB (0 when absent). */
export function kbField(text: string, name: string): number {
  const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

/** Memory of one process from its /proc/<pid>/status and /proc/<pid>/smaps_rollup texts. */
export function parseMemory(status: string, smapsRollup: string): Memory {
  return {
    rssKb: kbField(status, 'VmRSS'),
    pssKb: kbField(smapsRollup, 'Pss'),
    shmemKb: kbField(status, 'RssShmem'),
  };
}

export function sumMemory(parts: readonly Memory[]): Memory {
  return parts.reduce(
    (a, b) => ({ rssKb: a.rssKb + b.rssKb, pssKb: a.pssKb + b.pssKb, shmemKb: a.shmemKb + b.shmemKb }),
    { rssKb: 0, pssKb: 0, shmemKb: 0 },
  );
}

export function memory(pids: readonly number[]): Memory {
  const parts: Memory[] = [];
  for (const pid of pids) {
    try {
      parts.push(
        parseMemory(
          readFileSync(`/proc/${pid}/status`, 'latin1'),
          readFileSync(`/proc/${pid}/smaps_rollup`, 'latin1'),
        ),
      );
    } catch {
      // ended
    }
  }
  return sumMemory(parts);
}

/** Samples memory every `everyMs` until stopped; the peak by PSS. */
export function memoryPeak(pids: readonly number[], everyMs = 250): { stop(): Memory } {
  let peak = memory(pids);
  const timer = setInterval(() => {
    const now = memory(pids);
    if (now.pssKb > peak.pssKb) peak = now;
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      const now = memory(pids);
      return now.pssKb > peak.pssKb ? now : peak;
    },
  };
}
