// The workers' metric rows merged into one server's: counters and per-thread gauges add up, gauges read
// from a store every thread shares are one value, not one per worker.
import { describe, expect, it } from 'vitest';
import { mergeRows, type WorkerRows } from '../../src/workers/metric-merge.ts';

describe('mergeRows', () => {
  it('sums counters and per-thread gauges by their labels, whatever the label order', () => {
    const a: WorkerRows = {
      kemi_sip_requests_total: [[{}, 3]],
      kemi_tm_live_transactions: [[{ tenant: 'acme' }, 2]],
      kemi_route_failures_total: [[{ tenant: 'acme', cause: 'trap' }, 1]],
    };
    const b: WorkerRows = {
      kemi_sip_requests_total: [[{}, 4]],
      kemi_tm_live_transactions: [
        [{ tenant: 'acme' }, 5],
        [{ tenant: 'beta' }, 1],
      ],
      kemi_route_failures_total: [[{ cause: 'trap', tenant: 'acme' }, 2]],
    };
    const merged = mergeRows([a, b]);
    expect(merged.get('kemi_sip_requests_total')).toEqual([[{}, 7]]);
    expect(merged.get('kemi_tm_live_transactions')).toEqual([
      [{ tenant: 'acme' }, 7],
      [{ tenant: 'beta' }, 1],
    ]);
    expect(merged.get('kemi_route_failures_total')).toEqual([[{ tenant: 'acme', cause: 'trap' }, 3]]);
  });

  it('counts the rows of a shared store once, and a destination up only where every worker sees it up', () => {
    const a: WorkerRows = {
      kemi_location_bindings: [[{ tenant: 'acme' }, 10]],
      kemi_subscribers: [[{ tenant: 'acme' }, 3]],
      kemi_dispatcher_destination_up: [[{ tenant: 'acme', set: '1', uri: 'sip:a' }, 1]],
    };
    const b: WorkerRows = {
      kemi_location_bindings: [[{ tenant: 'acme' }, 11]],
      kemi_subscribers: [[{ tenant: 'acme' }, 3]],
      kemi_dispatcher_destination_up: [[{ tenant: 'acme', set: '1', uri: 'sip:a' }, 0]],
    };
    const merged = mergeRows([a, b]);
    expect(merged.get('kemi_location_bindings')).toEqual([[{ tenant: 'acme' }, 11]]);
    expect(merged.get('kemi_subscribers')).toEqual([[{ tenant: 'acme' }, 3]]);
    expect(merged.get('kemi_dispatcher_destination_up')).toEqual([
      [{ tenant: 'acme', set: '1', uri: 'sip:a' }, 0],
    ]);
  });
});
