// A SIP request (RFC 3261 7.1): Request-Line = Method SP Request-URI SP SIP-Version CRLF.
// The Request-URI is kept as text; parsedUri reads it on first use.

import { isByteString } from './byte-string.ts';
import type { CSeq } from './cseq.ts';
import { type MessageInit, SipMessage } from './message.ts';
import { isAbsoluteUri, parseUri, type SipUri } from './uri.ts';

export class SipRequest extends SipMessage {
  /** The method, case-sensitive ("INVITE"). */
  readonly method: string;
  private requestUri: string;
  private parsed: SipUri | false | undefined = undefined;

  /** Made by parseMessage and createRequest. */
  constructor(init: MessageInit, method: string, uri: string) {
    super(init);
    this.method = method;
    this.requestUri = uri;
  }

  /** The Request-URI as written. */
  get uri(): string {
    return this.requestUri;
  }

  /** The Request-URI parsed; undefined when it is not a well-formed sip:, sips: or tel: URI. */
  get parsedUri(): SipUri | undefined {
    if (this.parsed === undefined) this.parsed = parseUri(this.requestUri) ?? false;
    return this.parsed === false ? undefined : this.parsed;
  }

  /** Replaces the Request-URI; false (and no change) when `uri` is not an absoluteURI. */
  setUri(uri: string): boolean {
    if (!isAbsoluteUri(uri) || !isByteString(uri)) return false;
    this.requestUri = uri;
    this.parsed = undefined;
    this.startLineChanged = true;
    return true;
  }

  clone(): this {
    const copy = new SipRequest(this.wire, this.method, this.requestUri);
    this.copyEditsTo(copy);
    copy.parsed = this.parsed;
    return copy as this;
  }

  get startLine(): string {
    return `${this.method} ${this.requestUri} ${this.version}`;
  }

  protected override acceptsCSeq(cseq: CSeq): boolean {
    return cseq.method === this.method;
  }
}
