// Generated from wit/ksr.wit by scripts/gen-ksr-bindings.ts (npm run gen). Do not edit.
/**
 * Core KEMI functions (Kamailio's `KSR.*`): method tests, local address checks, flags, URI setters, logging.
 */
export declare namespace KSR {
  /**
   * True if the message's method (CSeq method for replies) equals `method` (case-insensitive), or, for a list
   * of standard methods separated by `|` ("INVITE|BYE"), is one of them.
   */
  function is_method(method: string): boolean;
  /**
   * True if the method is one of the letters (either case): I INVITE, A ACK, B BYE, C CANCEL, R REGISTER, M
   * MESSAGE, O OPTIONS, S SUBSCRIBE, P PUBLISH, N NOTIFY, U UPDATE, E PRACK, F REFER, K KDMQ, G GET, T POST,
   * V PUT, D DELETE (Kamailio's letters; INFO has none). Other methods never match.
   */
  function is_method_in(methods: string): boolean;
  /** The method (CSeq method for replies) is INVITE. */
  function is_INVITE(): boolean;
  /** The method is ACK. */
  function is_ACK(): boolean;
  /** The method is BYE. */
  function is_BYE(): boolean;
  /** The method is CANCEL. */
  function is_CANCEL(): boolean;
  /** The method is REGISTER. */
  function is_REGISTER(): boolean;
  /** The method is OPTIONS. */
  function is_OPTIONS(): boolean;
  /** The method is SUBSCRIBE. */
  function is_SUBSCRIBE(): boolean;
  /** The method is PUBLISH. */
  function is_PUBLISH(): boolean;
  /** The method is NOTIFY. */
  function is_NOTIFY(): boolean;
  /** The method is REFER. */
  function is_REFER(): boolean;
  /** The method is INFO. */
  function is_INFO(): boolean;
  /** The method is UPDATE. */
  function is_UPDATE(): boolean;
  /** The method is PRACK. */
  function is_PRACK(): boolean;
  /** The method is MESSAGE. */
  function is_MESSAGE(): boolean;
  /** The method is KDMQ. */
  function is_KDMQ(): boolean;
  /** The method is GET. */
  function is_GET(): boolean;
  /** The method is POST. */
  function is_POST(): boolean;
  /** The method is PUT. */
  function is_PUT(): boolean;
  /** The method is DELETE. */
  function is_DELETE(): boolean;
  /** The message arrived over UDP. */
  function is_UDP(): boolean;
  /** The message arrived over TCP. */
  function is_TCP(): boolean;
  /** The message arrived over TLS (a `tls:` listener). */
  function is_TLS(): boolean;
  /** The message arrived over SCTP (never). */
  function is_SCTP(): boolean;
  /** The message arrived over WebSocket (a `ws:` listener). */
  function is_WS(): boolean;
  /** The message arrived over secure WebSocket (a `wss:` listener). */
  function is_WSS(): boolean;
  /** The message arrived over WebSocket, secure or not. */
  function is_WSX(): boolean;
  /**
   * The message arrived over one of the protocols given by letter: u UDP, t TCP, e TLS, s SCTP, v WS, w WSS.
   */
  function is_proto(protos: string): boolean;
  /** The message arrived on an IPv4 address. */
  function is_ipv4(): boolean;
  /** The message arrived on an IPv6 address. */
  function is_ipv6(): boolean;
  /** The message came from source port `port`. */
  function is_src_port(port: number): boolean;
  /** The message arrived on local port `port`. */
  function is_dst_port(port: number): boolean;
  /**
   * The next hop's URI (`$du`, else the R-URI; for a reply, the second Via) says transport=udp. Like
   * Kamailio, a URI without a transport parameter matches none of the `to-*` protocol tests.
   */
  function to_UDP(): boolean;
  /** The next hop's URI says transport=tcp (a reply: the second Via is TCP). */
  function to_TCP(): boolean;
  /** The next hop's URI says transport=tls. */
  function to_TLS(): boolean;
  /** The next hop's URI says transport=sctp. */
  function to_SCTP(): boolean;
  /** The next hop's URI says transport=ws. */
  function to_WS(): boolean;
  /** The next hop's URI says transport=wss. */
  function to_WSS(): boolean;
  /** The next hop's URI says transport=ws or wss. */
  function to_WSX(): boolean;
  /** The next hop's host is an IPv4 address (a reply: the second Via's received, else its host). */
  function to_ipv4(): boolean;
  /** The next hop's host is an IPv6 address. */
  function to_ipv6(): boolean;
  /** True if the host and port of `uri` are one of the server's listen addresses or configured domains. */
  function is_myself(uri: string): boolean;
  /** `is-myself` on the request URI. */
  function is_myself_ruri(): boolean;
  /** `is-myself` on the From URI. */
  function is_myself_furi(): boolean;
  /** `is-myself` on the To URI. */
  function is_myself_turi(): boolean;
  /** True if the source IP is one of the server's listen addresses. */
  function is_myself_srcip(): boolean;
  /** Set message flag `flag` (0..31); false if out of range. */
  function setflag(flag: number): boolean;
  /** Reset message flag `flag` (0..31). */
  function resetflag(flag: number): boolean;
  /** True if message flag `flag` is set. */
  function isflagset(flag: number): boolean;
  /** Set branch flag `flag` (0..31) of the current branch. */
  function setbflag(flag: number): boolean;
  /** Reset branch flag `flag` of the current branch. */
  function resetbflag(flag: number): boolean;
  /** True if branch flag `flag` of the current branch is set. */
  function isbflagset(flag: number): boolean;
  /** Replace the request URI; false if `uri` does not parse. */
  function seturi(uri: string): boolean;
  /** Replace the user part of the request URI. */
  function setuser(user: string): boolean;
  /** Replace the host part of the request URI. */
  function sethost(host: string): boolean;
  /** Set the destination URI ($du, outbound proxy); false if `uri` does not parse. */
  function setdsturi(uri: string): boolean;
  /** Clear the destination URI. */
  function resetdsturi(): boolean;
  /** True if a destination URI is set. */
  function isdsturiset(): boolean;
  /** Add `rport` to the top Via of the request and send replies to the source port (RFC 3581). */
  function force_rport(): boolean;
  /**
   * Replies to this request never open a new TCP connection: they go over an open connection to the request's
   * source, or are not sent (Kamailio's SND_F_FORCE_CON_REUSE). A transaction takes the setting when it is
   * made, so call it before `tm.t-newtran`/`tm.t-relay`. Always true.
   */
  function set_reply_no_connect(): boolean;
  /** Mark the message to be dropped when the route returns; unlike `x.drop` the route goes on. */
  function set_drop(): void;
  /** Log `msg` at `level` ("dbg", "info", "notice", "warn", "err", "crit"; anything else logs as "err"). */
  function log(level: string, msg: string): void;
  /** Log at debug level. */
  function dbg(msg: string): void;
  /** Log at info level. */
  function info(msg: string): void;
  /** Log at notice level. */
  function notice(msg: string): void;
  /** Log at warning level. */
  function warn(msg: string): void;
  /** Log at error level. */
  function err(msg: string): void;
  /** Log at critical level. */
  function crit(msg: string): void;

  /**
   * Control flow (Kamailio's `KSR.x`). After either call every further action of the route is ignored: the
   * guest should return from the route right away.
   */
  namespace x {
    /** Stop the route; what it already did (a reply sent, a relay started) stands. */
    function exit(): void;
    /** Stop the route and drop the message: a request is not forwarded, a reply is not passed upstream. */
    function drop(): void;
  }

  /**
   * Pseudo-variables (Kamailio's `KSR.pv`): `$ru`, `$fU`, `$hdr(Name)`, `$var(x)` ... by their Kamailio
   * names. An unknown or malformed name is logged as an error naming it; reads then give none, writes do
   * nothing.
   */
  namespace pv {
    /** The value, or none for `$null`. Integer variables are given in decimal. */
    function get(name: string): string | null;
    /** The value, or "" for `$null`. */
    function gete(name: string): string;
    /** The value as an integer, or `vn` for `$null` or a value that is not an integer. */
    function getvn(name: string, vn: number): number;
    /** The value, or `vs` for `$null`. */
    function getvs(name: string, vs: string): string;
    /** The value, or "<<null>>" for `$null`. */
    function getw(name: string): string;
    /**
     * The value as an integer: 0 for `$null`; for a string, its sign and leading digits ("12ab" gives 12,
     * "ab" 0), held at the s32 bounds (Kamailio's str2sint).
     */
    function geti(name: string): number;
    /** Assign a string to a writable variable. */
    function sets(name: string, value: string): void;
    /** Assign an integer to a writable variable. */
    function seti(name: string, value: number): void;
    /** Set a variable to `$null` (for `$du`: clear the destination URI). */
    function unset(name: string): void;
    /** True if the variable is `$null`. */
    function is_null(name: string): boolean;
  }

  /**
   * Header operations (Kamailio's `KSR.hdr`). `hdrval` is a whole header line, "Name: value", with or without
   * the trailing CRLF. Names match case-insensitively and in compact form. The lines of one `hdrval` are
   * added all or none: -1, and nothing changed, when one is malformed or when they would take the message
   * (for `append-to-reply`, the reply) past the server's `max_header_fields` or `max_message_bytes`, as
   * Kamailio refuses a message over BUF_SIZE.
   */
  namespace hdr {
    /** Add the header after the last header; 1 on success, -1 on a malformed line. */
    function append(hdrval: string): number;
    /** Add the header after the first header named `hname`; -1 if there is none. */
    function append_after(hdrval: string, hname: string): number;
    /** Add the header before the first header. */
    function insert(hdrval: string): number;
    /** Add the header before the first header named `hname`; -1 if there is none. */
    function insert_before(hdrval: string, hname: string): number;
    /** Remove every header named `hname`; the number removed, or -1 if none. */
    function remove(hname: string): number;
    /** Remove every header named `hname`, then append `hdrval`. */
    function rmappend(hname: string, hdrval: string): number;
    /** Remove every header named `hname`, then insert `hdrval`. */
    function rminsert(hname: string, hdrval: string): number;
    /** 1 if a header named `hname` exists, -1 if not. */
    function is_present(hname: string): number;
    /** The body of the first header named `hname`. */
    function get(hname: string): string | null;
    /** The body of the first header named `hname`, or "" when there is none. */
    function gete(hname: string): string;
    /** The body of the first header named `hname`, or "<<null>>" when there is none. */
    function getw(hname: string): string;
    /** The body of the header named `hname` at `idx` (0 first, -1 last). */
    function get_idx(hname: string, idx: number): string | null;
    /** `get-idx`, or "" when there is no such header. */
    function gete_idx(hname: string, idx: number): string;
    /** `get-idx`, or "<<null>>" when there is no such header. */
    function getw_idx(hname: string, idx: number): string;
    /** Add a header to the reply the server will generate for this request (sl or tm). */
    function append_to_reply(hdrval: string): number;
  }

  /** Stateless replies (Kamailio's `sl` module). */
  namespace sl {
    /** Send a reply without creating a transaction; 1 on success, -1 on failure. */
    function sl_send_reply(code: number, reason: string): number;
    /** Reply statefully if a transaction exists for the request, else statelessly. */
    function send_reply(code: number, reason: string): number;
    /**
     * Send the reply for the last internal error as Kamailio's err2reason_phrase words it: a failed relay's
     * code (-477 gives 477, -478 478, -479 479, -487 487, -12 500, -510 403 Destination Not Allowed, others
     * 500), with the reason "text (N/SL)"; 500 without one.
     */
    function sl_reply_error(): number;
  }

  /** Max-Forwards handling (Kamailio's `maxfwd` module). */
  namespace maxfwd {
    /**
     * Add Max-Forwards with `limit` (0..255) if absent, else decrement it after capping it at the server's
     * `maxfwd.max_limit` (70: a received 70 becomes 69). 2 when added, 1 when decremented, -1 when it was
     * already 0 (the route should reply 483) or `limit` is out of range, -2 when malformed.
     */
    function process_maxfwd(limit: number): number;
    /**
     * 1 if Max-Forwards is lower than `limit`, -1 if not (or `limit` is not 0..255), -2 if absent, -3 if
     * malformed.
     */
    function is_maxfwd_lt(limit: number): number;
  }

  /** SIP helpers (Kamailio's `siputils` module). 1 means true, -1 false. */
  namespace siputils {
    /** To header has a tag: the request is within a dialog. */
    function has_totag(): number;
    /** The message is a request. */
    function is_request(): number;
    /** The message is a reply. */
    function is_reply(): number;
    /** The request has a single Via: it comes straight from the UA. */
    function is_first_hop(): number;
    /** The user of `uri` is an E.164 number (+ and 2 to 15 digits). */
    function is_uri_user_e164(uri: string): number;
    /** `number` is an E.164 number. */
    function is_e164(number: string): number;
    /** The request URI has parameter `name`. */
    function uri_param(name: string): number;
    /** The request URI has parameter `name` equal to `value`. */
    function uri_param_value(name: string, value: string): number;
    /** Append `param` ("name" or "name=value") to the request URI's parameters. */
    function add_uri_param(param: string): number;
    /** The two URIs are equal by RFC 3261 19.1.4. */
    function cmp_uri(uri1: string, uri2: string): number;
    /** The two URIs have the same user and host. */
    function cmp_aor(uri1: string, uri2: string): number;
  }

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
  namespace sanity {
    /** Run the given checks; 1 if the message passes. */
    function sanity_check(msg_checks: number, uri_checks: number): number;
    /** Run Kamailio's default checks (msg 17895, uri 7). */
    function sanity_check_defaults(): number;
    /**
     * With `sanity.noreply`: send the reply the failed check kept (500 Server Sanity Failure without one). 1
     * (also when there is nothing to do: no noreply, an ACK, a reply), -1 when it could not be sent.
     */
    function sanity_reply(): number;
  }

  /** Formatted logging (Kamailio's `xlog` module): `$ru`, `$ci`, `$var(x)` ... in the text are expanded. */
  namespace xlog {
    /** Log at `level` ("dbg", "info", "notice", "warn", "err", "crit", "alert"). */
    function xlog(level: string, format: string): void;
    function xdbg(format: string): void;
    function xinfo(format: string): void;
    function xnotice(format: string): void;
    function xwarn(format: string): void;
    function xerr(format: string): void;
    function xcrit(format: string): void;
    function xalert(format: string): void;
  }

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
  namespace tm {
    /**
     * Relay statefully to the destination set: the request URI (or `$du`) plus the branches added with
     * `corex.append-branch*`, in parallel. The transaction is created if needed; branches are sent when the
     * route returns. An ACK is forwarded statelessly; a CANCEL of a known INVITE is answered 200 and its
     * pending branches are cancelled (RFC 3261 16.10). In a failure route the request URI's branch counts
     * only if the route changed `$ru` or `$du`. 1 on success, a negative code on failure.
     */
    function t_relay(): number;
    /** `t-relay` with every branch sent to `host`:`port` over `proto` ("udp", "tcp"). */
    function t_relay_to_proto_addr(proto: string, host: string, port: number): number;
    /**
     * Run named route `name` when the transaction ends with a negative final response, before it is sent
     * upstream (a failure route can relay anew or reply). Armed once: set it again in the failure route.
     */
    function t_on_failure(name: string): number;
    /**
     * Run named route `name` for each branch before it is sent (change headers, `$ru`, `$du`; `x.drop`
     * discards the branch).
     */
    function t_on_branch(name: string): number;
    /** Run named route `name` for each reply the transaction receives (`x.drop` drops a provisional one). */
    function t_on_reply(name: string): number;
    /**
     * 1 if the route is set for the transaction: `target` is "failure_route", "branch_route" or
     * "onreply_route"; -1 if not.
     */
    function t_is_set(target: string): number;
    /**
     * For a CANCEL: 1 if the INVITE it cancels has a transaction. For an ACK to a 2xx: 1 if its INVITE
     * transaction is still known. Otherwise -1 (retransmissions and ACKs to negative replies never reach the
     * route: the transaction layer absorbs them).
     */
    function t_check_trans(): number;
    /**
     * Create the transaction of the request (retransmissions are absorbed from now on); 1, -2 when a
     * transaction cap is full (as for `t-relay`), or -1.
     */
    function t_newtran(): number;
    /** Reply statefully (the transaction must exist); 1, or -1. */
    function t_reply(code: number, reason: string): number;
    /** Create the transaction if needed and reply statefully; 1, or -1. */
    function t_send_reply(code: number, reason: string): number;
    /** 1 if the caller cancelled the transaction. */
    function t_is_canceled(): number;
    /** In a failure route: 1 if the failed branch timed out. */
    function t_branch_timeout(): number;
    /** In a failure route: 1 if the failed branch had received a reply before its final one. */
    function t_branch_replied(): number;
    /**
     * 1 if the status matches the regular expression `re`: the current reply in reply routes, the winning
     * reply in a failure route, the last reply sent in the request route.
     */
    function t_check_status(re: string): number;
    /**
     * Set the final response timeouts in ms: `fr-inv` after a provisional reply to an INVITE (timer C), `fr`
     * otherwise (timers B and F); 0 keeps the current value.
     */
    function t_set_fr(fr_inv: number, fr: number): number;
    /** Back to the configured timeouts. */
    function t_reset_fr(): number;
    /** Serial forking: order the destination set by falling q value and keep it for `t-next-contacts`. */
    function t_load_contacts(): number;
    /**
     * Serial forking: make the contacts with the highest remaining q the destination set (the first as
     * request URI). 1, or -2 when none is left.
     */
    function t_next_contacts(): number;
    /**
     * In a failure route, before relaying anew: which earlier replies to drop from the best-response choice,
     * "a" (or "") all (the default), "l" those of the last round of branches, "n" none.
     */
    function t_drop_replies(mode: string): number;
  }

  /** Transaction extensions (Kamailio's `tmx` module). */
  namespace tmx {
    /**
     * In the request route: 1 when another copy of the same transaction's request is still being processed
     * (its route called `t-precheck-trans` and has not returned, or returned and the request is still held,
     * e.g. by an rtpengine command), so this one is a retransmission that came before the transaction
     * existed; -1 otherwise, and always for ACK and CANCEL (not tracked) and outside the request route.
     */
    function t_precheck_trans(): number;
    /** 1 inside a branch route (`tm.t-on-branch`), -1 elsewhere. */
    function t_is_branch_route(): number;
  }

  /** Record-Route and loose routing (Kamailio's `rr` module, RFC 3261 16.4, 16.6, 16.12). */
  namespace rr {
    /**
     * Record-route the request: each branch gets `<sip:ADDR:PORT;lr;ftag=...>` with the listener it leaves
     * from, or two such entries (with `r2=on`) when the transport or interface changes. 1, or -1.
     */
    function record_route(): number;
    /** `record-route` with URI parameters added (";name=value"). */
    function record_route_params(params: string): number;
    /**
     * Record-route with the given addresses ("host[:port][;params]", no scheme); with `addr2` not empty two
     * entries (outbound `addr1`, then inbound `addr2`; add ";r2=on" to both).
     */
    function record_route_preset(addr1: string, addr2: string): number;
    /** Undo `record-route*` for this request. */
    function remove_record_route(): number;
    /**
     * Add URI parameters (";name=value") to this server's Record-Route entries, before or after
     * `record-route`. In a branch route (as `record-route` and `remove-record-route` there) it acts on that
     * branch only.
     */
    function add_rr_param(param: string): number;
    /**
     * Route the request by its Route headers: our own entries are removed, the next one becomes the next hop
     * (`$du` for a loose router). 1 routed (within a dialog), -1 no Route header (or only ours on an initial
     * request), -3 an initial request routed by a preloaded Route set.
     */
    function loose_route(): number;
    /** After `loose-route`: 1 if the parameters of our own Route entry match the regular expression `re`. */
    function check_route_param(re: string): number;
    /**
     * After `loose-route`: 1 if the in-dialog request goes `dir`: "downstream" (sent by the caller) or
     * "upstream" (sent by the callee), by the ftag parameter of our Route entry.
     */
    function is_direction(dir: string): number;
  }

  /** The destination set (Kamailio's `corex` module): more branches for `tm.t-relay`. */
  namespace corex {
    /** Add the request URI (with `$du`, its q and the branch flags) as a new branch; 1, or -1. */
    function append_branch(): number;
    /** Add a branch to `uri`. */
    function append_branch_uri(uri: string): number;
    /** Add a branch to `uri` with q value `q` ("0.5"), for `tm.t-load-contacts`. */
    function append_branch_uri_q(uri: string, q: string): number;
    /** 1 if the request URI has a user part, -1 if not (or for a reply). */
    function has_ruri_user(): number;
  }

  /**
   * Message attributes and configuration values (Kamailio's `KSR.kx`, module kemix). The `get-*` form gives
   * none where Kamailio gives $null, `gete-*` gives "" and `getw-*` "<<null>>". Defines are those of the
   * server configuration (`defines`), Kamailio's `#!define NAME value`.
   */
  namespace kx {
    /** The request URI as the route has it now ($ru); none for a reply. */
    function get_ruri(): string | null;
    /** The user of the request URI ($rU). */
    function get_ruser(): string | null;
    function getw_ruser(): string;
    function gete_ruser(): string;
    /** The host of the request URI ($rd). */
    function get_rhost(): string | null;
    function getw_rhost(): string;
    function gete_rhost(): string;
    /** The request URI as received ($ou). */
    function get_ouri(): string | null;
    /** The From URI ($fu). */
    function get_furi(): string | null;
    /** The user of the From URI ($fU). */
    function get_fuser(): string | null;
    function getw_fuser(): string;
    function gete_fuser(): string;
    /** The host of the From URI ($fd). */
    function get_fhost(): string | null;
    function getw_fhost(): string;
    function gete_fhost(): string;
    /** The To URI ($tu). */
    function get_turi(): string | null;
    /** The user of the To URI ($tU). */
    function get_tuser(): string | null;
    function gete_tuser(): string;
    function getw_tuser(): string;
    /** The host of the To URI ($td). */
    function get_thost(): string | null;
    function gete_thost(): string;
    function getw_thost(): string;
    /** The destination URI ($du). */
    function get_duri(): string | null;
    function gete_duri(): string;
    function getw_duri(): string;
    /** The URI of the first Contact (none for `Contact: *`). */
    function get_cturi(): string | null;
    function gete_cturi(): string;
    function getw_cturi(): string;
    /** The next hop: $du if set, else the request URI. */
    function get_nhuri(): string | null;
    /** The source as a SIP URI: "sip:IP:PORT", with ";transport=tcp" when not UDP. */
    function get_srcuri(): string;
    /** The source as "proto:IP:PORT". */
    function get_srcaddr_sock(): string;
    /** The User-Agent header's body. */
    function get_ua(): string | null;
    function gete_ua(): string;
    function getw_ua(): string;
    /** The source IP address ($si). */
    function get_srcip(): string;
    /** The source port ($sp). */
    function get_srcport(): number;
    /** The local IP address the message arrived on ($Ri). */
    function get_rcvip(): string | null;
    /** The local port the message arrived on ($Rp). */
    function get_rcvport(): number;
    /** The advertised address of the receiving socket; the server advertises none, so `get-rcvip`. */
    function get_rcvadvip(): string | null;
    /** The advertised port of the receiving socket; `get-rcvport`. */
    function get_rcvadvport(): number;
    /** The receiving socket as "proto:IP:PORT". */
    function get_rcvaddr_sock(): string;
    /** The transport the message arrived over, lower case ("udp", "tcp"). */
    function get_proto(): string;
    /** Kamailio's number of that transport: 1 UDP, 2 TCP, 3 TLS, 4 SCTP, 5 WS, 6 WSS. */
    function get_protoid(): number;
    /** The method of a request, the CSeq method of a reply. */
    function get_method(): string | null;
    /** The status of a reply; -1 for a request. */
    function get_status(): number;
    /** The status of a reply as text; none for a request. */
    function gets_status(): string | null;
    /** The message body; none when empty. */
    function get_body(): string | null;
    function getw_body(): string;
    function gete_body(): string;
    /** The length of the body in bytes. */
    function get_bodylen(): number;
    /** The current time in seconds since the epoch. */
    function get_timestamp(): number;
    /** The Call-ID. */
    function get_callid(): string;
    /** The whole message as received (changes the route made are not in it). */
    function get_msgbuf(): string;
    /** The length of the message as received. */
    function get_msglen(): number;
    /** 1 for a request, 2 for a reply. */
    function get_msgtype(): number;
    /** The value of define `name`, or none. */
    function get_def(name: string): string | null;
    /** The value of define `name` as an integer; 0 if absent or not an integer. */
    function get_defn(name: string): number;
    /** True if define `name` exists. */
    function ifdef(name: string): boolean;
    /** True if define `name` does not exist. */
    function ifndef(name: string): boolean;
  }

  /**
   * Hash tables (Kamailio's `htable` module, `KSR.htable`): named tables of string or integer items that
   * outlive a message and a module version. Tables are declared per tenant in the configuration (`htables`);
   * a script reaches only its own tenant's tables, and naming an undeclared one is an error (logged)
   * answering -1. Each table has caps on items, key and value bytes, and may expire items `autoexpire`
   * seconds after their last write. The items are also `$sht(table=>key)` through `pv`.
   */
  namespace htable {
    /** The value of the item, or none when it is absent. Integer items are given in decimal. */
    function sht_get(table: string, key: string): string | null;
    /** The value of the item, or "" when it is absent. */
    function sht_gete(table: string, key: string): string;
    /** Set the item to a string. 1, or -1 (undeclared table, key or value over its cap, table full). */
    function sht_sets(table: string, key: string, value: string): number;
    /** Set the item to an integer. 1, or -1. */
    function sht_seti(table: string, key: string, value: number): number;
    /**
     * Add 1 to an integer item (a missing item starts at the table's `initval`, 0 by default); the new value,
     * or -255 when the table is undeclared, the item holds a string or the table is full.
     */
    function sht_inc(table: string, key: string): number;
    /** Subtract 1 from an integer item, as `sht-inc`. */
    function sht_dec(table: string, key: string): number;
    /** Remove the item. 1 (also when it was absent), or -1 for an undeclared table. */
    function sht_rm(table: string, key: string): number;
    /** 1 if the item is absent, -1 if it is present (or the table undeclared). */
    function sht_is_null(table: string, key: string): number;
    /** Remove every item of the table. 1, or -1. */
    function sht_reset(table: string): number;
    /**
     * Remove the items whose key matches the regular expression `re` (linear-time engine, no backreferences
     * or lookaround, 256 bytes at most). 1, or -1.
     */
    function sht_rm_name_re(table: string, re: string): number;
    /** Remove the string items whose value matches `re`. 1, or -1. */
    function sht_rm_value_re(table: string, re: string): number;
    /**
     * 1 if a key of the table matches `value` by `op`: "eq" equal, "sw" starts with, "re" regular expression;
     * else -1.
     */
    function sht_match_name(table: string, op: string, value: string): number;
  }

  /**
   * REGISTER processing and the location service (Kamailio's `registrar` and `usrloc` modules, RFC 3261
   * 10.3). Bindings live in the server's location store under the script's tenant: `table` ("location") names
   * a set of bindings within the tenant, never another tenant's. An AoR is "user@host" of a sip: or sips: URI
   * (host in lower case; scheme, port and parameters do not count).
   */
  namespace registrar {
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
    function save(table: string, mode: number): number;
    /**
     * The R-URI's AoR: the best binding (highest q, then newest) becomes the R-URI, the others are appended
     * as branches for `tm.t-relay` (parallel) or `tm.t-load-contacts` (serial). Each goes to its Path (as
     * Route set, `$du` its first hop), else its received address (`$du`); `$du` is reset otherwise. With
     * `method_filtering` 1 bindings whose UA does not allow the method are skipped. 1 found, -1 none, -2 only
     * bindings that do not allow the method (Kamailio's scripts reply 405), -3 error.
     */
    function lookup(table: string): number;
    /** `lookup` for the AoR of `uri`; the R-URI is set as for `lookup`. */
    function lookup_uri(table: string, uri: string): number;
    /** 1 if the R-URI's AoR has bindings, else -1. */
    function registered(table: string): number;
    /** 1 if the AoR of `uri` has bindings, else -1. */
    function registered_uri(table: string, uri: string): number;
    /** Remove every binding of `aor` (a URI, or "user@host"). 1, or -1. */
    function unregister(table: string, aor: string): number;
  }

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
  namespace permissions {
    /** 1 if the request's source address and port ($si, $sp) match a row of `group`, else -1. */
    function allow_source_address(group: number): number;
    /**
     * 1 if `addr` (an IP address, or a host name compared as written) and `port` match a row of `group`, else
     * -1.
     */
    function allow_address(group: number, addr: string, port: number): number;
    /**
     * The group of a row matching the source address and port (a single-address row before a range; the
     * lowest group among several), or -1.
     */
    function allow_source_address_group(): number;
    /** The group of a row matching `addr` and `port`, as `allow-source-address-group`, or -1. */
    function allow_address_group(addr: string, port: number): number;
  }

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
  namespace pike {
    /** Count the request's source address ($si) and answer as above. */
    function pike_check_req(): number;
    /** Count `ip` (IPv4 or IPv6) and answer as above; -1 for a string that is no IP address. */
    function pike_check_ip(ip: string): number;
  }

  /**
   * Digest authentication (Kamailio's `auth` module; RFC 2617, RFC 7616): challenges, credential checks
   * against a password the script gives, and the credentials' removal. Nonces seal their expiry with the
   * server's secret; with nonce-count (or one-time nonces) a replayed response is refused (-6). `flag-bits`
   * of the challenges: 1 qop=auth, 2 qop=auth-int, 4 no 500 reply on an internal error, 16 stale=true. The
   * challenge offers one header per algorithm of the configuration (`auth.algorithms`), in its order.
   */
  namespace auth {
    /**
     * Remove the credentials a successful check used from the request (they are not forwarded). 1, or -1 when
     * no check succeeded (ACK, CANCEL, PRACK: -1).
     */
    function consume_credentials(): number;
    /** 1 if the request has Authorization or Proxy-Authorization Digest credentials for `realm`, else -1. */
    function has_credentials(realm: string): number;
    /**
     * Reply 401 with a WWW-Authenticate challenge for `realm`. 1 sent; -2 the challenge could not be made
     * (500 sent unless flag 4); -3 the reply could not be sent.
     */
    function www_challenge(realm: string, flag_bits: number): number;
    /** Reply 407 with a Proxy-Authenticate challenge; codes as `www-challenge`. */
    function proxy_challenge(realm: string, flag_bits: number): number;
    /** `www-challenge` for a REGISTER, `proxy-challenge` for every other request. */
    function auth_challenge(realm: string, flag_bits: number): number;
    /**
     * Check the Authorization credentials for `realm` against `passwd` (flag 1: `passwd` is HA1; flag 32: a
     * failure does not spend the nonce-count). 1 ok; -1 error (also a nonce not ours); -2 wrong password; -4
     * stale nonce; -5 no credentials for the realm; -6 nonce reused.
     */
    function pv_www_authenticate(realm: string, passwd: string, flag_bits: number): number;
    /** `pv-www-authenticate` on the Proxy-Authorization credentials. */
    function pv_proxy_authenticate(realm: string, passwd: string, flag_bits: number): number;
    /**
     * `pv-www-authenticate` for a REGISTER, `pv-proxy-authenticate` otherwise; `checks` 1: the auth user must
     * be the To user (REGISTER) or the From user (others), else -8.
     */
    function pv_auth_check(realm: string, passwd: string, flag_bits: number, checks: number): number;
    /**
     * The algorithm the challenges of this message offer ("MD5" or "SHA-256"), over the configuration
     * (Kamailio's sets it for the process). 1, or -1 for an algorithm the server does not verify.
     */
    function auth_algorithm(algorithm: string): number;
  }

  /**
   * Subscribers and their passwords (Kamailio's `auth_db` module): the checks of `auth` against the tenant's
   * subscriber table, provisioned with `kemi-wasm subscriber` or the admin API. `table` ("subscriber") names
   * a table within the script's tenant, never another tenant's.
   */
  namespace auth_db {
    /**
     * Check the credentials of the request (Authorization for REGISTER, else Proxy-Authorization) for `realm`
     * against `table`. `flag-bits` 1: the auth user must be the From user (REGISTER and PUBLISH: From and To;
     * PUBLISH also the R-URI), 2 with 1: INVITE, BYE, PRACK, UPDATE and MESSAGE are not checked. 1 ok; -1
     * error; -2 wrong password; -3 unknown user; -4 stale nonce; -5 no credentials; -6 nonce reused; -8 auth
     * user differs from From/To. ACK and CANCEL: 1. Sets $au and $ar.
     */
    function auth_check(realm: string, table: string, flag_bits: number): number;
    /** 1 if the user (and with flag 1 the domain) of `uri` is a subscriber of `table`, else -1. */
    function is_subscriber(uri: string, table: string, flag_bits: number): number;
    /** Check the Authorization credentials; codes as `auth-check`. */
    function www_authenticate(realm: string, table: string): number;
    /** Check the Proxy-Authorization credentials; codes as `auth-check`. */
    function proxy_authenticate(realm: string, table: string): number;
  }

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
  namespace nathelper {
    /**
     * 1 if one of the tests in `flag-bits` holds, else -1. Bits: 1 the Contact's host is a private address, 2
     * the source address differs from the top Via's host, 4 the top Via's host is private, 8 the SDP's c=
     * address is private, 16 the source port differs from the top Via's port (5060 when absent), 32 the
     * source address is private, 64 the request came over WebSocket.
     */
    function nat_uac_test(flag_bits: number): number;
    /**
     * Replace host and port of the first Contact's URI with the source address and port (a maddr parameter is
     * removed). 1, or -1 (no Contact, or the Contact was changed before).
     */
    function fix_nated_contact(): number;
    /**
     * Keep the source address as `$avp(RECEIVED)` (Kamailio's `received_avp` of its basic cfg): `save` stores
     * it as the binding's received address, where `lookup` then sends. 1, or -1.
     */
    function fix_nated_register(): number;
    /**
     * Add `;alias=ip~port~proto` (the source; proto 1 UDP, 2 TCP, 3 TLS, 5 WS, 6 WSS) to the first Contact's
     * URI. 1, or -1.
     */
    function set_contact_alias(): number;
    /**
     * `set-contact-alias` unless the Contact's host and port are the source already (2); the Contact is put
     * in angle brackets when it has none. 1 added, 2 not needed (or no Contact), -1 error.
     */
    function add_contact_alias(): number;
    /**
     * `add-contact-alias` with the address given: `ip`, `port` (1..65535) and `proto` ("udp", "tcp", "tls",
     * "sctp", "ws", "wss"). 1, or -1 for a value that is not one of these.
     */
    function add_contact_alias_addr(ip: string, port: string, proto: string): number;
    /**
     * If the R-URI has an alias parameter: set `$du` to its address and remove it from the R-URI. 1 done, 2
     * no alias parameter, -1 a malformed one.
     */
    function handle_ruri_alias(): number;
    /**
     * Add the source address as `received` to every Contact: `flag-bits` 0 as a header parameter in quotes
     * (`;received="sip:ip:port"`), 1 as a URI parameter (UDP only, else -1). 1, or -1.
     */
    function add_rcv_param(flag_bits: number): number;
    /** 1 if `ip` is a private IPv4 address, else -1. */
    function is_rfc1918(ip: string): number;
    /**
     * Rewrite the SDP for a NATed UA, `mode` bits: 1 add `a=direction:active` to each media, 2 the c=
     * addresses (and a=rtcp), 4 add `a=nortpproxy:yes`, 8 the o= address (and a=rtcp). The new address is the
     * source address; each one replaced is kept as `a=oldmediaip:`. 1 changed, 2 nothing to change, -1 no
     * body or a malformed line.
     */
    function fix_nated_sdp(mode: number): number;
    /** `fix-nated-sdp` with the new address `ip` (the source address when empty). */
    function fix_nated_sdp_ip(mode: number, ip: string): number;
  }

  /**
   * The media relay (Kamailio's `rtpengine` module): the SDP of the message is sent to an rtpengine of
   * `[rtpengine] instances` over its ng protocol and replaced by the one it answers, so media flows through
   * the relay. `options` is Kamailio's `flags` parameter (a WIT keyword), its flag strings: "replace-origin
   * replace-session-connection ICE=remove RTP/AVP direction=external trust-address". The call does not block:
   * 1 says the command went to an instance, and the message is held until rtpengine answered (if every
   * instance failed, it goes on unchanged); -1: no instance enabled, no SDP where one is needed, or bad flags
   * (docs/ksr-api.md).
   */
  namespace rtpengine {
    /**
     * Offer for an INVITE/UPDATE with SDP, answer for an ACK with SDP and for a 1xx/2xx with SDP (an offer
     * when the INVITE had none), delete for CANCEL, BYE and a reply >= 300 to an INVITE. 1, or -1.
     */
    function rtpengine_manage(options: string): number;
    /** The offer of the message's SDP. 1, or -1. */
    function rtpengine_offer(options: string): number;
    /** The answer of the message's SDP. 1, or -1. */
    function rtpengine_answer(options: string): number;
    /** Ends the call (or the from-tag's/to-tag's branch of it) on the relay. 1, or -1. */
    function rtpengine_delete(options: string): number;
    /** Asks the relay about the call (its statistics are logged at debug level). 1, or -1. */
    function rtpengine_query(options: string): number;
  }

  /**
   * Text operations on the message (Kamailio's `textops` module). Patterns are POSIX extended expressions as
   * Kamailio compiles them (case-insensitive, `.` and `^`/`$` within a line; `subst` takes its own flags),
   * run in linear time: backreferences and lookaround are refused (-1), as are patterns over 256 bytes. Edits
   * apply at once (Kamailio's apply when the message is sent: see `textopsx.msg-apply-changes`) and are
   * bounded as `hdr`'s: Via and Content-Length belong to the server, Max-Forwards may only go down, and an
   * edit that would take the message past `max_header_fields` or `max_message_bytes` is refused whole.
   */
  namespace textops {
    /** 1 if a header named `hname` exists (any case, compact form too), -1 if not. */
    function is_present_hf(hname: string): number;
    /** 1 if a header name matches the pattern `ematch`, -1 if not. */
    function is_present_hf_re(ematch: string): number;
    /** 1 if the pattern matches the message (start line, headers and body), -1 if not. */
    function search(sre: string): number;
    /** 1 if the pattern matches the body, -1 if not or there is no body. */
    function search_body(sre: string): number;
    /**
     * Apply "/regex/replacement/flags" (flags i, s, g; \0-\9, \u and $pv in the replacement) to the header
     * lines and the body, not the start line; 1 if something was replaced, -1 if nothing matched or refused.
     */
    function subst(subst: string): number;
    /** `subst` on the Request-URI, which it sets; 1 if replaced, -1 if not. */
    function subst_uri(subst: string): number;
    /** `subst` on the body only (Content-Length follows); 1 if replaced, -1 if not. */
    function subst_body(subst: string): number;
    /** Remove every header whose name matches the pattern; 1 if one was removed, -1 if none. */
    function remove_hf_re(ematch: string): number;
    /** 1 if the message has a body (Content-Length above 0), -1 if not. */
    function has_body(): number;
    /** `has-body`, and its Content-Type (application/sdp when absent) is `ctype` ("type/subtype"). */
    function has_body_type(ctype: string): number;
    /**
     * Replace the body with `nb` and Content-Type with `nc`; -1 when either is empty or the message would
     * exceed its limits.
     */
    function set_body(nb: string, nc: string): number;
    /** The body (and its Content-Type) of the reply the server generates for this request, sl or tm. */
    function set_reply_body(nb: string, nc: string): number;
  }

  /** More text operations (Kamailio's `textopsx` module). */
  namespace textopsx {
    /**
     * Kamailio applies the pending edits to the message buffer here. Edits apply at once in kemi-wasm, so
     * this only answers as Kamailio: 1 in a request route or for a reply, -1 in another route.
     */
    function msg_apply_changes(): number;
    /** Remove the body (Content-Length 0, Content-Type dropped); 1. */
    function remove_body(): number;
  }

  /**
   * Accounting (Kamailio's `acc` module). Transactions whose request carries the tenant's accounting flags
   * (its `[acc]` settings: db_flag, db_missed_flag, failed_transaction_flag ...) are recorded when they send
   * their reply, into the tenant's `acc` and `missed_calls` tables (`kemi-wasm acc`, the admin API), with the
   * `db_extra` columns evaluated on the request then. A tenant keeps `acc.max_rows_per_tenant` records at
   * most; more are refused and counted. Difference from Kamailio 5.6: a missed call is recorded once, with
   * the final reply (Kamailio: at the first failed branch, before the failure route runs).
   */
  namespace acc {
    /**
     * Record the current request in `table` (and log it): code and reason from `comment` ("200 OK"; without
     * three leading digits the whole comment is the reason). 1; -1 for an empty comment or table, a comment
     * holding a pseudo-variable (as Kamailio's KEMI), a table name that is not 1-64 letters, digits or _, or
     * a record refused by the cap.
     */
    function acc_request(comment: string, table: string): number;
  }

  /**
   * Dialog tracking (Kamailio's `dialog` module): calls the script asked to follow with `dlg-manage`, their
   * state (unconfirmed, early, confirmed, deleted), variables, flags and profiles. A dialog belongs to the
   * tenant and finishes on the module version that created it; a tenant holds `dialog.max_dialogs` at most.
   * Profiles must be declared in the config (`dialog.profiles_with_value`, `dialog.profiles_no_value`). "The
   * dialog" of a function is the message's: made by `dlg-manage` in this route, matched for an in-dialog
   * request, or chosen by `dlg-get`.
   */
  namespace dialog {
    /**
     * Track the call: an initial INVITE gets a new dialog, an in-dialog request updates its dialog. 1, or -1
     * (not a request route, not an INVITE, the tenant holds its maximum of dialogs).
     */
    function dlg_manage(): number;
    /** 1 if the message belongs to a tracked dialog, else -1. */
    function is_known_dlg(): number;
    /**
     * Set the dialog's lifetime in seconds (restarts the timer of a confirmed dialog). 1, or -1 (no dialog).
     */
    function dlg_set_timeout(timeout: number): number;
    /**
     * Send BYE to "caller", "callee" or (any other value) both sides of the dialog, from this server with
     * CSeq + 1 over the route set; the dialog then ends. 1, or -1.
     */
    function dlg_bye(side: string): number;
    /** Make the dialog of Call-ID and tags the one later functions act on. 1, or -1 (none such). */
    function dlg_get(callid: string, ftag: string, ttag: string): number;
    /** Set a variable of the dialog of Call-ID and tags. 1, or -1. */
    function dlg_set_var(callid: string, ftag: string, ttag: string, key: string, value: string): number;
    /** A variable of the dialog of Call-ID and tags, or none. */
    function dlg_get_var(callid: string, ftag: string, ttag: string, key: string): string | null;
    /** Set a variable of the dialog (`$dlg_var(name)`). 1, or -1 (no dialog). */
    function var_sets(name: string, value: string): number;
    /** A variable of the dialog, or none. */
    function var_get(name: string): string | null;
    /** A variable of the dialog, or "". */
    function var_gete(name: string): string;
    /** Remove a variable of the dialog. 1, or -1 (no dialog). */
    function var_rm(name: string): number;
    /** 1 if the variable is absent (or there is no dialog), -1 if it is set. */
    function var_is_null(name: string): number;
    /** Set dialog flag 0..31 (kept for the dialog dlg-manage makes later in the route). 1, or -1. */
    function dlg_setflag(flag: number): number;
    /** Reset dialog flag 0..31. 1, or -1. */
    function dlg_resetflag(flag: number): number;
    /** 1 if dialog flag 0..31 is set, else -1. */
    function dlg_isflagset(flag: number): number;
    /**
     * Add the dialog to a profile with a value (before dlg-manage in a request route: once it is made). 1, or
     * -1 (undeclared profile, empty value for a profile with values, no dialog).
     */
    function set_dlg_profile(profile: string, value: string): number;
    /** Add the dialog to a profile without value. 1, or -1. */
    function set_dlg_profile_static(profile: string): number;
    /** Remove the dialog from a profile with that value. 1, or -1 (not in it, no dialog). */
    function unset_dlg_profile(profile: string, value: string): number;
    /** Remove the dialog from a profile without value. 1, or -1. */
    function unset_dlg_profile_static(profile: string): number;
    /** 1 if the dialog is in the profile with that value, else -1. */
    function is_in_profile(profile: string, value: string): number;
    /** 1 if the dialog is in the profile (with any value), else -1. */
    function is_in_profile_static(profile: string): number;
    /**
     * Store in `pv` (`$var(name)` or `$avp(name)`) the number of the tenant's dialogs in the profile with
     * that value. 1, or -1 (undeclared profile, empty value for a profile with values, bad pv).
     */
    function get_profile_size(profile: string, value: string, pv: string): number;
    /**
     * Store in `pv` the number of the tenant's dialogs in a profile without value. 1, or -1 (also for a
     * profile with values, as Kamailio).
     */
    function get_profile_size_static(profile: string, pv: string): number;
  }

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
  namespace dispatcher {
    /**
     * Select a destination of `set` with algorithm `alg` and set it as `$du` (the outbound proxy). 1, or -1
     * (no such set, no active destination, `$du` already set with `force_dst` 0, alg 10 on a full set).
     */
    function ds_select_dst(set: number, alg: number): number;
    /** `ds-select-dst` keeping at most `limit` destinations for failover (0: all). */
    function ds_select_dst_limit(set: number, alg: number, limit: number): number;
    /** As `ds-select-dst`, writing the destination's host:port into the R-URI (its user kept). 1, or -1. */
    function ds_select_domain(set: number, alg: number): number;
    /** `ds-select-domain` keeping at most `limit` destinations for failover (0: all). */
    function ds_select_domain_limit(set: number, alg: number, limit: number): number;
    /** As `ds-select-dst` without touching `$du` or the R-URI: only the failover list is filled. 1, or -1. */
    function ds_select(set: number, alg: number): number;
    /** `ds-select` keeping at most `limit` destinations (0: all). */
    function ds_select_limit(set: number, alg: number, limit: number): number;
    /**
     * Drop the current destination of the failover list and set `$du` to the next one. 1, or -1 (none left,
     * failover off).
     */
    function ds_next_dst(): number;
    /** As `ds-next-dst`, writing the R-URI's host:port. 1, or -1. */
    function ds_next_domain(): number;
    /** Set `$du` to the current destination of the failover list. 1, or -1. */
    function ds_set_dst(): number;
    /** Write the current destination of the failover list into the R-URI's host:port. 1, or -1. */
    function ds_set_domain(): number;
    /** Mark the current destination inactive (and probing with `ds_probing_mode` 1). 1, or -1. */
    function ds_mark_dst(): number;
    /**
     * Mark the current destination with `state`: letters a (active), i (inactive), t (trying), d (disabled),
     * p (probing). 1, or -1 (bad letters, failover off, no current destination).
     */
    function ds_mark_dst_state(state: string): number;
    /**
     * 1 if the source address and port ($si, $sp) are those of a destination of any set (any transport), else
     * -1.
     */
    function ds_is_from_lists(): number;
    /** 1 if the source address and port are those of a destination of `set` (-1: any set), else -1. */
    function ds_is_from_list(set: number): number;
    /**
     * As `ds-is-from-list` with Kamailio's match `mode` bits: 1 ignore the port, 2 ignore the transport, 4
     * only active destinations.
     */
    function ds_is_from_list_mode(set: number, mode: number): number;
    /** As `ds-is-from-list-mode` for the address, port and transport of `uri` instead of the source. */
    function ds_is_from_list_uri(set: number, mode: number, uri: string): number;
    /** 1 if the tenant has destination set `set`, else -1. */
    function ds_list_exists(set: number): number;
    /** 1 if `set` has an active destination, else -1. */
    function ds_is_active(set: number): number;
    /** 1 if `uri` is an active destination of `set`, else -1. */
    function ds_is_active_uri(set: number, uri: string): number;
    /**
     * Call load (alg 10): a BYE or CANCEL frees the call's slot, a 2xx to its INVITE confirms it. 0, as
     * Kamailio's KEMI export returns.
     */
    function ds_load_update(): number;
    /**
     * Call load (alg 10), for a failure route: free the slot of the message's call. 0 freed (or an INVITE
     * whose current destination took no slot), -1 the call holds no slot.
     */
    function ds_load_unset(): number;
  }

  /**
   * Message capture (Kamailio's `siptrace` module) to the server's HEP collector (config `trace.hep`) and the
   * tenant's recent-trace store (admin API `GET /v1/tenants/:tenant/trace`). The collector is the operator's:
   * a script cannot name another destination (Kamailio's sip_trace_dst*, which would let a script send copies
   * of traffic to any address, are not offered).
   */
  namespace siptrace {
    /**
     * Capture the current message as received. 1; -1 when the server keeps no trace (no collector and no
     * store) or there is no received message (a route run by a timer).
     */
    function sip_trace(): number;
    /**
     * Capture by `mode`: "m" the current message; "t" the current message and every later message of its
     * transaction (same Call-ID and CSeq number, so its ACK and CANCEL too), received and sent; "d" (dialog)
     * traces the current message only, as Kamailio does without its dialog module. Another or empty mode is
     * "m". Return codes as `sip-trace`.
     */
    function sip_trace_mode(mode: string): number;
  }
}
