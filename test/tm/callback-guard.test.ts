// The one guarded scheduling path: a throwing callback is counted and logged, later timers still fire.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { CallbackGuard } from '../../src/callback-guard.ts';

describe('CallbackGuard', () => {
  it('catches, counts and logs a throwing timer callback; the interval and the clock keep firing', async () => {
    const lines: Record<string, unknown>[] = [];
    const log = pino({ level: 'error' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const guard = new CallbackGuard(log);
    let ticks = 0;
    const interval = guard.interval('sweep', 5, () => {
      ticks++;
      throw new Error('sweep failed');
    });
    const fired = new Promise<void>((resolve) => guard.clock.schedule(20, resolve));
    guard.clock.schedule(1, () => {
      throw new Error('timer failed');
    });
    await fired;
    await new Promise((r) => setTimeout(r, 30));
    interval.cancel();
    expect(ticks).toBeGreaterThanOrEqual(2);
    expect(guard.errors.get('sweep')).toBe(ticks);
    expect(guard.errors.get('tm-timer')).toBe(1);
    expect(lines.find((l) => l.what === 'tm-timer')).toMatchObject({
      msg: 'callback threw: caught, the server goes on',
      err: { message: 'timer failed' },
    });
  });

  it('cancels a timer before it fires', async () => {
    const guard = new CallbackGuard(pino({ level: 'silent' }));
    let fired = false;
    guard
      .timeout('x', 5, () => {
        fired = true;
      })
      .cancel();
    await new Promise((r) => setTimeout(r, 20));
    expect(fired).toBe(false);
  });
});
