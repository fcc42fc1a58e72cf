import { describe, expect, it } from 'vitest';
import { collectedLog } from '../fixtures/collected-log.ts';
import { armShutdownDeadline, EXIT_SHUTDOWN_TIMEOUT, Stops } from '../src/shutdown.ts';

describe('Stops', () => {
  it('runs the steps last added first, each once', async () => {
    const { log } = collectedLog();
    const stops = new Stops(log);
    const ran: string[] = [];
    for (const name of ['store', 'transport', 'admin']) stops.add(name, () => void ran.push(name));
    await stops.stopAll();
    await stops.stopAll();
    expect(ran).toEqual(['admin', 'transport', 'store']);
  });

  it('a step that throws is logged and the steps after it still run', async () => {
    const { log, lines } = collectedLog();
    const stops = new Stops(log);
    const ran: string[] = [];
    stops.add('redis', () => void ran.push('redis'));
    stops.add('registry', async () => {
      throw new Error('lock broken');
    });
    stops.add('transport', () => void ran.push('transport'));
    await stops.stopAll();
    expect(ran).toEqual(['transport', 'redis']);
    const failed = lines.find((l) => l.step === 'registry');
    expect(failed?.msg).toMatch(/a step failed/);
    expect((failed?.err as { message?: string } | undefined)?.message).toBe('lock broken');
  });

  it('names the step under way and those left while a step waits', async () => {
    const { log } = collectedLog();
    const stops = new Stops(log);
    let release = () => {};
    stops.add('cluster connection', () => {});
    stops.add('registry', () => new Promise<void>((resolve) => (release = resolve)));
    stops.add('transport', () => {});
    expect(stops.waitingFor).toEqual([]);
    const stopping = stops.stopAll();
    await new Promise((resolve) => setImmediate(resolve));
    expect(stops.waitingFor).toEqual(['registry', 'cluster connection']);
    release();
    await stopping;
    expect(stops.waitingFor).toEqual([]);
  });
});

describe('armShutdownDeadline', () => {
  it('past the deadline: logs the steps left and the open resources, exits with status 75', async () => {
    const { log, lines } = collectedLog();
    const code = await new Promise<number>((resolve) => {
      armShutdownDeadline(1, log, () => ['registry', 'cluster connection'], resolve);
    });
    expect(code).toBe(EXIT_SHUTDOWN_TIMEOUT);
    expect(lines[0]?.waitingFor).toEqual(['registry', 'cluster connection']);
    expect(lines[0]?.msg).toMatch(/while still stopping registry/);
    expect(Array.isArray(lines[0]?.resources)).toBe(true);
  });
});
