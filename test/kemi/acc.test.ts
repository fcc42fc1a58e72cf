import { describe, expect, it } from 'vitest';
import { ACC_BASIC_EXTRA, accSchema, accSettings, tenantAccSchema } from '../../src/config/acc-schema.ts';
import { acc } from '../../src/kemi/acc.ts';
import { accountReply } from '../../src/kemi/accounting.ts';
import type { AccHost } from '../../src/kemi/index.ts';
import { AccStore } from '../../src/state/index.ts';
import { call, contextFor, INVITE } from './fixture.ts';

const script = (tenant: string) => ({ tenant, version: 1 }) as unknown as Parameters<typeof contextFor>[4];

function host(maxRows = 100, extra = ACC_BASIC_EXTRA) {
  const store = AccStore.open({ dir: undefined, maxRowsPerTenant: maxRows });
  if (!store.ok) throw new Error(store.error);
  const settings = accSettings(
    {
      max_rows_per_tenant: maxRows,
      db_flag: 1,
      db_missed_flag: 2,
      failed_transaction_flag: 3,
      db_extra: extra,
    },
    undefined,
  );
  const accHost: AccHost = { store: store.value, settings: () => settings };
  return { accHost, store: store.value };
}

const list = (store: AccStore, tenant: string, table = 'acc') =>
  store.list(tenant, { table, limit: 100, offset: 0 });

describe('acc.acc-request', () => {
  it('records the request with the code and reason of the comment, extras evaluated', () => {
    const { accHost, store } = host();
    const { ctx } = contextFor(INVITE, 'request', undefined, { acc: accHost }, script('alpha'));
    expect(call(acc, 'acc-request', ctx, '200 OK', 'acc')).toBe(1);
    expect(call(acc, 'acc-request', ctx, 'just a note', 'custom_table')).toBe(1);
    const [row] = list(store, 'alpha');
    expect(row).toMatchObject({
      method: 'INVITE',
      from_tag: 'ft1',
      to_tag: '',
      callid: 'call-1@10.0.0.1',
      sip_code: '200',
      sip_reason: 'OK',
      extra: { src_user: 'alice', src_domain: 'example.org', dst_user: 'bob', dst_domain: 'example.com' },
    });
    expect(list(store, 'alpha', 'custom_table').map((r) => [r.sip_code, r.sip_reason])).toEqual([
      ['', 'just a note'],
    ]);
  });

  it('answers -1 for an empty comment or table, a pseudo-variable, a bad table, no store', () => {
    const { accHost, store } = host();
    const { ctx } = contextFor(INVITE, 'request', undefined, { acc: accHost }, script('alpha'));
    expect(call(acc, 'acc-request', ctx, '', 'acc')).toBe(-1);
    expect(call(acc, 'acc-request', ctx, '200 $ru', 'acc')).toBe(-1);
    expect(call(acc, 'acc-request', ctx, '200 OK', '')).toBe(-1);
    expect(call(acc, 'acc-request', ctx, '200 OK', 'acc; drop')).toBe(-1);
    expect(call(acc, 'acc-request', contextFor(INVITE).ctx, '200 OK', 'acc')).toBe(-1);
    expect(list(store, 'alpha')).toEqual([]);
  });

  it('refuses (-1, counted) past the tenant cap; another tenant has its own', () => {
    const { accHost, store } = host(1);
    const alpha = contextFor(INVITE, 'request', undefined, { acc: accHost }, script('alpha')).ctx;
    const beta = contextFor(INVITE, 'request', undefined, { acc: accHost }, script('beta')).ctx;
    expect(call(acc, 'acc-request', alpha, '200 OK', 'acc')).toBe(1);
    expect(call(acc, 'acc-request', alpha, '200 OK', 'acc')).toBe(-1);
    expect(call(acc, 'acc-request', beta, '200 OK', 'acc')).toBe(1);
    expect(store.refused).toEqual({ alpha: 1 });
    expect(list(store, 'alpha')).toHaveLength(1);
    expect(list(store, 'beta')).toHaveLength(1);
  });
});

describe('accountReply', () => {
  const reply = (status: number, hasBody = false) => ({ status, reason: 'R', toTag: 'tt', hasBody });

  it('follows the flags: acc on 2xx, missed once for INVITE >= 300, failed only with its flag', () => {
    const { accHost, store } = host();
    const { ctx } = contextFor(INVITE, 'request', undefined, { acc: accHost }, script('alpha'));
    // Flag n is bit 1 << n: 0b10 FLT_ACC, 0b100 FLT_ACCMISSED, 0b1000 FLT_ACCFAILED.
    expect(accountReply(ctx, 0b110, reply(486))).toBe(0b10);
    expect(list(store, 'alpha', 'missed_calls')).toHaveLength(1);
    expect(list(store, 'alpha')).toHaveLength(0);
    expect(accountReply(ctx, 0b1110, reply(408))).toBe(0b1010);
    expect(list(store, 'alpha').map((r) => r.sip_code)).toEqual(['408']);
    expect(accountReply(ctx, 0b10, reply(200))).toBe(0b10);
    expect(accountReply(ctx, 0b10, reply(180, true))).toBe(0b10);
    expect(list(store, 'alpha').map((r) => r.sip_code)).toEqual(['408', '200']);
    expect(list(store, 'alpha', 'missed_calls')).toHaveLength(2);
  });

  it('ignores provisional replies unless early_media with a body', () => {
    const { store } = host();
    const settings = accSettings({ max_rows_per_tenant: 10, db_flag: 1, early_media: true }, undefined);
    const accHost: AccHost = { store, settings: () => settings };
    const { ctx } = contextFor(INVITE, 'request', undefined, { acc: accHost }, script('alpha'));
    accountReply(ctx, 0b10, reply(183, false));
    accountReply(ctx, 0b10, reply(183, true));
    expect(list(store, 'alpha').map((r) => r.sip_code)).toEqual(['183']);
  });
});

describe('detect_direction', () => {
  it("swaps the tags of a request going upstream (its Route's ftag is not the From tag)", () => {
    const { store } = host();
    const settings = accSettings({ max_rows_per_tenant: 10, db_flag: 1, detect_direction: true }, undefined);
    const accHost: AccHost = { store, settings: () => settings };
    const routed = (ftag: string) =>
      INVITE.replace('Max-Forwards: 70', `Route: <sip:127.0.0.1;lr;ftag=${ftag}>\r\nMax-Forwards: 70`);
    const down = contextFor(routed('ft1'), 'request', undefined, { acc: accHost }, script('alpha')).ctx;
    const up = contextFor(routed('tt'), 'request', undefined, { acc: accHost }, script('alpha')).ctx;
    accountReply(down, 0b10, { status: 200, reason: 'OK', toTag: 'tt', hasBody: false });
    accountReply(up, 0b10, { status: 200, reason: 'OK', toTag: 'tt', hasBody: false });
    expect(list(store, 'alpha').map((r) => [r.from_tag, r.to_tag])).toEqual([
      ['ft1', 'tt'],
      ['tt', 'ft1'],
    ]);
  });
});

describe('report_cancels', () => {
  it('a flagged CANCEL is accounted only with report_cancels', () => {
    const cancel = INVITE.replace('INVITE sip:', 'CANCEL sip:').replace(
      'CSeq: 101 INVITE',
      'CSeq: 101 CANCEL',
    );
    for (const reportCancels of [false, true]) {
      const { store } = host();
      const settings = accSettings(
        { max_rows_per_tenant: 10, db_flag: 1, report_cancels: reportCancels },
        undefined,
      );
      const accHost: AccHost = { store, settings: () => settings };
      const { ctx } = contextFor(cancel, 'request', undefined, { acc: accHost }, script('alpha'));
      accountReply(ctx, 0b10, { status: 200, reason: 'OK', toTag: 'tt', hasBody: false });
      expect(list(store, 'alpha').map((r) => r.method)).toEqual(reportCancels ? ['CANCEL'] : []);
    }
  });
});

describe('acc config', () => {
  it('takes Kamailio-style extras, refuses others; a tenant overrides the top-level keys', () => {
    expect(accSchema.parse({ db_extra: ACC_BASIC_EXTRA }).db_extra).toBe(ACC_BASIC_EXTRA);
    expect(accSchema.safeParse({ db_extra: 'src_user=fU' }).success).toBe(false);
    expect(accSchema.safeParse({ db_extra: 'bad column=$fU' }).success).toBe(false);
    expect(accSchema.safeParse({ db_flag: 32 }).success).toBe(false);
    const top = accSchema.parse({ db_flag: 1, db_missed_flag: 2 });
    const tenant = tenantAccSchema.parse({ db_flag: 5 });
    expect(accSettings(top, tenant)).toMatchObject({ dbFlag: 5, dbMissedFlag: 2, logFlag: -1 });
    expect(accSettings(top, undefined).dbExtra).toEqual([]);
  });
});
