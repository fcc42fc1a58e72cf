// TLS listeners and outbound TLS between two real transports on loopback, with certificates made by a
// throwaway CA at test time: reuse, verification, SNI, client certificates, reload, and failures counted.
import { copyFileSync } from 'node:fs';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestCa, type TestCa } from '../../fixtures/tls-certs.ts';
import { TlsContexts, type TlsSettings } from '../../src/transport/tls-contexts.ts';
import { connectRaw, type Harness, sendAndWait, sipRequest, startHarness, until } from './loopback.ts';

let ca: TestCa;
let other: TestCa;
let server: { certificate: string; key: string };
let alice: { certificate: string; key: string };
let stranger: { certificate: string; key: string };
beforeAll(() => {
  ca = createTestCa('kemi test CA');
  other = createTestCa('unknown CA');
  server = ca.issue('server', { dns: ['localhost'], ips: ['127.0.0.1'] });
  alice = ca.issue('alice', { dns: ['alice.example'] });
  stranger = other.issue('stranger', { dns: ['localhost'], ips: ['127.0.0.1'] });
});
afterAll(() => {
  ca.remove();
  other.remove();
});

const harnesses: Harness[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.transport.close()));
});

function contexts(settings: Partial<TlsSettings>): TlsContexts {
  const loaded = TlsContexts.load({
    certificates: [],
    ca: [ca.caFile],
    systemCa: false,
    verifyClient: false,
    verifyServer: true,
    ...settings,
  });
  if (!loaded.ok) throw new Error(loaded.error);
  return loaded.value;
}

async function start(listen: string[], tls: TlsContexts): Promise<Harness> {
  const h = await startHarness(listen, { tls });
  harnesses.push(h);
  return h;
}

const bytes = (text: string) => Buffer.from(text, 'latin1');

/** The subject CN of the certificate a TLS server at `port` presents for `servername`. */
function presented(port: number, servername?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({
      host: '127.0.0.1',
      port,
      rejectUnauthorized: false,
      ...(servername ? { servername } : {}),
    });
    socket.once('secureConnect', () => {
      resolve(String(socket.getPeerCertificate().subject.CN));
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

describe('TLS transport', () => {
  it('relays over TLS, answers over the same connection and reuses it for the next send', async () => {
    const b = await start(['tls:127.0.0.1:0'], contexts({ certificates: [server] }));
    const a = await start(['tls:127.0.0.1:0'], contexts({ certificates: [server] }));
    const port = b.listener('tls').port;
    const first = await sendAndWait(
      a.transport,
      { proto: 'tls', address: '127.0.0.1', port },
      bytes(sipRequest('OPTIONS', 'tls-1')),
    );
    expect(first.ok && first.value.proto).toBe('tls');
    const got = await b.message(0);
    expect(got.source.proto).toBe('tls');
    expect(got.bytes.toString('latin1')).toContain('Call-ID: tls-1');
    // The reply goes back over the request's connection.
    const reply = await sendAndWait(
      b.transport,
      { connectionId: got.source.connectionId! },
      bytes(sipRequest('OPTIONS', 'tls-back')),
    );
    expect(reply.ok).toBe(true);
    await a.message(0);
    expect(a.received[0].source.connectionId).toBe(first.ok && first.value.connectionId);
    // A second send reuses the connection: one handshake in all.
    const second = await sendAndWait(
      a.transport,
      { proto: 'tls', address: '127.0.0.1', port },
      bytes(sipRequest('OPTIONS', 'tls-2')),
    );
    expect(second.ok && second.value.connectionId).toBe(first.ok && first.value.connectionId);
    await b.message(1);
    expect(a.transport.counters.connectionsOpened).toBe(1);
    expect(b.transport.counters.connectionsAccepted).toBe(1);
    expect(a.transport.counters.tls.sent).toBe(2);
  });

  it('refuses a next hop whose certificate the CA set does not verify, counted, no crash', async () => {
    const b = await start(['tls:127.0.0.1:0'], contexts({ certificates: [stranger] }));
    const a = await start(['tls:127.0.0.1:0'], contexts({ certificates: [server] }));
    const sent = await sendAndWait(
      a.transport,
      { proto: 'tls', address: '127.0.0.1', port: b.listener('tls').port },
      bytes(sipRequest('OPTIONS', 'bad-cert')),
    );
    expect(sent.ok).toBe(false);
    if (!sent.ok) {
      expect(sent.error.code).toBe('tls-handshake');
      expect(sent.error.message).toMatch(/certificate not verified/);
    }
    expect(a.transport.counters.tlsHandshakeFailures).toBe(1);
    expect(a.transport.counters.tlsVerifyFailures).toBe(1);
    expect(b.received).toHaveLength(0);
  });

  it('accepts an unverifiable next hop when verify_next_hop is off, but never for sips: (secure)', async () => {
    const b = await start(['tls:127.0.0.1:0'], contexts({ certificates: [stranger] }));
    const a = await start(['tls:127.0.0.1:0'], contexts({ certificates: [server], verifyServer: false }));
    const port = b.listener('tls').port;
    const secure = await sendAndWait(
      a.transport,
      { proto: 'tls', address: '127.0.0.1', port, secure: true },
      bytes(sipRequest('OPTIONS', 'sips')),
    );
    expect(!secure.ok && secure.error.code).toBe('tls-handshake');
    const plain = await sendAndWait(
      a.transport,
      { proto: 'tls', address: '127.0.0.1', port },
      bytes(sipRequest('OPTIONS', 'sip')),
    );
    expect(plain.ok).toBe(true);
    await b.message(0);
  });

  it('checks that the certificate of a next hop given by IP names that IP', async () => {
    const b = await start(['tls:127.0.0.1:0'], contexts({ certificates: [alice] }));
    const a = await start(['tls:127.0.0.1:0'], contexts({ certificates: [server] }));
    // alice's certificate names alice.example, not 127.0.0.1.
    const byIp = await sendAndWait(
      a.transport,
      { proto: 'tls', address: '127.0.0.1', port: b.listener('tls').port },
      bytes(sipRequest('OPTIONS', 'ip')),
    );
    expect(!byIp.ok && byIp.error.message).toMatch(/does not name IP 127\.0\.0\.1/);
    expect(a.transport.counters.tlsVerifyFailures).toBe(1);
  });

  it('serves the certificate of the SNI name, and the listener default without one', async () => {
    const b = await start(
      ['tls:127.0.0.1:0'],
      contexts({ certificates: [server, { ...alice, domains: ['alice.example', '*.alice.example'] }] }),
    );
    const port = b.listener('tls').port;
    expect(await presented(port, 'alice.example')).toBe('alice');
    expect(await presented(port, 'www.alice.example')).toBe('alice');
    expect(await presented(port, 'localhost')).toBe('server');
    expect(await presented(port)).toBe('server');
  });

  it('refuses a client without a certificate when verify_client is on, counted', async () => {
    const b = await start(['tls:127.0.0.1:0'], contexts({ certificates: [server], verifyClient: true }));
    const port = b.listener('tls').port;
    // A client without a certificate: the server ends the handshake.
    const anonymous = tlsConnect({ host: '127.0.0.1', port, ca: ca.caPem });
    anonymous.on('error', () => {});
    anonymous.write(sipRequest('OPTIONS', 'anon'));
    await until(() => b.transport.counters.tlsHandshakeFailures === 1, 'the handshake failure');
    anonymous.destroy();
    // A transport presenting a certificate of the CA gets in.
    const a = await start(['tls:127.0.0.1:0'], contexts({ certificates: [server] }));
    const sent = await sendAndWait(
      a.transport,
      { proto: 'tls', address: '127.0.0.1', port },
      bytes(sipRequest('OPTIONS', 'known')),
    );
    expect(sent.ok).toBe(true);
    expect((await b.message(0)).bytes.toString('latin1')).toContain('Call-ID: known');
  });

  it('ends a handshake at once when the peer closes during it (no timer left to the deadline)', async () => {
    const b = await start(['tls:127.0.0.1:0'], contexts({ certificates: [server] }));
    const peer = await connectRaw('127.0.0.1', b.listener('tls').port);
    peer.socket.write('\x16\x03\x01'); // the start of a ClientHello, then nothing
    peer.socket.destroy();
    // Well before connectTimeoutMs (10 s): the close ends it.
    await until(() => b.transport.counters.tlsHandshakeFailures === 1, 'the handshake to end', 3000);
  });

  it('reloads certificates without a restart; a failed reload keeps the old ones', async () => {
    const live = { certificate: `${ca.dir}/live.crt`, key: `${ca.dir}/live.key` };
    copyFileSync(server.certificate, live.certificate);
    copyFileSync(server.key, live.key);
    const b = await start(['tls:127.0.0.1:0'], contexts({ certificates: [live] }));
    const port = b.listener('tls').port;
    expect(await presented(port)).toBe('server');
    copyFileSync(alice.certificate, live.certificate);
    copyFileSync(alice.key, live.key);
    expect(b.transport.reloadTls().ok).toBe(true);
    expect(await presented(port)).toBe('alice');
    // A key that does not match its certificate: refused with a reason, the previous context stays.
    copyFileSync(server.certificate, live.certificate);
    const failed = b.transport.reloadTls();
    expect(!failed.ok && failed.error).toMatch(/is not usable/);
    expect(await presented(port)).toBe('alice');
  });

  it('fails to start a tls: listener without a certificate, naming the spec', async () => {
    const started = await startHarness(['tls:127.0.0.1:0'], { tls: contexts({}) }).catch((e: Error) => e);
    expect(String(started)).toMatch(/listen spec 'tls:127\.0\.0\.1:0': no certificate/);
  });
});
