// Lines the server writes for a tenant's script: cut, charged to the invocation's log budget and limited
// per tenant and cause, so a script calling a failing KSR function in a loop with a huge value cannot make
// the server write megabytes.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { corex } from '../../src/kemi/corex.ts';
import { hostLog } from '../../src/kemi/host-log.ts';
import { LogLimiter } from '../../src/log-limit.ts';
import { call, contextFor, INVITE } from './fixture.ts';

function collected(tenant: string) {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { log: pino({ level: 'info', base: undefined }, stream).child({ tenant }), lines };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('hostLog', () => {
  it('writes a few cut lines for 1000 calls with a 60 KB bad URI, charging what it writes', async () => {
    const limiter = new LogLimiter({ lines: 5, intervalMs: 60_000 });
    const { ctx } = contextFor(INVITE, 'request', undefined, { logLimit: limiter });
    const { log, lines } = collected('acme');
    const scoped = Object.assign(Object.create(Object.getPrototypeOf(ctx)), ctx, { log });
    let charged = 0;
    scoped.logMeter = { chargeLog: (bytes: number) => (charged += bytes) };
    const uri = `x${'a'.repeat(60_000)}`;
    for (let i = 0; i < 1000; i++) expect(call(corex, 'append-branch-uri', scoped, uri)).toBe(-1);
    await flush();
    expect(lines).toHaveLength(5);
    const bytes = lines.reduce((n, l) => n + l.length, 0);
    expect(bytes).toBeLessThan(5 * 1024);
    expect(JSON.parse(lines[0])).toMatchObject({
      tenant: 'acme',
      ksr: 'append-branch-uri',
      logCause: 'append-branch-uri',
      msg: expect.stringMatching(/^'xaaa.*\.\.\. \(60\d{3} chars\)$/),
    });
    // Every call is charged (cut to the written length): the invocation's max_log_bytes ends a loop.
    expect(charged).toBe(1000 * 512);
    expect(limiter.suppressed).toEqual({ 'acme/append-branch-uri': 995 });
  });

  it('keeps a budget per tenant: one tenant using its lines does not silence another', async () => {
    const limiter = new LogLimiter({ lines: 1, intervalMs: 60_000 });
    const acme = collected('acme');
    const other = collected('other');
    const { ctx } = contextFor(INVITE, 'request', undefined, { logLimit: limiter });
    const as = (log: typeof acme.log) =>
      Object.assign(Object.create(Object.getPrototypeOf(ctx)), ctx, { log });
    for (let i = 0; i < 3; i++) hostLog(as(acme.log), 'error', 'same', {}, 'from acme');
    hostLog(as(other.log), 'error', 'same', {}, 'from other');
    await flush();
    expect(acme.lines).toHaveLength(1);
    expect(other.lines).toHaveLength(1);
  });

  it('fails the invocation through its meter when the budget is spent', () => {
    const { ctx } = contextFor(INVITE, 'request', undefined, { logLimit: new LogLimiter() });
    ctx.logMeter = {
      chargeLog: () => {
        throw new Error('log output exceeds 65536 bytes in one invocation');
      },
    };
    expect(() => call(corex, 'append-branch-uri', ctx, 'not a uri')).toThrow(/log output exceeds/);
  });
});
