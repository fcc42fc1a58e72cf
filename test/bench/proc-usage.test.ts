import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  cpuMs,
  descendants,
  descendantsNamed,
  kbField,
  memory,
  parseMemory,
  parseSchedstat,
  parseStat,
  processTree,
  sumMemory,
} from '../../bench/lib/proc-usage.ts';

// A /proc/<pid>/stat line whose command name holds a space and a ')': fields count from the last ')'.
const STAT =
  '4242 (kamailio ) x) S 4200 4242 4242 0 -1 4194560 1234 0 0 0 150 37 0 0 20 0 1 0 123456 81920000 2500 ' +
  '18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0';

describe('parseStat', () => {
  it('reads ppid and utime+stime after the command name, whatever it holds', () => {
    expect(parseStat(STAT)).toEqual({ ppid: 4200, ticks: 187 });
  });
});

describe('parseSchedstat', () => {
  it("reads the time on a CPU, in ns, from a task's schedstat line", () => {
    expect(parseSchedstat('313821 61378 1\n')).toBe(313821);
  });
});

describe('descendants', () => {
  it('walks children and grandchildren of the root, not its parent nor siblings', () => {
    const parentOf = new Map([
      [10, 1],
      [11, 10],
      [12, 10],
      [13, 12],
      [20, 1],
    ]);
    expect(descendants(10, parentOf).sort()).toEqual([10, 11, 12, 13]);
  });
});

describe('memory fields', () => {
  const status =
    'Name:\tkamailio\nVmPeak:\t  300000 kB\nVmRSS:\t   36700 kB\nRssAnon:\t 10000 kB\nRssShmem:\t    2900 kB\n';
  const rollup =
    '55d0-7ffd ---p 00000000 00:00 0   [rollup]\nRss:               36700 kB\nPss:               12100 kB\n';

  it('takes VmRSS and RssShmem from status, Pss from smaps_rollup', () => {
    expect(parseMemory(status, rollup)).toEqual({ rssKb: 36700, pssKb: 12100, shmemKb: 2900 });
  });

  it('reads a field only at a line start (Pss is not SwapPss) and 0 when absent', () => {
    expect(kbField('SwapPss:   5 kB\nPss:   7 kB\n', 'Pss')).toBe(7);
    expect(kbField('VmRSS: 1 kB\n', 'RssShmem')).toBe(0);
  });

  it('sums processes', () => {
    expect(
      sumMemory([
        { rssKb: 1, pssKb: 2, shmemKb: 3 },
        { rssKb: 10, pssKb: 20, shmemKb: 30 },
      ]),
    ).toEqual({ rssKb: 11, pssKb: 22, shmemKb: 33 });
  });
});

describe('sampling this process from /proc', () => {
  it('finds itself in its tree, and its CPU and memory grow with work and allocation', () => {
    expect(processTree(process.pid)).toContain(process.pid);
    const before = cpuMs([process.pid]);
    // 50 ms of this process's own CPU time (not wall time: the machine may be loaded), 5 clock ticks.
    const start = process.cpuUsage();
    let x = 0;
    while (process.cpuUsage(start).user < 50_000) for (let i = 0; i < 10_000; i++) x += Math.sqrt(x + 1);
    expect(x).toBeGreaterThan(0);
    expect(cpuMs([process.pid])).toBeGreaterThan(before);
    const held = Buffer.alloc(64 * 1024 * 1024, 1);
    const m = memory([process.pid]);
    expect(held.length).toBe(64 * 1024 * 1024);
    expect(m.rssKb).toBeGreaterThan(64 * 1024);
    expect(m.pssKb).toBeGreaterThan(0);
  });

  it('counts nothing for a process that does not exist', () => {
    expect(cpuMs([2 ** 22 + 1])).toBe(0);
    expect(memory([2 ** 22 + 1])).toEqual({ rssKb: 0, pssKb: 0, shmemKb: 0 });
  });

  it('finds a child by its command name, as the bench finds the SIPp it started', async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => child.once('spawn', resolve));
      // exec of `sleep` follows the fork: wait until /proc/<pid>/comm says so.
      for (let i = 0; i < 50 && !descendantsNamed(process.pid, 'sleep').includes(child.pid!); i++)
        await new Promise((r) => setTimeout(r, 20));
      expect(descendantsNamed(process.pid, 'sleep')).toContain(child.pid);
      expect(descendantsNamed(process.pid, 'sipp')).not.toContain(child.pid);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
