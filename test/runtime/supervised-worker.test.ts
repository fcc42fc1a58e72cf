// The one supervisor of the runtime's workers: jobs in order, a reply as a value, and a worker that dies,
// runs past the deadline or retires replaced by a new one for the next job; a job is sent again only as
// many times as allowed.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SupervisedWorker, type SupervisedWorkerOptions } from '../../src/runtime/supervised-worker.ts';
import type { Job, Reply } from './helpers/job-worker.ts';

const url = new URL('./helpers/job-worker.ts', import.meta.url);
const workers: SupervisedWorker<Job, Reply>[] = [];
afterEach(async () => {
  for (const w of workers.splice(0)) await w.close();
});

function make(options: Partial<SupervisedWorkerOptions> = {}) {
  const w = new SupervisedWorker<Job, Reply>({ url, ...options });
  workers.push(w);
  return w;
}

async function reply(w: SupervisedWorker<Job, Reply>, job: Job): Promise<Reply> {
  const done = await w.run(job);
  if (!done.ok) throw new Error(`${done.error.code}: ${done.error.message}`);
  return done.value.reply;
}

const once = () => new Int32Array(new SharedArrayBuffer(4));

describe('SupervisedWorker', () => {
  it('answers jobs in order on one worker kept between jobs', async () => {
    const w = make();
    const [a, b] = await Promise.all([
      reply(w, { action: 'echo', value: 1 }),
      reply(w, { action: 'echo', value: 2 }),
    ]);
    expect([a.value, b.value]).toEqual([1, 2]);
    expect(a.threadId).toBe(b.threadId);
  });

  it('takes turns between keys: a key arriving during a burst runs second, not behind the burst', async () => {
    const w = make();
    const order: string[] = [];
    const job = (key: string, value: number) =>
      w.run({ action: 'echo', value }, key).then(() => order.push(`${key}${value}`));
    await Promise.all([job('a', 1), job('a', 2), job('a', 3), job('b', 1)]);
    expect(order).toEqual(['a1', 'a2', 'b1', 'a3']);
  });

  it('ends a worker left without a job for idleMs, and starts a new one for the next job', async () => {
    const w = make({ idleMs: 20 });
    const first = await reply(w, { action: 'echo', value: 1 });
    expect(w.started).toBe(true);
    await vi.waitFor(() => expect(w.started).toBe(false), { timeout: 5000, interval: 10 });
    const next = await reply(w, { action: 'echo', value: 2 });
    expect(next.value).toBe(2);
    expect(next.threadId).not.toBe(first.threadId);
  });

  it('keeps a worker without idleMs between jobs however long it waits', async () => {
    const w = make();
    await reply(w, { action: 'echo', value: 1 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(w.started).toBe(true);
  });

  it('does not end a worker while its job runs past idleMs', async () => {
    const w = make({ idleMs: 10, timeoutMs: 200 });
    const hung = await w.run({ action: 'hang' });
    expect(hung).toMatchObject({ ok: false, error: { code: 'timeout' } });
  });

  it('replaces a worker that retires after its job', async () => {
    const w = make();
    const first = await reply(w, { action: 'retire', value: 1 });
    const next = await reply(w, { action: 'echo', value: 2 });
    expect(next.value).toBe(2);
    expect(next.threadId).not.toBe(first.threadId);
  });

  it('reports a job that threw, with its message, and keeps serving', async () => {
    const w = make();
    const threw = await w.run({ action: 'throw' });
    expect(threw).toMatchObject({
      ok: false,
      error: { code: 'threw', message: expect.stringContaining('the job threw') },
    });
    expect((await reply(w, { action: 'echo', value: 1 })).value).toBe(1);
  });

  it('fails the job its worker died under, without a retry by default, and serves the next on a new worker', async () => {
    const w = make();
    const tries = once();
    expect(await w.run({ action: 'exit-once', tries })).toEqual({
      ok: false,
      error: { code: 'lost', message: 'exited with code 3' },
    });
    expect(Atomics.load(tries, 0)).toBe(1);
    expect((await reply(w, { action: 'echo', value: 1 })).value).toBe(1);
  });

  it('sends a job again to a new worker as many times as allowed', async () => {
    const w = make({ retries: 1 });
    const tries = once();
    expect((await w.run({ action: 'exit-once', tries })).ok).toBe(true);
    expect(Atomics.load(tries, 0)).toBe(2);
    expect(await w.run({ action: 'exit' })).toMatchObject({ ok: false, error: { code: 'lost' } });
  });

  it('ends a worker whose job runs past the deadline, and serves the next job', async () => {
    // The deadline counts from sending the job, so it also covers starting a new worker: kept well above that.
    const w = make({ timeoutMs: 3000 });
    const [hung, next] = await Promise.all([
      w.run({ action: 'hang' }),
      reply(w, { action: 'echo', value: 1 }),
    ]);
    expect(hung).toEqual({ ok: false, error: { code: 'timeout', message: 'took longer than 3000 ms' } });
    expect(next.value).toBe(1);
  });

  it('refuses the queued and running jobs on close, and jobs after it', async () => {
    const w = make();
    const running = w.run({ action: 'hang' });
    const queued = w.run({ action: 'echo', value: 1 });
    await w.close();
    expect(await running).toEqual({ ok: false, error: { code: 'closed', message: 'was closed' } });
    expect(await queued).toEqual({ ok: false, error: { code: 'closed', message: 'was closed' } });
    expect(await w.run({ action: 'echo' })).toEqual({
      ok: false,
      error: { code: 'closed', message: 'is closed' },
    });
  });
});
