// A SIP user agent on a raw UDP socket for the basic-script suite: it binds one loopback address (each case
// its own, so pike's per-address counts never mix cases), writes requests as a phone would (optionally as
// a phone behind NAT: Via and Contact name a private address while the packets come from the loopback
// one), answers requests it receives, and waits for what it expects. Stopped by the test (close()).
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { answerChallenge, parseChallenge } from '../../../fixtures/digest-client.ts';
import { sleep } from '../raw-peer.ts';

export interface Received {
  readonly text: string;
  readonly address: string;
  readonly port: number;
}

/** A header's value (first occurrence) in `text`, or undefined. */
export function header(text: string, name: string): string | undefined {
  const m = new RegExp(`^${name}:[ \\t]*(.*?)\\r?$`, 'im').exec(text);
  return m?.[1];
}

/** Every value of a header, in order. */
export function headers(text: string, name: string): string[] {
  return [...text.matchAll(new RegExp(`^${name}:[ \\t]*(.*?)\\r?$`, 'gim'))].map((m) => m[1]);
}

export const statusOf = (text: string) => Number(/^SIP\/2\.0 (\d{3})/.exec(text)?.[1] ?? 0);
export const reasonOf = (text: string) => /^SIP\/2\.0 \d{3} ([^\r\n]*)/.exec(text)?.[1] ?? '';
export const methodOf = (text: string) => /^([A-Z]+) \S+ SIP\/2\.0/.exec(text)?.[1];
export const bodyOf = (text: string) => text.slice(text.indexOf('\r\n\r\n') + 4);
export const tagOf = (value: string | undefined) => /;tag=([^;>\s]+)/.exec(value ?? '')?.[1];

export const newId = (prefix: string) => `${prefix}-${randomBytes(6).toString('hex')}`;

/** The SDP of an audio offer/answer: `c=` names `address`, media on `port`, PCMU. */
export function sdp(address: string, port: number, user: string): string {
  return [
    'v=0',
    `o=${user} 1 1 IN IP4 ${address}`,
    's=-',
    `c=IN IP4 ${address}`,
    't=0 0',
    `m=audio ${port} RTP/AVP 0`,
    'a=rtpmap:0 PCMU/8000',
    'a=sendrecv',
    '',
  ].join('\r\n');
}

/** The media address and port an SDP body announces. */
export function sdpMedia(body: string): { address: string; port: number } | undefined {
  const c = /^c=IN IP4 (\S+)/m.exec(body);
  const m = /^m=audio (\d+) /m.exec(body);
  return c && m ? { address: c[1], port: Number(m[1]) } : undefined;
}

export interface RequestOptions {
  readonly method: string;
  readonly uri: string;
  /** From and To user@host. */
  readonly from: string;
  readonly to: string;
  readonly callId: string;
  readonly cseq: number;
  readonly fromTag?: string;
  readonly toTag?: string;
  /** The branch (a retransmission reuses it). */
  readonly branch?: string;
  readonly contact?: boolean;
  readonly headers?: readonly string[];
  readonly body?: string;
  readonly maxForwards?: number;
}

export interface UaOptions {
  /** Behind NAT: the private address Via and Contact name (the packets still come from the loopback one). */
  readonly privateAddress?: string;
}

export class SipUa {
  readonly received: Received[] = [];
  private readonly waiters = new Set<() => void>();

  private readonly socket: Socket;
  readonly address: string;
  readonly port: number;
  private readonly target: { address: string; port: number };
  readonly user: string;
  private readonly options: UaOptions;

  private constructor(
    socket: Socket,
    address: string,
    port: number,
    target: { address: string; port: number },
    user: string,
    options: UaOptions,
  ) {
    this.socket = socket;
    this.address = address;
    this.port = port;
    this.target = target;
    this.user = user;
    this.options = options;
    socket.on('message', (msg, rinfo) => {
      this.received.push({ text: msg.toString('latin1'), address: rinfo.address, port: rinfo.port });
      for (const w of this.waiters) w();
    });
  }

  /** A UA for `user` on `address` (any free port) that sends to `target`. */
  static async open(
    address: string,
    target: { address: string; port: number },
    user: string,
    options: UaOptions = {},
  ): Promise<SipUa> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, address, () => resolve());
    });
    return new SipUa(socket, address, socket.address().port, target, user, options);
  }

  /** Where Via and Contact say this UA is: its private address behind NAT, else its socket. */
  get viaHost(): string {
    return this.options.privateAddress
      ? `${this.options.privateAddress}:5060`
      : `${this.address}:${this.port}`;
  }

  get contactUri(): string {
    return `sip:${this.user}@${this.viaHost}`;
  }

  request(o: RequestOptions): string {
    const body = o.body ?? '';
    return [
      `${o.method} ${o.uri} SIP/2.0`,
      `Via: SIP/2.0/UDP ${this.viaHost};rport;branch=${o.branch ?? newId('z9hG4bK')}`,
      `Max-Forwards: ${o.maxForwards ?? 70}`,
      `From: <sip:${o.from}>;tag=${o.fromTag ?? `ft-${o.callId}`}`,
      `To: <sip:${o.to}>${o.toTag ? `;tag=${o.toTag}` : ''}`,
      `Call-ID: ${o.callId}`,
      `CSeq: ${o.cseq} ${o.method}`,
      ...(o.contact === false ? [] : [`Contact: <${this.contactUri}>`]),
      ...(o.headers ?? []),
      ...(body ? ['Content-Type: application/sdp'] : []),
      `Content-Length: ${Buffer.byteLength(body, 'latin1')}`,
      '',
      body,
    ].join('\r\n');
  }

  send(text: string, to: { address: string; port: number } = this.target): Promise<void> {
    return new Promise((resolve, reject) =>
      this.socket.send(Buffer.from(text, 'latin1'), to.port, to.address, (e) => (e ? reject(e) : resolve())),
    );
  }

  /** The first message received from index `from` on that passes `test`, within `ms`. */
  async waitFor(test: (text: string) => boolean, ms = 5000, from = 0): Promise<Received | undefined> {
    const end = Date.now() + ms;
    for (;;) {
      const hit = this.received.slice(from).find((r) => test(r.text));
      if (hit || Date.now() >= end) return hit;
      await new Promise<void>((resolve) => {
        const done = () => {
          this.waiters.delete(done);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(done, Math.max(1, end - Date.now()));
        this.waiters.add(done);
      });
    }
  }

  /** The final response (>= 200) of the request with `callId` and CSeq `cseq`. */
  finalResponse(callId: string, cseq: number, method: string, ms = 5000): Promise<Received | undefined> {
    return this.waitFor(
      (t) =>
        statusOf(t) >= 200 && header(t, 'Call-ID') === callId && header(t, 'CSeq') === `${cseq} ${method}`,
      ms,
    );
  }

  /** A request of `method` for `callId` received so far or within `ms`. */
  incoming(method: string, callId: string, ms = 5000): Promise<Received | undefined> {
    return this.waitFor((t) => methodOf(t) === method && header(t, 'Call-ID') === callId, ms);
  }

  /** Every request of `method` for `callId` received so far. */
  all(method: string, callId: string): Received[] {
    return this.received.filter((r) => methodOf(r.text) === method && header(r.text, 'Call-ID') === callId);
  }

  /** Answers `req` (sent back to where it came from), with a To tag, and the given extra lines/body. */
  reply(req: Received, status: number, reason: string, o: { headers?: string[]; body?: string } = {}) {
    const lines = req.text.split('\r\n');
    const copied = lines.filter((l) => /^(Via|From|Call-ID|CSeq|Record-Route):/i.test(l));
    const to = lines.find((l) => /^To:/i.test(l))!;
    const body = o.body ?? '';
    const text = [
      `SIP/2.0 ${status} ${reason}`,
      ...copied,
      status > 100 && !to.includes(';tag=') ? `${to};tag=tt-${this.user}` : to,
      ...(status >= 200 && status < 300 ? [`Contact: <${this.contactUri}>`] : []),
      ...(o.headers ?? []),
      ...(body ? ['Content-Type: application/sdp'] : []),
      `Content-Length: ${Buffer.byteLength(body, 'latin1')}`,
      '',
      body,
    ].join('\r\n');
    return this.send(text, { address: req.address, port: req.port });
  }

  /** The ACK of a non-2xx final response to `invite` (same branch, RFC 3261 17.1.1.3). */
  ackFailure(invite: string, response: string): Promise<void> {
    const branch = /branch=([^;\s]+)/.exec(header(invite, 'Via') ?? '')?.[1];
    const cseq = Number(header(invite, 'CSeq')?.split(' ')[0]);
    const uri = /^INVITE (\S+)/.exec(invite)![1];
    const to = header(response, 'To')!;
    const text = [
      `ACK ${uri} SIP/2.0`,
      `Via: SIP/2.0/UDP ${this.viaHost};rport;branch=${branch}`,
      'Max-Forwards: 70',
      `From: ${header(invite, 'From')}`,
      `To: ${to}`,
      `Call-ID: ${header(invite, 'Call-ID')}`,
      `CSeq: ${cseq} ACK`,
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    return this.send(text);
  }

  /**
   * Sends the request `build(cseq, extraHeaders)` makes; answered 401/407, ACKs an INVITE's challenge and
   * sends it again with the credentials of `password` (next CSeq). Resolves with the last request sent and
   * its final response.
   */
  async withAuth(
    method: string,
    uri: string,
    callId: string,
    password: string,
    build: (cseq: number, extra: string[]) => string,
    ms = 5000,
  ): Promise<{ request: string; response: Received | undefined; challenged: boolean }> {
    const first = build(1, []);
    await this.send(first);
    const answer = await this.finalResponse(callId, 1, method, ms);
    const status = answer ? statusOf(answer.text) : 0;
    if (!answer || (status !== 401 && status !== 407))
      return { request: first, response: answer, challenged: false };
    if (method === 'INVITE') await this.ackFailure(first, answer.text);
    const name = status === 401 ? 'WWW-Authenticate' : 'Proxy-Authenticate';
    const challenge = parseChallenge(header(answer.text, name)!);
    const credentials = answerChallenge(challenge, { username: this.user, password, method, uri });
    const second = build(2, [`${status === 401 ? 'Authorization' : 'Proxy-Authorization'}: ${credentials}`]);
    await this.send(second);
    return { request: second, response: await this.finalResponse(callId, 2, method, ms), challenged: true };
  }

  /** How many messages it has received (an index for waitFor's `from`). */
  get mark(): number {
    return this.received.length;
  }

  /** Waits `ms` and says whether nothing arrived from `from` on that passes `test`. */
  async silent(test: (text: string) => boolean, ms: number, from = 0): Promise<boolean> {
    await sleep(ms);
    return !this.received.slice(from).some((r) => test(r.text));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
