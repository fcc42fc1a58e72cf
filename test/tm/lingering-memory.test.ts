// What an INVITE server transaction keeps while it lingers after a forwarded 2xx (timer L, Kamailio's wait
// timer: 5 s, so at 500 calls/s thousands of them at once): the final To tag, which ACK matching reads,
// and not the text of the response it came in. A parsed value is a slice of its message's text, and V8
// keeps the whole text alive for as long as a slice of it is. Checked in a heap snapshot of this process.
import { randomUUID } from 'node:crypto';
import { getHeapSnapshot } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { parseMessage, type SipResponse } from '../../src/sip/index.ts';
import { InviteServerTransaction } from '../../src/tm/invite-server-transaction.ts';
import type { TransactionTransport } from '../../src/tm/transaction.ts';
import type { SendResult } from '../../src/transport/index.ts';
import { request, timing } from './fixtures.ts';

/** Long enough that V8 would keep it as a slice of the message (short strings are always copied). */
const TO_TAG = 'a1b2c3d4e5f6a7b8c9d0';

/** Sends nothing and keeps nothing: only the transaction may hold the response. */
const discarding: TransactionTransport = {
  reliable: false,
  send: () =>
    Promise.resolve<SendResult>({
      ok: true,
      value: {
        proto: 'udp',
        local: { address: '127.0.0.1', port: 5060 },
        remote: { address: '192.0.2.1', port: 5060 },
      },
    }),
};

/** A 200 from the callee carrying `marker` in a header, parsed from its text as the server parses one. */
function callee200(marker: string): SipResponse {
  const text = [
    'SIP/2.0 200 OK',
    'Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-c1',
    'From: <sip:alice@example.org>;tag=ft',
    `To: <sip:bob@example.com>;tag=${TO_TAG}`,
    'Call-ID: tx-test@192.0.2.1',
    'CSeq: 7 INVITE',
    `X-Marker: ${marker}`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const parsed = parseMessage(Buffer.from(text, 'latin1'));
  if (!parsed.ok) throw new Error(parsed.error.detail);
  return parsed.value as SipResponse;
}

/** A transaction that forwarded the 200 and now lingers in Accepted; nothing else refers to the 200. */
function lingering(marker: string): InviteServerTransaction {
  const tx = new InviteServerTransaction(request(), discarding, noUser, timing());
  tx.respond(callee200(marker));
  return tx;
}

const noUser = { transportError: () => {}, ackTimeout: () => {}, terminated: () => {} };

/** This process's heap snapshot, as its JSON text. */
async function heapSnapshotText(): Promise<string> {
  const chunks: string[] = [];
  for await (const chunk of getHeapSnapshot()) chunks.push(chunk.toString());
  return chunks.join('');
}

describe('an INVITE server transaction lingering after a forwarded 2xx', () => {
  it('keeps the final To tag, not the text of the 2xx', async () => {
    const marker = randomUUID();
    const tx = lingering(marker);
    expect(tx.state).toBe('accepted');
    expect(tx.finalToTag).toBe(TO_TAG);
    const heap = await heapSnapshotText();
    // The header line exists only in the response's text; `marker` alone is this test's own string.
    expect(heap.includes(`X-Marker: ${marker}`)).toBe(false);
    expect(tx.finalToTag).toBe(TO_TAG);
  });
});
