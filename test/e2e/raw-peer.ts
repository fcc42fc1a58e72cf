// Raw sockets for the e2e attacks of a SIP peer (issue 11): a UDP socket that records what it receives
// (the attacker, or a third party that must receive nothing), a TCP listener that records the connections
// it accepts, and a SIP request text builder. Everything binds loopback port 0 and is closed by the test.
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server, type Socket as TcpSocket } from 'node:net';

export interface UdpPeer {
  readonly port: number;
  readonly address: string;
  /** Every datagram received so far, as text. */
  readonly received: string[];
  send(text: string, port: number, address?: string): Promise<void>;
  close(): Promise<void>;
}

/** A UDP socket bound to `address` (a loopback address), any free port. */
export async function udpPeer(address = '127.0.0.1'): Promise<UdpPeer> {
  const socket: Socket = createSocket('udp4');
  const received: string[] = [];
  socket.on('message', (msg) => received.push(msg.toString('latin1')));
  await new Promise<void>((resolve) => socket.bind(0, address, resolve));
  const port = socket.address().port;
  return {
    port,
    address,
    received,
    send: (text, to, toAddress = '127.0.0.1') =>
      new Promise((resolve, reject) =>
        socket.send(Buffer.from(text, 'latin1'), to, toAddress, (e) => (e ? reject(e) : resolve())),
      ),
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}

export interface TcpVictim {
  readonly port: number;
  /** How many connections were accepted, and what they carried. */
  readonly connections: number;
  readonly bytes: string;
  close(): Promise<void>;
}

/** A TCP listener on `address` that counts and reads every connection it gets. */
export async function tcpVictim(address = '127.0.0.1'): Promise<TcpVictim> {
  let connections = 0;
  let bytes = '';
  const sockets = new Set<TcpSocket>();
  const server: Server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('data', (d) => {
      bytes += d.toString('latin1');
    });
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, address, resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    get connections() {
      return connections;
    },
    get bytes() {
      return bytes;
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface RequestParts {
  readonly method: string;
  readonly uri: string;
  /** The top Via value (the attack is usually here). */
  readonly via: string;
  readonly callId: string;
  readonly toTag?: string;
  /** Overrides the CSeq value (default "1 METHOD"). */
  readonly cseq?: string;
}

/** A request as a peer writes it, CRLF line ends, no body. */
export function requestText(parts: RequestParts): string {
  const to = parts.toTag ? `<sip:bob@127.0.0.1>;tag=${parts.toTag}` : '<sip:bob@127.0.0.1>';
  return [
    `${parts.method} ${parts.uri} SIP/2.0`,
    `Via: ${parts.via}`,
    'Max-Forwards: 70',
    'From: <sip:alice@127.0.0.1>;tag=peer1',
    `To: ${to}`,
    `Call-ID: ${parts.callId}`,
    `CSeq: ${parts.cseq ?? `1 ${parts.method}`}`,
    'Contact: <sip:alice@127.0.0.1>',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

/** Status codes of the responses in `texts`, in order. */
export function statuses(texts: readonly string[]): number[] {
  return texts.map((t) => Number(/^SIP\/2\.0 (\d{3})/.exec(t)?.[1] ?? 0));
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `done()` or `ms` passed. */
export async function until(done: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!done() && Date.now() < end) await sleep(20);
}

/** The response a UAS sends to `request` (text as received): its Via, From, To (with a tag), Call-ID, CSeq. */
export function responseText(request: string, status: number, reason = 'OK'): string {
  const lines = request.split('\r\n');
  const copied = lines.filter((l) => /^(Via|From|Call-ID|CSeq|Record-Route):/i.test(l));
  const to = lines.find((l) => /^To:/i.test(l))!;
  return [
    `SIP/2.0 ${status} ${reason}`,
    ...copied,
    to.includes(';tag=') ? to : `${to};tag=uas1`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}
