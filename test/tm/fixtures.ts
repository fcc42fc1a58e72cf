// Messages and a recording transport for the transaction tests.
import { parseMessage, type SipRequest, type SipResponse } from '../../src/sip/index.ts';
import { DEFAULT_TIMER_VALUES, type TimerValues } from '../../src/tm/timer-values.ts';
import type { TransactionTiming, TransactionTransport } from '../../src/tm/transaction.ts';
import type { SendDone, SendResult } from '../../src/transport/index.ts';
import { VirtualClock } from './virtual-clock.ts';

export function request(method = 'INVITE', extra: string[] = [], branch = 'z9hG4bK-c1'): SipRequest {
  const text = [
    `${method} sip:bob@192.0.2.20:5060 SIP/2.0`,
    `Via: SIP/2.0/UDP 192.0.2.1:5060;branch=${branch}`,
    'Max-Forwards: 70',
    'From: <sip:alice@example.org>;tag=ft',
    'To: <sip:bob@example.com>',
    'Call-ID: tx-test@192.0.2.1',
    `CSeq: 7 ${method}`,
    ...extra,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const parsed = parseMessage(text);
  if (!parsed.ok) throw new Error(parsed.error.detail);
  return parsed.value as SipRequest;
}

export function response(req: SipRequest, status: number, toTag = 'tt', reason = 'Reason'): SipResponse {
  const text = [
    `SIP/2.0 ${status} ${reason}`,
    ...req.getFieldValues('Via').map((v) => `Via: ${v}`),
    `From: ${req.getFieldValues('From')[0]}`,
    `To: ${req.getFieldValues('To')[0]}${status > 100 && !req.to?.tag ? `;tag=${toTag}` : ''}`,
    `Call-ID: ${req.callId}`,
    `CSeq: ${req.getFieldValues('CSeq')[0]}`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const parsed = parseMessage(text);
  if (!parsed.ok) throw new Error(parsed.error.detail);
  return parsed.value as SipResponse;
}

const OK: SendResult = {
  ok: true,
  value: {
    proto: 'udp',
    local: { address: '127.0.0.1', port: 5060 },
    remote: { address: '192.0.2.20', port: 5060 },
  },
};

/** A transport that records what was sent (as text) and answers with `result`. */
export class RecordingTransport implements TransactionTransport {
  readonly reliable: boolean;
  readonly sent: string[] = [];
  result: SendResult = OK;

  constructor(reliable = false) {
    this.reliable = reliable;
  }

  send(bytes: Buffer, done: SendDone): void {
    this.sent.push(bytes.toString('latin1'));
    const result = this.result;
    queueMicrotask(() => done(result));
  }

  /** Start lines of what was sent. */
  get lines(): string[] {
    return this.sent.map((m) => m.slice(0, m.indexOf('\r\n')));
  }
}

export function timing(overrides: Partial<TimerValues> = {}): TransactionTiming & { clock: VirtualClock } {
  return { clock: new VirtualClock(), timers: { ...DEFAULT_TIMER_VALUES, ...overrides } };
}

/** Lets promise callbacks (send results) run. */
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Times (ms) at which the transport sent something, as the virtual clock advances step by step. */
export function sendTimes(
  t: ReturnType<typeof timing>,
  transport: RecordingTransport,
  until: number,
  step = 100,
) {
  const times: number[] = [];
  let seen = transport.sent.length;
  if (seen > 0) times.push(0);
  for (let now = step; now <= until; now += step) {
    t.clock.advance(step);
    while (seen < transport.sent.length) {
      times.push(t.clock.now());
      seen++;
    }
  }
  return times;
}
