// The shared bound on waits for KSR answers: one timer for every wait, queues by bound.
import { describe, expect, it } from 'vitest';
import { waitBounds } from '../../src/runtime/wait-bounds.ts';

const fired = (log: string[], name: string) => () => log.push(name);

describe('wait bounds', () => {
  it('a shorter bound started after a longer one fires first; a cancelled wait never fires', async () => {
    const log: string[] = [];
    const long = waitBounds.start(60_000, fired(log, 'long'));
    const cancelled = waitBounds.start(10, fired(log, 'cancelled'));
    waitBounds.cancel(cancelled);
    await new Promise<void>((resolve) => {
      waitBounds.start(20, () => {
        log.push('short');
        resolve();
      });
    });
    expect(log).toEqual(['short']);
    waitBounds.cancel(long);
  });

  it('waits of one bound fire in the order they started, each once', async () => {
    const log: string[] = [];
    await new Promise<void>((resolve) => {
      waitBounds.start(15, fired(log, 'a'));
      waitBounds.start(15, fired(log, 'b'));
      waitBounds.start(15, () => {
        log.push('c');
        resolve();
      });
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(log).toEqual(['a', 'b', 'c']);
  });
});
