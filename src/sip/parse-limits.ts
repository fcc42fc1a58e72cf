// Bounds the parser enforces so that a hostile message costs bounded time and memory. Exceeding one is a
// ParseError that names the limit.

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
