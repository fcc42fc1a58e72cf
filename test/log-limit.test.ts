import { describe, expect, it } from 'vitest';
import { collectedLog } from '../fixtures/collected-log.ts';
import { type LimiterClock, LogLimiter } from '../src/log-limit.ts';

/** A clock moved by hand; scheduled calls fire when time passes them. */
function manualClock() {
  let now = 0;
  let timers: { at: number; fire: () => void; live: boolean }[] = [];
  const clock: LimiterClock = {
    now: () => now,
    schedule(delayMs, fire) {
      const timer = { at: now + delayMs, fire, live: true };
      timers.push(timer);
      return {
        cancel: () => {
          timer.live = false;
        },
      };
    },
  };
  const advance = (ms: number) => {
    now += ms;
    const due = timers.filter((t) => t.live && t.at <= now);
    timers = timers.filter((t) => !due.includes(t));
    for (const t of due) t.fire();
  };
  return { clock, advance, pending: () => timers.filter((t) => t.live).length };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('LogLimiter', () => {
  it('writes the first lines of a cause, counts the rest, and summarises them at the end of the interval', async () => {
    const { clock, advance } = manualClock();
    const { log, lines } = collectedLog();
    const limiter = new LogLimiter({ lines: 3, intervalMs: 1000, clock });
    for (let i = 0; i < 100; i++) limiter.warn(log, 'unparseable', { i }, `bad ${i}`);
    await flush();
    expect(lines.map((l) => l.msg)).toEqual(['bad 0', 'bad 1', 'bad 2']);
    expect(lines[0]).toMatchObject({ level: 40, logCause: 'unparseable', i: 0 });
    expect(limiter.suppressed).toEqual({ unparseable: 97 });

    advance(999);
    await flush();
    expect(lines).toHaveLength(3);
    advance(1);
    await flush();
    expect(lines[3]).toMatchObject({
      level: 40,
      logCause: 'unparseable',
      suppressed: 97,
      intervalS: 1,
      msg: 'suppressed 97 lines of unparseable in the last 1 s',
    });
  });

  it('keeps a budget per cause', async () => {
    const { clock } = manualClock();
    const { log, lines } = collectedLog();
    const limiter = new LogLimiter({ lines: 1, intervalMs: 1000, clock });
    limiter.warn(log, 'a', {}, 'a1');
    limiter.warn(log, 'a', {}, 'a2');
    limiter.error(log, 'b', {}, 'b1');
    await flush();
    expect(lines.map((l) => [l.msg, l.level])).toEqual([
      ['a1', 40],
      ['b1', 50],
    ]);
  });

  it('starts a new budget after the interval; a flood writes at most lines + 1 per interval', async () => {
    const { clock, advance } = manualClock();
    const { log, lines } = collectedLog();
    const limiter = new LogLimiter({ lines: 2, intervalMs: 1000, clock });
    // 10 intervals of 50 lines each, 20 ms apart.
    for (let i = 0; i < 500; i++) {
      limiter.warn(log, 'flood', {}, 'x');
      advance(20);
    }
    advance(1000);
    await flush();
    expect(lines.length).toBeLessThanOrEqual(10 * 3 + 1);
    const summarised = lines.filter((l) => typeof l.suppressed === 'number');
    const written = lines.filter((l) => l.msg === 'x').length;
    const suppressed = summarised.reduce((n, l) => n + (l.suppressed as number), 0);
    expect(written + suppressed).toBe(500);
    expect(limiter.suppressed.flood).toBe(suppressed);
  });

  it('writes no summary for an interval that suppressed nothing, and leaves no timer', async () => {
    const { clock, advance, pending } = manualClock();
    const { log, lines } = collectedLog();
    const limiter = new LogLimiter({ lines: 2, intervalMs: 1000, clock });
    limiter.warn(log, 'quiet', {}, 'one');
    expect(pending()).toBe(0);
    advance(5000);
    limiter.warn(log, 'quiet', {}, 'two');
    await flush();
    expect(lines.map((l) => l.msg)).toEqual(['one', 'two']);
  });

  it('summarises on the next line when its timer has not fired yet', async () => {
    const { clock } = manualClock();
    let now = 0;
    const moved: LimiterClock = { now: () => now, schedule: clock.schedule };
    const { log, lines } = collectedLog();
    const limiter = new LogLimiter({ lines: 1, intervalMs: 1000, clock: moved });
    limiter.warn(log, 'c', {}, 'first');
    limiter.warn(log, 'c', {}, 'second');
    now = 1500; // time moved without the scheduled summary firing
    limiter.warn(log, 'c', {}, 'third');
    await flush();
    expect(lines.map((l) => l.msg)).toEqual(['first', 'suppressed 1 lines of c in the last 1 s', 'third']);
  });
});
