// The `workers` key: its default, "auto", its bounds, and the configurations N > 1 refuses with a message
// that says what to change.
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.ts';
import { workerCount } from '../../src/config/workers-schema.ts';

const check = (config: Record<string, unknown>) => validateConfig(config);

describe('workers', () => {
  it('is 1 by default: one thread, as before', () => {
    const config = check({});
    expect(config.ok && config.value.workers).toBe(1);
    expect(workerCount(1)).toBe(1);
  });

  it('"auto" is one per CPU this process may use', () => {
    const config = check({ workers: 'auto', data_dir: '/tmp/x', listen: ['udp:127.0.0.1:5060'] });
    expect(config.ok).toBe(true);
    expect(workerCount('auto')).toBe(Math.min(64, availableParallelism()));
  });

  it('refuses 0, more than 64 and other words', () => {
    for (const workers of [0, 65, 1.5, 'all']) expect(check({ workers }).ok).toBe(false);
  });

  it('takes N > 1 with a data_dir and UDP listeners', () => {
    const config = check({
      workers: 4,
      data_dir: '/tmp/x',
      listen: ['udp:127.0.0.1:5060', 'udp:[::1]:5060'],
    });
    expect(config.ok).toBe(true);
  });

  it.each([
    [{ listen: ['udp:127.0.0.1:5060'] }, /workers = 2 needs data_dir/],
    [{ data_dir: '/tmp/x' }, /serves UDP listeners only so far.*tcp:127\.0\.0\.1:5060/],
    [
      { data_dir: '/tmp/x', listen: ['udp:127.0.0.1:5060'], htables: { calls: {} } },
      /htables are not shared between threads yet \(tenants default\)/,
    ],
    [
      {
        data_dir: '/tmp/x',
        listen: ['udp:127.0.0.1:5060'],
        tenants: [
          { name: 'acme', match: { domains: ['acme.test'] }, htables: { calls: {} } },
          { name: 'beta', match: { domains: ['beta.test'] } },
        ],
      },
      /htables are not shared between threads yet \(tenants acme\)/,
    ],
    [
      { data_dir: '/tmp/x', listen: ['udp:127.0.0.1:5060'], cluster: { redis: 'redis://127.0.0.1:6379/0' } },
      /a cluster node follows its versions in one thread so far: remove \[cluster\]/,
    ],
  ])('refuses with workers = 2: %j', (config, message) => {
    const checked = check({ workers: 2, ...config });
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.error).toMatch(message);
  });
});
