// A minimal SIP user agent over one TLS connection, for the TLS e2e tests: it registers with digest
// credentials, answers INVITE with 200 (and BYE with 200), and keeps every request it received. Messages are
// framed by CRLFCRLF + Content-Length, as a TCP/TLS peer must.
import { randomUUID } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { answerChallenge, parseChallenge } from '../../../fixtures/digest-client.ts';

export interface StreamUa {
  /** Requests received, as text, in order. */
  readonly requests: string[];
  /** REGISTER with `contact` (a URI), answering the 401; resolves with the final status. */
  register(user: string, password: string, domain: string, contact: string): Promise<number>;
  close(): void;
}

const header = (message: string, name: string) =>
  new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(message)?.[1]?.trim() ?? '';

/** Drives `socket` (connected, secure); `via` is the sent-by this UA writes ("host:port"). */
export function streamUa(socket: TLSSocket, via: string): StreamUa {
  const requests: string[] = [];
  const waiting: ((response: string) => void)[] = [];
  let buffer = Buffer.alloc(0);
  const send = (text: string) => socket.write(text);

  const onMessage = (message: string) => {
    if (message.startsWith('SIP/2.0 ')) {
      const status = Number(message.slice(8, 11));
      if (status >= 200) waiting.shift()?.(message);
      return;
    }
    requests.push(message);
    const method = message.slice(0, message.indexOf(' '));
    if (method === 'ACK') return;
    const copied = ['Via', 'From', 'Call-ID', 'CSeq']
      .flatMap((name) => [...message.matchAll(new RegExp(`^${name}:.*$`, 'gim'))].map((m) => m[0]))
      .join('\r\n');
    const rr = [...message.matchAll(/^Record-Route:.*$/gim)].map((m) => m[0]).join('\r\n');
    const to = `${header(message, 'To')}${method === 'INVITE' ? ';tag=ua-tag' : ''}`;
    const sdp =
      'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\n';
    const body = method === 'INVITE' ? sdp : '';
    send(
      `SIP/2.0 200 OK\r\n${copied}\r\n${rr ? `${rr}\r\n` : ''}To: ${to}\r\nContact: <sip:ua@${via};transport=tls>\r\n` +
        `${body ? 'Content-Type: application/sdp\r\n' : ''}Content-Length: ${body.length}\r\n\r\n${body}`,
    );
  };

  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const text = buffer.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/^(?:Content-Length|l):\s*(\d+)/im.exec(text.slice(0, end))?.[1] ?? 0);
      if (text.length < end + 4 + length) return;
      onMessage(text.slice(0, end + 4 + length));
      buffer = buffer.subarray(end + 4 + length);
    }
  });

  const request = (text: string) =>
    new Promise<string>((resolve) => {
      waiting.push(resolve);
      send(text);
    });

  return {
    requests,
    async register(user, password, domain, contact) {
      const callId = randomUUID();
      const uri = `sip:${domain}`;
      const make = (cseq: number, auth: string) =>
        `REGISTER ${uri} SIP/2.0\r\nVia: SIP/2.0/TLS ${via};branch=z9hG4bK-${randomUUID()}\r\n` +
        `From: <sip:${user}@${domain}>;tag=reg\r\nTo: <sip:${user}@${domain}>\r\nCall-ID: ${callId}\r\n` +
        `CSeq: ${cseq} REGISTER\r\nContact: <${contact}>\r\nExpires: 300\r\nMax-Forwards: 70\r\n${auth}` +
        'Content-Length: 0\r\n\r\n';
      const first = await request(make(1, ''));
      if (!first.startsWith('SIP/2.0 401')) return Number(first.slice(8, 11));
      const challenge = parseChallenge(header(first, 'WWW-Authenticate'));
      const authorization = answerChallenge(challenge, { username: user, password, method: 'REGISTER', uri });
      const second = await request(make(2, `Authorization: ${authorization}\r\n`));
      return Number(second.slice(8, 11));
    },
    close: () => socket.destroy(),
  };
}
