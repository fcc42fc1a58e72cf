// A SIP response (RFC 3261 7.2): Status-Line = SIP-Version SP Status-Code SP Reason-Phrase CRLF.

import { type MessageInit, SipMessage } from './message.ts';

export class SipResponse extends SipMessage {
  /** The Status-Code, 100 to 699. */
  readonly status: number;
  /** The Reason-Phrase as written (may be empty). */
  readonly reason: string;

  /** Made by parseMessage and createResponse. */
  constructor(init: MessageInit, status: number, reason: string) {
    super(init);
    this.status = status;
    this.reason = reason;
  }

  clone(): this {
    const copy = new SipResponse(this.wire, this.status, this.reason);
    this.copyEditsTo(copy);
    return copy as this;
  }

  get startLine(): string {
    return `${this.version} ${this.status} ${this.reason}`;
  }
}
