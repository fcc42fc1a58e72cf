import { describe, expect, it } from 'vitest';
import { heldUntil, holdMessage, inheritHold, parseMessage, type SipMessage } from '../../src/sip/index.ts';

const invite = () => {
  const parsed = parseMessage(
    Buffer.from(
      'INVITE sip:b@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\nFrom: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>\r\nCall-ID: h1\r\nCSeq: 1 INVITE\r\nContent-Type: application/sdp\r\nContent-Length: 4\r\n\r\nold\n',
    ),
  );
  if (!parsed.ok) throw new Error('fixture');
  return parsed.value;
};

describe('message holds', () => {
  it('holds a message and its sending copy until the edit landed, then applies it to both', async () => {
    const msg = invite();
    expect(heldUntil(msg)).toBeUndefined();
    let answer!: (edit: (m: SipMessage) => void) => void;
    holdMessage(msg, new Promise((resolve) => (answer = resolve)));
    const copy = msg.clone();
    inheritHold(msg, copy);
    const held = heldUntil(copy);
    expect(held).toBeDefined();
    answer((m) => m.setBody('new\n'));
    await held;
    expect(msg.body).toBe('new\n');
    expect(copy.body).toBe('new\n');
    expect(heldUntil(msg)).toBeUndefined();
    expect(heldUntil(copy)).toBeUndefined();
  });

  it('releases a message unchanged when the edit failed, and waits for every edit', async () => {
    const msg = invite();
    let first!: () => void;
    holdMessage(msg, Promise.reject(new Error('no relay')));
    holdMessage(msg, new Promise((resolve) => (first = () => resolve(undefined))));
    const held = heldUntil(msg)!;
    let released = false;
    void held.then(() => (released = true));
    await new Promise((r) => setImmediate(r));
    expect(released).toBe(false);
    first();
    await held;
    expect(msg.body).toBe('old\n');
  });
});
