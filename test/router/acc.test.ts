// Accounting (KSR acc) on the message path: the records a transaction writes when it sends its final
// response, by the flags its request route set as Kamailio's basic script does (FLT_ACC=1,
// FLT_ACCMISSED=2, FLT_ACCFAILED=3), with the basic cfg's extra columns.
import { describe, expect, it } from 'vitest';
import { ACC_BASIC_EXTRA, accSettings } from '../../src/config/acc-schema.ts';
import type { AccHost } from '../../src/kemi/index.ts';
import { AccStore } from '../../src/state/index.ts';
import { calleeResponse, jsScript, proxyHarness, uacRequest } from './proxy-harness.ts';

const CALLEE = '192.0.2.20';
const BASIC = accSettings(
  {
    max_rows_per_tenant: 100,
    log_flag: 1,
    log_missed_flag: 2,
    db_flag: 1,
    db_missed_flag: 2,
    failed_transaction_flag: 3,
    db_extra: ACC_BASIC_EXTRA,
  },
  undefined,
);

function setup(options: { maxRows?: number; failedFlag?: boolean; tenant?: string } = {}) {
  const store = AccStore.open({ dir: undefined, maxRowsPerTenant: options.maxRows ?? 100 });
  if (!store.ok) throw new Error(store.error);
  const acc: AccHost = { store: store.value, settings: () => BASIC };
  const script = jsScript(
    {
      request: (_ctx, ksr) => {
        if (ksr('core', 'is-method', 'INVITE')) {
          ksr('core', 'setflag', 1);
          ksr('core', 'setflag', 2);
          if (options.failedFlag) ksr('core', 'setflag', 3);
        }
        ksr('core', 'setdsturi', `sip:${CALLEE}:5060`);
        ksr('tm', 't-relay');
      },
    },
    1,
    options.tenant ?? 'alpha',
  );
  const h = proxyHarness({ script, acc, timers: { frInv: 2000, fr: 1000 } });
  return { h, store: store.value };
}

function call(h: ReturnType<typeof setup>['h'], status: number, reason: string): void {
  h.receive(uacRequest('INVITE', { uri: 'sip:bob@proxy.example.com' }));
  const invite = h.sentTo(CALLEE).at(-1)!.message;
  h.receive(calleeResponse(invite, status, reason, 'callee-tag'), { address: CALLEE, port: 5060 });
}

describe('acc on transactions', () => {
  it('an answered INVITE with the acc flag writes an acc record with the basic extras', () => {
    const { h, store } = setup();
    call(h, 200, 'OK');
    const rows = store.list('alpha', { table: 'acc', limit: 10, offset: 0 });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      method: 'INVITE',
      from_tag: 'from1',
      to_tag: 'callee-tag',
      callid: 'call-1@192.0.2.1',
      sip_code: '200',
      sip_reason: 'OK',
      extra: {
        src_user: 'alice',
        src_domain: 'example.org',
        src_ip: '192.0.2.1',
        dst_ouser: 'bob',
        dst_user: 'bob',
        dst_domain: 'proxy.example.com',
      },
    });
    expect(store.list('alpha', { table: 'missed_calls', limit: 10, offset: 0 })).toEqual([]);
  });

  it('a busy INVITE with the missed flag writes a missed_calls record and no acc record', () => {
    const { h, store } = setup();
    call(h, 486, 'Busy Here');
    const missed = store.list('alpha', { table: 'missed_calls', limit: 10, offset: 0 });
    expect(missed.map((r) => [r.method, r.sip_code, r.sip_reason, r.to_tag])).toEqual([
      ['INVITE', '486', 'Busy Here', 'callee-tag'],
    ]);
    expect(store.list('alpha', { table: 'acc', limit: 10, offset: 0 })).toEqual([]);
  });

  it('with failed_transaction_flag, the failed INVITE is in acc too', () => {
    const { h, store } = setup({ failedFlag: true });
    call(h, 486, 'Busy Here');
    expect(store.list('alpha', { table: 'acc', limit: 10, offset: 0 }).map((r) => r.sip_code)).toEqual([
      '486',
    ]);
    expect(store.list('alpha', { table: 'missed_calls', limit: 10, offset: 0 })).toHaveLength(1);
  });

  it('an INVITE that times out is a missed call with the local 408', () => {
    const { h, store } = setup();
    h.receive(uacRequest('INVITE'));
    h.clock.advance(40_000);
    const missed = store.list('alpha', { table: 'missed_calls', limit: 10, offset: 0 });
    expect(missed.map((r) => [r.sip_code, r.sip_reason])).toEqual([['408', 'Request Timeout']]);
  });

  it('records stay with their tenant', () => {
    const { h, store } = setup({ tenant: 'alpha' });
    call(h, 200, 'OK');
    expect(store.list('alpha', { table: 'acc', limit: 10, offset: 0 })).toHaveLength(1);
    expect(store.list('beta', { table: 'acc', limit: 10, offset: 0 })).toEqual([]);
  });

  it('a tenant at its cap has further records refused and counted', () => {
    const { h, store } = setup({ maxRows: 1 });
    call(h, 200, 'OK');
    h.receive(uacRequest('INVITE', { branch: 'z9hG4bK-second' }).replace('call-1@', 'call-2@'));
    const invite = h.sentTo(CALLEE).at(-1)!.message;
    h.receive(calleeResponse(invite, 200, 'OK'), { address: CALLEE, port: 5060 });
    expect(store.list('alpha', { table: 'acc', limit: 10, offset: 0 }).map((r) => r.callid)).toEqual([
      'call-1@192.0.2.1',
    ]);
    expect(store.refused).toEqual({ alpha: 1 });
    expect(store.written).toEqual({ alpha: 1 });
  });
});
