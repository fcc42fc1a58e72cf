// Holds on a message: an asynchronous edit that must land before the message is sent. A KSR function that
// asks a server for an edit (rtpengine's SDP) returns at once, as KSR functions are synchronous host calls;
// what sends the message (a transaction's branches, a response upstream, a stateless ACK) waits for the
// hold instead, so the message goes out as Kamailio would send it after a blocking call, without blocking
// the event loop. A copy made for sending (t-relay's clone) inherits its original's hold and gets the same
// edits. A hold is released when every edit settled, applied or not (an edit that failed leaves the
// message as it was).
import type { SipMessage } from './message.ts';

/** An edit that arrived: applied to the held message and each copy that inherited its hold. */
export type MessageEdit = (message: SipMessage) => void;

interface Hold {
  readonly members: Set<SipMessage>;
  released: Promise<void>;
}

const holds = new WeakMap<SipMessage, Hold>();

/** Holds `message` until `edit` settles; the edit it resolves to (if any) is applied first. */
export function holdMessage(message: SipMessage, edit: Promise<MessageEdit | undefined>): void {
  let hold = holds.get(message);
  if (hold === undefined) {
    hold = { members: new Set([message]), released: Promise.resolve() };
    holds.set(message, hold);
  }
  const record = hold;
  const applied = edit.then(
    (apply) => {
      if (apply) for (const member of record.members) apply(member);
    },
    () => {},
  );
  const released = Promise.all([record.released, applied]).then(() => {
    // The last edit registered so far settled: the messages go out as they are now.
    if (record.released === released) for (const member of record.members) holds.delete(member);
  });
  record.released = released;
}

/** `copy` (a clone of `original` made for sending) waits for and gets the edits of `original`'s hold. */
export function inheritHold(original: SipMessage, copy: SipMessage): void {
  const hold = holds.get(original);
  if (hold === undefined) return;
  hold.members.add(copy);
  holds.set(copy, hold);
}

/** When `message` is held: the promise of its release; undefined when it can be sent now. */
export function heldUntil(message: SipMessage): Promise<void> | undefined {
  return holds.get(message)?.released;
}
