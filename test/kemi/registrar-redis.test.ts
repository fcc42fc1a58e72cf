// KSR registrar over the Redis location store (real redis-server): save answers a Promise of Kamailio's code
// (the runtime suspends the guest on it) and `$rc` follows it; a REGISTER through node 1 is found by lookup
// through node 2 with its q order and branches; with Redis down, save answers 500 through its usual failure
// path and lookup -3 ("fail"), or lookup serves this node's cache ("cache").
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisLocation, type Unavailable } from '../../src/cluster/redis-location.ts';
import type { LocationHost } from '../../src/kemi/index.ts';
import { registrar } from '../../src/kemi/registrar.ts';
import { LogLimiter } from '../../src/log-limit.ts';
import { DEFAULT_REGISTRAR } from '../../src/state/index.ts';
import { type RedisServer, startRedis } from '../e2e/cluster-redis.ts';
import { call, contextFor, INVITE, SOURCE } from './fixture.ts';

let server: RedisServer;
let redis: Redis;
let prefix = 0;

beforeAll(async () => {
  server = await startRedis();
  redis = new Redis(server.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: () => 50,
  });
  redis.on('error', () => {});
  await waitReady();
});

afterAll(async () => {
  redis?.disconnect();
  await server?.stop();
});

async function waitReady(): Promise<void> {
  for (let i = 0; i < 100 && redis.status !== 'ready'; i++) await new Promise((r) => setTimeout(r, 50));
}

function nodes(unavailable: Unavailable = 'fail'): (name: string) => LocationHost {
  const p = `r${++prefix}:`;
  return (name) => ({
    store: new RedisLocation({
      redis,
      prefix: p,
      node: name,
      tenants: ['acme'],
      unavailable,
      timeoutMs: 300,
      cacheAors: 10,
      log: pino({ level: 'silent' }),
      logLimit: new LogLimiter(),
    }),
    settings: () => DEFAULT_REGISTRAR,
    refused: {},
  });
}

const REGISTER = (contacts: string[], cseq = 1) =>
  [
    'REGISTER sip:example.com SIP/2.0',
    'Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-r1;rport',
    'Max-Forwards: 70',
    'From: <sip:bob@example.com>;tag=f1',
    'To: <sip:bob@example.com>',
    'Call-ID: reg-1@10.0.0.1',
    `CSeq: ${cseq} REGISTER`,
    ...contacts.map((c) => `Contact: ${c}`),
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');

const script = { tenant: 'acme', version: 1 };

async function save(location: LocationHost, contacts: string[], cseq = 1) {
  const { ctx, sent } = contextFor(REGISTER(contacts, cseq), 'request', SOURCE, { location }, script);
  const pending = call(registrar, 'save', ctx, 'location', 0);
  expect(pending).toBeInstanceOf(Promise);
  const code = await pending;
  return { code, rc: ctx.lastCode, reply: sent[0] };
}

async function lookup(location: LocationHost) {
  const { ctx } = contextFor(INVITE, 'request', SOURCE, { location }, script);
  const code = await call(registrar, 'lookup', ctx, 'location');
  return { code, ruri: ctx.request!.uri, branches: (ctx.relay.appended ?? []).map((b) => b.uri) };
}

describe('registrar over Redis', () => {
  it('saves through node 1 and looks up through node 2: R-URI by q, the others as branches', async () => {
    const node = nodes();
    const one = node('node-1');
    const two = node('node-2');
    const saved = await save(one, ['<sip:bob@10.0.0.1>;q=0.5', '<sip:bob@10.0.0.2>;q=0.9']);
    expect(saved).toMatchObject({ code: 1, rc: 1, reply: { status: 200 } });
    expect(
      saved.reply.headers
        .filter(([n]) => n === 'Contact')
        .map(([, v]) => v)
        .sort(),
    ).toEqual(['<sip:bob@10.0.0.1>;expires=3600;q=0.5', '<sip:bob@10.0.0.2>;expires=3600;q=0.9']);
    expect(await lookup(two)).toEqual({ code: 1, ruri: 'sip:bob@10.0.0.2', branches: ['sip:bob@10.0.0.1'] });
    // CSeq order holds across nodes: a binding's Call-ID with a lower CSeq is refused by node 2.
    const old = await save(two, ['<sip:bob@10.0.0.1>'], 0);
    expect(old.reply.status).toBe(400);
    const { ctx } = contextFor(INVITE, 'request', SOURCE, { location: one }, script);
    expect(await call(registrar, 'unregister', ctx, 'location', 'sip:bob@example.com')).toBe(1);
    expect((await lookup(two)).code).toBe(-1);
  });

  it('answers 500 to a REGISTER and -3 to a lookup when Redis is down ("fail"); "cache" serves lookups', async () => {
    const strict = nodes('fail')('node-1');
    const node = nodes('cache');
    const cached = node('node-1');
    await save(strict, ['<sip:bob@10.0.0.1>']);
    await save(cached, ['<sip:bob@10.0.0.7>']);
    await server.stop();
    try {
      const refused = await save(strict, ['<sip:bob@10.0.0.1>'], 2);
      expect(refused).toMatchObject({
        code: -1,
        rc: -1,
        reply: { status: 500, reason: 'Server Internal Error' },
      });
      expect(refused.reply.headers).toContainEqual(['P-Registrar-Error', 'usrloc_record_get failed']);
      expect(strict.refused).toEqual({ acme: { 500: 1 } });
      expect((await lookup(strict)).code).toBe(-3);
      expect(await lookup(cached)).toEqual({ code: 1, ruri: 'sip:bob@10.0.0.7', branches: [] });
      // The cache answered the read; the write fails as Kamailio's usrloc insert would.
      const notTaken = await save(cached, ['<sip:bob@10.0.0.8>'], 2);
      expect(notTaken.reply.status).toBe(500);
      expect(notTaken.reply.headers).toContainEqual(['P-Registrar-Error', 'usrloc_contact_insert failed']);
      // The save read the AoR from the cache, then could not write it.
      expect(cached.store.failures).toEqual({ read: { cached: 2 }, write: { failed: 1 } });
    } finally {
      await server.restart();
      await waitReady();
    }
  });
});
