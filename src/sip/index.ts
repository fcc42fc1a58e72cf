// The SIP message layer (RFC 3261 7, 8.2.6, 18.2, 19, 20, 25; RFC 3581; RFC 3966 URIs): parse, read, edit
// and write SIP messages, and the URI and header grammars. Knows nothing of sockets or wasm. Text is byte
// strings throughout (byte-string.ts).

export { createRequest, type RequestParts } from './build-request.ts';
export { createResponse, type ResponseOptions, responseBytes } from './build-response.ts';
export {
  byteStringToUtf8,
  fromByteString,
  isByteString,
  toByteString,
  utf8ToByteString,
} from './byte-string.ts';
export { isCallId } from './call-id.ts';
export { isToken } from './char-classes.ts';
export { type Contact, parseContact, parseContacts } from './contact.ts';
export { type CSeq, MAX_CSEQ, parseCSeq } from './cseq.ts';
export { parseHeaderLine } from './header-line.ts';
export { canonicalHeaderName, headerKey } from './header-names.ts';
export { parseDeltaSeconds } from './integers.ts';
export { ipAddressKey, ipv6Groups, isMulticastAddress } from './ip-address.ts';
export type { HeaderFieldView, HeaderPosition, NewHeader } from './message.ts';
export { SipMessage } from './message.ts';
export { heldUntil, holdMessage, inheritHold, type MessageEdit } from './message-hold.ts';
export { formatNameAddr, type NameAddr, parseNameAddr } from './name-addr.ts';
export { pushOwnVia } from './own-via.ts';
export { formatParams, type Params } from './params.ts';
export type { ParseError } from './parse-error.ts';
export {
  DEFAULT_EDIT_LIMITS,
  DEFAULT_PARSE_LIMITS,
  type EditLimits,
  type ParseLimits,
} from './parse-limits.ts';
export { type ParseOptions, parseMessage } from './parse-message.ts';
export { quote } from './quoted-string.ts';
export { reasonPhrase } from './reason-phrases.ts';
export { rejectionReply } from './rejection-reply.ts';
export { SipRequest } from './request.ts';
export { SipResponse } from './response.ts';
export { type ResponseDestination, responseDestination } from './response-destination.ts';
export { splitList } from './split-list.ts';
export { formatUri, isAbsoluteUri, parseUri, type SipUri } from './uri.ts';
export { normalizeEscapes, uriEquals } from './uri-compare.ts';
export { BRANCH_MAGIC_COOKIE, formatVia, parseVia, type Via } from './via.ts';
export { addReceived, type SourceAddress } from './via-received.ts';
