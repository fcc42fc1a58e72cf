// A DNS client's query (RFC 1034's "stub resolver" part): one question to the configured recursive resolvers, over UDP with a fresh
// socket and a random id per query (RFC 5452: an off-path answer has to guess both), and again over TCP
// when the answer came truncated (RFC 7766). The answer must echo our id and question; anything else on
// the socket is ignored. Each server gets `queryTimeoutMs`, in order; the caller bounds the whole lookup.
// node:dns's Resolver would not do: resolveSrv/resolveNaptr give no TTL, and the cache honours TTLs.
import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket, { type Answer, type DecodedPacket, type RecordType } from 'dns-packet';
import { err, ok, type Result } from '../result.ts';

export interface DnsServer {
  readonly address: string;
  readonly port: number;
}

/** A decoded answer: its rcode (`NOERROR`, `NXDOMAIN` ...), answer and authority records. */
export interface DnsReply {
  readonly rcode: string;
  readonly answers: readonly Answer[];
  readonly authorities: readonly Answer[];
}

/** Asks `type` records of `name`; an error is a timeout or an unreadable answer from every server. */
export type DnsQuery = (name: string, type: RecordType) => Promise<Result<DnsReply, string>>;

export function dnsQuery(servers: readonly DnsServer[], queryTimeoutMs: number): DnsQuery {
  return async (name, type) => {
    const errors: string[] = [];
    for (const server of servers) {
      const reply = await ask(server, name, type, queryTimeoutMs);
      if (reply.ok) return reply;
      errors.push(`${server.address}:${server.port} ${reply.error}`);
    }
    return err(`${type} ${name}: ${errors.join('; ') || 'no DNS server configured'}`);
  };
}

async function ask(
  server: DnsServer,
  name: string,
  type: RecordType,
  timeoutMs: number,
): Promise<Result<DnsReply, string>> {
  const id = randomInt(0, 65536);
  const query = {
    type: 'query' as const,
    id,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ type, name }],
  };
  const udp = await overUdp(server, dnsPacket.encode(query), (p) => matches(p, id, name, type), timeoutMs);
  if (!udp.ok || !udp.value.flag_tc) return udp.ok ? ok(replyOf(udp.value)) : udp;
  const tcp = await overTcp(
    server,
    dnsPacket.streamEncode(query),
    (p) => matches(p, id, name, type),
    timeoutMs,
  );
  return tcp.ok ? ok(replyOf(tcp.value)) : tcp;
}

function replyOf(packet: DecodedPacket): DnsReply {
  const rcode = (packet as DecodedPacket & { rcode?: string }).rcode ?? 'NOERROR';
  return { rcode, answers: packet.answers ?? [], authorities: packet.authorities ?? [] };
}

function matches(packet: DecodedPacket, id: number, name: string, type: RecordType): boolean {
  const q = packet.questions?.[0];
  return (
    packet.type === 'response' &&
    packet.id === id &&
    q !== undefined &&
    q.type === type &&
    q.name.toLowerCase() === name.toLowerCase()
  );
}

function decode(bytes: Buffer, stream: boolean): DecodedPacket | undefined {
  try {
    return (stream ? dnsPacket.streamDecode(bytes) : dnsPacket.decode(bytes)) as DecodedPacket;
  } catch {
    return undefined;
  }
}

function overUdp(
  server: DnsServer,
  bytes: Buffer,
  ours: (packet: DecodedPacket) => boolean,
  timeoutMs: number,
): Promise<Result<DecodedPacket, string>> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket(net.isIPv6(server.address) ? 'udp6' : 'udp4');
    const done = (result: Result<DecodedPacket, string>) => {
      clearTimeout(timer);
      socket.close();
      resolve(result);
    };
    const timer = setTimeout(() => done(err(`no answer in ${timeoutMs} ms`)), timeoutMs);
    socket.on('error', (error) => done(err(error.message)));
    socket.on('message', (message, from) => {
      if (from.port !== server.port) return;
      const packet = decode(message, false);
      if (packet !== undefined && ours(packet)) done(ok(packet));
    });
    socket.send(bytes, server.port, server.address);
  });
}

function overTcp(
  server: DnsServer,
  bytes: Buffer,
  ours: (packet: DecodedPacket) => boolean,
  timeoutMs: number,
): Promise<Result<DecodedPacket, string>> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: server.address, port: server.port });
    let received = Buffer.alloc(0);
    const done = (result: Result<DecodedPacket, string>) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done(err(`no answer over TCP in ${timeoutMs} ms`)), timeoutMs);
    socket.on('error', (error) => done(err(`over TCP: ${error.message}`)));
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (received.length > 65_537) return done(err('over TCP: answer too long'));
      if (received.length < 2 || received.length < 2 + received.readUInt16BE(0)) return;
      const packet = decode(received, true);
      done(packet !== undefined && ours(packet) ? ok(packet) : err('over TCP: not an answer to our query'));
    });
    socket.on('end', () => done(err('over TCP: closed before the answer')));
  });
}
