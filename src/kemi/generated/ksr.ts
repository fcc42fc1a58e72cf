// Generated from wit/ksr.wit by scripts/gen-ksr-bindings.ts (npm run gen). Do not edit.
import type { KsrSignature } from '../define.ts';

/** The interfaces world `script` imports, in its order: each function's WIT parameters and result. */
export const KSR_INTERFACES = {
  /**
   * Core KEMI functions (Kamailio's `KSR.*`): method tests, local address checks, flags, URI setters,
   * logging.
   */
  'core': {
    /**
     * True if the message's method (CSeq method for replies) equals `method` (case-insensitive), or, for a
     * list of standard methods separated by `|` ("INVITE|BYE"), is one of them.
     */
    'is-method': { params: [['method', 'string']], result: 'bool' },
    /**
     * True if the method is one of the letters (either case): I INVITE, A ACK, B BYE, C CANCEL, R REGISTER, M
     * MESSAGE, O OPTIONS, S SUBSCRIBE, P PUBLISH, N NOTIFY, U UPDATE, E PRACK, F REFER, K KDMQ, G GET, T
     * POST, V PUT, D DELETE (Kamailio's letters; INFO has none). Other methods never match.
     */
    'is-method-in': { params: [['methods', 'string']], result: 'bool' },
    /** The method (CSeq method for replies) is INVITE. */
    'is-INVITE': { params: [], result: 'bool' },
    /** The method is ACK. */
    'is-ACK': { params: [], result: 'bool' },
    /** The method is BYE. */
    'is-BYE': { params: [], result: 'bool' },
    /** The method is CANCEL. */
    'is-CANCEL': { params: [], result: 'bool' },
    /** The method is REGISTER. */
    'is-REGISTER': { params: [], result: 'bool' },
    /** The method is OPTIONS. */
    'is-OPTIONS': { params: [], result: 'bool' },
    /** The method is SUBSCRIBE. */
    'is-SUBSCRIBE': { params: [], result: 'bool' },
    /** The method is PUBLISH. */
    'is-PUBLISH': { params: [], result: 'bool' },
    /** The method is NOTIFY. */
    'is-NOTIFY': { params: [], result: 'bool' },
    /** The method is REFER. */
    'is-REFER': { params: [], result: 'bool' },
    /** The method is INFO. */
    'is-INFO': { params: [], result: 'bool' },
    /** The method is UPDATE. */
    'is-UPDATE': { params: [], result: 'bool' },
    /** The method is PRACK. */
    'is-PRACK': { params: [], result: 'bool' },
    /** The method is MESSAGE. */
    'is-MESSAGE': { params: [], result: 'bool' },
    /** The method is KDMQ. */
    'is-KDMQ': { params: [], result: 'bool' },
    /** The method is GET. */
    'is-GET': { params: [], result: 'bool' },
    /** The method is POST. */
    'is-POST': { params: [], result: 'bool' },
    /** The method is PUT. */
    'is-PUT': { params: [], result: 'bool' },
    /** The method is DELETE. */
    'is-DELETE': { params: [], result: 'bool' },
    /** The message arrived over UDP. */
    'is-UDP': { params: [], result: 'bool' },
    /** The message arrived over TCP. */
    'is-TCP': { params: [], result: 'bool' },
    /** The message arrived over TLS (a `tls:` listener). */
    'is-TLS': { params: [], result: 'bool' },
    /** The message arrived over SCTP (never). */
    'is-SCTP': { params: [], result: 'bool' },
    /** The message arrived over WebSocket (a `ws:` listener). */
    'is-WS': { params: [], result: 'bool' },
    /** The message arrived over secure WebSocket (a `wss:` listener). */
    'is-WSS': { params: [], result: 'bool' },
    /** The message arrived over WebSocket, secure or not. */
    'is-WSX': { params: [], result: 'bool' },
    /**
     * The message arrived over one of the protocols given by letter: u UDP, t TCP, e TLS, s SCTP, v WS, w
     * WSS.
     */
    'is-proto': { params: [['protos', 'string']], result: 'bool' },
    /** The message arrived on an IPv4 address. */
    'is-ipv4': { params: [], result: 'bool' },
    /** The message arrived on an IPv6 address. */
    'is-ipv6': { params: [], result: 'bool' },
    /** The message came from source port `port`. */
    'is-src-port': { params: [['port', 's32']], result: 'bool' },
    /** The message arrived on local port `port`. */
    'is-dst-port': { params: [['port', 's32']], result: 'bool' },
    /**
     * The next hop's URI (`$du`, else the R-URI; for a reply, the second Via) says transport=udp. Like
     * Kamailio, a URI without a transport parameter matches none of the `to-*` protocol tests.
     */
    'to-UDP': { params: [], result: 'bool' },
    /** The next hop's URI says transport=tcp (a reply: the second Via is TCP). */
    'to-TCP': { params: [], result: 'bool' },
    /** The next hop's URI says transport=tls. */
    'to-TLS': { params: [], result: 'bool' },
    /** The next hop's URI says transport=sctp. */
    'to-SCTP': { params: [], result: 'bool' },
    /** The next hop's URI says transport=ws. */
    'to-WS': { params: [], result: 'bool' },
    /** The next hop's URI says transport=wss. */
    'to-WSS': { params: [], result: 'bool' },
    /** The next hop's URI says transport=ws or wss. */
    'to-WSX': { params: [], result: 'bool' },
    /** The next hop's host is an IPv4 address (a reply: the second Via's received, else its host). */
    'to-ipv4': { params: [], result: 'bool' },
    /** The next hop's host is an IPv6 address. */
    'to-ipv6': { params: [], result: 'bool' },
    /** True if the host and port of `uri` are one of the server's listen addresses or configured domains. */
    'is-myself': { params: [['uri', 'string']], result: 'bool' },
    /** `is-myself` on the request URI. */
    'is-myself-ruri': { params: [], result: 'bool' },
    /** `is-myself` on the From URI. */
    'is-myself-furi': { params: [], result: 'bool' },
    /** `is-myself` on the To URI. */
    'is-myself-turi': { params: [], result: 'bool' },
    /** True if the source IP is one of the server's listen addresses. */
    'is-myself-srcip': { params: [], result: 'bool' },
    /** Set message flag `flag` (0..31); false if out of range. */
    'setflag': { params: [['flag', 's32']], result: 'bool' },
    /** Reset message flag `flag` (0..31). */
    'resetflag': { params: [['flag', 's32']], result: 'bool' },
    /** True if message flag `flag` is set. */
    'isflagset': { params: [['flag', 's32']], result: 'bool' },
    /** Set branch flag `flag` (0..31) of the current branch. */
    'setbflag': { params: [['flag', 's32']], result: 'bool' },
    /** Reset branch flag `flag` of the current branch. */
    'resetbflag': { params: [['flag', 's32']], result: 'bool' },
    /** True if branch flag `flag` of the current branch is set. */
    'isbflagset': { params: [['flag', 's32']], result: 'bool' },
    /** Replace the request URI; false if `uri` does not parse. */
    'seturi': { params: [['uri', 'string']], result: 'bool' },
    /** Replace the user part of the request URI. */
    'setuser': { params: [['user', 'string']], result: 'bool' },
    /** Replace the host part of the request URI. */
    'sethost': { params: [['host', 'string']], result: 'bool' },
    /** Set the destination URI ($du, outbound proxy); false if `uri` does not parse. */
    'setdsturi': { params: [['uri', 'string']], result: 'bool' },
    /** Clear the destination URI. */
    'resetdsturi': { params: [], result: 'bool' },
    /** True if a destination URI is set. */
    'isdsturiset': { params: [], result: 'bool' },
    /** Add `rport` to the top Via of the request and send replies to the source port (RFC 3581). */
    'force-rport': { params: [], result: 'bool' },
    /**
     * Replies to this request never open a new TCP connection: they go over an open connection to the
     * request's source, or are not sent (Kamailio's SND_F_FORCE_CON_REUSE). A transaction takes the setting
     * when it is made, so call it before `tm.t-newtran`/`tm.t-relay`. Always true.
     */
    'set-reply-no-connect': { params: [], result: 'bool' },
    /** Mark the message to be dropped when the route returns; unlike `x.drop` the route goes on. */
    'set-drop': { params: [], result: 'none' },
    /** Log `msg` at `level` ("dbg", "info", "notice", "warn", "err", "crit"; anything else logs as "err"). */
    'log': { params: [['level', 'string'], ['msg', 'string']], result: 'none' },
    /** Log at debug level. */
    'dbg': { params: [['msg', 'string']], result: 'none' },
    /** Log at info level. */
    'info': { params: [['msg', 'string']], result: 'none' },
    /** Log at notice level. */
    'notice': { params: [['msg', 'string']], result: 'none' },
    /** Log at warning level. */
    'warn': { params: [['msg', 'string']], result: 'none' },
    /** Log at error level. */
    'err': { params: [['msg', 'string']], result: 'none' },
    /** Log at critical level. */
    'crit': { params: [['msg', 'string']], result: 'none' },
  },
  /**
   * Control flow (Kamailio's `KSR.x`). After either call every further action of the route is ignored: the
   * guest should return from the route right away.
   */
  'x': {
    /** Stop the route; what it already did (a reply sent, a relay started) stands. */
    'exit': { params: [], result: 'none' },
    /** Stop the route and drop the message: a request is not forwarded, a reply is not passed upstream. */
    'drop': { params: [], result: 'none' },
  },
  /**
   * Pseudo-variables (Kamailio's `KSR.pv`): `$ru`, `$fU`, `$hdr(Name)`, `$var(x)` ... by their Kamailio
   * names. An unknown or malformed name is logged as an error naming it; reads then give none, writes do
   * nothing.
   */
  'pv': {
    /** The value, or none for `$null`. Integer variables are given in decimal. */
    'get': { params: [['name', 'string']], result: 'option<string>' },
    /** The value, or "" for `$null`. */
    'gete': { params: [['name', 'string']], result: 'string' },
    /** The value as an integer, or `vn` for `$null` or a value that is not an integer. */
    'getvn': { params: [['name', 'string'], ['vn', 's32']], result: 's32' },
    /** The value, or `vs` for `$null`. */
    'getvs': { params: [['name', 'string'], ['vs', 'string']], result: 'string' },
    /** The value, or "<<null>>" for `$null`. */
    'getw': { params: [['name', 'string']], result: 'string' },
    /**
     * The value as an integer: 0 for `$null`; for a string, its sign and leading digits ("12ab" gives 12,
     * "ab" 0), held at the s32 bounds (Kamailio's str2sint).
     */
    'geti': { params: [['name', 'string']], result: 's32' },
    /** Assign a string to a writable variable. */
    'sets': { params: [['name', 'string'], ['value', 'string']], result: 'none' },
    /** Assign an integer to a writable variable. */
    'seti': { params: [['name', 'string'], ['value', 's32']], result: 'none' },
    /** Set a variable to `$null` (for `$du`: clear the destination URI). */
    'unset': { params: [['name', 'string']], result: 'none' },
    /** True if the variable is `$null`. */
    'is-null': { params: [['name', 'string']], result: 'bool' },
  },
  /**
   * Header operations (Kamailio's `KSR.hdr`). `hdrval` is a whole header line, "Name: value", with or without
   * the trailing CRLF. Names match case-insensitively and in compact form. The lines of one `hdrval` are
   * added all or none: -1, and nothing changed, when one is malformed or when they would take the message
   * (for `append-to-reply`, the reply) past the server's `max_header_fields` or `max_message_bytes`, as
   * Kamailio refuses a message over BUF_SIZE.
   */
  'hdr': {
    /** Add the header after the last header; 1 on success, -1 on a malformed line. */
    'append': { params: [['hdrval', 'string']], result: 's32' },
    /** Add the header after the first header named `hname`; -1 if there is none. */
    'append-after': { params: [['hdrval', 'string'], ['hname', 'string']], result: 's32' },
    /** Add the header before the first header. */
    'insert': { params: [['hdrval', 'string']], result: 's32' },
    /** Add the header before the first header named `hname`; -1 if there is none. */
    'insert-before': { params: [['hdrval', 'string'], ['hname', 'string']], result: 's32' },
    /** Remove every header named `hname`; the number removed, or -1 if none. */
    'remove': { params: [['hname', 'string']], result: 's32' },
    /** Remove every header named `hname`, then append `hdrval`. */
    'rmappend': { params: [['hname', 'string'], ['hdrval', 'string']], result: 's32' },
    /** Remove every header named `hname`, then insert `hdrval`. */
    'rminsert': { params: [['hname', 'string'], ['hdrval', 'string']], result: 's32' },
    /** 1 if a header named `hname` exists, -1 if not. */
    'is-present': { params: [['hname', 'string']], result: 's32' },
    /** The body of the first header named `hname`. */
    'get': { params: [['hname', 'string']], result: 'option<string>' },
    /** The body of the first header named `hname`, or "" when there is none. */
    'gete': { params: [['hname', 'string']], result: 'string' },
    /** The body of the first header named `hname`, or "<<null>>" when there is none. */
    'getw': { params: [['hname', 'string']], result: 'string' },
    /** The body of the header named `hname` at `idx` (0 first, -1 last). */
    'get-idx': { params: [['hname', 'string'], ['idx', 's32']], result: 'option<string>' },
    /** `get-idx`, or "" when there is no such header. */
    'gete-idx': { params: [['hname', 'string'], ['idx', 's32']], result: 'string' },
    /** `get-idx`, or "<<null>>" when there is no such header. */
    'getw-idx': { params: [['hname', 'string'], ['idx', 's32']], result: 'string' },
    /** Add a header to the reply the server will generate for this request (sl or tm). */
    'append-to-reply': { params: [['hdrval', 'string']], result: 's32' },
  },
  /** Stateless replies (Kamailio's `sl` module). */
  'sl': {
    /** Send a reply without creating a transaction; 1 on success, -1 on failure. */
    'sl-send-reply': { params: [['code', 's32'], ['reason', 'string']], result: 's32' },
    /** Reply statefully if a transaction exists for the request, else statelessly. */
    'send-reply': { params: [['code', 's32'], ['reason', 'string']], result: 's32' },
    /**
     * Send the reply for the last internal error as Kamailio's err2reason_phrase words it: a failed relay's
     * code (-477 gives 477, -478 478, -479 479, -487 487, -12 500, -510 403 Destination Not Allowed, others
     * 500), with the reason "text (N/SL)"; 500 without one.
     */
    'sl-reply-error': { params: [], result: 's32' },
  },
  /** Max-Forwards handling (Kamailio's `maxfwd` module). */
  'maxfwd': {
    /**
     * Add Max-Forwards with `limit` (0..255) if absent, else decrement it after capping it at the server's
     * `maxfwd.max_limit` (70: a received 70 becomes 69). 2 when added, 1 when decremented, -1 when it was
     * already 0 (the route should reply 483) or `limit` is out of range, -2 when malformed.
     */
    'process-maxfwd': { params: [['limit', 's32']], result: 's32' },
    /**
     * 1 if Max-Forwards is lower than `limit`, -1 if not (or `limit` is not 0..255), -2 if absent, -3 if
     * malformed.
     */
    'is-maxfwd-lt': { params: [['limit', 's32']], result: 's32' },
  },
  /** SIP helpers (Kamailio's `siputils` module). 1 means true, -1 false. */
  'siputils': {
    /** To header has a tag: the request is within a dialog. */
    'has-totag': { params: [], result: 's32' },
    /** The message is a request. */
    'is-request': { params: [], result: 's32' },
    /** The message is a reply. */
    'is-reply': { params: [], result: 's32' },
    /** The request has a single Via: it comes straight from the UA. */
    'is-first-hop': { params: [], result: 's32' },
    /** The user of `uri` is an E.164 number (+ and 2 to 15 digits). */
    'is-uri-user-e164': { params: [['uri', 'string']], result: 's32' },
    /** `number` is an E.164 number. */
    'is-e164': { params: [['number', 'string']], result: 's32' },
    /** The request URI has parameter `name`. */
    'uri-param': { params: [['name', 'string']], result: 's32' },
    /** The request URI has parameter `name` equal to `value`. */
    'uri-param-value': { params: [['name', 'string'], ['value', 'string']], result: 's32' },
    /** Append `param` ("name" or "name=value") to the request URI's parameters. */
    'add-uri-param': { params: [['param', 'string']], result: 's32' },
    /** The two URIs are equal by RFC 3261 19.1.4. */
    'cmp-uri': { params: [['uri1', 'string'], ['uri2', 'string']], result: 's32' },
    /** The two URIs have the same user and host. */
    'cmp-aor': { params: [['uri1', 'string'], ['uri2', 'string']], result: 's32' },
  },
  /**
   * Sanity checks (Kamailio's `sanity` module), in its order and with its replies. Check bits for
   * `msg-checks`: 1 R-URI SIP version, 2 R-URI scheme, 4 From/To/Call-ID/CSeq once each, 16384 top Via, 8 Via
   * SIP version, 16 Via protocol (both no-ops in Kamailio 5.6), 32 CSeq method, 64 CSeq value, 128
   * Content-Length, 256 Expires value, 512 Proxy-Require (420), 1024 URIs parse, 2048 digest credentials
   * (another scheme fails), 8192 digest credentials (another scheme passes), 4096 duplicate From/To tag.
   * `uri-checks`: 1 R-URI, 2 From, 4 To, 8 Contact (run when bit 1024 is set). A failed check sends its reply
   * (none to an ACK or a reply, none for bits 4 and 16384, none with the server's `sanity.noreply`: then
   * `sanity-reply` sends it) and returns -1. On a reply the request-line checks (1, 2, 32, R-URI) do not
   * apply.
   */
  'sanity': {
    /** Run the given checks; 1 if the message passes. */
    'sanity-check': { params: [['msg-checks', 's32'], ['uri-checks', 's32']], result: 's32' },
    /** Run Kamailio's default checks (msg 17895, uri 7). */
    'sanity-check-defaults': { params: [], result: 's32' },
    /**
     * With `sanity.noreply`: send the reply the failed check kept (500 Server Sanity Failure without one). 1
     * (also when there is nothing to do: no noreply, an ACK, a reply), -1 when it could not be sent.
     */
    'sanity-reply': { params: [], result: 's32' },
  },
  /** Formatted logging (Kamailio's `xlog` module): `$ru`, `$ci`, `$var(x)` ... in the text are expanded. */
  'xlog': {
    /** Log at `level` ("dbg", "info", "notice", "warn", "err", "crit", "alert"). */
    'xlog': { params: [['level', 'string'], ['format', 'string']], result: 'none' },
    'xdbg': { params: [['format', 'string']], result: 'none' },
    'xinfo': { params: [['format', 'string']], result: 'none' },
    'xnotice': { params: [['format', 'string']], result: 'none' },
    'xwarn': { params: [['format', 'string']], result: 'none' },
    'xerr': { params: [['format', 'string']], result: 'none' },
    'xcrit': { params: [['format', 'string']], result: 'none' },
    'xalert': { params: [['format', 'string']], result: 'none' },
  },
  /**
   * Stateful processing (Kamailio's `tm` module): transactions (RFC 3261 17) and the proxy core (16). Relay
   * failures return Kamailio's error codes: -1 unspecified, -2 no transaction could be made (here: a
   * transaction cap is full, `tm.max_transactions` or `tm.max_transactions_per_tenant`), -12 too many
   * branches, -478 bad next hop, -479 bad URI, -480 unsupported transport, -487 the transaction was
   * cancelled, -510 destination not allowed for this tenant. `sl.sl-reply-error` then sends the matching
   * reply: for -2 503 with Retry-After (Kamailio: 500), which the server also sends itself when the route
   * leaves such a request unanswered (unless it dropped it). Route names given to `t-on-*` are named routes
   * of this module: the host calls `named-route` with them later, on the module version that created the
   * transaction even if another one was activated meanwhile.
   */
  'tm': {
    /**
     * Relay statefully to the destination set: the request URI (or `$du`) plus the branches added with
     * `corex.append-branch*`, in parallel. The transaction is created if needed; branches are sent when the
     * route returns. An ACK is forwarded statelessly; a CANCEL of a known INVITE is answered 200 and its
     * pending branches are cancelled (RFC 3261 16.10). In a failure route the request URI's branch counts
     * only if the route changed `$ru` or `$du`. 1 on success, a negative code on failure.
     */
    't-relay': { params: [], result: 's32' },
    /** `t-relay` with every branch sent to `host`:`port` over `proto` ("udp", "tcp"). */
    't-relay-to-proto-addr': { params: [['proto', 'string'], ['host', 'string'], ['port', 's32']], result: 's32' },
    /**
     * Run named route `name` when the transaction ends with a negative final response, before it is sent
     * upstream (a failure route can relay anew or reply). Armed once: set it again in the failure route.
     */
    't-on-failure': { params: [['name', 'string']], result: 's32' },
    /**
     * Run named route `name` for each branch before it is sent (change headers, `$ru`, `$du`; `x.drop`
     * discards the branch).
     */
    't-on-branch': { params: [['name', 'string']], result: 's32' },
    /** Run named route `name` for each reply the transaction receives (`x.drop` drops a provisional one). */
    't-on-reply': { params: [['name', 'string']], result: 's32' },
    /**
     * 1 if the route is set for the transaction: `target` is "failure_route", "branch_route" or
     * "onreply_route"; -1 if not.
     */
    't-is-set': { params: [['target', 'string']], result: 's32' },
    /**
     * For a CANCEL: 1 if the INVITE it cancels has a transaction. For an ACK to a 2xx: 1 if its INVITE
     * transaction is still known. Otherwise -1 (retransmissions and ACKs to negative replies never reach the
     * route: the transaction layer absorbs them).
     */
    't-check-trans': { params: [], result: 's32' },
    /**
     * Create the transaction of the request (retransmissions are absorbed from now on); 1, -2 when a
     * transaction cap is full (as for `t-relay`), or -1.
     */
    't-newtran': { params: [], result: 's32' },
    /** Reply statefully (the transaction must exist); 1, or -1. */
    't-reply': { params: [['code', 's32'], ['reason', 'string']], result: 's32' },
    /** Create the transaction if needed and reply statefully; 1, or -1. */
    't-send-reply': { params: [['code', 's32'], ['reason', 'string']], result: 's32' },
    /** 1 if the caller cancelled the transaction. */
    't-is-canceled': { params: [], result: 's32' },
    /** In a failure route: 1 if the failed branch timed out. */
    't-branch-timeout': { params: [], result: 's32' },
    /** In a failure route: 1 if the failed branch had received a reply before its final one. */
    't-branch-replied': { params: [], result: 's32' },
    /**
     * 1 if the status matches the regular expression `re`: the current reply in reply routes, the winning
     * reply in a failure route, the last reply sent in the request route.
     */
    't-check-status': { params: [['re', 'string']], result: 's32' },
    /**
     * Set the final response timeouts in ms: `fr-inv` after a provisional reply to an INVITE (timer C), `fr`
     * otherwise (timers B and F); 0 keeps the current value.
     */
    't-set-fr': { params: [['fr-inv', 's32'], ['fr', 's32']], result: 's32' },
    /** Back to the configured timeouts. */
    't-reset-fr': { params: [], result: 's32' },
    /** Serial forking: order the destination set by falling q value and keep it for `t-next-contacts`. */
    't-load-contacts': { params: [], result: 's32' },
    /**
     * Serial forking: make the contacts with the highest remaining q the destination set (the first as
     * request URI). 1, or -2 when none is left.
     */
    't-next-contacts': { params: [], result: 's32' },
    /**
     * In a failure route, before relaying anew: which earlier replies to drop from the best-response choice,
     * "a" (or "") all (the default), "l" those of the last round of branches, "n" none.
     */
    't-drop-replies': { params: [['mode', 'string']], result: 's32' },
  },
  /** Transaction extensions (Kamailio's `tmx` module). */
  'tmx': {
    /**
     * In the request route: 1 when another copy of the same transaction's request is still being processed
     * (its route called `t-precheck-trans` and has not returned, or returned and the request is still held,
     * e.g. by an rtpengine command), so this one is a retransmission that came before the transaction
     * existed; -1 otherwise, and always for ACK and CANCEL (not tracked) and outside the request route.
     */
    't-precheck-trans': { params: [], result: 's32' },
    /** 1 inside a branch route (`tm.t-on-branch`), -1 elsewhere. */
    't-is-branch-route': { params: [], result: 's32' },
  },
  /** Record-Route and loose routing (Kamailio's `rr` module, RFC 3261 16.4, 16.6, 16.12). */
  'rr': {
    /**
     * Record-route the request: each branch gets `<sip:ADDR:PORT;lr;ftag=...>` with the listener it leaves
     * from, or two such entries (with `r2=on`) when the transport or interface changes. 1, or -1.
     */
    'record-route': { params: [], result: 's32' },
    /** `record-route` with URI parameters added (";name=value"). */
    'record-route-params': { params: [['params', 'string']], result: 's32' },
    /**
     * Record-route with the given addresses ("host[:port][;params]", no scheme); with `addr2` not empty two
     * entries (outbound `addr1`, then inbound `addr2`; add ";r2=on" to both).
     */
    'record-route-preset': { params: [['addr1', 'string'], ['addr2', 'string']], result: 's32' },
    /** Undo `record-route*` for this request. */
    'remove-record-route': { params: [], result: 's32' },
    /**
     * Add URI parameters (";name=value") to this server's Record-Route entries, before or after
     * `record-route`. In a branch route (as `record-route` and `remove-record-route` there) it acts on that
     * branch only.
     */
    'add-rr-param': { params: [['param', 'string']], result: 's32' },
    /**
     * Route the request by its Route headers: our own entries are removed, the next one becomes the next hop
     * (`$du` for a loose router). 1 routed (within a dialog), -1 no Route header (or only ours on an initial
     * request), -3 an initial request routed by a preloaded Route set.
     */
    'loose-route': { params: [], result: 's32' },
    /** After `loose-route`: 1 if the parameters of our own Route entry match the regular expression `re`. */
    'check-route-param': { params: [['re', 'string']], result: 's32' },
    /**
     * After `loose-route`: 1 if the in-dialog request goes `dir`: "downstream" (sent by the caller) or
     * "upstream" (sent by the callee), by the ftag parameter of our Route entry.
     */
    'is-direction': { params: [['dir', 'string']], result: 's32' },
  },
  /** The destination set (Kamailio's `corex` module): more branches for `tm.t-relay`. */
  'corex': {
    /** Add the request URI (with `$du`, its q and the branch flags) as a new branch; 1, or -1. */
    'append-branch': { params: [], result: 's32' },
    /** Add a branch to `uri`. */
    'append-branch-uri': { params: [['uri', 'string']], result: 's32' },
    /** Add a branch to `uri` with q value `q` ("0.5"), for `tm.t-load-contacts`. */
    'append-branch-uri-q': { params: [['uri', 'string'], ['q', 'string']], result: 's32' },
    /** 1 if the request URI has a user part, -1 if not (or for a reply). */
    'has-ruri-user': { params: [], result: 's32' },
  },
  /**
   * Message attributes and configuration values (Kamailio's `KSR.kx`, module kemix). The `get-*` form gives
   * none where Kamailio gives $null, `gete-*` gives "" and `getw-*` "<<null>>". Defines are those of the
   * server configuration (`defines`), Kamailio's `#!define NAME value`.
   */
  'kx': {
    /** The request URI as the route has it now ($ru); none for a reply. */
    'get-ruri': { params: [], result: 'option<string>' },
    /** The user of the request URI ($rU). */
    'get-ruser': { params: [], result: 'option<string>' },
    'getw-ruser': { params: [], result: 'string' },
    'gete-ruser': { params: [], result: 'string' },
    /** The host of the request URI ($rd). */
    'get-rhost': { params: [], result: 'option<string>' },
    'getw-rhost': { params: [], result: 'string' },
    'gete-rhost': { params: [], result: 'string' },
    /** The request URI as received ($ou). */
    'get-ouri': { params: [], result: 'option<string>' },
    /** The From URI ($fu). */
    'get-furi': { params: [], result: 'option<string>' },
    /** The user of the From URI ($fU). */
    'get-fuser': { params: [], result: 'option<string>' },
    'getw-fuser': { params: [], result: 'string' },
    'gete-fuser': { params: [], result: 'string' },
    /** The host of the From URI ($fd). */
    'get-fhost': { params: [], result: 'option<string>' },
    'getw-fhost': { params: [], result: 'string' },
    'gete-fhost': { params: [], result: 'string' },
    /** The To URI ($tu). */
    'get-turi': { params: [], result: 'option<string>' },
    /** The user of the To URI ($tU). */
    'get-tuser': { params: [], result: 'option<string>' },
    'gete-tuser': { params: [], result: 'string' },
    'getw-tuser': { params: [], result: 'string' },
    /** The host of the To URI ($td). */
    'get-thost': { params: [], result: 'option<string>' },
    'gete-thost': { params: [], result: 'string' },
    'getw-thost': { params: [], result: 'string' },
    /** The destination URI ($du). */
    'get-duri': { params: [], result: 'option<string>' },
    'gete-duri': { params: [], result: 'string' },
    'getw-duri': { params: [], result: 'string' },
    /** The URI of the first Contact (none for `Contact: *`). */
    'get-cturi': { params: [], result: 'option<string>' },
    'gete-cturi': { params: [], result: 'string' },
    'getw-cturi': { params: [], result: 'string' },
    /** The next hop: $du if set, else the request URI. */
    'get-nhuri': { params: [], result: 'option<string>' },
    /** The source as a SIP URI: "sip:IP:PORT", with ";transport=tcp" when not UDP. */
    'get-srcuri': { params: [], result: 'string' },
    /** The source as "proto:IP:PORT". */
    'get-srcaddr-sock': { params: [], result: 'string' },
    /** The User-Agent header's body. */
    'get-ua': { params: [], result: 'option<string>' },
    'gete-ua': { params: [], result: 'string' },
    'getw-ua': { params: [], result: 'string' },
    /** The source IP address ($si). */
    'get-srcip': { params: [], result: 'string' },
    /** The source port ($sp). */
    'get-srcport': { params: [], result: 's32' },
    /** The local IP address the message arrived on ($Ri). */
    'get-rcvip': { params: [], result: 'option<string>' },
    /** The local port the message arrived on ($Rp). */
    'get-rcvport': { params: [], result: 's32' },
    /** The advertised address of the receiving socket; the server advertises none, so `get-rcvip`. */
    'get-rcvadvip': { params: [], result: 'option<string>' },
    /** The advertised port of the receiving socket; `get-rcvport`. */
    'get-rcvadvport': { params: [], result: 's32' },
    /** The receiving socket as "proto:IP:PORT". */
    'get-rcvaddr-sock': { params: [], result: 'string' },
    /** The transport the message arrived over, lower case ("udp", "tcp"). */
    'get-proto': { params: [], result: 'string' },
    /** Kamailio's number of that transport: 1 UDP, 2 TCP, 3 TLS, 4 SCTP, 5 WS, 6 WSS. */
    'get-protoid': { params: [], result: 's32' },
    /** The method of a request, the CSeq method of a reply. */
    'get-method': { params: [], result: 'option<string>' },
    /** The status of a reply; -1 for a request. */
    'get-status': { params: [], result: 's32' },
    /** The status of a reply as text; none for a request. */
    'gets-status': { params: [], result: 'option<string>' },
    /** The message body; none when empty. */
    'get-body': { params: [], result: 'option<string>' },
    'getw-body': { params: [], result: 'string' },
    'gete-body': { params: [], result: 'string' },
    /** The length of the body in bytes. */
    'get-bodylen': { params: [], result: 's32' },
    /** The current time in seconds since the epoch. */
    'get-timestamp': { params: [], result: 's32' },
    /** The Call-ID. */
    'get-callid': { params: [], result: 'string' },
    /** The whole message as received (changes the route made are not in it). */
    'get-msgbuf': { params: [], result: 'string' },
    /** The length of the message as received. */
    'get-msglen': { params: [], result: 's32' },
    /** 1 for a request, 2 for a reply. */
    'get-msgtype': { params: [], result: 's32' },
    /** The value of define `name`, or none. */
    'get-def': { params: [['name', 'string']], result: 'option<string>' },
    /** The value of define `name` as an integer; 0 if absent or not an integer. */
    'get-defn': { params: [['name', 'string']], result: 's32' },
    /** True if define `name` exists. */
    'ifdef': { params: [['name', 'string']], result: 'bool' },
    /** True if define `name` does not exist. */
    'ifndef': { params: [['name', 'string']], result: 'bool' },
  },
  /**
   * Hash tables (Kamailio's `htable` module, `KSR.htable`): named tables of string or integer items that
   * outlive a message and a module version. Tables are declared per tenant in the configuration (`htables`);
   * a script reaches only its own tenant's tables, and naming an undeclared one is an error (logged)
   * answering -1. Each table has caps on items, key and value bytes, and may expire items `autoexpire`
   * seconds after their last write. The items are also `$sht(table=>key)` through `pv`.
   */
  'htable': {
    /** The value of the item, or none when it is absent. Integer items are given in decimal. */
    'sht-get': { params: [['table', 'string'], ['key', 'string']], result: 'option<string>' },
    /** The value of the item, or "" when it is absent. */
    'sht-gete': { params: [['table', 'string'], ['key', 'string']], result: 'string' },
    /** Set the item to a string. 1, or -1 (undeclared table, key or value over its cap, table full). */
    'sht-sets': { params: [['table', 'string'], ['key', 'string'], ['value', 'string']], result: 's32' },
    /** Set the item to an integer. 1, or -1. */
    'sht-seti': { params: [['table', 'string'], ['key', 'string'], ['value', 's32']], result: 's32' },
    /**
     * Add 1 to an integer item (a missing item starts at the table's `initval`, 0 by default); the new value,
     * or -255 when the table is undeclared, the item holds a string or the table is full.
     */
    'sht-inc': { params: [['table', 'string'], ['key', 'string']], result: 's32' },
    /** Subtract 1 from an integer item, as `sht-inc`. */
    'sht-dec': { params: [['table', 'string'], ['key', 'string']], result: 's32' },
    /** Remove the item. 1 (also when it was absent), or -1 for an undeclared table. */
    'sht-rm': { params: [['table', 'string'], ['key', 'string']], result: 's32' },
    /** 1 if the item is absent, -1 if it is present (or the table undeclared). */
    'sht-is-null': { params: [['table', 'string'], ['key', 'string']], result: 's32' },
    /** Remove every item of the table. 1, or -1. */
    'sht-reset': { params: [['table', 'string']], result: 's32' },
    /**
     * Remove the items whose key matches the regular expression `re` (linear-time engine, no backreferences
     * or lookaround, 256 bytes at most). 1, or -1.
     */
    'sht-rm-name-re': { params: [['table', 'string'], ['re', 'string']], result: 's32' },
    /** Remove the string items whose value matches `re`. 1, or -1. */
    'sht-rm-value-re': { params: [['table', 'string'], ['re', 'string']], result: 's32' },
    /**
     * 1 if a key of the table matches `value` by `op`: "eq" equal, "sw" starts with, "re" regular expression;
     * else -1.
     */
    'sht-match-name': { params: [['table', 'string'], ['op', 'string'], ['value', 'string']], result: 's32' },
  },
  /**
   * REGISTER processing and the location service (Kamailio's `registrar` and `usrloc` modules, RFC 3261
   * 10.3). Bindings live in the server's location store under the script's tenant: `table` ("location") names
   * a set of bindings within the tenant, never another tenant's. An AoR is "user@host" of a sip: or sips: URI
   * (host in lower case; scheme, port and parameters do not count).
   */
  'registrar': {
    /**
     * Process the REGISTER: bind its contacts (expires parameter, else Expires header, else the default;
     * below min_expires: raised to it, or 423 with `min_expires_mode` 1; above max_expires: cut), remove
     * those with expires 0 (`Contact: *` with `Expires: 0`: all), refuse a lower CSeq of the same Call-ID
     * (400; the same CSeq within 20 s is a retransmission, answered like the original), and reply 200 with
     * every binding. A binding keeps `$avp(RECEIVED)` as its received address (set it to `kx.get-srcuri()`
     * for a UA behind a NAT, as Kamailio's fix_nated_register does), with `use_path` 1 the Path, and the
     * methods of the Allow header (or the contact's methods parameter). `mode` holds Kamailio's save flags:
     * 0x02 no reply, 0x04 the request's contacts replace all others. 1 inserted, 2 updated, 3 deleted, 4 only
     * returned; -1 an error (the reply says which), not a REGISTER.
     */
    'save': { params: [['table', 'string'], ['mode', 's32']], result: 's32' },
    /**
     * The R-URI's AoR: the best binding (highest q, then newest) becomes the R-URI, the others are appended
     * as branches for `tm.t-relay` (parallel) or `tm.t-load-contacts` (serial). Each goes to its Path (as
     * Route set, `$du` its first hop), else its received address (`$du`); `$du` is reset otherwise. With
     * `method_filtering` 1 bindings whose UA does not allow the method are skipped. 1 found, -1 none, -2 only
     * bindings that do not allow the method (Kamailio's scripts reply 405), -3 error.
     */
    'lookup': { params: [['table', 'string']], result: 's32' },
    /** `lookup` for the AoR of `uri`; the R-URI is set as for `lookup`. */
    'lookup-uri': { params: [['table', 'string'], ['uri', 'string']], result: 's32' },
    /** 1 if the R-URI's AoR has bindings, else -1. */
    'registered': { params: [['table', 'string']], result: 's32' },
    /** 1 if the AoR of `uri` has bindings, else -1. */
    'registered-uri': { params: [['table', 'string'], ['uri', 'string']], result: 's32' },
    /** Remove every binding of `aor` (a URI, or "user@host"). 1, or -1. */
    'unregister': { params: [['table', 'string'], ['aor', 'string']], result: 's32' },
  },
  /**
   * Trusted peers by address (Kamailio's `permissions` module, its address table). Each tenant has its own
   * table of rows (group, IP address or range or host name, port, tag) provisioned with `kemi-wasm address`
   * or the admin API; a script reaches only its tenant's rows. A row's port 0 matches any port. An IPv4
   * address never matches an IPv6 row nor the reverse (an IPv4-mapped IPv6 address counts as IPv4).
   * Differences from Kamailio 5.6: a row's tag is not written to an AVP (Kamailio does so only with its
   * `peer_tag_avp` parameter, unset by default; kemi-wasm has no AVPs), it is shown by `kemi-wasm address
   * list`; when rows of several groups match, the lowest group answers (Kamailio: the first in its hash
   * order); a `/0` range is refused when provisioned (Kamailio reads mask 0 as a single address); changes
   * take effect at once, without `permissions.addressReload`; `allow_trusted` (the trusted table) is absent.
   */
  'permissions': {
    /** 1 if the request's source address and port ($si, $sp) match a row of `group`, else -1. */
    'allow-source-address': { params: [['group', 's32']], result: 's32' },
    /**
     * 1 if `addr` (an IP address, or a host name compared as written) and `port` match a row of `group`, else
     * -1.
     */
    'allow-address': { params: [['group', 's32'], ['addr', 'string'], ['port', 's32']], result: 's32' },
    /**
     * The group of a row matching the source address and port (a single-address row before a range; the
     * lowest group among several), or -1.
     */
    'allow-source-address-group': { params: [], result: 's32' },
    /** The group of a row matching `addr` and `port`, as `allow-source-address-group`, or -1. */
    'allow-address-group': { params: [['addr', 'string'], ['port', 's32']], result: 's32' },
  },
  /**
   * Flood detection by source address (Kamailio's `pike` module): requests per address are counted over
   * `[pike] sampling_time_unit` seconds; an address sending `reqs_density_per_unit` or more in a unit (or as
   * the mean of two) is flooding until a unit ends below that. The counts are the tenant's own: another
   * tenant's checks never block an address for this one. 1 not flooding; -2 flooding, detected by this
   * request; -1 flooding, detected before. Differences from Kamailio 5.6: each address is counted from its
   * first request, so detection comes at `reqs_density_per_unit` exactly (Kamailio counts a new address in
   * its prefix tree first: between 1 and 3 times the density for IPv4, 8 times for IPv6); `pike-check-ip`
   * takes IPv6 too (5.6 reads IPv4 only); a tenant tracks `[pike] max_entries` addresses at most, forgetting
   * those quiet the longest.
   */
  'pike': {
    /** Count the request's source address ($si) and answer as above. */
    'pike-check-req': { params: [], result: 's32' },
    /** Count `ip` (IPv4 or IPv6) and answer as above; -1 for a string that is no IP address. */
    'pike-check-ip': { params: [['ip', 'string']], result: 's32' },
  },
  /**
   * Digest authentication (Kamailio's `auth` module; RFC 2617, RFC 7616): challenges, credential checks
   * against a password the script gives, and the credentials' removal. Nonces seal their expiry with the
   * server's secret; with nonce-count (or one-time nonces) a replayed response is refused (-6). `flag-bits`
   * of the challenges: 1 qop=auth, 2 qop=auth-int, 4 no 500 reply on an internal error, 16 stale=true. The
   * challenge offers one header per algorithm of the configuration (`auth.algorithms`), in its order.
   */
  'auth': {
    /**
     * Remove the credentials a successful check used from the request (they are not forwarded). 1, or -1 when
     * no check succeeded (ACK, CANCEL, PRACK: -1).
     */
    'consume-credentials': { params: [], result: 's32' },
    /** 1 if the request has Authorization or Proxy-Authorization Digest credentials for `realm`, else -1. */
    'has-credentials': { params: [['realm', 'string']], result: 's32' },
    /**
     * Reply 401 with a WWW-Authenticate challenge for `realm`. 1 sent; -2 the challenge could not be made
     * (500 sent unless flag 4); -3 the reply could not be sent.
     */
    'www-challenge': { params: [['realm', 'string'], ['flag-bits', 's32']], result: 's32' },
    /** Reply 407 with a Proxy-Authenticate challenge; codes as `www-challenge`. */
    'proxy-challenge': { params: [['realm', 'string'], ['flag-bits', 's32']], result: 's32' },
    /** `www-challenge` for a REGISTER, `proxy-challenge` for every other request. */
    'auth-challenge': { params: [['realm', 'string'], ['flag-bits', 's32']], result: 's32' },
    /**
     * Check the Authorization credentials for `realm` against `passwd` (flag 1: `passwd` is HA1; flag 32: a
     * failure does not spend the nonce-count). 1 ok; -1 error (also a nonce not ours); -2 wrong password; -4
     * stale nonce; -5 no credentials for the realm; -6 nonce reused.
     */
    'pv-www-authenticate': { params: [['realm', 'string'], ['passwd', 'string'], ['flag-bits', 's32']], result: 's32' },
    /** `pv-www-authenticate` on the Proxy-Authorization credentials. */
    'pv-proxy-authenticate': { params: [['realm', 'string'], ['passwd', 'string'], ['flag-bits', 's32']], result: 's32' },
    /**
     * `pv-www-authenticate` for a REGISTER, `pv-proxy-authenticate` otherwise; `checks` 1: the auth user must
     * be the To user (REGISTER) or the From user (others), else -8.
     */
    'pv-auth-check': { params: [['realm', 'string'], ['passwd', 'string'], ['flag-bits', 's32'], ['checks', 's32']], result: 's32' },
    /**
     * The algorithm the challenges of this message offer ("MD5" or "SHA-256"), over the configuration
     * (Kamailio's sets it for the process). 1, or -1 for an algorithm the server does not verify.
     */
    'auth-algorithm': { params: [['algorithm', 'string']], result: 's32' },
  },
  /**
   * Subscribers and their passwords (Kamailio's `auth_db` module): the checks of `auth` against the tenant's
   * subscriber table, provisioned with `kemi-wasm subscriber` or the admin API. `table` ("subscriber") names
   * a table within the script's tenant, never another tenant's.
   */
  'auth-db': {
    /**
     * Check the credentials of the request (Authorization for REGISTER, else Proxy-Authorization) for `realm`
     * against `table`. `flag-bits` 1: the auth user must be the From user (REGISTER and PUBLISH: From and To;
     * PUBLISH also the R-URI), 2 with 1: INVITE, BYE, PRACK, UPDATE and MESSAGE are not checked. 1 ok; -1
     * error; -2 wrong password; -3 unknown user; -4 stale nonce; -5 no credentials; -6 nonce reused; -8 auth
     * user differs from From/To. ACK and CANCEL: 1. Sets $au and $ar.
     */
    'auth-check': { params: [['realm', 'string'], ['table', 'string'], ['flag-bits', 's32']], result: 's32' },
    /** 1 if the user (and with flag 1 the domain) of `uri` is a subscriber of `table`, else -1. */
    'is-subscriber': { params: [['uri', 'string'], ['table', 'string'], ['flag-bits', 's32']], result: 's32' },
    /** Check the Authorization credentials; codes as `auth-check`. */
    'www-authenticate': { params: [['realm', 'string'], ['table', 'string']], result: 's32' },
    /** Check the Proxy-Authorization credentials; codes as `auth-check`. */
    'proxy-authenticate': { params: [['realm', 'string'], ['table', 'string']], result: 's32' },
  },
  /**
   * NAT traversal helpers (Kamailio's `nathelper` module). Private addresses are RFC 1918's, 100.64.0.0/10
   * (RFC 6598) and 192.0.0.0/29 (Kamailio's default `nat_addr_mode` 1); IPv6 addresses are never private. The
   * Contact functions change the first Contact's URI, and only once per message: a second call of
   * `fix-nated-contact`, `set-contact-alias` or `add-contact-alias*` answers -1, as Kamailio's. Edits keep
   * the message within its limits (message-budget.ts). The server pings registered contacts itself
   * (`[nathelper] natping_interval`, README). Differences from Kamailio 5.6 in the keepalive: a round pings
   * its bindings at once (Kamailio spreads them over the interval), at most `max_pings_per_interval` per
   * tenant; a binding's Path is not followed; `keepalive_timeout` removes only SIP-pinged bindings; the SIP
   * ping's From and To are in angle brackets (Kamailio writes them bare); `natping_socket`, `force_socket`,
   * `udpping_from_path` and `natping_processes` are absent. The functions' differences are in the table
   * below.
   */
  'nathelper': {
    /**
     * 1 if one of the tests in `flag-bits` holds, else -1. Bits: 1 the Contact's host is a private address, 2
     * the source address differs from the top Via's host, 4 the top Via's host is private, 8 the SDP's c=
     * address is private, 16 the source port differs from the top Via's port (5060 when absent), 32 the
     * source address is private, 64 the request came over WebSocket.
     */
    'nat-uac-test': { params: [['flag-bits', 's32']], result: 's32' },
    /**
     * Replace host and port of the first Contact's URI with the source address and port (a maddr parameter is
     * removed). 1, or -1 (no Contact, or the Contact was changed before).
     */
    'fix-nated-contact': { params: [], result: 's32' },
    /**
     * Keep the source address as `$avp(RECEIVED)` (Kamailio's `received_avp` of its basic cfg): `save` stores
     * it as the binding's received address, where `lookup` then sends. 1, or -1.
     */
    'fix-nated-register': { params: [], result: 's32' },
    /**
     * Add `;alias=ip~port~proto` (the source; proto 1 UDP, 2 TCP, 3 TLS, 5 WS, 6 WSS) to the first Contact's
     * URI. 1, or -1.
     */
    'set-contact-alias': { params: [], result: 's32' },
    /**
     * `set-contact-alias` unless the Contact's host and port are the source already (2); the Contact is put
     * in angle brackets when it has none. 1 added, 2 not needed (or no Contact), -1 error.
     */
    'add-contact-alias': { params: [], result: 's32' },
    /**
     * `add-contact-alias` with the address given: `ip`, `port` (1..65535) and `proto` ("udp", "tcp", "tls",
     * "sctp", "ws", "wss"). 1, or -1 for a value that is not one of these.
     */
    'add-contact-alias-addr': { params: [['ip', 'string'], ['port', 'string'], ['proto', 'string']], result: 's32' },
    /**
     * If the R-URI has an alias parameter: set `$du` to its address and remove it from the R-URI. 1 done, 2
     * no alias parameter, -1 a malformed one.
     */
    'handle-ruri-alias': { params: [], result: 's32' },
    /**
     * Add the source address as `received` to every Contact: `flag-bits` 0 as a header parameter in quotes
     * (`;received="sip:ip:port"`), 1 as a URI parameter (UDP only, else -1). 1, or -1.
     */
    'add-rcv-param': { params: [['flag-bits', 's32']], result: 's32' },
    /** 1 if `ip` is a private IPv4 address, else -1. */
    'is-rfc1918': { params: [['ip', 'string']], result: 's32' },
    /**
     * Rewrite the SDP for a NATed UA, `mode` bits: 1 add `a=direction:active` to each media, 2 the c=
     * addresses (and a=rtcp), 4 add `a=nortpproxy:yes`, 8 the o= address (and a=rtcp). The new address is the
     * source address; each one replaced is kept as `a=oldmediaip:`. 1 changed, 2 nothing to change, -1 no
     * body or a malformed line.
     */
    'fix-nated-sdp': { params: [['mode', 's32']], result: 's32' },
    /** `fix-nated-sdp` with the new address `ip` (the source address when empty). */
    'fix-nated-sdp-ip': { params: [['mode', 's32'], ['ip', 'string']], result: 's32' },
  },
  /**
   * The media relay (Kamailio's `rtpengine` module): the SDP of the message is sent to an rtpengine of
   * `[rtpengine] instances` over its ng protocol and replaced by the one it answers, so media flows through
   * the relay. `options` is Kamailio's `flags` parameter (a WIT keyword), its flag strings: "replace-origin
   * replace-session-connection ICE=remove RTP/AVP direction=external trust-address". The call does not block:
   * 1 says the command went to an instance, and the message is held until rtpengine answered (if every
   * instance failed, it goes on unchanged); -1: no instance enabled, no SDP where one is needed, or bad flags
   * (docs/ksr-api.md).
   */
  'rtpengine': {
    /**
     * Offer for an INVITE/UPDATE with SDP, answer for an ACK with SDP and for a 1xx/2xx with SDP (an offer
     * when the INVITE had none), delete for CANCEL, BYE and a reply >= 300 to an INVITE. 1, or -1.
     */
    'rtpengine-manage': { params: [['options', 'string']], result: 's32' },
    /** The offer of the message's SDP. 1, or -1. */
    'rtpengine-offer': { params: [['options', 'string']], result: 's32' },
    /** The answer of the message's SDP. 1, or -1. */
    'rtpengine-answer': { params: [['options', 'string']], result: 's32' },
    /** Ends the call (or the from-tag's/to-tag's branch of it) on the relay. 1, or -1. */
    'rtpengine-delete': { params: [['options', 'string']], result: 's32' },
    /** Asks the relay about the call (its statistics are logged at debug level). 1, or -1. */
    'rtpengine-query': { params: [['options', 'string']], result: 's32' },
  },
  /**
   * Text operations on the message (Kamailio's `textops` module). Patterns are POSIX extended expressions as
   * Kamailio compiles them (case-insensitive, `.` and `^`/`$` within a line; `subst` takes its own flags),
   * run in linear time: backreferences and lookaround are refused (-1), as are patterns over 256 bytes. Edits
   * apply at once (Kamailio's apply when the message is sent: see `textopsx.msg-apply-changes`) and are
   * bounded as `hdr`'s: Via and Content-Length belong to the server, Max-Forwards may only go down, and an
   * edit that would take the message past `max_header_fields` or `max_message_bytes` is refused whole.
   */
  'textops': {
    /** 1 if a header named `hname` exists (any case, compact form too), -1 if not. */
    'is-present-hf': { params: [['hname', 'string']], result: 's32' },
    /** 1 if a header name matches the pattern `ematch`, -1 if not. */
    'is-present-hf-re': { params: [['ematch', 'string']], result: 's32' },
    /** 1 if the pattern matches the message (start line, headers and body), -1 if not. */
    'search': { params: [['sre', 'string']], result: 's32' },
    /** 1 if the pattern matches the body, -1 if not or there is no body. */
    'search-body': { params: [['sre', 'string']], result: 's32' },
    /**
     * Apply "/regex/replacement/flags" (flags i, s, g; \0-\9, \u and $pv in the replacement) to the header
     * lines and the body, not the start line; 1 if something was replaced, -1 if nothing matched or refused.
     */
    'subst': { params: [['subst', 'string']], result: 's32' },
    /** `subst` on the Request-URI, which it sets; 1 if replaced, -1 if not. */
    'subst-uri': { params: [['subst', 'string']], result: 's32' },
    /** `subst` on the body only (Content-Length follows); 1 if replaced, -1 if not. */
    'subst-body': { params: [['subst', 'string']], result: 's32' },
    /** Remove every header whose name matches the pattern; 1 if one was removed, -1 if none. */
    'remove-hf-re': { params: [['ematch', 'string']], result: 's32' },
    /** 1 if the message has a body (Content-Length above 0), -1 if not. */
    'has-body': { params: [], result: 's32' },
    /** `has-body`, and its Content-Type (application/sdp when absent) is `ctype` ("type/subtype"). */
    'has-body-type': { params: [['ctype', 'string']], result: 's32' },
    /**
     * Replace the body with `nb` and Content-Type with `nc`; -1 when either is empty or the message would
     * exceed its limits.
     */
    'set-body': { params: [['nb', 'string'], ['nc', 'string']], result: 's32' },
    /** The body (and its Content-Type) of the reply the server generates for this request, sl or tm. */
    'set-reply-body': { params: [['nb', 'string'], ['nc', 'string']], result: 's32' },
  },
  /** More text operations (Kamailio's `textopsx` module). */
  'textopsx': {
    /**
     * Kamailio applies the pending edits to the message buffer here. Edits apply at once in kemi-wasm, so
     * this only answers as Kamailio: 1 in a request route or for a reply, -1 in another route.
     */
    'msg-apply-changes': { params: [], result: 's32' },
    /** Remove the body (Content-Length 0, Content-Type dropped); 1. */
    'remove-body': { params: [], result: 's32' },
  },
  /**
   * Accounting (Kamailio's `acc` module). Transactions whose request carries the tenant's accounting flags
   * (its `[acc]` settings: db_flag, db_missed_flag, failed_transaction_flag ...) are recorded when they send
   * their reply, into the tenant's `acc` and `missed_calls` tables (`kemi-wasm acc`, the admin API), with the
   * `db_extra` columns evaluated on the request then. A tenant keeps `acc.max_rows_per_tenant` records at
   * most; more are refused and counted. Difference from Kamailio 5.6: a missed call is recorded once, with
   * the final reply (Kamailio: at the first failed branch, before the failure route runs).
   */
  'acc': {
    /**
     * Record the current request in `table` (and log it): code and reason from `comment` ("200 OK"; without
     * three leading digits the whole comment is the reason). 1; -1 for an empty comment or table, a comment
     * holding a pseudo-variable (as Kamailio's KEMI), a table name that is not 1-64 letters, digits or _, or
     * a record refused by the cap.
     */
    'acc-request': { params: [['comment', 'string'], ['table', 'string']], result: 's32' },
  },
  /**
   * Dialog tracking (Kamailio's `dialog` module): calls the script asked to follow with `dlg-manage`, their
   * state (unconfirmed, early, confirmed, deleted), variables, flags and profiles. A dialog belongs to the
   * tenant and finishes on the module version that created it; a tenant holds `dialog.max_dialogs` at most.
   * Profiles must be declared in the config (`dialog.profiles_with_value`, `dialog.profiles_no_value`). "The
   * dialog" of a function is the message's: made by `dlg-manage` in this route, matched for an in-dialog
   * request, or chosen by `dlg-get`.
   */
  'dialog': {
    /**
     * Track the call: an initial INVITE gets a new dialog, an in-dialog request updates its dialog. 1, or -1
     * (not a request route, not an INVITE, the tenant holds its maximum of dialogs).
     */
    'dlg-manage': { params: [], result: 's32' },
    /** 1 if the message belongs to a tracked dialog, else -1. */
    'is-known-dlg': { params: [], result: 's32' },
    /**
     * Set the dialog's lifetime in seconds (restarts the timer of a confirmed dialog). 1, or -1 (no dialog).
     */
    'dlg-set-timeout': { params: [['timeout', 's32']], result: 's32' },
    /**
     * Send BYE to "caller", "callee" or (any other value) both sides of the dialog, from this server with
     * CSeq + 1 over the route set; the dialog then ends. 1, or -1.
     */
    'dlg-bye': { params: [['side', 'string']], result: 's32' },
    /** Make the dialog of Call-ID and tags the one later functions act on. 1, or -1 (none such). */
    'dlg-get': { params: [['callid', 'string'], ['ftag', 'string'], ['ttag', 'string']], result: 's32' },
    /** Set a variable of the dialog of Call-ID and tags. 1, or -1. */
    'dlg-set-var': { params: [['callid', 'string'], ['ftag', 'string'], ['ttag', 'string'], ['key', 'string'], ['value', 'string']], result: 's32' },
    /** A variable of the dialog of Call-ID and tags, or none. */
    'dlg-get-var': { params: [['callid', 'string'], ['ftag', 'string'], ['ttag', 'string'], ['key', 'string']], result: 'option<string>' },
    /** Set a variable of the dialog (`$dlg_var(name)`). 1, or -1 (no dialog). */
    'var-sets': { params: [['name', 'string'], ['value', 'string']], result: 's32' },
    /** A variable of the dialog, or none. */
    'var-get': { params: [['name', 'string']], result: 'option<string>' },
    /** A variable of the dialog, or "". */
    'var-gete': { params: [['name', 'string']], result: 'string' },
    /** Remove a variable of the dialog. 1, or -1 (no dialog). */
    'var-rm': { params: [['name', 'string']], result: 's32' },
    /** 1 if the variable is absent (or there is no dialog), -1 if it is set. */
    'var-is-null': { params: [['name', 'string']], result: 's32' },
    /** Set dialog flag 0..31 (kept for the dialog dlg-manage makes later in the route). 1, or -1. */
    'dlg-setflag': { params: [['flag', 's32']], result: 's32' },
    /** Reset dialog flag 0..31. 1, or -1. */
    'dlg-resetflag': { params: [['flag', 's32']], result: 's32' },
    /** 1 if dialog flag 0..31 is set, else -1. */
    'dlg-isflagset': { params: [['flag', 's32']], result: 's32' },
    /**
     * Add the dialog to a profile with a value (before dlg-manage in a request route: once it is made). 1, or
     * -1 (undeclared profile, empty value for a profile with values, no dialog).
     */
    'set-dlg-profile': { params: [['profile', 'string'], ['value', 'string']], result: 's32' },
    /** Add the dialog to a profile without value. 1, or -1. */
    'set-dlg-profile-static': { params: [['profile', 'string']], result: 's32' },
    /** Remove the dialog from a profile with that value. 1, or -1 (not in it, no dialog). */
    'unset-dlg-profile': { params: [['profile', 'string'], ['value', 'string']], result: 's32' },
    /** Remove the dialog from a profile without value. 1, or -1. */
    'unset-dlg-profile-static': { params: [['profile', 'string']], result: 's32' },
    /** 1 if the dialog is in the profile with that value, else -1. */
    'is-in-profile': { params: [['profile', 'string'], ['value', 'string']], result: 's32' },
    /** 1 if the dialog is in the profile (with any value), else -1. */
    'is-in-profile-static': { params: [['profile', 'string']], result: 's32' },
    /**
     * Store in `pv` (`$var(name)` or `$avp(name)`) the number of the tenant's dialogs in the profile with
     * that value. 1, or -1 (undeclared profile, empty value for a profile with values, bad pv).
     */
    'get-profile-size': { params: [['profile', 'string'], ['value', 'string'], ['pv', 'string']], result: 's32' },
    /**
     * Store in `pv` the number of the tenant's dialogs in a profile without value. 1, or -1 (also for a
     * profile with values, as Kamailio).
     */
    'get-profile-size-static': { params: [['profile', 'string'], ['pv', 'string']], result: 's32' },
  },
  /**
   * Load balancing and failover over destination sets (Kamailio's `dispatcher` module). Each tenant has its
   * own sets: from its `[tenants.dispatcher]` config and from the admin API (`kemi-wasm dispatcher`); a
   * script reaches only its tenant's sets. A destination has Kamailio's state flags (1 inactive, 2 trying, 4
   * disabled, 8 probing), priority (a set lists higher priorities first, equal ones last line first, as
   * Kamailio) and attributes (`duid`, `weight`, `rweight`, `maxload`, `socket`). Algorithms: 0 Call-ID hash,
   * 1 From URI hash, 2 To URI hash, 3 R-URI hash (the hashes are Kamailio's: the same message picks the same
   * destination), 4 round robin, 6 random, 8 first by priority, 9 weight, 10 call load (least loaded by
   * `duid`, at most `maxload` calls), 11 relative weight; others use the first active destination. With the
   * `flags` parameter's bit 2 (failover, Kamailio's DS_FAILOVER_ON) the other active destinations of the set
   * are kept with the transaction for `ds-next-dst` in a failure route.
   */
  'dispatcher': {
    /**
     * Select a destination of `set` with algorithm `alg` and set it as `$du` (the outbound proxy). 1, or -1
     * (no such set, no active destination, `$du` already set with `force_dst` 0, alg 10 on a full set).
     */
    'ds-select-dst': { params: [['set', 's32'], ['alg', 's32']], result: 's32' },
    /** `ds-select-dst` keeping at most `limit` destinations for failover (0: all). */
    'ds-select-dst-limit': { params: [['set', 's32'], ['alg', 's32'], ['limit', 's32']], result: 's32' },
    /** As `ds-select-dst`, writing the destination's host:port into the R-URI (its user kept). 1, or -1. */
    'ds-select-domain': { params: [['set', 's32'], ['alg', 's32']], result: 's32' },
    /** `ds-select-domain` keeping at most `limit` destinations for failover (0: all). */
    'ds-select-domain-limit': { params: [['set', 's32'], ['alg', 's32'], ['limit', 's32']], result: 's32' },
    /** As `ds-select-dst` without touching `$du` or the R-URI: only the failover list is filled. 1, or -1. */
    'ds-select': { params: [['set', 's32'], ['alg', 's32']], result: 's32' },
    /** `ds-select` keeping at most `limit` destinations (0: all). */
    'ds-select-limit': { params: [['set', 's32'], ['alg', 's32'], ['limit', 's32']], result: 's32' },
    /**
     * Drop the current destination of the failover list and set `$du` to the next one. 1, or -1 (none left,
     * failover off).
     */
    'ds-next-dst': { params: [], result: 's32' },
    /** As `ds-next-dst`, writing the R-URI's host:port. 1, or -1. */
    'ds-next-domain': { params: [], result: 's32' },
    /** Set `$du` to the current destination of the failover list. 1, or -1. */
    'ds-set-dst': { params: [], result: 's32' },
    /** Write the current destination of the failover list into the R-URI's host:port. 1, or -1. */
    'ds-set-domain': { params: [], result: 's32' },
    /** Mark the current destination inactive (and probing with `ds_probing_mode` 1). 1, or -1. */
    'ds-mark-dst': { params: [], result: 's32' },
    /**
     * Mark the current destination with `state`: letters a (active), i (inactive), t (trying), d (disabled),
     * p (probing). 1, or -1 (bad letters, failover off, no current destination).
     */
    'ds-mark-dst-state': { params: [['state', 'string']], result: 's32' },
    /**
     * 1 if the source address and port ($si, $sp) are those of a destination of any set (any transport), else
     * -1.
     */
    'ds-is-from-lists': { params: [], result: 's32' },
    /** 1 if the source address and port are those of a destination of `set` (-1: any set), else -1. */
    'ds-is-from-list': { params: [['set', 's32']], result: 's32' },
    /**
     * As `ds-is-from-list` with Kamailio's match `mode` bits: 1 ignore the port, 2 ignore the transport, 4
     * only active destinations.
     */
    'ds-is-from-list-mode': { params: [['set', 's32'], ['mode', 's32']], result: 's32' },
    /** As `ds-is-from-list-mode` for the address, port and transport of `uri` instead of the source. */
    'ds-is-from-list-uri': { params: [['set', 's32'], ['mode', 's32'], ['uri', 'string']], result: 's32' },
    /** 1 if the tenant has destination set `set`, else -1. */
    'ds-list-exists': { params: [['set', 's32']], result: 's32' },
    /** 1 if `set` has an active destination, else -1. */
    'ds-is-active': { params: [['set', 's32']], result: 's32' },
    /** 1 if `uri` is an active destination of `set`, else -1. */
    'ds-is-active-uri': { params: [['set', 's32'], ['uri', 'string']], result: 's32' },
    /**
     * Call load (alg 10): a BYE or CANCEL frees the call's slot, a 2xx to its INVITE confirms it. 0, as
     * Kamailio's KEMI export returns.
     */
    'ds-load-update': { params: [], result: 's32' },
    /**
     * Call load (alg 10), for a failure route: free the slot of the message's call. 0 freed (or an INVITE
     * whose current destination took no slot), -1 the call holds no slot.
     */
    'ds-load-unset': { params: [], result: 's32' },
  },
  /**
   * Message capture (Kamailio's `siptrace` module) to the server's HEP collector (config `trace.hep`) and the
   * tenant's recent-trace store (admin API `GET /v1/tenants/:tenant/trace`). The collector is the operator's:
   * a script cannot name another destination (Kamailio's sip_trace_dst*, which would let a script send copies
   * of traffic to any address, are not offered).
   */
  'siptrace': {
    /**
     * Capture the current message as received. 1; -1 when the server keeps no trace (no collector and no
     * store) or there is no received message (a route run by a timer).
     */
    'sip-trace': { params: [], result: 's32' },
    /**
     * Capture by `mode`: "m" the current message; "t" the current message and every later message of its
     * transaction (same Call-ID and CSeq number, so its ACK and CANCEL too), received and sent; "d" (dialog)
     * traces the current message only, as Kamailio does without its dialog module. Another or empty mode is
     * "m". Return codes as `sip-trace`.
     */
    'sip-trace-mode': { params: [['mode', 'string']], result: 's32' },
  },
} as const satisfies Record<string, Record<string, KsrSignature>>;
