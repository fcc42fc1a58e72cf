// Where a KSR function deliberately differs from Kamailio 5.6, one entry per difference: the table "Differences
// from Kamailio" in docs/ksr-api.md is generated from this list (npm run gen), and test/kemi/differences.test.ts
// checks that each entry names a function the host tables implement (or, for `absent`, one they do not), so
// the table cannot outlive what it describes.

export interface KamailioDifference {
  /**
   * What differs: a KSR function by WIT interface and name ("x.exit", "core.is-TLS"), a pseudo-variable
   * ("$rc") or a module parameter ("registrar received_avp").
   */
  readonly ksr: string;
  /** The function is Kamailio's but not provided here (it must not be in wit/ksr.wit). */
  readonly absent?: true;
  /** How kemi-wasm behaves, and why. */
  readonly difference: string;
}

export const KAMAILIO_DIFFERENCES: readonly KamailioDifference[] = [
  {
    ksr: 'x.exit',
    difference:
      'Does not unwind the guest: later KSR calls of the route are ignored (answer their type\'s "no"), so the ' +
      'script should return right after it. What the route did stands.',
  },
  {
    ksr: 'x.drop',
    difference: 'As `x.exit`: the guest must return; the message is then not forwarded.',
  },
  {
    ksr: 'core.is-SCTP',
    difference: 'Always false: the server listens on UDP, TCP, TLS, WS and WSS, not SCTP.',
  },
  {
    ksr: 'core.is-ipv4',
    difference:
      'Spelled `is_ipv4` (also `is_ipv6`, `to_ipv4`, `to_ipv6`) where KEMI says `is_IPv4`: a WIT name cannot mix ' +
      'cases within a word.',
  },
  {
    ksr: 'maxfwd.process-maxfwd',
    difference: 'On a reply returns -1 (Kamailio would add Max-Forwards to the reply).',
  },
  {
    ksr: 'sl.sl-reply-error',
    difference:
      "After t_relay's -510 (the tenant's `relay_allow` refused the destination, kemi-wasm's own check) sends " +
      '403 Destination Not Allowed; after its -2 (a full transaction cap) 503 with Retry-After; after a failed ' +
      'sanity check or registrar save it repeats that reply. Kamailio ' +
      'answers what err2reason_phrase makes of its last internal error.',
  },
  {
    ksr: 'sanity.sanity-check',
    difference:
      'Bits 8 (Via SIP version) and 16 (Via transport) check (no-ops in Kamailio 5.6). On a reply the request-line ' +
      'checks (1, 2, 32, R-URI) are skipped. A message failing bit 4 never reaches a script: the parser refuses it.',
  },
  {
    ksr: 'registrar.save',
    difference:
      "Bindings are the tenant's (the table names a set within it). The received address is always taken from " +
      '`$avp(RECEIVED)` (Kamailio: the `received_avp` parameter); `cseq_delay` is 20 s; with `use_path` any Path is ' +
      'stored (path_mode lazy: no 420 when the UA lacks Supported: path); `Contact: *` also obeys the CSeq order ' +
      '(RFC 3261 10.3, which Kamailio skips for it).',
  },
  {
    ksr: 'registrar.lookup',
    difference:
      "Forks to at most 12 bindings (tm's branch limit); Path entries of our own are not skipped (path_check_local). " +
      'A location store that cannot be read (a cluster Redis down or slow) gives -3; Kamailio with usrloc ' +
      'db_mode 3 gives -1, its usrloc taking a failed query for an AoR without bindings.',
  },
  {
    ksr: 'hdr.append',
    difference:
      'No hdr function can add or remove Via or Content-Length (the server keeps them right), nor raise ' +
      'Max-Forwards.',
  },
  {
    ksr: 'tm.t-relay',
    difference:
      "Relays only to the tenant's `relay_allow` destinations (-510 otherwise); SCTP next hops are refused " +
      '(-480). A next hop over ws or wss (transport=ws, as RFC 7118 and Kamailio write both) is reached only ' +
      'over an open connection the peer made (Kamailio cannot dial WebSocket peers either); with none the ' +
      'branch fails as a send error. Such a request leaves from the first ws listener, else the first wss ' +
      'one, and its Via names that listener (WS or WSS). sips: next hops go over TLS with the certificate ' +
      'verified even when `tls.verify_next_hop` is off.',
  },
  {
    ksr: 'tm.t-set-disable-failover',
    absent: true,
    difference:
      'Not provided: DNS failover to the next target of a name (Kamailio `use_dns_failover`, on here by ' +
      'default as are NAPTR and SRV weighting) is the server setting `relay_dns.failover` (docs/dns.md). A name ' +
      'is resolved when its branch is sent: `t-relay` to a name that does not resolve returns 1 and the branch ' +
      'ends 503 (Kamailio resolves inside t_relay and returns -478).',
  },
  {
    ksr: 'kx.get-msgbuf',
    difference:
      'The message as the route has it now (also `get_msglen`); Kamailio gives the buffer as received.',
  },
  {
    ksr: 'kx.get-rcvadvip',
    difference:
      'The server advertises no other address: the same as `get_rcvip` (and `get_rcvadvport` as `get_rcvport`).',
  },
  {
    ksr: 'kx.get-env',
    absent: true,
    difference:
      "Not provided (nor `get_envn`): the server's environment is not the tenant's. Use `kx.get_def`.",
  },
  {
    ksr: 'kx.get-send-sock',
    absent: true,
    difference:
      'Not provided, nor `get_send_sock_name`, `get_send_sock_port`, `get_rcv_sock_name` and `get_conid`: a ' +
      'script cannot choose or name sockets.',
  },
  {
    ksr: 'kx.get-au',
    absent: true,
    difference: 'Not provided here (nor `getw_au`, `gete_au`): read the user of the credentials with `$au`.',
  },
  {
    ksr: '$rc',
    difference:
      "The code of the last KSR function that returned one (a bool as 1 or -1), as a native Kamailio script's " +
      "$rc holds its last action's; in Kamailio's KEMI it is not updated by KSR calls.",
  },
  {
    ksr: '$avp(name)',
    difference:
      'One value per name: an assignment replaces it ($null removes it); no stacked values or `$avp(name[n])`. ' +
      'Kept with the transaction from t-relay on, as in Kamailio.',
  },
  {
    ksr: 'tm.t-newtran',
    difference:
      'Returns -2 (E_OUT_OF_MEM, as t-relay) when the tenant or the server is at its transaction cap ' +
      '(`tm.max_transactions_per_tenant`, `tm.max_transactions`); the server answers 503 with Retry-After when ' +
      'the route does not answer itself.',
  },
  {
    ksr: 'permissions.allow-source-address',
    difference:
      "The tenant's own address table. A row's tag is not written to an AVP (Kamailio: only with `peer_tag_avp`); " +
      'when rows of several groups match, the lowest group answers; a `/0` range is refused when provisioned; ' +
      'changes take effect at once (no reload command); `allow_trusted` is not provided.',
  },
  {
    ksr: 'pike.pike-check-req',
    difference:
      "Counts per tenant (no tenant's script can ban an address for another) and each address from its first " +
      'request, so detection comes at `reqs_density_per_unit` exactly; `pike_check_ip` takes IPv6 too; at most ' +
      '`pike.max_entries` addresses per tenant, the quietest forgotten first.',
  },
  {
    ksr: 'auth.auth-algorithm',
    difference:
      'Sets the algorithm for the current message only (Kamailio: for the process); SHA-512-256 is not offered.',
  },
  {
    ksr: 'auth.auth-challenge',
    difference:
      'Nonce-count tracking (`auth.nonce_count`) is on by default (Kamailio: off), so a replayed response gets -6; ' +
      '-sess algorithms are accepted with stored HA1s.',
  },
  {
    ksr: 'nathelper.nat-uac-test',
    difference:
      'Bit 64 (WebSocket) never holds: the server has no WebSocket transport; bit 512 (destination differs from ' +
      'the R-URI) tests nothing. Addresses written in the message are private only as IPv4 (as Kamailio), the ' +
      'source also as IPv4-mapped IPv6.',
  },
  {
    ksr: 'nathelper.fix-nated-register',
    difference:
      'Always writes `$avp(RECEIVED)`, the AVP registrar save reads (Kamailio: the AVP its `received_avp` ' +
      'parameter names, nothing without one).',
  },
  {
    ksr: 'nathelper.fix-nated-sdp',
    difference:
      "`nortpproxy_str` is fixed (`a=nortpproxy:yes`) and `append_sdp_oldmediaip` on, as Kamailio's defaults; " +
      'in a body whose lines end in LF alone, the lines it adds end in LF too (Kamailio: CRLF).',
  },
  {
    ksr: 'nathelper.set-contact-alias-trim',
    absent: true,
    difference:
      'Not provided, as `handle_ruri_alias_mode` and `set_alias_to_pv`: `set_contact_alias` and `handle_ruri_alias` cover the basic script.',
  },
  {
    ksr: 'rtpengine.rtpengine-manage',
    difference:
      'Does not block: 1 means the command went to an enabled instance (-1: none enabled, no SDP, bad flags), and ' +
      'the message is held until rtpengine answered: its branches (t-relay), the response upstream or the ' +
      'stateless ACK go out with the new SDP then. A command no instance answered, or answered with an error, ' +
      'leaves the message unchanged (logged, `kemi_rtpengine_failures_total`) where Kamailio would return -1 ' +
      'to the script. An edit asked for after t-relay does not reach the relayed copy (as in Kamailio, where ' +
      't_relay sent already). In a failure route the offer updates the call without a delete first. The ' +
      "parameter is named `options` (`flags` is a WIT keyword). One set of instances (Kamailio's set 0); " +
      '`rtpengine_sock` is `[rtpengine] instances`.',
  },
  {
    ksr: 'rtpengine.rtpengine-offer',
    difference: 'As `rtpengine-manage`: not blocking, the message held until the answer.',
  },
  {
    ksr: 'rtpengine.rtpengine-answer',
    difference: 'As `rtpengine-manage`: not blocking, the message held until the answer.',
  },
  {
    ksr: 'rtpengine.rtpengine-delete',
    difference: 'Not blocking and the message is not held: 1 once the delete went to an instance.',
  },
  {
    ksr: 'rtpengine.rtpengine-query',
    difference:
      'Not blocking: 1 once the query went to an instance; the statistics are logged at debug level (no $rtpstat).',
  },
  {
    ksr: 'textops.search',
    difference:
      'Patterns run on a linear-time engine: backreferences and lookaround are refused (-1), patterns over 256 ' +
      'bytes too; `.` does not match CR (POSIX REG_NEWLINE: it does) and `\\` escapes within brackets. ' +
      'Searches see the message as edited so far (Kamailio: as received, until `msg_apply_changes`).',
  },
  {
    ksr: 'textops.subst',
    difference:
      'Matches each header line ("Name: value", no CRLF) and then the body on their own, so a match never ' +
      'spans two lines; edits apply at once. A substitution touching Via or Content-Length, raising ' +
      'Max-Forwards, leaving a malformed line or the message over its limits is refused whole (-1).',
  },
  {
    ksr: 'textops.remove-hf-re',
    difference: 'Never removes Via or Content-Length headers (they belong to the server).',
  },
  {
    ksr: 'textops.has-body-type',
    difference:
      'Compares "type/subtype" as text, case-insensitively (Kamailio decodes known MIME types and refuses others).',
  },
  {
    ksr: 'textopsx.msg-apply-changes',
    difference:
      'Edits apply at once, so there is nothing left to apply: it only answers as Kamailio (1, or -1 outside a request route for a request).',
  },
  {
    ksr: 'acc.acc-request',
    difference:
      'Any table name of 1-64 letters, digits and _ is a table of the tenant (Kamailio writes to an existing ' +
      'database table); records live in acc.db, each value cut at 255 octets, the extra columns kept ' +
      'together as JSON; the log line is a structured log entry.',
  },
  {
    ksr: 'tmx.t-precheck-trans',
    difference:
      'Routes run one at a time, so a retransmission can only find a copy whose route returned and whose ' +
      'request is still held (an rtpengine command pending); the entry is left when the hold is released ' +
      '(Kamailio: at the end of the script). A copy without Via branch matches only another without one ' +
      '(Kamailio then ignores the branch).',
  },
  {
    ksr: 'dialog.dlg-manage',
    difference:
      "In-dialog requests are matched by Call-ID and tags (Kamailio's seq_match_mode 2 without the `did` " +
      'Record-Route parameter), when loose-route finds our own Route entry or dlg-manage sees them. Dialogs ' +
      'are kept in memory per tenant (db_mode 0): a restart forgets them. A dialog made in a request route ' +
      'whose INVITE is not relayed (answered statelessly, dropped, the route failed) ends as failed at once. ' +
      "Past the tenant's `dialog.max_dialogs` it answers -1.",
  },
  {
    ksr: 'dialog.dlg-bye',
    difference:
      "The next hop of each BYE must be an IP address (no DNS from a timer) allowed by the tenant's " +
      '`relay_allow`; the dialog ends when the BYEs are sent (Kamailio: at the first BYE reply), and the ' +
      "replies to them are absorbed without running the reply route. The timeout's BYEs follow `dialog.send_bye` " +
      '(Kamailio also takes `$dlg_ctx(timeout_bye)`, not provided).',
  },
  {
    ksr: 'dialog.set-dlg-profile',
    difference:
      "Profiles are the tenant's (declared per tenant); a dialog is in a profile with a given value once, so " +
      'setting it again does not count it twice.',
  },
  {
    ksr: '$dlg',
    difference:
      'Reads h_id, state, callid, from_uri, to_uri, from_tag, to_tag, from_cseq, to_cseq, from_contact, ' +
      'to_contact, lifetime, sflags and start_ts; other attributes are $null. `$dlg_ctx` is not provided.',
  },
  {
    ksr: 'dialog.dlg-set-state',
    absent: true,
    difference:
      'Not provided, nor dlg_update_state, dlg_set_property, dlg_reset_property, dlg_set_timeout_id, ' +
      'dlg_update_contact, dlg_update_socket, var_getw, dlg_bridge, dlg_refer_did, dlg_refer_cid, ' +
      'dlg_req_within4, dlg_remove_dialogs_from_node: states move only with the SIP messages, and the server ' +
      'sends no requests in a dialog but its BYEs.',
  },
  {
    ksr: 'dialog.dlg-db-load-callid',
    absent: true,
    difference: 'Not provided, nor dlg_db_load_extra: dialogs are not stored in a database.',
  },
  {
    ksr: 'dispatcher.ds-select-dst',
    difference:
      'Also `ds-select-domain`, `ds-select` and their `-limit` forms. Algorithms 0-4, 6 and 8-11 as Kamailio; 5 (auth ' +
      'username), 7 (pseudo-variable hash), 12 (parallel) and 13 (latency) use the first active destination, as ' +
      'Kamailio does for an algorithm it lacks. No `use_default`. Destination host names are not resolved when ' +
      'loaded (the relay resolves them); the `socket`/`sockname` attributes are kept but do not force the send ' +
      'socket (the outbound interface follows the destination). The failover records (`$xavp(_dsdst_)`, ' +
      '`$xavp(_dsctx_)`) stay with the transaction for ds-next-dst but cannot be read by the script. Each ' +
      'tenant has its own sets (config `[tenants.dispatcher]` and `kemi-wasm dispatcher`); a reload keeps the ' +
      'state and call load of destinations that remain.',
  },
  {
    ksr: 'dispatcher.ds-is-from-list',
    difference:
      'Also `ds-is-from-lists`, `-mode` and `-uri`. Only destinations whose host is an IP address match (no DNS); ' +
      'with `-uri` the URI must name an IP address, else -1. `setid_pvname` and `attrs_pvname` are not set.',
  },
  {
    ksr: 'dispatcher.ds-is-active',
    difference:
      'Probing (`ds_probing_mode`, `ds_ping_interval`, `ds_probing_threshold`, `ds_inactive_threshold`, ' +
      '`ds_ping_reply_codes`) sends each probe once over UDP (a destination with another transport, or named by ' +
      'a host name, is not probed), a probe unanswered by the next round counts as 408, at most `max_pings_per_interval` per tenant and ' +
      "round and only where the tenant's `relay_allow` lets it relay. The event routes `dispatcher:dst-down` / " +
      '`dst-up` do not run: state changes are logged and counted (kemi_dispatcher_events_total, ' +
      'kemi_dispatcher_destination_up). No latency statistics, `ds_ping_socket` or `obproxy` attribute.',
  },
  {
    ksr: 'dispatcher.ds-load-update',
    difference:
      'Also `ds-load-unset`. The call-load cells of algorithm 10 are per tenant, at most ' +
      '`dispatcher.max_calls_per_tenant` (past it a selection falls back to algorithm 0, as Kamailio when a cell ' +
      'cannot be added); the dialog module frees a call whose dialog ends (Dispatcher.releaseCallLoad).',
  },
  {
    ksr: 'dispatcher.ds-reload',
    absent: true,
    difference:
      'Sets are reloaded by the admin API / `kemi-wasm dispatcher reload` (and at once by add and rm).',
  },
  {
    ksr: 'dispatcher.ds-select-routes',
    absent: true,
    difference: 'Not provided, nor `ds_mark_addr`, `ds_oc_set_attrs`, `ds_dsg_fetch` and `$dsv`.',
  },
  {
    ksr: 'siptrace.sip-trace',
    difference:
      "Captures go to the HEP collector of the config (`trace.hep`) only, and into the tenant's recent-trace " +
      'store; -1 when the server has no collector. Kamailio can also write to a database or duplicate to a SIP URI.',
  },
  {
    ksr: 'siptrace.sip-trace-mode',
    difference:
      '"t" follows the transaction by Call-ID and CSeq number (so its ACK and CANCEL too); "d" traces the ' +
      'current message only, as Kamailio does without its dialog module (there is no dialog module here).',
  },
  {
    ksr: '$sht(table=>key)',
    difference:
      "On a table kept in the cluster's Redis ([cluster.stores.htable], docs/cluster.md) a read is $null and a " +
      'write refused, logged: a pseudo-variable is read synchronously, the item is in Redis. Use ' +
      'KSR.htable.sht_get / sht_sets / sht_seti there (they suspend the guest), or declare the table ' +
      '`node_local`. Kamailio reaches a shared htable through DMQ replication instead.',
  },
  {
    ksr: 'htable.sht-inc',
    difference:
      "On a table kept in the cluster's Redis, -255 (as any failure) also when Redis did not answer within " +
      '`timeout_ms` and `unavailable = "fail"`; with `"cache"` the node counts on its own copy until Redis ' +
      'is back. A route enforcing a limit should treat -255 as over the limit.',
  },
  {
    ksr: 'dialog.get-profile-size',
    difference:
      "With [cluster.stores.dialog] in Redis: the dialogs of all nodes (a killed node's leave the count after " +
      'node_ttl_ms); the guest suspends while Redis answers. With `unavailable = "fail"` -1 when Redis did ' +
      'not answer; with `"cache"` this node\'s own count. Kamailio shares profiles through DMQ instead.',
  },
  {
    ksr: 'siptrace.sip-trace-dst',
    absent: true,
    difference:
      'Not offered (nor sip_trace_dst_cid, sip_trace_dst_cid_type, sip_trace_msg): a destination chosen by a ' +
      "tenant's script would let it send copies of traffic to any address.",
  },
  {
    ksr: 'siptrace.hlog',
    absent: true,
    difference: 'Not offered (nor hlog_cid): HEP log packets are not exported.',
  },
];
