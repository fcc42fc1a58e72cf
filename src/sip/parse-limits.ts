// Bounds on a message's size, in one place: those the parser enforces so that a hostile message costs
// bounded time and memory (exceeding one is a ParseError that names the limit), and those every edit of a
// message keeps (EditLimits).

export interface ParseLimits {
  /** Octets in the whole message. Default 65535, the largest UDP payload. Exceeding it answers 513. */
  maxMessageSize: number;
  /** Header fields (a folded field counts once). Default 128; real messages carry 10 to 40. */
  maxHeaderCount: number;
  /** Octets in the start line or in one header field including its continuation lines. Default 8192. */
  maxLineLength: number;
  /** Via values over all Via fields. Default 100: Max-Forwards starts at 70, so a legitimate request has fewer. */
  maxViaCount: number;
}

export const DEFAULT_PARSE_LIMITS: Readonly<ParseLimits> = Object.freeze({
  maxMessageSize: 65_535,
  maxHeaderCount: 128,
  maxLineLength: 8_192,
  maxViaCount: 100,
});

/**
 * Bounds every edit of a message keeps, received or built (Kamailio's BUF_SIZE): the request being routed
 * and the reply being built. An edit that would take a message past one is refused where it is made, so a
 * script cannot make the server hold, copy or serialize a message it could never send. The parser's
 * maxMessageSize bounds what is received; maxMessageBytes is the same bound (config `max_message_bytes`
 * sets both) applied to what is edited.
 */
export interface EditLimits {
  /** Octets of the whole message (start line, header fields, body). Default 65535, like maxMessageSize. */
  maxMessageBytes: number;
  /**
   * Header fields of the message. Default 256: twice what the parser accepts (128) and six times a large
   * INVITE's (40 with many Record-Route and Via fields), so edits have room and a list stays short.
   */
  maxHeaderFields: number;
}

export const DEFAULT_EDIT_LIMITS: Readonly<EditLimits> = Object.freeze({
  maxMessageBytes: 65_535,
  maxHeaderFields: 256,
});
