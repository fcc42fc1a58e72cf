// The transaction clock on one Node timer: callbacks fire once, never before their delay, in due order
// across delays; a cancelled one never fires and is not kept; a throw goes to the guard, later timers fire.
import { describe, expect, it } from 'vitest';
import { MAX_QUEUES, TimerQueues } from '../../src/tm/timer-queues.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const direct = { run: (fire: (arg: unknown) => void, arg: unknown) => fire(arg) };

describe('TimerQueues', () => {
  it('fires each callback once, not before its delay, in due order across delays', async () => {
    const clock = new TimerQueues(direct);
    const fired: string[] = [];
    const early: string[] = [];
    const at = (name: string, delay: number) => {
      const due = performance.now() + delay;
      clock.schedule(delay, () => {
        fired.push(name);
        if (performance.now() < due) early.push(name);
      });
    };
    at('c', 40);
    at('a', 10);
    at('b', 25);
    at('a2', 10);
    at('now', 0);
    await sleep(80);
    expect(fired).toEqual(['now', 'a', 'a2', 'b', 'c']);
    expect(early).toEqual([]);
    expect(clock.pending).toBe(0);
  });

  it('never fires a cancelled timer and keeps no entry for it; cancelling twice or after firing does nothing', async () => {
    const clock = new TimerQueues(direct);
    const fired: string[] = [];
    const first = clock.schedule(10, () => fired.push('first'));
    const middle = clock.schedule(15, () => fired.push('middle'));
    clock.schedule(20, () => fired.push('last'));
    middle.cancel();
    middle.cancel();
    expect(clock.pending).toBe(2);
    first.cancel(); // the one the Node timer was armed for
    await sleep(50);
    expect(fired).toEqual(['last']);
    first.cancel();
    expect(clock.pending).toBe(0);
  });

  it('runs a timer scheduled by a firing callback, and one scheduled earlier than the armed one', async () => {
    const clock = new TimerQueues(direct);
    const fired: string[] = [];
    clock.schedule(40, () => fired.push('long'));
    clock.schedule(5, () => {
      fired.push('outer');
      clock.schedule(0, () => fired.push('inner'));
    });
    await sleep(80);
    expect(fired).toEqual(['outer', 'inner', 'long']);
  });

  it('hands every due callback to run: a throw there does not stop the later timers', async () => {
    const errors: string[] = [];
    const clock = new TimerQueues({
      run: (fire, arg) => {
        try {
          fire(arg);
        } catch (err) {
          errors.push((err as Error).message);
        }
      },
    });
    const fired: number[] = [];
    clock.schedule(5, () => {
      throw new Error('boom');
    });
    clock.schedule(5, () => fired.push(1));
    clock.schedule(15, () => fired.push(2));
    await sleep(50);
    expect(errors).toEqual(['boom']);
    expect(fired).toEqual([1, 2]);
  });

  it('past MAX_QUEUES distinct delays, a timer gets its own Node timer: it fires once, or not once cancelled', async () => {
    const clock = new TimerQueues(direct);
    const fired: number[] = [];
    const timers = [];
    for (let i = 0; i < MAX_QUEUES + 10; i++) timers.push(clock.schedule(5 + i / 10, () => fired.push(i)));
    timers[MAX_QUEUES + 3].cancel(); // one with a Node timer of its own
    timers[2].cancel(); // one in a queue
    expect(clock.pending).toBe(MAX_QUEUES - 1);
    await sleep(60);
    const expected = [...Array(MAX_QUEUES + 10).keys()].filter((i) => i !== 2 && i !== MAX_QUEUES + 3);
    expect([...fired].sort((a, b) => a - b)).toEqual(expected);
    expect(clock.pending).toBe(0);
  });
});
