// Generated from wit/ksr.wit by scripts/gen-ksr-bindings.ts (npm run gen). Do not edit.

// The lowered imports: strings as (ptr, len), big results through a return area.
mod raw {
    pub mod core {
        #[link(wasm_import_module = "kemi:ksr/core@0.1.0")]
        extern "C" {
            #[link_name = "is-method"]
            pub fn is_method(method_ptr: *const u8, method_len: usize) -> i32;
            #[link_name = "is-method-in"]
            pub fn is_method_in(methods_ptr: *const u8, methods_len: usize) -> i32;
            #[link_name = "is-INVITE"]
            pub fn is_INVITE() -> i32;
            #[link_name = "is-ACK"]
            pub fn is_ACK() -> i32;
            #[link_name = "is-BYE"]
            pub fn is_BYE() -> i32;
            #[link_name = "is-CANCEL"]
            pub fn is_CANCEL() -> i32;
            #[link_name = "is-REGISTER"]
            pub fn is_REGISTER() -> i32;
            #[link_name = "is-OPTIONS"]
            pub fn is_OPTIONS() -> i32;
            #[link_name = "is-SUBSCRIBE"]
            pub fn is_SUBSCRIBE() -> i32;
            #[link_name = "is-PUBLISH"]
            pub fn is_PUBLISH() -> i32;
            #[link_name = "is-NOTIFY"]
            pub fn is_NOTIFY() -> i32;
            #[link_name = "is-REFER"]
            pub fn is_REFER() -> i32;
            #[link_name = "is-INFO"]
            pub fn is_INFO() -> i32;
            #[link_name = "is-UPDATE"]
            pub fn is_UPDATE() -> i32;
            #[link_name = "is-PRACK"]
            pub fn is_PRACK() -> i32;
            #[link_name = "is-MESSAGE"]
            pub fn is_MESSAGE() -> i32;
            #[link_name = "is-KDMQ"]
            pub fn is_KDMQ() -> i32;
            #[link_name = "is-GET"]
            pub fn is_GET() -> i32;
            #[link_name = "is-POST"]
            pub fn is_POST() -> i32;
            #[link_name = "is-PUT"]
            pub fn is_PUT() -> i32;
            #[link_name = "is-DELETE"]
            pub fn is_DELETE() -> i32;
            #[link_name = "is-UDP"]
            pub fn is_UDP() -> i32;
            #[link_name = "is-TCP"]
            pub fn is_TCP() -> i32;
            #[link_name = "is-TLS"]
            pub fn is_TLS() -> i32;
            #[link_name = "is-SCTP"]
            pub fn is_SCTP() -> i32;
            #[link_name = "is-WS"]
            pub fn is_WS() -> i32;
            #[link_name = "is-WSS"]
            pub fn is_WSS() -> i32;
            #[link_name = "is-WSX"]
            pub fn is_WSX() -> i32;
            #[link_name = "is-proto"]
            pub fn is_proto(protos_ptr: *const u8, protos_len: usize) -> i32;
            #[link_name = "is-ipv4"]
            pub fn is_ipv4() -> i32;
            #[link_name = "is-ipv6"]
            pub fn is_ipv6() -> i32;
            #[link_name = "is-src-port"]
            pub fn is_src_port(port: i32) -> i32;
            #[link_name = "is-dst-port"]
            pub fn is_dst_port(port: i32) -> i32;
            #[link_name = "to-UDP"]
            pub fn to_UDP() -> i32;
            #[link_name = "to-TCP"]
            pub fn to_TCP() -> i32;
            #[link_name = "to-TLS"]
            pub fn to_TLS() -> i32;
            #[link_name = "to-SCTP"]
            pub fn to_SCTP() -> i32;
            #[link_name = "to-WS"]
            pub fn to_WS() -> i32;
            #[link_name = "to-WSS"]
            pub fn to_WSS() -> i32;
            #[link_name = "to-WSX"]
            pub fn to_WSX() -> i32;
            #[link_name = "to-ipv4"]
            pub fn to_ipv4() -> i32;
            #[link_name = "to-ipv6"]
            pub fn to_ipv6() -> i32;
            #[link_name = "is-myself"]
            pub fn is_myself(uri_ptr: *const u8, uri_len: usize) -> i32;
            #[link_name = "is-myself-ruri"]
            pub fn is_myself_ruri() -> i32;
            #[link_name = "is-myself-furi"]
            pub fn is_myself_furi() -> i32;
            #[link_name = "is-myself-turi"]
            pub fn is_myself_turi() -> i32;
            #[link_name = "is-myself-srcip"]
            pub fn is_myself_srcip() -> i32;
            #[link_name = "setflag"]
            pub fn setflag(flag: i32) -> i32;
            #[link_name = "resetflag"]
            pub fn resetflag(flag: i32) -> i32;
            #[link_name = "isflagset"]
            pub fn isflagset(flag: i32) -> i32;
            #[link_name = "setbflag"]
            pub fn setbflag(flag: i32) -> i32;
            #[link_name = "resetbflag"]
            pub fn resetbflag(flag: i32) -> i32;
            #[link_name = "isbflagset"]
            pub fn isbflagset(flag: i32) -> i32;
            #[link_name = "seturi"]
            pub fn seturi(uri_ptr: *const u8, uri_len: usize) -> i32;
            #[link_name = "setuser"]
            pub fn setuser(user_ptr: *const u8, user_len: usize) -> i32;
            #[link_name = "sethost"]
            pub fn sethost(host_ptr: *const u8, host_len: usize) -> i32;
            #[link_name = "setdsturi"]
            pub fn setdsturi(uri_ptr: *const u8, uri_len: usize) -> i32;
            #[link_name = "resetdsturi"]
            pub fn resetdsturi() -> i32;
            #[link_name = "isdsturiset"]
            pub fn isdsturiset() -> i32;
            #[link_name = "force-rport"]
            pub fn force_rport() -> i32;
            #[link_name = "set-reply-no-connect"]
            pub fn set_reply_no_connect() -> i32;
            #[link_name = "set-drop"]
            pub fn set_drop();
            #[link_name = "log"]
            pub fn log(level_ptr: *const u8, level_len: usize, msg_ptr: *const u8, msg_len: usize);
            #[link_name = "dbg"]
            pub fn dbg(msg_ptr: *const u8, msg_len: usize);
            #[link_name = "info"]
            pub fn info(msg_ptr: *const u8, msg_len: usize);
            #[link_name = "notice"]
            pub fn notice(msg_ptr: *const u8, msg_len: usize);
            #[link_name = "warn"]
            pub fn warn(msg_ptr: *const u8, msg_len: usize);
            #[link_name = "err"]
            pub fn err(msg_ptr: *const u8, msg_len: usize);
            #[link_name = "crit"]
            pub fn crit(msg_ptr: *const u8, msg_len: usize);
        }
    }

    pub mod x {
        #[link(wasm_import_module = "kemi:ksr/x@0.1.0")]
        extern "C" {
            #[link_name = "exit"]
            pub fn exit();
            #[link_name = "drop"]
            pub fn drop();
        }
    }

    pub mod pv {
        #[link(wasm_import_module = "kemi:ksr/pv@0.1.0")]
        extern "C" {
            #[link_name = "get"]
            pub fn get(name_ptr: *const u8, name_len: usize, ret_area: *mut u8);
            #[link_name = "gete"]
            pub fn gete(name_ptr: *const u8, name_len: usize, ret_area: *mut u8);
            #[link_name = "getvn"]
            pub fn getvn(name_ptr: *const u8, name_len: usize, vn: i32) -> i32;
            #[link_name = "getvs"]
            pub fn getvs(name_ptr: *const u8, name_len: usize, vs_ptr: *const u8, vs_len: usize, ret_area: *mut u8);
            #[link_name = "getw"]
            pub fn getw(name_ptr: *const u8, name_len: usize, ret_area: *mut u8);
            #[link_name = "geti"]
            pub fn geti(name_ptr: *const u8, name_len: usize) -> i32;
            #[link_name = "sets"]
            pub fn sets(name_ptr: *const u8, name_len: usize, value_ptr: *const u8, value_len: usize);
            #[link_name = "seti"]
            pub fn seti(name_ptr: *const u8, name_len: usize, value: i32);
            #[link_name = "unset"]
            pub fn unset(name_ptr: *const u8, name_len: usize);
            #[link_name = "is-null"]
            pub fn is_null(name_ptr: *const u8, name_len: usize) -> i32;
        }
    }

    pub mod hdr {
        #[link(wasm_import_module = "kemi:ksr/hdr@0.1.0")]
        extern "C" {
            #[link_name = "append"]
            pub fn append(hdrval_ptr: *const u8, hdrval_len: usize) -> i32;
            #[link_name = "append-after"]
            pub fn append_after(hdrval_ptr: *const u8, hdrval_len: usize, hname_ptr: *const u8, hname_len: usize) -> i32;
            #[link_name = "insert"]
            pub fn insert(hdrval_ptr: *const u8, hdrval_len: usize) -> i32;
            #[link_name = "insert-before"]
            pub fn insert_before(hdrval_ptr: *const u8, hdrval_len: usize, hname_ptr: *const u8, hname_len: usize) -> i32;
            #[link_name = "remove"]
            pub fn remove(hname_ptr: *const u8, hname_len: usize) -> i32;
            #[link_name = "rmappend"]
            pub fn rmappend(hname_ptr: *const u8, hname_len: usize, hdrval_ptr: *const u8, hdrval_len: usize) -> i32;
            #[link_name = "rminsert"]
            pub fn rminsert(hname_ptr: *const u8, hname_len: usize, hdrval_ptr: *const u8, hdrval_len: usize) -> i32;
            #[link_name = "is-present"]
            pub fn is_present(hname_ptr: *const u8, hname_len: usize) -> i32;
            #[link_name = "get"]
            pub fn get(hname_ptr: *const u8, hname_len: usize, ret_area: *mut u8);
            #[link_name = "gete"]
            pub fn gete(hname_ptr: *const u8, hname_len: usize, ret_area: *mut u8);
            #[link_name = "getw"]
            pub fn getw(hname_ptr: *const u8, hname_len: usize, ret_area: *mut u8);
            #[link_name = "get-idx"]
            pub fn get_idx(hname_ptr: *const u8, hname_len: usize, idx: i32, ret_area: *mut u8);
            #[link_name = "gete-idx"]
            pub fn gete_idx(hname_ptr: *const u8, hname_len: usize, idx: i32, ret_area: *mut u8);
            #[link_name = "getw-idx"]
            pub fn getw_idx(hname_ptr: *const u8, hname_len: usize, idx: i32, ret_area: *mut u8);
            #[link_name = "append-to-reply"]
            pub fn append_to_reply(hdrval_ptr: *const u8, hdrval_len: usize) -> i32;
        }
    }

    pub mod sl {
        #[link(wasm_import_module = "kemi:ksr/sl@0.1.0")]
        extern "C" {
            #[link_name = "sl-send-reply"]
            pub fn sl_send_reply(code: i32, reason_ptr: *const u8, reason_len: usize) -> i32;
            #[link_name = "send-reply"]
            pub fn send_reply(code: i32, reason_ptr: *const u8, reason_len: usize) -> i32;
            #[link_name = "sl-reply-error"]
            pub fn sl_reply_error() -> i32;
        }
    }

    pub mod maxfwd {
        #[link(wasm_import_module = "kemi:ksr/maxfwd@0.1.0")]
        extern "C" {
            #[link_name = "process-maxfwd"]
            pub fn process_maxfwd(limit: i32) -> i32;
            #[link_name = "is-maxfwd-lt"]
            pub fn is_maxfwd_lt(limit: i32) -> i32;
        }
    }

    pub mod siputils {
        #[link(wasm_import_module = "kemi:ksr/siputils@0.1.0")]
        extern "C" {
            #[link_name = "has-totag"]
            pub fn has_totag() -> i32;
            #[link_name = "is-request"]
            pub fn is_request() -> i32;
            #[link_name = "is-reply"]
            pub fn is_reply() -> i32;
            #[link_name = "is-first-hop"]
            pub fn is_first_hop() -> i32;
            #[link_name = "is-uri-user-e164"]
            pub fn is_uri_user_e164(uri_ptr: *const u8, uri_len: usize) -> i32;
            #[link_name = "is-e164"]
            pub fn is_e164(number_ptr: *const u8, number_len: usize) -> i32;
            #[link_name = "uri-param"]
            pub fn uri_param(name_ptr: *const u8, name_len: usize) -> i32;
            #[link_name = "uri-param-value"]
            pub fn uri_param_value(name_ptr: *const u8, name_len: usize, value_ptr: *const u8, value_len: usize) -> i32;
            #[link_name = "add-uri-param"]
            pub fn add_uri_param(param_ptr: *const u8, param_len: usize) -> i32;
            #[link_name = "cmp-uri"]
            pub fn cmp_uri(uri1_ptr: *const u8, uri1_len: usize, uri2_ptr: *const u8, uri2_len: usize) -> i32;
            #[link_name = "cmp-aor"]
            pub fn cmp_aor(uri1_ptr: *const u8, uri1_len: usize, uri2_ptr: *const u8, uri2_len: usize) -> i32;
        }
    }

    pub mod sanity {
        #[link(wasm_import_module = "kemi:ksr/sanity@0.1.0")]
        extern "C" {
            #[link_name = "sanity-check"]
            pub fn sanity_check(msg_checks: i32, uri_checks: i32) -> i32;
            #[link_name = "sanity-check-defaults"]
            pub fn sanity_check_defaults() -> i32;
            #[link_name = "sanity-reply"]
            pub fn sanity_reply() -> i32;
        }
    }

    pub mod xlog {
        #[link(wasm_import_module = "kemi:ksr/xlog@0.1.0")]
        extern "C" {
            #[link_name = "xlog"]
            pub fn xlog(level_ptr: *const u8, level_len: usize, format_ptr: *const u8, format_len: usize);
            #[link_name = "xdbg"]
            pub fn xdbg(format_ptr: *const u8, format_len: usize);
            #[link_name = "xinfo"]
            pub fn xinfo(format_ptr: *const u8, format_len: usize);
            #[link_name = "xnotice"]
            pub fn xnotice(format_ptr: *const u8, format_len: usize);
            #[link_name = "xwarn"]
            pub fn xwarn(format_ptr: *const u8, format_len: usize);
            #[link_name = "xerr"]
            pub fn xerr(format_ptr: *const u8, format_len: usize);
            #[link_name = "xcrit"]
            pub fn xcrit(format_ptr: *const u8, format_len: usize);
            #[link_name = "xalert"]
            pub fn xalert(format_ptr: *const u8, format_len: usize);
        }
    }

    pub mod tm {
        #[link(wasm_import_module = "kemi:ksr/tm@0.1.0")]
        extern "C" {
            #[link_name = "t-relay"]
            pub fn t_relay() -> i32;
            #[link_name = "t-relay-to-proto-addr"]
            pub fn t_relay_to_proto_addr(proto_ptr: *const u8, proto_len: usize, host_ptr: *const u8, host_len: usize, port: i32) -> i32;
            #[link_name = "t-on-failure"]
            pub fn t_on_failure(name_ptr: *const u8, name_len: usize) -> i32;
            #[link_name = "t-on-branch"]
            pub fn t_on_branch(name_ptr: *const u8, name_len: usize) -> i32;
            #[link_name = "t-on-reply"]
            pub fn t_on_reply(name_ptr: *const u8, name_len: usize) -> i32;
            #[link_name = "t-is-set"]
            pub fn t_is_set(target_ptr: *const u8, target_len: usize) -> i32;
            #[link_name = "t-check-trans"]
            pub fn t_check_trans() -> i32;
            #[link_name = "t-newtran"]
            pub fn t_newtran() -> i32;
            #[link_name = "t-reply"]
            pub fn t_reply(code: i32, reason_ptr: *const u8, reason_len: usize) -> i32;
            #[link_name = "t-send-reply"]
            pub fn t_send_reply(code: i32, reason_ptr: *const u8, reason_len: usize) -> i32;
            #[link_name = "t-is-canceled"]
            pub fn t_is_canceled() -> i32;
            #[link_name = "t-branch-timeout"]
            pub fn t_branch_timeout() -> i32;
            #[link_name = "t-branch-replied"]
            pub fn t_branch_replied() -> i32;
            #[link_name = "t-check-status"]
            pub fn t_check_status(re_ptr: *const u8, re_len: usize) -> i32;
            #[link_name = "t-set-fr"]
            pub fn t_set_fr(fr_inv: i32, fr: i32) -> i32;
            #[link_name = "t-reset-fr"]
            pub fn t_reset_fr() -> i32;
            #[link_name = "t-load-contacts"]
            pub fn t_load_contacts() -> i32;
            #[link_name = "t-next-contacts"]
            pub fn t_next_contacts() -> i32;
            #[link_name = "t-drop-replies"]
            pub fn t_drop_replies(mode_ptr: *const u8, mode_len: usize) -> i32;
        }
    }

    pub mod tmx {
        #[link(wasm_import_module = "kemi:ksr/tmx@0.1.0")]
        extern "C" {
            #[link_name = "t-precheck-trans"]
            pub fn t_precheck_trans() -> i32;
            #[link_name = "t-is-branch-route"]
            pub fn t_is_branch_route() -> i32;
        }
    }

    pub mod rr {
        #[link(wasm_import_module = "kemi:ksr/rr@0.1.0")]
        extern "C" {
            #[link_name = "record-route"]
            pub fn record_route() -> i32;
            #[link_name = "record-route-params"]
            pub fn record_route_params(params_ptr: *const u8, params_len: usize) -> i32;
            #[link_name = "record-route-preset"]
            pub fn record_route_preset(addr1_ptr: *const u8, addr1_len: usize, addr2_ptr: *const u8, addr2_len: usize) -> i32;
            #[link_name = "remove-record-route"]
            pub fn remove_record_route() -> i32;
            #[link_name = "add-rr-param"]
            pub fn add_rr_param(param_ptr: *const u8, param_len: usize) -> i32;
            #[link_name = "loose-route"]
            pub fn loose_route() -> i32;
            #[link_name = "check-route-param"]
            pub fn check_route_param(re_ptr: *const u8, re_len: usize) -> i32;
            #[link_name = "is-direction"]
            pub fn is_direction(dir_ptr: *const u8, dir_len: usize) -> i32;
        }
    }

    pub mod corex {
        #[link(wasm_import_module = "kemi:ksr/corex@0.1.0")]
        extern "C" {
            #[link_name = "append-branch"]
            pub fn append_branch() -> i32;
            #[link_name = "append-branch-uri"]
            pub fn append_branch_uri(uri_ptr: *const u8, uri_len: usize) -> i32;
            #[link_name = "append-branch-uri-q"]
            pub fn append_branch_uri_q(uri_ptr: *const u8, uri_len: usize, q_ptr: *const u8, q_len: usize) -> i32;
            #[link_name = "has-ruri-user"]
            pub fn has_ruri_user() -> i32;
        }
    }

    pub mod kx {
        #[link(wasm_import_module = "kemi:ksr/kx@0.1.0")]
        extern "C" {
            #[link_name = "get-ruri"]
            pub fn get_ruri(ret_area: *mut u8);
            #[link_name = "get-ruser"]
            pub fn get_ruser(ret_area: *mut u8);
            #[link_name = "getw-ruser"]
            pub fn getw_ruser(ret_area: *mut u8);
            #[link_name = "gete-ruser"]
            pub fn gete_ruser(ret_area: *mut u8);
            #[link_name = "get-rhost"]
            pub fn get_rhost(ret_area: *mut u8);
            #[link_name = "getw-rhost"]
            pub fn getw_rhost(ret_area: *mut u8);
            #[link_name = "gete-rhost"]
            pub fn gete_rhost(ret_area: *mut u8);
            #[link_name = "get-ouri"]
            pub fn get_ouri(ret_area: *mut u8);
            #[link_name = "get-furi"]
            pub fn get_furi(ret_area: *mut u8);
            #[link_name = "get-fuser"]
            pub fn get_fuser(ret_area: *mut u8);
            #[link_name = "getw-fuser"]
            pub fn getw_fuser(ret_area: *mut u8);
            #[link_name = "gete-fuser"]
            pub fn gete_fuser(ret_area: *mut u8);
            #[link_name = "get-fhost"]
            pub fn get_fhost(ret_area: *mut u8);
            #[link_name = "getw-fhost"]
            pub fn getw_fhost(ret_area: *mut u8);
            #[link_name = "gete-fhost"]
            pub fn gete_fhost(ret_area: *mut u8);
            #[link_name = "get-turi"]
            pub fn get_turi(ret_area: *mut u8);
            #[link_name = "get-tuser"]
            pub fn get_tuser(ret_area: *mut u8);
            #[link_name = "gete-tuser"]
            pub fn gete_tuser(ret_area: *mut u8);
            #[link_name = "getw-tuser"]
            pub fn getw_tuser(ret_area: *mut u8);
            #[link_name = "get-thost"]
            pub fn get_thost(ret_area: *mut u8);
            #[link_name = "gete-thost"]
            pub fn gete_thost(ret_area: *mut u8);
            #[link_name = "getw-thost"]
            pub fn getw_thost(ret_area: *mut u8);
            #[link_name = "get-duri"]
            pub fn get_duri(ret_area: *mut u8);
            #[link_name = "gete-duri"]
            pub fn gete_duri(ret_area: *mut u8);
            #[link_name = "getw-duri"]
            pub fn getw_duri(ret_area: *mut u8);
            #[link_name = "get-cturi"]
            pub fn get_cturi(ret_area: *mut u8);
            #[link_name = "gete-cturi"]
            pub fn gete_cturi(ret_area: *mut u8);
            #[link_name = "getw-cturi"]
            pub fn getw_cturi(ret_area: *mut u8);
            #[link_name = "get-nhuri"]
            pub fn get_nhuri(ret_area: *mut u8);
            #[link_name = "get-srcuri"]
            pub fn get_srcuri(ret_area: *mut u8);
            #[link_name = "get-srcaddr-sock"]
            pub fn get_srcaddr_sock(ret_area: *mut u8);
            #[link_name = "get-ua"]
            pub fn get_ua(ret_area: *mut u8);
            #[link_name = "gete-ua"]
            pub fn gete_ua(ret_area: *mut u8);
            #[link_name = "getw-ua"]
            pub fn getw_ua(ret_area: *mut u8);
            #[link_name = "get-srcip"]
            pub fn get_srcip(ret_area: *mut u8);
            #[link_name = "get-srcport"]
            pub fn get_srcport() -> i32;
            #[link_name = "get-rcvip"]
            pub fn get_rcvip(ret_area: *mut u8);
            #[link_name = "get-rcvport"]
            pub fn get_rcvport() -> i32;
            #[link_name = "get-rcvadvip"]
            pub fn get_rcvadvip(ret_area: *mut u8);
            #[link_name = "get-rcvadvport"]
            pub fn get_rcvadvport() -> i32;
            #[link_name = "get-rcvaddr-sock"]
            pub fn get_rcvaddr_sock(ret_area: *mut u8);
            #[link_name = "get-proto"]
            pub fn get_proto(ret_area: *mut u8);
            #[link_name = "get-protoid"]
            pub fn get_protoid() -> i32;
            #[link_name = "get-method"]
            pub fn get_method(ret_area: *mut u8);
            #[link_name = "get-status"]
            pub fn get_status() -> i32;
            #[link_name = "gets-status"]
            pub fn gets_status(ret_area: *mut u8);
            #[link_name = "get-body"]
            pub fn get_body(ret_area: *mut u8);
            #[link_name = "getw-body"]
            pub fn getw_body(ret_area: *mut u8);
            #[link_name = "gete-body"]
            pub fn gete_body(ret_area: *mut u8);
            #[link_name = "get-bodylen"]
            pub fn get_bodylen() -> i32;
            #[link_name = "get-timestamp"]
            pub fn get_timestamp() -> i32;
            #[link_name = "get-callid"]
            pub fn get_callid(ret_area: *mut u8);
            #[link_name = "get-msgbuf"]
            pub fn get_msgbuf(ret_area: *mut u8);
            #[link_name = "get-msglen"]
            pub fn get_msglen() -> i32;
            #[link_name = "get-msgtype"]
            pub fn get_msgtype() -> i32;
            #[link_name = "get-def"]
            pub fn get_def(name_ptr: *const u8, name_len: usize, ret_area: *mut u8);
            #[link_name = "get-defn"]
            pub fn get_defn(name_ptr: *const u8, name_len: usize) -> i32;
            #[link_name = "ifdef"]
            pub fn ifdef(name_ptr: *const u8, name_len: usize) -> i32;
            #[link_name = "ifndef"]
            pub fn ifndef(name_ptr: *const u8, name_len: usize) -> i32;
        }
    }

    pub mod htable {
        #[link(wasm_import_module = "kemi:ksr/htable@0.1.0")]
        extern "C" {
            #[link_name = "sht-get"]
            pub fn sht_get(table_ptr: *const u8, table_len: usize, key_ptr: *const u8, key_len: usize, ret_area: *mut u8);
            #[link_name = "sht-gete"]
            pub fn sht_gete(table_ptr: *const u8, table_len: usize, key_ptr: *const u8, key_len: usize, ret_area: *mut u8);
            #[link_name = "sht-sets"]
            pub fn sht_sets(table_ptr: *const u8, table_len: usize, key_ptr: *const u8, key_len: usize, value_ptr: *const u8, value_len: usize) -> i32;
            #[link_name = "sht-seti"]
            pub fn sht_seti(table_ptr: *const u8, table_len: usize, key_ptr: *const u8, key_len: usize, value: i32) -> i32;
            #[link_name = "sht-inc"]
            pub fn sht_inc(table_ptr: *const u8, table_len: usize, key_ptr: *const u8, key_len: usize) -> i32;
            #[link_name = "sht-dec"]
            pub fn sht_dec(table_ptr: *const u8, table_len: usize, key_ptr: *const u8, key_len: usize) -> i32;
            #[link_name = "sht-rm"]
            pub fn sht_rm(table_ptr: *const u8, table_len: usize, key_ptr: *const u8, key_len: usize) -> i32;
            #[link_name = "sht-is-null"]
            pub fn sht_is_null(table_ptr: *const u8, table_len: usize, key_ptr: *const u8, key_len: usize) -> i32;
            #[link_name = "sht-reset"]
            pub fn sht_reset(table_ptr: *const u8, table_len: usize) -> i32;
            #[link_name = "sht-rm-name-re"]
            pub fn sht_rm_name_re(table_ptr: *const u8, table_len: usize, re_ptr: *const u8, re_len: usize) -> i32;
            #[link_name = "sht-rm-value-re"]
            pub fn sht_rm_value_re(table_ptr: *const u8, table_len: usize, re_ptr: *const u8, re_len: usize) -> i32;
            #[link_name = "sht-match-name"]
            pub fn sht_match_name(table_ptr: *const u8, table_len: usize, op_ptr: *const u8, op_len: usize, value_ptr: *const u8, value_len: usize) -> i32;
        }
    }

    pub mod registrar {
        #[link(wasm_import_module = "kemi:ksr/registrar@0.1.0")]
        extern "C" {
            #[link_name = "save"]
            pub fn save(table_ptr: *const u8, table_len: usize, mode: i32) -> i32;
            #[link_name = "lookup"]
            pub fn lookup(table_ptr: *const u8, table_len: usize) -> i32;
            #[link_name = "lookup-uri"]
            pub fn lookup_uri(table_ptr: *const u8, table_len: usize, uri_ptr: *const u8, uri_len: usize) -> i32;
            #[link_name = "registered"]
            pub fn registered(table_ptr: *const u8, table_len: usize) -> i32;
            #[link_name = "registered-uri"]
            pub fn registered_uri(table_ptr: *const u8, table_len: usize, uri_ptr: *const u8, uri_len: usize) -> i32;
            #[link_name = "unregister"]
            pub fn unregister(table_ptr: *const u8, table_len: usize, aor_ptr: *const u8, aor_len: usize) -> i32;
        }
    }

    pub mod permissions {
        #[link(wasm_import_module = "kemi:ksr/permissions@0.1.0")]
        extern "C" {
            #[link_name = "allow-source-address"]
            pub fn allow_source_address(group: i32) -> i32;
            #[link_name = "allow-address"]
            pub fn allow_address(group: i32, addr_ptr: *const u8, addr_len: usize, port: i32) -> i32;
            #[link_name = "allow-source-address-group"]
            pub fn allow_source_address_group() -> i32;
            #[link_name = "allow-address-group"]
            pub fn allow_address_group(addr_ptr: *const u8, addr_len: usize, port: i32) -> i32;
        }
    }

    pub mod pike {
        #[link(wasm_import_module = "kemi:ksr/pike@0.1.0")]
        extern "C" {
            #[link_name = "pike-check-req"]
            pub fn pike_check_req() -> i32;
            #[link_name = "pike-check-ip"]
            pub fn pike_check_ip(ip_ptr: *const u8, ip_len: usize) -> i32;
        }
    }

    pub mod auth {
        #[link(wasm_import_module = "kemi:ksr/auth@0.1.0")]
        extern "C" {
            #[link_name = "consume-credentials"]
            pub fn consume_credentials() -> i32;
            #[link_name = "has-credentials"]
            pub fn has_credentials(realm_ptr: *const u8, realm_len: usize) -> i32;
            #[link_name = "www-challenge"]
            pub fn www_challenge(realm_ptr: *const u8, realm_len: usize, flag_bits: i32) -> i32;
            #[link_name = "proxy-challenge"]
            pub fn proxy_challenge(realm_ptr: *const u8, realm_len: usize, flag_bits: i32) -> i32;
            #[link_name = "auth-challenge"]
            pub fn auth_challenge(realm_ptr: *const u8, realm_len: usize, flag_bits: i32) -> i32;
            #[link_name = "pv-www-authenticate"]
            pub fn pv_www_authenticate(realm_ptr: *const u8, realm_len: usize, passwd_ptr: *const u8, passwd_len: usize, flag_bits: i32) -> i32;
            #[link_name = "pv-proxy-authenticate"]
            pub fn pv_proxy_authenticate(realm_ptr: *const u8, realm_len: usize, passwd_ptr: *const u8, passwd_len: usize, flag_bits: i32) -> i32;
            #[link_name = "pv-auth-check"]
            pub fn pv_auth_check(realm_ptr: *const u8, realm_len: usize, passwd_ptr: *const u8, passwd_len: usize, flag_bits: i32, checks: i32) -> i32;
            #[link_name = "auth-algorithm"]
            pub fn auth_algorithm(algorithm_ptr: *const u8, algorithm_len: usize) -> i32;
        }
    }

    pub mod auth_db {
        #[link(wasm_import_module = "kemi:ksr/auth-db@0.1.0")]
        extern "C" {
            #[link_name = "auth-check"]
            pub fn auth_check(realm_ptr: *const u8, realm_len: usize, table_ptr: *const u8, table_len: usize, flag_bits: i32) -> i32;
            #[link_name = "is-subscriber"]
            pub fn is_subscriber(uri_ptr: *const u8, uri_len: usize, table_ptr: *const u8, table_len: usize, flag_bits: i32) -> i32;
            #[link_name = "www-authenticate"]
            pub fn www_authenticate(realm_ptr: *const u8, realm_len: usize, table_ptr: *const u8, table_len: usize) -> i32;
            #[link_name = "proxy-authenticate"]
            pub fn proxy_authenticate(realm_ptr: *const u8, realm_len: usize, table_ptr: *const u8, table_len: usize) -> i32;
        }
    }

    pub mod nathelper {
        #[link(wasm_import_module = "kemi:ksr/nathelper@0.1.0")]
        extern "C" {
            #[link_name = "nat-uac-test"]
            pub fn nat_uac_test(flag_bits: i32) -> i32;
            #[link_name = "fix-nated-contact"]
            pub fn fix_nated_contact() -> i32;
            #[link_name = "fix-nated-register"]
            pub fn fix_nated_register() -> i32;
            #[link_name = "set-contact-alias"]
            pub fn set_contact_alias() -> i32;
            #[link_name = "add-contact-alias"]
            pub fn add_contact_alias() -> i32;
            #[link_name = "add-contact-alias-addr"]
            pub fn add_contact_alias_addr(ip_ptr: *const u8, ip_len: usize, port_ptr: *const u8, port_len: usize, proto_ptr: *const u8, proto_len: usize) -> i32;
            #[link_name = "handle-ruri-alias"]
            pub fn handle_ruri_alias() -> i32;
            #[link_name = "add-rcv-param"]
            pub fn add_rcv_param(flag_bits: i32) -> i32;
            #[link_name = "is-rfc1918"]
            pub fn is_rfc1918(ip_ptr: *const u8, ip_len: usize) -> i32;
            #[link_name = "fix-nated-sdp"]
            pub fn fix_nated_sdp(mode: i32) -> i32;
            #[link_name = "fix-nated-sdp-ip"]
            pub fn fix_nated_sdp_ip(mode: i32, ip_ptr: *const u8, ip_len: usize) -> i32;
        }
    }

    pub mod rtpengine {
        #[link(wasm_import_module = "kemi:ksr/rtpengine@0.1.0")]
        extern "C" {
            #[link_name = "rtpengine-manage"]
            pub fn rtpengine_manage(options_ptr: *const u8, options_len: usize) -> i32;
            #[link_name = "rtpengine-offer"]
            pub fn rtpengine_offer(options_ptr: *const u8, options_len: usize) -> i32;
            #[link_name = "rtpengine-answer"]
            pub fn rtpengine_answer(options_ptr: *const u8, options_len: usize) -> i32;
            #[link_name = "rtpengine-delete"]
            pub fn rtpengine_delete(options_ptr: *const u8, options_len: usize) -> i32;
            #[link_name = "rtpengine-query"]
            pub fn rtpengine_query(options_ptr: *const u8, options_len: usize) -> i32;
        }
    }

    pub mod textops {
        #[link(wasm_import_module = "kemi:ksr/textops@0.1.0")]
        extern "C" {
            #[link_name = "is-present-hf"]
            pub fn is_present_hf(hname_ptr: *const u8, hname_len: usize) -> i32;
            #[link_name = "is-present-hf-re"]
            pub fn is_present_hf_re(ematch_ptr: *const u8, ematch_len: usize) -> i32;
            #[link_name = "search"]
            pub fn search(sre_ptr: *const u8, sre_len: usize) -> i32;
            #[link_name = "search-body"]
            pub fn search_body(sre_ptr: *const u8, sre_len: usize) -> i32;
            #[link_name = "subst"]
            pub fn subst(subst_ptr: *const u8, subst_len: usize) -> i32;
            #[link_name = "subst-uri"]
            pub fn subst_uri(subst_ptr: *const u8, subst_len: usize) -> i32;
            #[link_name = "subst-body"]
            pub fn subst_body(subst_ptr: *const u8, subst_len: usize) -> i32;
            #[link_name = "remove-hf-re"]
            pub fn remove_hf_re(ematch_ptr: *const u8, ematch_len: usize) -> i32;
            #[link_name = "has-body"]
            pub fn has_body() -> i32;
            #[link_name = "has-body-type"]
            pub fn has_body_type(ctype_ptr: *const u8, ctype_len: usize) -> i32;
            #[link_name = "set-body"]
            pub fn set_body(nb_ptr: *const u8, nb_len: usize, nc_ptr: *const u8, nc_len: usize) -> i32;
            #[link_name = "set-reply-body"]
            pub fn set_reply_body(nb_ptr: *const u8, nb_len: usize, nc_ptr: *const u8, nc_len: usize) -> i32;
        }
    }

    pub mod textopsx {
        #[link(wasm_import_module = "kemi:ksr/textopsx@0.1.0")]
        extern "C" {
            #[link_name = "msg-apply-changes"]
            pub fn msg_apply_changes() -> i32;
            #[link_name = "remove-body"]
            pub fn remove_body() -> i32;
        }
    }

    pub mod acc {
        #[link(wasm_import_module = "kemi:ksr/acc@0.1.0")]
        extern "C" {
            #[link_name = "acc-request"]
            pub fn acc_request(comment_ptr: *const u8, comment_len: usize, table_ptr: *const u8, table_len: usize) -> i32;
        }
    }

    pub mod dialog {
        #[link(wasm_import_module = "kemi:ksr/dialog@0.1.0")]
        extern "C" {
            #[link_name = "dlg-manage"]
            pub fn dlg_manage() -> i32;
            #[link_name = "is-known-dlg"]
            pub fn is_known_dlg() -> i32;
            #[link_name = "dlg-set-timeout"]
            pub fn dlg_set_timeout(timeout: i32) -> i32;
            #[link_name = "dlg-bye"]
            pub fn dlg_bye(side_ptr: *const u8, side_len: usize) -> i32;
            #[link_name = "dlg-get"]
            pub fn dlg_get(callid_ptr: *const u8, callid_len: usize, ftag_ptr: *const u8, ftag_len: usize, ttag_ptr: *const u8, ttag_len: usize) -> i32;
            #[link_name = "dlg-set-var"]
            pub fn dlg_set_var(callid_ptr: *const u8, callid_len: usize, ftag_ptr: *const u8, ftag_len: usize, ttag_ptr: *const u8, ttag_len: usize, key_ptr: *const u8, key_len: usize, value_ptr: *const u8, value_len: usize) -> i32;
            #[link_name = "dlg-get-var"]
            pub fn dlg_get_var(callid_ptr: *const u8, callid_len: usize, ftag_ptr: *const u8, ftag_len: usize, ttag_ptr: *const u8, ttag_len: usize, key_ptr: *const u8, key_len: usize, ret_area: *mut u8);
            #[link_name = "var-sets"]
            pub fn var_sets(name_ptr: *const u8, name_len: usize, value_ptr: *const u8, value_len: usize) -> i32;
            #[link_name = "var-get"]
            pub fn var_get(name_ptr: *const u8, name_len: usize, ret_area: *mut u8);
            #[link_name = "var-gete"]
            pub fn var_gete(name_ptr: *const u8, name_len: usize, ret_area: *mut u8);
            #[link_name = "var-rm"]
            pub fn var_rm(name_ptr: *const u8, name_len: usize) -> i32;
            #[link_name = "var-is-null"]
            pub fn var_is_null(name_ptr: *const u8, name_len: usize) -> i32;
            #[link_name = "dlg-setflag"]
            pub fn dlg_setflag(flag: i32) -> i32;
            #[link_name = "dlg-resetflag"]
            pub fn dlg_resetflag(flag: i32) -> i32;
            #[link_name = "dlg-isflagset"]
            pub fn dlg_isflagset(flag: i32) -> i32;
            #[link_name = "set-dlg-profile"]
            pub fn set_dlg_profile(profile_ptr: *const u8, profile_len: usize, value_ptr: *const u8, value_len: usize) -> i32;
            #[link_name = "set-dlg-profile-static"]
            pub fn set_dlg_profile_static(profile_ptr: *const u8, profile_len: usize) -> i32;
            #[link_name = "unset-dlg-profile"]
            pub fn unset_dlg_profile(profile_ptr: *const u8, profile_len: usize, value_ptr: *const u8, value_len: usize) -> i32;
            #[link_name = "unset-dlg-profile-static"]
            pub fn unset_dlg_profile_static(profile_ptr: *const u8, profile_len: usize) -> i32;
            #[link_name = "is-in-profile"]
            pub fn is_in_profile(profile_ptr: *const u8, profile_len: usize, value_ptr: *const u8, value_len: usize) -> i32;
            #[link_name = "is-in-profile-static"]
            pub fn is_in_profile_static(profile_ptr: *const u8, profile_len: usize) -> i32;
            #[link_name = "get-profile-size"]
            pub fn get_profile_size(profile_ptr: *const u8, profile_len: usize, value_ptr: *const u8, value_len: usize, pv_ptr: *const u8, pv_len: usize) -> i32;
            #[link_name = "get-profile-size-static"]
            pub fn get_profile_size_static(profile_ptr: *const u8, profile_len: usize, pv_ptr: *const u8, pv_len: usize) -> i32;
        }
    }

    pub mod dispatcher {
        #[link(wasm_import_module = "kemi:ksr/dispatcher@0.1.0")]
        extern "C" {
            #[link_name = "ds-select-dst"]
            pub fn ds_select_dst(set: i32, alg: i32) -> i32;
            #[link_name = "ds-select-dst-limit"]
            pub fn ds_select_dst_limit(set: i32, alg: i32, limit: i32) -> i32;
            #[link_name = "ds-select-domain"]
            pub fn ds_select_domain(set: i32, alg: i32) -> i32;
            #[link_name = "ds-select-domain-limit"]
            pub fn ds_select_domain_limit(set: i32, alg: i32, limit: i32) -> i32;
            #[link_name = "ds-select"]
            pub fn ds_select(set: i32, alg: i32) -> i32;
            #[link_name = "ds-select-limit"]
            pub fn ds_select_limit(set: i32, alg: i32, limit: i32) -> i32;
            #[link_name = "ds-next-dst"]
            pub fn ds_next_dst() -> i32;
            #[link_name = "ds-next-domain"]
            pub fn ds_next_domain() -> i32;
            #[link_name = "ds-set-dst"]
            pub fn ds_set_dst() -> i32;
            #[link_name = "ds-set-domain"]
            pub fn ds_set_domain() -> i32;
            #[link_name = "ds-mark-dst"]
            pub fn ds_mark_dst() -> i32;
            #[link_name = "ds-mark-dst-state"]
            pub fn ds_mark_dst_state(state_ptr: *const u8, state_len: usize) -> i32;
            #[link_name = "ds-is-from-lists"]
            pub fn ds_is_from_lists() -> i32;
            #[link_name = "ds-is-from-list"]
            pub fn ds_is_from_list(set: i32) -> i32;
            #[link_name = "ds-is-from-list-mode"]
            pub fn ds_is_from_list_mode(set: i32, mode: i32) -> i32;
            #[link_name = "ds-is-from-list-uri"]
            pub fn ds_is_from_list_uri(set: i32, mode: i32, uri_ptr: *const u8, uri_len: usize) -> i32;
            #[link_name = "ds-list-exists"]
            pub fn ds_list_exists(set: i32) -> i32;
            #[link_name = "ds-is-active"]
            pub fn ds_is_active(set: i32) -> i32;
            #[link_name = "ds-is-active-uri"]
            pub fn ds_is_active_uri(set: i32, uri_ptr: *const u8, uri_len: usize) -> i32;
            #[link_name = "ds-load-update"]
            pub fn ds_load_update() -> i32;
            #[link_name = "ds-load-unset"]
            pub fn ds_load_unset() -> i32;
        }
    }

    pub mod siptrace {
        #[link(wasm_import_module = "kemi:ksr/siptrace@0.1.0")]
        extern "C" {
            #[link_name = "sip-trace"]
            pub fn sip_trace() -> i32;
            #[link_name = "sip-trace-mode"]
            pub fn sip_trace_mode(mode_ptr: *const u8, mode_len: usize) -> i32;
        }
    }
}

// core: KEMI calls these on KSR itself.
/// True if the message's method (CSeq method for replies) equals `method` (case-insensitive), or, for a list
/// of standard methods separated by `|` ("INVITE|BYE"), is one of them.
pub fn is_method(method: &str) -> bool {
    unsafe { raw::core::is_method(method.as_ptr(), method.len()) != 0 }
}

/// True if the method is one of the letters (either case): I INVITE, A ACK, B BYE, C CANCEL, R REGISTER, M
/// MESSAGE, O OPTIONS, S SUBSCRIBE, P PUBLISH, N NOTIFY, U UPDATE, E PRACK, F REFER, K KDMQ, G GET, T POST, V
/// PUT, D DELETE (Kamailio's letters; INFO has none). Other methods never match.
pub fn is_method_in(methods: &str) -> bool {
    unsafe { raw::core::is_method_in(methods.as_ptr(), methods.len()) != 0 }
}

/// The method (CSeq method for replies) is INVITE.
pub fn is_INVITE() -> bool {
    unsafe { raw::core::is_INVITE() != 0 }
}

/// The method is ACK.
pub fn is_ACK() -> bool {
    unsafe { raw::core::is_ACK() != 0 }
}

/// The method is BYE.
pub fn is_BYE() -> bool {
    unsafe { raw::core::is_BYE() != 0 }
}

/// The method is CANCEL.
pub fn is_CANCEL() -> bool {
    unsafe { raw::core::is_CANCEL() != 0 }
}

/// The method is REGISTER.
pub fn is_REGISTER() -> bool {
    unsafe { raw::core::is_REGISTER() != 0 }
}

/// The method is OPTIONS.
pub fn is_OPTIONS() -> bool {
    unsafe { raw::core::is_OPTIONS() != 0 }
}

/// The method is SUBSCRIBE.
pub fn is_SUBSCRIBE() -> bool {
    unsafe { raw::core::is_SUBSCRIBE() != 0 }
}

/// The method is PUBLISH.
pub fn is_PUBLISH() -> bool {
    unsafe { raw::core::is_PUBLISH() != 0 }
}

/// The method is NOTIFY.
pub fn is_NOTIFY() -> bool {
    unsafe { raw::core::is_NOTIFY() != 0 }
}

/// The method is REFER.
pub fn is_REFER() -> bool {
    unsafe { raw::core::is_REFER() != 0 }
}

/// The method is INFO.
pub fn is_INFO() -> bool {
    unsafe { raw::core::is_INFO() != 0 }
}

/// The method is UPDATE.
pub fn is_UPDATE() -> bool {
    unsafe { raw::core::is_UPDATE() != 0 }
}

/// The method is PRACK.
pub fn is_PRACK() -> bool {
    unsafe { raw::core::is_PRACK() != 0 }
}

/// The method is MESSAGE.
pub fn is_MESSAGE() -> bool {
    unsafe { raw::core::is_MESSAGE() != 0 }
}

/// The method is KDMQ.
pub fn is_KDMQ() -> bool {
    unsafe { raw::core::is_KDMQ() != 0 }
}

/// The method is GET.
pub fn is_GET() -> bool {
    unsafe { raw::core::is_GET() != 0 }
}

/// The method is POST.
pub fn is_POST() -> bool {
    unsafe { raw::core::is_POST() != 0 }
}

/// The method is PUT.
pub fn is_PUT() -> bool {
    unsafe { raw::core::is_PUT() != 0 }
}

/// The method is DELETE.
pub fn is_DELETE() -> bool {
    unsafe { raw::core::is_DELETE() != 0 }
}

/// The message arrived over UDP.
pub fn is_UDP() -> bool {
    unsafe { raw::core::is_UDP() != 0 }
}

/// The message arrived over TCP.
pub fn is_TCP() -> bool {
    unsafe { raw::core::is_TCP() != 0 }
}

/// The message arrived over TLS (a `tls:` listener).
pub fn is_TLS() -> bool {
    unsafe { raw::core::is_TLS() != 0 }
}

/// The message arrived over SCTP (never).
pub fn is_SCTP() -> bool {
    unsafe { raw::core::is_SCTP() != 0 }
}

/// The message arrived over WebSocket (a `ws:` listener).
pub fn is_WS() -> bool {
    unsafe { raw::core::is_WS() != 0 }
}

/// The message arrived over secure WebSocket (a `wss:` listener).
pub fn is_WSS() -> bool {
    unsafe { raw::core::is_WSS() != 0 }
}

/// The message arrived over WebSocket, secure or not.
pub fn is_WSX() -> bool {
    unsafe { raw::core::is_WSX() != 0 }
}

/// The message arrived over one of the protocols given by letter: u UDP, t TCP, e TLS, s SCTP, v WS, w WSS.
pub fn is_proto(protos: &str) -> bool {
    unsafe { raw::core::is_proto(protos.as_ptr(), protos.len()) != 0 }
}

/// The message arrived on an IPv4 address.
pub fn is_ipv4() -> bool {
    unsafe { raw::core::is_ipv4() != 0 }
}

/// The message arrived on an IPv6 address.
pub fn is_ipv6() -> bool {
    unsafe { raw::core::is_ipv6() != 0 }
}

/// The message came from source port `port`.
pub fn is_src_port(port: i32) -> bool {
    unsafe { raw::core::is_src_port(port) != 0 }
}

/// The message arrived on local port `port`.
pub fn is_dst_port(port: i32) -> bool {
    unsafe { raw::core::is_dst_port(port) != 0 }
}

/// The next hop's URI (`$du`, else the R-URI; for a reply, the second Via) says transport=udp. Like Kamailio,
/// a URI without a transport parameter matches none of the `to-*` protocol tests.
pub fn to_UDP() -> bool {
    unsafe { raw::core::to_UDP() != 0 }
}

/// The next hop's URI says transport=tcp (a reply: the second Via is TCP).
pub fn to_TCP() -> bool {
    unsafe { raw::core::to_TCP() != 0 }
}

/// The next hop's URI says transport=tls.
pub fn to_TLS() -> bool {
    unsafe { raw::core::to_TLS() != 0 }
}

/// The next hop's URI says transport=sctp.
pub fn to_SCTP() -> bool {
    unsafe { raw::core::to_SCTP() != 0 }
}

/// The next hop's URI says transport=ws.
pub fn to_WS() -> bool {
    unsafe { raw::core::to_WS() != 0 }
}

/// The next hop's URI says transport=wss.
pub fn to_WSS() -> bool {
    unsafe { raw::core::to_WSS() != 0 }
}

/// The next hop's URI says transport=ws or wss.
pub fn to_WSX() -> bool {
    unsafe { raw::core::to_WSX() != 0 }
}

/// The next hop's host is an IPv4 address (a reply: the second Via's received, else its host).
pub fn to_ipv4() -> bool {
    unsafe { raw::core::to_ipv4() != 0 }
}

/// The next hop's host is an IPv6 address.
pub fn to_ipv6() -> bool {
    unsafe { raw::core::to_ipv6() != 0 }
}

/// True if the host and port of `uri` are one of the server's listen addresses or configured domains.
pub fn is_myself(uri: &str) -> bool {
    unsafe { raw::core::is_myself(uri.as_ptr(), uri.len()) != 0 }
}

/// `is-myself` on the request URI.
pub fn is_myself_ruri() -> bool {
    unsafe { raw::core::is_myself_ruri() != 0 }
}

/// `is-myself` on the From URI.
pub fn is_myself_furi() -> bool {
    unsafe { raw::core::is_myself_furi() != 0 }
}

/// `is-myself` on the To URI.
pub fn is_myself_turi() -> bool {
    unsafe { raw::core::is_myself_turi() != 0 }
}

/// True if the source IP is one of the server's listen addresses.
pub fn is_myself_srcip() -> bool {
    unsafe { raw::core::is_myself_srcip() != 0 }
}

/// Set message flag `flag` (0..31); false if out of range.
pub fn setflag(flag: i32) -> bool {
    unsafe { raw::core::setflag(flag) != 0 }
}

/// Reset message flag `flag` (0..31).
pub fn resetflag(flag: i32) -> bool {
    unsafe { raw::core::resetflag(flag) != 0 }
}

/// True if message flag `flag` is set.
pub fn isflagset(flag: i32) -> bool {
    unsafe { raw::core::isflagset(flag) != 0 }
}

/// Set branch flag `flag` (0..31) of the current branch.
pub fn setbflag(flag: i32) -> bool {
    unsafe { raw::core::setbflag(flag) != 0 }
}

/// Reset branch flag `flag` of the current branch.
pub fn resetbflag(flag: i32) -> bool {
    unsafe { raw::core::resetbflag(flag) != 0 }
}

/// True if branch flag `flag` of the current branch is set.
pub fn isbflagset(flag: i32) -> bool {
    unsafe { raw::core::isbflagset(flag) != 0 }
}

/// Replace the request URI; false if `uri` does not parse.
pub fn seturi(uri: &str) -> bool {
    unsafe { raw::core::seturi(uri.as_ptr(), uri.len()) != 0 }
}

/// Replace the user part of the request URI.
pub fn setuser(user: &str) -> bool {
    unsafe { raw::core::setuser(user.as_ptr(), user.len()) != 0 }
}

/// Replace the host part of the request URI.
pub fn sethost(host: &str) -> bool {
    unsafe { raw::core::sethost(host.as_ptr(), host.len()) != 0 }
}

/// Set the destination URI ($du, outbound proxy); false if `uri` does not parse.
pub fn setdsturi(uri: &str) -> bool {
    unsafe { raw::core::setdsturi(uri.as_ptr(), uri.len()) != 0 }
}

/// Clear the destination URI.
pub fn resetdsturi() -> bool {
    unsafe { raw::core::resetdsturi() != 0 }
}

/// True if a destination URI is set.
pub fn isdsturiset() -> bool {
    unsafe { raw::core::isdsturiset() != 0 }
}

/// Add `rport` to the top Via of the request and send replies to the source port (RFC 3581).
pub fn force_rport() -> bool {
    unsafe { raw::core::force_rport() != 0 }
}

/// Replies to this request never open a new TCP connection: they go over an open connection to the request's
/// source, or are not sent (Kamailio's SND_F_FORCE_CON_REUSE). A transaction takes the setting when it is
/// made, so call it before `tm.t-newtran`/`tm.t-relay`. Always true.
pub fn set_reply_no_connect() -> bool {
    unsafe { raw::core::set_reply_no_connect() != 0 }
}

/// Mark the message to be dropped when the route returns; unlike `x.drop` the route goes on.
pub fn set_drop() {
    unsafe { raw::core::set_drop() }
}

/// Log `msg` at `level` ("dbg", "info", "notice", "warn", "err", "crit"; anything else logs as "err").
pub fn log(level: &str, msg: &str) {
    unsafe { raw::core::log(level.as_ptr(), level.len(), msg.as_ptr(), msg.len()) }
}

/// Log at debug level.
pub fn dbg(msg: &str) {
    unsafe { raw::core::dbg(msg.as_ptr(), msg.len()) }
}

/// Log at info level.
pub fn info(msg: &str) {
    unsafe { raw::core::info(msg.as_ptr(), msg.len()) }
}

/// Log at notice level.
pub fn notice(msg: &str) {
    unsafe { raw::core::notice(msg.as_ptr(), msg.len()) }
}

/// Log at warning level.
pub fn warn(msg: &str) {
    unsafe { raw::core::warn(msg.as_ptr(), msg.len()) }
}

/// Log at error level.
pub fn err(msg: &str) {
    unsafe { raw::core::err(msg.as_ptr(), msg.len()) }
}

/// Log at critical level.
pub fn crit(msg: &str) {
    unsafe { raw::core::crit(msg.as_ptr(), msg.len()) }
}

/// Control flow (Kamailio's `KSR.x`). After either call every further action of the route is ignored: the
/// guest should return from the route right away.
pub mod x {
    /// Stop the route; what it already did (a reply sent, a relay started) stands.
    pub fn exit() {
        unsafe { super::raw::x::exit() }
    }

    /// Stop the route and drop the message: a request is not forwarded, a reply is not passed upstream.
    pub fn drop() {
        unsafe { super::raw::x::drop() }
    }
}

/// Pseudo-variables (Kamailio's `KSR.pv`): `$ru`, `$fU`, `$hdr(Name)`, `$var(x)` ... by their Kamailio names.
/// An unknown or malformed name is logged as an error naming it; reads then give none, writes do nothing.
pub mod pv {
    /// The value, or none for `$null`. Integer variables are given in decimal.
    pub fn get(name: &str) -> Option<String> {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::pv::get(name.as_ptr(), name.len(), ret.as_mut_ptr());
            ret.take_option_string()
        }
    }

    /// The value, or "" for `$null`.
    pub fn gete(name: &str) -> String {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::pv::gete(name.as_ptr(), name.len(), ret.as_mut_ptr());
            ret.take_string()
        }
    }

    /// The value as an integer, or `vn` for `$null` or a value that is not an integer.
    pub fn getvn(name: &str, vn: i32) -> i32 {
        unsafe { super::raw::pv::getvn(name.as_ptr(), name.len(), vn) }
    }

    /// The value, or `vs` for `$null`.
    pub fn getvs(name: &str, vs: &str) -> String {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::pv::getvs(name.as_ptr(), name.len(), vs.as_ptr(), vs.len(), ret.as_mut_ptr());
            ret.take_string()
        }
    }

    /// The value, or "<<null>>" for `$null`.
    pub fn getw(name: &str) -> String {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::pv::getw(name.as_ptr(), name.len(), ret.as_mut_ptr());
            ret.take_string()
        }
    }

    /// The value as an integer: 0 for `$null`; for a string, its sign and leading digits ("12ab" gives 12,
    /// "ab" 0), held at the s32 bounds (Kamailio's str2sint).
    pub fn geti(name: &str) -> i32 {
        unsafe { super::raw::pv::geti(name.as_ptr(), name.len()) }
    }

    /// Assign a string to a writable variable.
    pub fn sets(name: &str, value: &str) {
        unsafe { super::raw::pv::sets(name.as_ptr(), name.len(), value.as_ptr(), value.len()) }
    }

    /// Assign an integer to a writable variable.
    pub fn seti(name: &str, value: i32) {
        unsafe { super::raw::pv::seti(name.as_ptr(), name.len(), value) }
    }

    /// Set a variable to `$null` (for `$du`: clear the destination URI).
    pub fn unset(name: &str) {
        unsafe { super::raw::pv::unset(name.as_ptr(), name.len()) }
    }

    /// True if the variable is `$null`.
    pub fn is_null(name: &str) -> bool {
        unsafe { super::raw::pv::is_null(name.as_ptr(), name.len()) != 0 }
    }
}

/// Header operations (Kamailio's `KSR.hdr`). `hdrval` is a whole header line, "Name: value", with or without
/// the trailing CRLF. Names match case-insensitively and in compact form. The lines of one `hdrval` are added
/// all or none: -1, and nothing changed, when one is malformed or when they would take the message (for
/// `append-to-reply`, the reply) past the server's `max_header_fields` or `max_message_bytes`, as Kamailio
/// refuses a message over BUF_SIZE.
pub mod hdr {
    /// Add the header after the last header; 1 on success, -1 on a malformed line.
    pub fn append(hdrval: &str) -> i32 {
        unsafe { super::raw::hdr::append(hdrval.as_ptr(), hdrval.len()) }
    }

    /// Add the header after the first header named `hname`; -1 if there is none.
    pub fn append_after(hdrval: &str, hname: &str) -> i32 {
        unsafe { super::raw::hdr::append_after(hdrval.as_ptr(), hdrval.len(), hname.as_ptr(), hname.len()) }
    }

    /// Add the header before the first header.
    pub fn insert(hdrval: &str) -> i32 {
        unsafe { super::raw::hdr::insert(hdrval.as_ptr(), hdrval.len()) }
    }

    /// Add the header before the first header named `hname`; -1 if there is none.
    pub fn insert_before(hdrval: &str, hname: &str) -> i32 {
        unsafe { super::raw::hdr::insert_before(hdrval.as_ptr(), hdrval.len(), hname.as_ptr(), hname.len()) }
    }

    /// Remove every header named `hname`; the number removed, or -1 if none.
    pub fn remove(hname: &str) -> i32 {
        unsafe { super::raw::hdr::remove(hname.as_ptr(), hname.len()) }
    }

    /// Remove every header named `hname`, then append `hdrval`.
    pub fn rmappend(hname: &str, hdrval: &str) -> i32 {
        unsafe { super::raw::hdr::rmappend(hname.as_ptr(), hname.len(), hdrval.as_ptr(), hdrval.len()) }
    }

    /// Remove every header named `hname`, then insert `hdrval`.
    pub fn rminsert(hname: &str, hdrval: &str) -> i32 {
        unsafe { super::raw::hdr::rminsert(hname.as_ptr(), hname.len(), hdrval.as_ptr(), hdrval.len()) }
    }

    /// 1 if a header named `hname` exists, -1 if not.
    pub fn is_present(hname: &str) -> i32 {
        unsafe { super::raw::hdr::is_present(hname.as_ptr(), hname.len()) }
    }

    /// The body of the first header named `hname`.
    pub fn get(hname: &str) -> Option<String> {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::hdr::get(hname.as_ptr(), hname.len(), ret.as_mut_ptr());
            ret.take_option_string()
        }
    }

    /// The body of the first header named `hname`, or "" when there is none.
    pub fn gete(hname: &str) -> String {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::hdr::gete(hname.as_ptr(), hname.len(), ret.as_mut_ptr());
            ret.take_string()
        }
    }

    /// The body of the first header named `hname`, or "<<null>>" when there is none.
    pub fn getw(hname: &str) -> String {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::hdr::getw(hname.as_ptr(), hname.len(), ret.as_mut_ptr());
            ret.take_string()
        }
    }

    /// The body of the header named `hname` at `idx` (0 first, -1 last).
    pub fn get_idx(hname: &str, idx: i32) -> Option<String> {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::hdr::get_idx(hname.as_ptr(), hname.len(), idx, ret.as_mut_ptr());
            ret.take_option_string()
        }
    }

    /// `get-idx`, or "" when there is no such header.
    pub fn gete_idx(hname: &str, idx: i32) -> String {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::hdr::gete_idx(hname.as_ptr(), hname.len(), idx, ret.as_mut_ptr());
            ret.take_string()
        }
    }

    /// `get-idx`, or "<<null>>" when there is no such header.
    pub fn getw_idx(hname: &str, idx: i32) -> String {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::hdr::getw_idx(hname.as_ptr(), hname.len(), idx, ret.as_mut_ptr());
            ret.take_string()
        }
    }

    /// Add a header to the reply the server will generate for this request (sl or tm).
    pub fn append_to_reply(hdrval: &str) -> i32 {
        unsafe { super::raw::hdr::append_to_reply(hdrval.as_ptr(), hdrval.len()) }
    }
}

/// Stateless replies (Kamailio's `sl` module).
pub mod sl {
    /// Send a reply without creating a transaction; 1 on success, -1 on failure.
    pub fn sl_send_reply(code: i32, reason: &str) -> i32 {
        unsafe { super::raw::sl::sl_send_reply(code, reason.as_ptr(), reason.len()) }
    }

    /// Reply statefully if a transaction exists for the request, else statelessly.
    pub fn send_reply(code: i32, reason: &str) -> i32 {
        unsafe { super::raw::sl::send_reply(code, reason.as_ptr(), reason.len()) }
    }

    /// Send the reply for the last internal error as Kamailio's err2reason_phrase words it: a failed relay's
    /// code (-477 gives 477, -478 478, -479 479, -487 487, -12 500, -510 403 Destination Not Allowed, others
    /// 500), with the reason "text (N/SL)"; 500 without one.
    pub fn sl_reply_error() -> i32 {
        unsafe { super::raw::sl::sl_reply_error() }
    }
}

/// Max-Forwards handling (Kamailio's `maxfwd` module).
pub mod maxfwd {
    /// Add Max-Forwards with `limit` (0..255) if absent, else decrement it after capping it at the server's
    /// `maxfwd.max_limit` (70: a received 70 becomes 69). 2 when added, 1 when decremented, -1 when it was
    /// already 0 (the route should reply 483) or `limit` is out of range, -2 when malformed.
    pub fn process_maxfwd(limit: i32) -> i32 {
        unsafe { super::raw::maxfwd::process_maxfwd(limit) }
    }

    /// 1 if Max-Forwards is lower than `limit`, -1 if not (or `limit` is not 0..255), -2 if absent, -3 if
    /// malformed.
    pub fn is_maxfwd_lt(limit: i32) -> i32 {
        unsafe { super::raw::maxfwd::is_maxfwd_lt(limit) }
    }
}

/// SIP helpers (Kamailio's `siputils` module). 1 means true, -1 false.
pub mod siputils {
    /// To header has a tag: the request is within a dialog.
    pub fn has_totag() -> i32 {
        unsafe { super::raw::siputils::has_totag() }
    }

    /// The message is a request.
    pub fn is_request() -> i32 {
        unsafe { super::raw::siputils::is_request() }
    }

    /// The message is a reply.
    pub fn is_reply() -> i32 {
        unsafe { super::raw::siputils::is_reply() }
    }

    /// The request has a single Via: it comes straight from the UA.
    pub fn is_first_hop() -> i32 {
        unsafe { super::raw::siputils::is_first_hop() }
    }

    /// The user of `uri` is an E.164 number (+ and 2 to 15 digits).
    pub fn is_uri_user_e164(uri: &str) -> i32 {
        unsafe { super::raw::siputils::is_uri_user_e164(uri.as_ptr(), uri.len()) }
    }

    /// `number` is an E.164 number.
    pub fn is_e164(number: &str) -> i32 {
        unsafe { super::raw::siputils::is_e164(number.as_ptr(), number.len()) }
    }

    /// The request URI has parameter `name`.
    pub fn uri_param(name: &str) -> i32 {
        unsafe { super::raw::siputils::uri_param(name.as_ptr(), name.len()) }
    }

    /// The request URI has parameter `name` equal to `value`.
    pub fn uri_param_value(name: &str, value: &str) -> i32 {
        unsafe { super::raw::siputils::uri_param_value(name.as_ptr(), name.len(), value.as_ptr(), value.len()) }
    }

    /// Append `param` ("name" or "name=value") to the request URI's parameters.
    pub fn add_uri_param(param: &str) -> i32 {
        unsafe { super::raw::siputils::add_uri_param(param.as_ptr(), param.len()) }
    }

    /// The two URIs are equal by RFC 3261 19.1.4.
    pub fn cmp_uri(uri1: &str, uri2: &str) -> i32 {
        unsafe { super::raw::siputils::cmp_uri(uri1.as_ptr(), uri1.len(), uri2.as_ptr(), uri2.len()) }
    }

    /// The two URIs have the same user and host.
    pub fn cmp_aor(uri1: &str, uri2: &str) -> i32 {
        unsafe { super::raw::siputils::cmp_aor(uri1.as_ptr(), uri1.len(), uri2.as_ptr(), uri2.len()) }
    }
}

/// Sanity checks (Kamailio's `sanity` module), in its order and with its replies. Check bits for
/// `msg-checks`: 1 R-URI SIP version, 2 R-URI scheme, 4 From/To/Call-ID/CSeq once each, 16384 top Via, 8 Via
/// SIP version, 16 Via protocol (both no-ops in Kamailio 5.6), 32 CSeq method, 64 CSeq value, 128
/// Content-Length, 256 Expires value, 512 Proxy-Require (420), 1024 URIs parse, 2048 digest credentials
/// (another scheme fails), 8192 digest credentials (another scheme passes), 4096 duplicate From/To tag.
/// `uri-checks`: 1 R-URI, 2 From, 4 To, 8 Contact (run when bit 1024 is set). A failed check sends its reply
/// (none to an ACK or a reply, none for bits 4 and 16384, none with the server's `sanity.noreply`: then
/// `sanity-reply` sends it) and returns -1. On a reply the request-line checks (1, 2, 32, R-URI) do not
/// apply.
pub mod sanity {
    /// Run the given checks; 1 if the message passes.
    pub fn sanity_check(msg_checks: i32, uri_checks: i32) -> i32 {
        unsafe { super::raw::sanity::sanity_check(msg_checks, uri_checks) }
    }

    /// Run Kamailio's default checks (msg 17895, uri 7).
    pub fn sanity_check_defaults() -> i32 {
        unsafe { super::raw::sanity::sanity_check_defaults() }
    }

    /// With `sanity.noreply`: send the reply the failed check kept (500 Server Sanity Failure without one). 1
    /// (also when there is nothing to do: no noreply, an ACK, a reply), -1 when it could not be sent.
    pub fn sanity_reply() -> i32 {
        unsafe { super::raw::sanity::sanity_reply() }
    }
}

/// Formatted logging (Kamailio's `xlog` module): `$ru`, `$ci`, `$var(x)` ... in the text are expanded.
pub mod xlog {
    /// Log at `level` ("dbg", "info", "notice", "warn", "err", "crit", "alert").
    pub fn xlog(level: &str, format: &str) {
        unsafe { super::raw::xlog::xlog(level.as_ptr(), level.len(), format.as_ptr(), format.len()) }
    }

    pub fn xdbg(format: &str) {
        unsafe { super::raw::xlog::xdbg(format.as_ptr(), format.len()) }
    }

    pub fn xinfo(format: &str) {
        unsafe { super::raw::xlog::xinfo(format.as_ptr(), format.len()) }
    }

    pub fn xnotice(format: &str) {
        unsafe { super::raw::xlog::xnotice(format.as_ptr(), format.len()) }
    }

    pub fn xwarn(format: &str) {
        unsafe { super::raw::xlog::xwarn(format.as_ptr(), format.len()) }
    }

    pub fn xerr(format: &str) {
        unsafe { super::raw::xlog::xerr(format.as_ptr(), format.len()) }
    }

    pub fn xcrit(format: &str) {
        unsafe { super::raw::xlog::xcrit(format.as_ptr(), format.len()) }
    }

    pub fn xalert(format: &str) {
        unsafe { super::raw::xlog::xalert(format.as_ptr(), format.len()) }
    }
}

/// Stateful processing (Kamailio's `tm` module): transactions (RFC 3261 17) and the proxy core (16). Relay
/// failures return Kamailio's error codes: -1 unspecified, -2 no transaction could be made (here: a
/// transaction cap is full, `tm.max_transactions` or `tm.max_transactions_per_tenant`), -12 too many
/// branches, -478 bad next hop, -479 bad URI, -480 unsupported transport, -487 the transaction was cancelled,
/// -510 destination not allowed for this tenant. `sl.sl-reply-error` then sends the matching reply: for -2
/// 503 with Retry-After (Kamailio: 500), which the server also sends itself when the route leaves such a
/// request unanswered (unless it dropped it). Route names given to `t-on-*` are named routes of this module:
/// the host calls `named-route` with them later, on the module version that created the transaction even if
/// another one was activated meanwhile.
pub mod tm {
    /// Relay statefully to the destination set: the request URI (or `$du`) plus the branches added with
    /// `corex.append-branch*`, in parallel. The transaction is created if needed; branches are sent when the
    /// route returns. An ACK is forwarded statelessly; a CANCEL of a known INVITE is answered 200 and its
    /// pending branches are cancelled (RFC 3261 16.10). In a failure route the request URI's branch counts
    /// only if the route changed `$ru` or `$du`. 1 on success, a negative code on failure.
    pub fn t_relay() -> i32 {
        unsafe { super::raw::tm::t_relay() }
    }

    /// `t-relay` with every branch sent to `host`:`port` over `proto` ("udp", "tcp").
    pub fn t_relay_to_proto_addr(proto: &str, host: &str, port: i32) -> i32 {
        unsafe { super::raw::tm::t_relay_to_proto_addr(proto.as_ptr(), proto.len(), host.as_ptr(), host.len(), port) }
    }

    /// Run named route `name` when the transaction ends with a negative final response, before it is sent
    /// upstream (a failure route can relay anew or reply). Armed once: set it again in the failure route.
    pub fn t_on_failure(name: &str) -> i32 {
        unsafe { super::raw::tm::t_on_failure(name.as_ptr(), name.len()) }
    }

    /// Run named route `name` for each branch before it is sent (change headers, `$ru`, `$du`; `x.drop`
    /// discards the branch).
    pub fn t_on_branch(name: &str) -> i32 {
        unsafe { super::raw::tm::t_on_branch(name.as_ptr(), name.len()) }
    }

    /// Run named route `name` for each reply the transaction receives (`x.drop` drops a provisional one).
    pub fn t_on_reply(name: &str) -> i32 {
        unsafe { super::raw::tm::t_on_reply(name.as_ptr(), name.len()) }
    }

    /// 1 if the route is set for the transaction: `target` is "failure_route", "branch_route" or
    /// "onreply_route"; -1 if not.
    pub fn t_is_set(target: &str) -> i32 {
        unsafe { super::raw::tm::t_is_set(target.as_ptr(), target.len()) }
    }

    /// For a CANCEL: 1 if the INVITE it cancels has a transaction. For an ACK to a 2xx: 1 if its INVITE
    /// transaction is still known. Otherwise -1 (retransmissions and ACKs to negative replies never reach the
    /// route: the transaction layer absorbs them).
    pub fn t_check_trans() -> i32 {
        unsafe { super::raw::tm::t_check_trans() }
    }

    /// Create the transaction of the request (retransmissions are absorbed from now on); 1, -2 when a
    /// transaction cap is full (as for `t-relay`), or -1.
    pub fn t_newtran() -> i32 {
        unsafe { super::raw::tm::t_newtran() }
    }

    /// Reply statefully (the transaction must exist); 1, or -1.
    pub fn t_reply(code: i32, reason: &str) -> i32 {
        unsafe { super::raw::tm::t_reply(code, reason.as_ptr(), reason.len()) }
    }

    /// Create the transaction if needed and reply statefully; 1, or -1.
    pub fn t_send_reply(code: i32, reason: &str) -> i32 {
        unsafe { super::raw::tm::t_send_reply(code, reason.as_ptr(), reason.len()) }
    }

    /// 1 if the caller cancelled the transaction.
    pub fn t_is_canceled() -> i32 {
        unsafe { super::raw::tm::t_is_canceled() }
    }

    /// In a failure route: 1 if the failed branch timed out.
    pub fn t_branch_timeout() -> i32 {
        unsafe { super::raw::tm::t_branch_timeout() }
    }

    /// In a failure route: 1 if the failed branch had received a reply before its final one.
    pub fn t_branch_replied() -> i32 {
        unsafe { super::raw::tm::t_branch_replied() }
    }

    /// 1 if the status matches the regular expression `re`: the current reply in reply routes, the winning
    /// reply in a failure route, the last reply sent in the request route.
    pub fn t_check_status(re: &str) -> i32 {
        unsafe { super::raw::tm::t_check_status(re.as_ptr(), re.len()) }
    }

    /// Set the final response timeouts in ms: `fr-inv` after a provisional reply to an INVITE (timer C), `fr`
    /// otherwise (timers B and F); 0 keeps the current value.
    pub fn t_set_fr(fr_inv: i32, fr: i32) -> i32 {
        unsafe { super::raw::tm::t_set_fr(fr_inv, fr) }
    }

    /// Back to the configured timeouts.
    pub fn t_reset_fr() -> i32 {
        unsafe { super::raw::tm::t_reset_fr() }
    }

    /// Serial forking: order the destination set by falling q value and keep it for `t-next-contacts`.
    pub fn t_load_contacts() -> i32 {
        unsafe { super::raw::tm::t_load_contacts() }
    }

    /// Serial forking: make the contacts with the highest remaining q the destination set (the first as
    /// request URI). 1, or -2 when none is left.
    pub fn t_next_contacts() -> i32 {
        unsafe { super::raw::tm::t_next_contacts() }
    }

    /// In a failure route, before relaying anew: which earlier replies to drop from the best-response choice,
    /// "a" (or "") all (the default), "l" those of the last round of branches, "n" none.
    pub fn t_drop_replies(mode: &str) -> i32 {
        unsafe { super::raw::tm::t_drop_replies(mode.as_ptr(), mode.len()) }
    }
}

/// Transaction extensions (Kamailio's `tmx` module).
pub mod tmx {
    /// In the request route: 1 when another copy of the same transaction's request is still being processed
    /// (its route called `t-precheck-trans` and has not returned, or returned and the request is still held,
    /// e.g. by an rtpengine command), so this one is a retransmission that came before the transaction
    /// existed; -1 otherwise, and always for ACK and CANCEL (not tracked) and outside the request route.
    pub fn t_precheck_trans() -> i32 {
        unsafe { super::raw::tmx::t_precheck_trans() }
    }

    /// 1 inside a branch route (`tm.t-on-branch`), -1 elsewhere.
    pub fn t_is_branch_route() -> i32 {
        unsafe { super::raw::tmx::t_is_branch_route() }
    }
}

/// Record-Route and loose routing (Kamailio's `rr` module, RFC 3261 16.4, 16.6, 16.12).
pub mod rr {
    /// Record-route the request: each branch gets `<sip:ADDR:PORT;lr;ftag=...>` with the listener it leaves
    /// from, or two such entries (with `r2=on`) when the transport or interface changes. 1, or -1.
    pub fn record_route() -> i32 {
        unsafe { super::raw::rr::record_route() }
    }

    /// `record-route` with URI parameters added (";name=value").
    pub fn record_route_params(params: &str) -> i32 {
        unsafe { super::raw::rr::record_route_params(params.as_ptr(), params.len()) }
    }

    /// Record-route with the given addresses ("host[:port][;params]", no scheme); with `addr2` not empty two
    /// entries (outbound `addr1`, then inbound `addr2`; add ";r2=on" to both).
    pub fn record_route_preset(addr1: &str, addr2: &str) -> i32 {
        unsafe { super::raw::rr::record_route_preset(addr1.as_ptr(), addr1.len(), addr2.as_ptr(), addr2.len()) }
    }

    /// Undo `record-route*` for this request.
    pub fn remove_record_route() -> i32 {
        unsafe { super::raw::rr::remove_record_route() }
    }

    /// Add URI parameters (";name=value") to this server's Record-Route entries, before or after
    /// `record-route`. In a branch route (as `record-route` and `remove-record-route` there) it acts on that
    /// branch only.
    pub fn add_rr_param(param: &str) -> i32 {
        unsafe { super::raw::rr::add_rr_param(param.as_ptr(), param.len()) }
    }

    /// Route the request by its Route headers: our own entries are removed, the next one becomes the next hop
    /// (`$du` for a loose router). 1 routed (within a dialog), -1 no Route header (or only ours on an initial
    /// request), -3 an initial request routed by a preloaded Route set.
    pub fn loose_route() -> i32 {
        unsafe { super::raw::rr::loose_route() }
    }

    /// After `loose-route`: 1 if the parameters of our own Route entry match the regular expression `re`.
    pub fn check_route_param(re: &str) -> i32 {
        unsafe { super::raw::rr::check_route_param(re.as_ptr(), re.len()) }
    }

    /// After `loose-route`: 1 if the in-dialog request goes `dir`: "downstream" (sent by the caller) or
    /// "upstream" (sent by the callee), by the ftag parameter of our Route entry.
    pub fn is_direction(dir: &str) -> i32 {
        unsafe { super::raw::rr::is_direction(dir.as_ptr(), dir.len()) }
    }
}

/// The destination set (Kamailio's `corex` module): more branches for `tm.t-relay`.
pub mod corex {
    /// Add the request URI (with `$du`, its q and the branch flags) as a new branch; 1, or -1.
    pub fn append_branch() -> i32 {
        unsafe { super::raw::corex::append_branch() }
    }

    /// Add a branch to `uri`.
    pub fn append_branch_uri(uri: &str) -> i32 {
        unsafe { super::raw::corex::append_branch_uri(uri.as_ptr(), uri.len()) }
    }

    /// Add a branch to `uri` with q value `q` ("0.5"), for `tm.t-load-contacts`.
    pub fn append_branch_uri_q(uri: &str, q: &str) -> i32 {
        unsafe { super::raw::corex::append_branch_uri_q(uri.as_ptr(), uri.len(), q.as_ptr(), q.len()) }
    }

    /// 1 if the request URI has a user part, -1 if not (or for a reply).
    pub fn has_ruri_user() -> i32 {
        unsafe { super::raw::corex::has_ruri_user() }
    }
}

/// Message attributes and configuration values (Kamailio's `KSR.kx`, module kemix). The `get-*` form gives
/// none where Kamailio gives $null, `gete-*` gives "" and `getw-*` "<<null>>". Defines are those of the
/// server configuration (`defines`), Kamailio's `#!define NAME value`.
pub mod kx {
    /// The request URI as the route has it now ($ru); none for a reply.
    pub fn get_ruri() -> Option<String> {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::kx::get_ruri(ret.as_mut_ptr());
            ret.take_option_string()
        }
    }

    /// The user of the request URI ($rU).
    pub fn get_ruser() -> Option<String> {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::kx::get_ruser(ret.as_mut_ptr());
            ret.take_option_string()
        }
    }

    pub fn getw_ruser() -> String {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::kx::getw_ruser(ret.as_mut_ptr());
            ret.take_string()
        }
    }

    pub fn gete_ruser() -> String {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::kx::gete_ruser(ret.as_mut_ptr());
            ret.take_string()
        }
    }

    /// The host of the request URI ($rd).
    pub fn get_rhost() -> Option<String> {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::kx::get_rhost(ret.as_mut_ptr());
            ret.take_option_string()
        }
    }

    pub fn getw_rhost() -> String {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::kx::getw_rhost(ret.as_mut_ptr());
            ret.take_string()
        }
    }

    pub fn gete_rhost() -> String {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::kx::gete_rhost(ret.as_mut_ptr());
            ret.take_string()
        }
    }

    /// The request URI as received ($ou).
    pub fn get_ouri() -> Option<String> {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::kx::get_ouri(ret.as_mut_ptr());
            ret.take_option_string()
        }
    }

    /// The From URI ($fu).
    pub fn get_furi() -> Option<String> {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::kx::get_furi(ret.as_mut_ptr());
            ret.take_option_string()
        }
    }

    /// The user of the From URI ($fU).
    pub fn get_fuser() -> Option<String> {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::kx::get_fuser(ret.as_mut_ptr());
            ret.take_option_string()
        }
    }

    pub fn getw_fuser() -> String {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::kx::getw_fuser(ret.as_mut_ptr());
            ret.take_string()
        }
    }

    pub fn gete_fuser() -> String {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::kx::gete_fuser(ret.as_mut_ptr());
            ret.take_string()
        }
    }

    /// The host of the From URI ($fd).
    pub fn get_fhost() -> Option<String> {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::kx::get_fhost(ret.as_mut_ptr());
            ret.take_option_string()
        }
    }

    pub fn getw_fhost() -> String {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::kx::getw_fhost(ret.as_mut_ptr());
            ret.take_string()
        }
    }

    pub fn gete_fhost() -> String {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::kx::gete_fhost(ret.as_mut_ptr());
            ret.take_string()
        }
    }

    /// The To URI ($tu).
    pub fn get_turi() -> Option<String> {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::kx::get_turi(ret.as_mut_ptr());
            ret.take_option_string()
        }
    }

    /// The user of the To URI ($tU).
    pub fn get_tuser() -> Option<String> {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::kx::get_tuser(ret.as_mut_ptr());
            ret.take_option_string()
        }
    }

    pub fn gete_tuser() -> String {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::kx::gete_tuser(ret.as_mut_ptr());
            ret.take_string()
        }
    }

    pub fn getw_tuser() -> String {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::kx::getw_tuser(ret.as_mut_ptr());
            ret.take_string()
        }
    }

    /// The host of the To URI ($td).
    pub fn get_thost() -> Option<String> {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::kx::get_thost(ret.as_mut_ptr());
            ret.take_option_string()
        }
    }

    pub fn gete_thost() -> String {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::kx::gete_thost(ret.as_mut_ptr());
            ret.take_string()
        }
    }

    pub fn getw_thost() -> String {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::kx::getw_thost(ret.as_mut_ptr());
            ret.take_string()
        }
    }

    /// The destination URI ($du).
    pub fn get_duri() -> Option<String> {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::kx::get_duri(ret.as_mut_ptr());
            ret.take_option_string()
        }
    }

    pub fn gete_duri() -> String {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::kx::gete_duri(ret.as_mut_ptr());
            ret.take_string()
        }
    }

    pub fn getw_duri() -> String {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::kx::getw_duri(ret.as_mut_ptr());
            ret.take_string()
        }
    }

    /// The URI of the first Contact (none for `Contact: *`).
    pub fn get_cturi() -> Option<String> {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::kx::get_cturi(ret.as_mut_ptr());
            ret.take_option_string()
        }
    }

    pub fn gete_cturi() -> String {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::kx::gete_cturi(ret.as_mut_ptr());
            ret.take_string()
        }
    }

    pub fn getw_cturi() -> String {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::kx::getw_cturi(ret.as_mut_ptr());
            ret.take_string()
        }
    }

    /// The next hop: $du if set, else the request URI.
    pub fn get_nhuri() -> Option<String> {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::kx::get_nhuri(ret.as_mut_ptr());
            ret.take_option_string()
        }
    }

    /// The source as a SIP URI: "sip:IP:PORT", with ";transport=tcp" when not UDP.
    pub fn get_srcuri() -> String {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::kx::get_srcuri(ret.as_mut_ptr());
            ret.take_string()
        }
    }

    /// The source as "proto:IP:PORT".
    pub fn get_srcaddr_sock() -> String {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::kx::get_srcaddr_sock(ret.as_mut_ptr());
            ret.take_string()
        }
    }

    /// The User-Agent header's body.
    pub fn get_ua() -> Option<String> {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::kx::get_ua(ret.as_mut_ptr());
            ret.take_option_string()
        }
    }

    pub fn gete_ua() -> String {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::kx::gete_ua(ret.as_mut_ptr());
            ret.take_string()
        }
    }

    pub fn getw_ua() -> String {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::kx::getw_ua(ret.as_mut_ptr());
            ret.take_string()
        }
    }

    /// The source IP address ($si).
    pub fn get_srcip() -> String {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::kx::get_srcip(ret.as_mut_ptr());
            ret.take_string()
        }
    }

    /// The source port ($sp).
    pub fn get_srcport() -> i32 {
        unsafe { super::raw::kx::get_srcport() }
    }

    /// The local IP address the message arrived on ($Ri).
    pub fn get_rcvip() -> Option<String> {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::kx::get_rcvip(ret.as_mut_ptr());
            ret.take_option_string()
        }
    }

    /// The local port the message arrived on ($Rp).
    pub fn get_rcvport() -> i32 {
        unsafe { super::raw::kx::get_rcvport() }
    }

    /// The advertised address of the receiving socket; the server advertises none, so `get-rcvip`.
    pub fn get_rcvadvip() -> Option<String> {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::kx::get_rcvadvip(ret.as_mut_ptr());
            ret.take_option_string()
        }
    }

    /// The advertised port of the receiving socket; `get-rcvport`.
    pub fn get_rcvadvport() -> i32 {
        unsafe { super::raw::kx::get_rcvadvport() }
    }

    /// The receiving socket as "proto:IP:PORT".
    pub fn get_rcvaddr_sock() -> String {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::kx::get_rcvaddr_sock(ret.as_mut_ptr());
            ret.take_string()
        }
    }

    /// The transport the message arrived over, lower case ("udp", "tcp").
    pub fn get_proto() -> String {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::kx::get_proto(ret.as_mut_ptr());
            ret.take_string()
        }
    }

    /// Kamailio's number of that transport: 1 UDP, 2 TCP, 3 TLS, 4 SCTP, 5 WS, 6 WSS.
    pub fn get_protoid() -> i32 {
        unsafe { super::raw::kx::get_protoid() }
    }

    /// The method of a request, the CSeq method of a reply.
    pub fn get_method() -> Option<String> {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::kx::get_method(ret.as_mut_ptr());
            ret.take_option_string()
        }
    }

    /// The status of a reply; -1 for a request.
    pub fn get_status() -> i32 {
        unsafe { super::raw::kx::get_status() }
    }

    /// The status of a reply as text; none for a request.
    pub fn gets_status() -> Option<String> {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::kx::gets_status(ret.as_mut_ptr());
            ret.take_option_string()
        }
    }

    /// The message body; none when empty.
    pub fn get_body() -> Option<String> {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::kx::get_body(ret.as_mut_ptr());
            ret.take_option_string()
        }
    }

    pub fn getw_body() -> String {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::kx::getw_body(ret.as_mut_ptr());
            ret.take_string()
        }
    }

    pub fn gete_body() -> String {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::kx::gete_body(ret.as_mut_ptr());
            ret.take_string()
        }
    }

    /// The length of the body in bytes.
    pub fn get_bodylen() -> i32 {
        unsafe { super::raw::kx::get_bodylen() }
    }

    /// The current time in seconds since the epoch.
    pub fn get_timestamp() -> i32 {
        unsafe { super::raw::kx::get_timestamp() }
    }

    /// The Call-ID.
    pub fn get_callid() -> String {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::kx::get_callid(ret.as_mut_ptr());
            ret.take_string()
        }
    }

    /// The whole message as received (changes the route made are not in it).
    pub fn get_msgbuf() -> String {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::kx::get_msgbuf(ret.as_mut_ptr());
            ret.take_string()
        }
    }

    /// The length of the message as received.
    pub fn get_msglen() -> i32 {
        unsafe { super::raw::kx::get_msglen() }
    }

    /// 1 for a request, 2 for a reply.
    pub fn get_msgtype() -> i32 {
        unsafe { super::raw::kx::get_msgtype() }
    }

    /// The value of define `name`, or none.
    pub fn get_def(name: &str) -> Option<String> {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::kx::get_def(name.as_ptr(), name.len(), ret.as_mut_ptr());
            ret.take_option_string()
        }
    }

    /// The value of define `name` as an integer; 0 if absent or not an integer.
    pub fn get_defn(name: &str) -> i32 {
        unsafe { super::raw::kx::get_defn(name.as_ptr(), name.len()) }
    }

    /// True if define `name` exists.
    pub fn ifdef(name: &str) -> bool {
        unsafe { super::raw::kx::ifdef(name.as_ptr(), name.len()) != 0 }
    }

    /// True if define `name` does not exist.
    pub fn ifndef(name: &str) -> bool {
        unsafe { super::raw::kx::ifndef(name.as_ptr(), name.len()) != 0 }
    }
}

/// Hash tables (Kamailio's `htable` module, `KSR.htable`): named tables of string or integer items that
/// outlive a message and a module version. Tables are declared per tenant in the configuration (`htables`); a
/// script reaches only its own tenant's tables, and naming an undeclared one is an error (logged) answering
/// -1. Each table has caps on items, key and value bytes, and may expire items `autoexpire` seconds after
/// their last write. The items are also `$sht(table=>key)` through `pv`.
pub mod htable {
    /// The value of the item, or none when it is absent. Integer items are given in decimal.
    pub fn sht_get(table: &str, key: &str) -> Option<String> {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::htable::sht_get(table.as_ptr(), table.len(), key.as_ptr(), key.len(), ret.as_mut_ptr());
            ret.take_option_string()
        }
    }

    /// The value of the item, or "" when it is absent.
    pub fn sht_gete(table: &str, key: &str) -> String {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::htable::sht_gete(table.as_ptr(), table.len(), key.as_ptr(), key.len(), ret.as_mut_ptr());
            ret.take_string()
        }
    }

    /// Set the item to a string. 1, or -1 (undeclared table, key or value over its cap, table full).
    pub fn sht_sets(table: &str, key: &str, value: &str) -> i32 {
        unsafe { super::raw::htable::sht_sets(table.as_ptr(), table.len(), key.as_ptr(), key.len(), value.as_ptr(), value.len()) }
    }

    /// Set the item to an integer. 1, or -1.
    pub fn sht_seti(table: &str, key: &str, value: i32) -> i32 {
        unsafe { super::raw::htable::sht_seti(table.as_ptr(), table.len(), key.as_ptr(), key.len(), value) }
    }

    /// Add 1 to an integer item (a missing item starts at the table's `initval`, 0 by default); the new
    /// value, or -255 when the table is undeclared, the item holds a string or the table is full.
    pub fn sht_inc(table: &str, key: &str) -> i32 {
        unsafe { super::raw::htable::sht_inc(table.as_ptr(), table.len(), key.as_ptr(), key.len()) }
    }

    /// Subtract 1 from an integer item, as `sht-inc`.
    pub fn sht_dec(table: &str, key: &str) -> i32 {
        unsafe { super::raw::htable::sht_dec(table.as_ptr(), table.len(), key.as_ptr(), key.len()) }
    }

    /// Remove the item. 1 (also when it was absent), or -1 for an undeclared table.
    pub fn sht_rm(table: &str, key: &str) -> i32 {
        unsafe { super::raw::htable::sht_rm(table.as_ptr(), table.len(), key.as_ptr(), key.len()) }
    }

    /// 1 if the item is absent, -1 if it is present (or the table undeclared).
    pub fn sht_is_null(table: &str, key: &str) -> i32 {
        unsafe { super::raw::htable::sht_is_null(table.as_ptr(), table.len(), key.as_ptr(), key.len()) }
    }

    /// Remove every item of the table. 1, or -1.
    pub fn sht_reset(table: &str) -> i32 {
        unsafe { super::raw::htable::sht_reset(table.as_ptr(), table.len()) }
    }

    /// Remove the items whose key matches the regular expression `re` (linear-time engine, no backreferences
    /// or lookaround, 256 bytes at most). 1, or -1.
    pub fn sht_rm_name_re(table: &str, re: &str) -> i32 {
        unsafe { super::raw::htable::sht_rm_name_re(table.as_ptr(), table.len(), re.as_ptr(), re.len()) }
    }

    /// Remove the string items whose value matches `re`. 1, or -1.
    pub fn sht_rm_value_re(table: &str, re: &str) -> i32 {
        unsafe { super::raw::htable::sht_rm_value_re(table.as_ptr(), table.len(), re.as_ptr(), re.len()) }
    }

    /// 1 if a key of the table matches `value` by `op`: "eq" equal, "sw" starts with, "re" regular
    /// expression; else -1.
    pub fn sht_match_name(table: &str, op: &str, value: &str) -> i32 {
        unsafe { super::raw::htable::sht_match_name(table.as_ptr(), table.len(), op.as_ptr(), op.len(), value.as_ptr(), value.len()) }
    }
}

/// REGISTER processing and the location service (Kamailio's `registrar` and `usrloc` modules, RFC 3261 10.3).
/// Bindings live in the server's location store under the script's tenant: `table` ("location") names a set
/// of bindings within the tenant, never another tenant's. An AoR is "user@host" of a sip: or sips: URI (host
/// in lower case; scheme, port and parameters do not count).
pub mod registrar {
    /// Process the REGISTER: bind its contacts (expires parameter, else Expires header, else the default;
    /// below min_expires: raised to it, or 423 with `min_expires_mode` 1; above max_expires: cut), remove
    /// those with expires 0 (`Contact: *` with `Expires: 0`: all), refuse a lower CSeq of the same Call-ID
    /// (400; the same CSeq within 20 s is a retransmission, answered like the original), and reply 200 with
    /// every binding. A binding keeps `$avp(RECEIVED)` as its received address (set it to `kx.get-srcuri()`
    /// for a UA behind a NAT, as Kamailio's fix_nated_register does), with `use_path` 1 the Path, and the
    /// methods of the Allow header (or the contact's methods parameter). `mode` holds Kamailio's save flags:
    /// 0x02 no reply, 0x04 the request's contacts replace all others. 1 inserted, 2 updated, 3 deleted, 4
    /// only returned; -1 an error (the reply says which), not a REGISTER.
    pub fn save(table: &str, mode: i32) -> i32 {
        unsafe { super::raw::registrar::save(table.as_ptr(), table.len(), mode) }
    }

    /// The R-URI's AoR: the best binding (highest q, then newest) becomes the R-URI, the others are appended
    /// as branches for `tm.t-relay` (parallel) or `tm.t-load-contacts` (serial). Each goes to its Path (as
    /// Route set, `$du` its first hop), else its received address (`$du`); `$du` is reset otherwise. With
    /// `method_filtering` 1 bindings whose UA does not allow the method are skipped. 1 found, -1 none, -2
    /// only bindings that do not allow the method (Kamailio's scripts reply 405), -3 error.
    pub fn lookup(table: &str) -> i32 {
        unsafe { super::raw::registrar::lookup(table.as_ptr(), table.len()) }
    }

    /// `lookup` for the AoR of `uri`; the R-URI is set as for `lookup`.
    pub fn lookup_uri(table: &str, uri: &str) -> i32 {
        unsafe { super::raw::registrar::lookup_uri(table.as_ptr(), table.len(), uri.as_ptr(), uri.len()) }
    }

    /// 1 if the R-URI's AoR has bindings, else -1.
    pub fn registered(table: &str) -> i32 {
        unsafe { super::raw::registrar::registered(table.as_ptr(), table.len()) }
    }

    /// 1 if the AoR of `uri` has bindings, else -1.
    pub fn registered_uri(table: &str, uri: &str) -> i32 {
        unsafe { super::raw::registrar::registered_uri(table.as_ptr(), table.len(), uri.as_ptr(), uri.len()) }
    }

    /// Remove every binding of `aor` (a URI, or "user@host"). 1, or -1.
    pub fn unregister(table: &str, aor: &str) -> i32 {
        unsafe { super::raw::registrar::unregister(table.as_ptr(), table.len(), aor.as_ptr(), aor.len()) }
    }
}

/// Trusted peers by address (Kamailio's `permissions` module, its address table). Each tenant has its own
/// table of rows (group, IP address or range or host name, port, tag) provisioned with `kemi-wasm address` or
/// the admin API; a script reaches only its tenant's rows. A row's port 0 matches any port. An IPv4 address
/// never matches an IPv6 row nor the reverse (an IPv4-mapped IPv6 address counts as IPv4). Differences from
/// Kamailio 5.6: a row's tag is not written to an AVP (Kamailio does so only with its `peer_tag_avp`
/// parameter, unset by default; kemi-wasm has no AVPs), it is shown by `kemi-wasm address list`; when rows of
/// several groups match, the lowest group answers (Kamailio: the first in its hash order); a `/0` range is
/// refused when provisioned (Kamailio reads mask 0 as a single address); changes take effect at once, without
/// `permissions.addressReload`; `allow_trusted` (the trusted table) is absent.
pub mod permissions {
    /// 1 if the request's source address and port ($si, $sp) match a row of `group`, else -1.
    pub fn allow_source_address(group: i32) -> i32 {
        unsafe { super::raw::permissions::allow_source_address(group) }
    }

    /// 1 if `addr` (an IP address, or a host name compared as written) and `port` match a row of `group`,
    /// else -1.
    pub fn allow_address(group: i32, addr: &str, port: i32) -> i32 {
        unsafe { super::raw::permissions::allow_address(group, addr.as_ptr(), addr.len(), port) }
    }

    /// The group of a row matching the source address and port (a single-address row before a range; the
    /// lowest group among several), or -1.
    pub fn allow_source_address_group() -> i32 {
        unsafe { super::raw::permissions::allow_source_address_group() }
    }

    /// The group of a row matching `addr` and `port`, as `allow-source-address-group`, or -1.
    pub fn allow_address_group(addr: &str, port: i32) -> i32 {
        unsafe { super::raw::permissions::allow_address_group(addr.as_ptr(), addr.len(), port) }
    }
}

/// Flood detection by source address (Kamailio's `pike` module): requests per address are counted over
/// `[pike] sampling_time_unit` seconds; an address sending `reqs_density_per_unit` or more in a unit (or as
/// the mean of two) is flooding until a unit ends below that. The counts are the tenant's own: another
/// tenant's checks never block an address for this one. 1 not flooding; -2 flooding, detected by this
/// request; -1 flooding, detected before. Differences from Kamailio 5.6: each address is counted from its
/// first request, so detection comes at `reqs_density_per_unit` exactly (Kamailio counts a new address in its
/// prefix tree first: between 1 and 3 times the density for IPv4, 8 times for IPv6); `pike-check-ip` takes
/// IPv6 too (5.6 reads IPv4 only); a tenant tracks `[pike] max_entries` addresses at most, forgetting those
/// quiet the longest.
pub mod pike {
    /// Count the request's source address ($si) and answer as above.
    pub fn pike_check_req() -> i32 {
        unsafe { super::raw::pike::pike_check_req() }
    }

    /// Count `ip` (IPv4 or IPv6) and answer as above; -1 for a string that is no IP address.
    pub fn pike_check_ip(ip: &str) -> i32 {
        unsafe { super::raw::pike::pike_check_ip(ip.as_ptr(), ip.len()) }
    }
}

/// Digest authentication (Kamailio's `auth` module; RFC 2617, RFC 7616): challenges, credential checks
/// against a password the script gives, and the credentials' removal. Nonces seal their expiry with the
/// server's secret; with nonce-count (or one-time nonces) a replayed response is refused (-6). `flag-bits` of
/// the challenges: 1 qop=auth, 2 qop=auth-int, 4 no 500 reply on an internal error, 16 stale=true. The
/// challenge offers one header per algorithm of the configuration (`auth.algorithms`), in its order.
pub mod auth {
    /// Remove the credentials a successful check used from the request (they are not forwarded). 1, or -1
    /// when no check succeeded (ACK, CANCEL, PRACK: -1).
    pub fn consume_credentials() -> i32 {
        unsafe { super::raw::auth::consume_credentials() }
    }

    /// 1 if the request has Authorization or Proxy-Authorization Digest credentials for `realm`, else -1.
    pub fn has_credentials(realm: &str) -> i32 {
        unsafe { super::raw::auth::has_credentials(realm.as_ptr(), realm.len()) }
    }

    /// Reply 401 with a WWW-Authenticate challenge for `realm`. 1 sent; -2 the challenge could not be made
    /// (500 sent unless flag 4); -3 the reply could not be sent.
    pub fn www_challenge(realm: &str, flag_bits: i32) -> i32 {
        unsafe { super::raw::auth::www_challenge(realm.as_ptr(), realm.len(), flag_bits) }
    }

    /// Reply 407 with a Proxy-Authenticate challenge; codes as `www-challenge`.
    pub fn proxy_challenge(realm: &str, flag_bits: i32) -> i32 {
        unsafe { super::raw::auth::proxy_challenge(realm.as_ptr(), realm.len(), flag_bits) }
    }

    /// `www-challenge` for a REGISTER, `proxy-challenge` for every other request.
    pub fn auth_challenge(realm: &str, flag_bits: i32) -> i32 {
        unsafe { super::raw::auth::auth_challenge(realm.as_ptr(), realm.len(), flag_bits) }
    }

    /// Check the Authorization credentials for `realm` against `passwd` (flag 1: `passwd` is HA1; flag 32: a
    /// failure does not spend the nonce-count). 1 ok; -1 error (also a nonce not ours); -2 wrong password; -4
    /// stale nonce; -5 no credentials for the realm; -6 nonce reused.
    pub fn pv_www_authenticate(realm: &str, passwd: &str, flag_bits: i32) -> i32 {
        unsafe { super::raw::auth::pv_www_authenticate(realm.as_ptr(), realm.len(), passwd.as_ptr(), passwd.len(), flag_bits) }
    }

    /// `pv-www-authenticate` on the Proxy-Authorization credentials.
    pub fn pv_proxy_authenticate(realm: &str, passwd: &str, flag_bits: i32) -> i32 {
        unsafe { super::raw::auth::pv_proxy_authenticate(realm.as_ptr(), realm.len(), passwd.as_ptr(), passwd.len(), flag_bits) }
    }

    /// `pv-www-authenticate` for a REGISTER, `pv-proxy-authenticate` otherwise; `checks` 1: the auth user
    /// must be the To user (REGISTER) or the From user (others), else -8.
    pub fn pv_auth_check(realm: &str, passwd: &str, flag_bits: i32, checks: i32) -> i32 {
        unsafe { super::raw::auth::pv_auth_check(realm.as_ptr(), realm.len(), passwd.as_ptr(), passwd.len(), flag_bits, checks) }
    }

    /// The algorithm the challenges of this message offer ("MD5" or "SHA-256"), over the configuration
    /// (Kamailio's sets it for the process). 1, or -1 for an algorithm the server does not verify.
    pub fn auth_algorithm(algorithm: &str) -> i32 {
        unsafe { super::raw::auth::auth_algorithm(algorithm.as_ptr(), algorithm.len()) }
    }
}

/// Subscribers and their passwords (Kamailio's `auth_db` module): the checks of `auth` against the tenant's
/// subscriber table, provisioned with `kemi-wasm subscriber` or the admin API. `table` ("subscriber") names a
/// table within the script's tenant, never another tenant's.
pub mod auth_db {
    /// Check the credentials of the request (Authorization for REGISTER, else Proxy-Authorization) for
    /// `realm` against `table`. `flag-bits` 1: the auth user must be the From user (REGISTER and PUBLISH:
    /// From and To; PUBLISH also the R-URI), 2 with 1: INVITE, BYE, PRACK, UPDATE and MESSAGE are not
    /// checked. 1 ok; -1 error; -2 wrong password; -3 unknown user; -4 stale nonce; -5 no credentials; -6
    /// nonce reused; -8 auth user differs from From/To. ACK and CANCEL: 1. Sets $au and $ar.
    pub fn auth_check(realm: &str, table: &str, flag_bits: i32) -> i32 {
        unsafe { super::raw::auth_db::auth_check(realm.as_ptr(), realm.len(), table.as_ptr(), table.len(), flag_bits) }
    }

    /// 1 if the user (and with flag 1 the domain) of `uri` is a subscriber of `table`, else -1.
    pub fn is_subscriber(uri: &str, table: &str, flag_bits: i32) -> i32 {
        unsafe { super::raw::auth_db::is_subscriber(uri.as_ptr(), uri.len(), table.as_ptr(), table.len(), flag_bits) }
    }

    /// Check the Authorization credentials; codes as `auth-check`.
    pub fn www_authenticate(realm: &str, table: &str) -> i32 {
        unsafe { super::raw::auth_db::www_authenticate(realm.as_ptr(), realm.len(), table.as_ptr(), table.len()) }
    }

    /// Check the Proxy-Authorization credentials; codes as `auth-check`.
    pub fn proxy_authenticate(realm: &str, table: &str) -> i32 {
        unsafe { super::raw::auth_db::proxy_authenticate(realm.as_ptr(), realm.len(), table.as_ptr(), table.len()) }
    }
}

/// NAT traversal helpers (Kamailio's `nathelper` module). Private addresses are RFC 1918's, 100.64.0.0/10
/// (RFC 6598) and 192.0.0.0/29 (Kamailio's default `nat_addr_mode` 1); IPv6 addresses are never private. The
/// Contact functions change the first Contact's URI, and only once per message: a second call of
/// `fix-nated-contact`, `set-contact-alias` or `add-contact-alias*` answers -1, as Kamailio's. Edits keep the
/// message within its limits (message-budget.ts). The server pings registered contacts itself (`[nathelper]
/// natping_interval`, README). Differences from Kamailio 5.6 in the keepalive: a round pings its bindings at
/// once (Kamailio spreads them over the interval), at most `max_pings_per_interval` per tenant; a binding's
/// Path is not followed; `keepalive_timeout` removes only SIP-pinged bindings; the SIP ping's From and To are
/// in angle brackets (Kamailio writes them bare); `natping_socket`, `force_socket`, `udpping_from_path` and
/// `natping_processes` are absent. The functions' differences are in the table below.
pub mod nathelper {
    /// 1 if one of the tests in `flag-bits` holds, else -1. Bits: 1 the Contact's host is a private address,
    /// 2 the source address differs from the top Via's host, 4 the top Via's host is private, 8 the SDP's c=
    /// address is private, 16 the source port differs from the top Via's port (5060 when absent), 32 the
    /// source address is private, 64 the request came over WebSocket.
    pub fn nat_uac_test(flag_bits: i32) -> i32 {
        unsafe { super::raw::nathelper::nat_uac_test(flag_bits) }
    }

    /// Replace host and port of the first Contact's URI with the source address and port (a maddr parameter
    /// is removed). 1, or -1 (no Contact, or the Contact was changed before).
    pub fn fix_nated_contact() -> i32 {
        unsafe { super::raw::nathelper::fix_nated_contact() }
    }

    /// Keep the source address as `$avp(RECEIVED)` (Kamailio's `received_avp` of its basic cfg): `save`
    /// stores it as the binding's received address, where `lookup` then sends. 1, or -1.
    pub fn fix_nated_register() -> i32 {
        unsafe { super::raw::nathelper::fix_nated_register() }
    }

    /// Add `;alias=ip~port~proto` (the source; proto 1 UDP, 2 TCP, 3 TLS, 5 WS, 6 WSS) to the first Contact's
    /// URI. 1, or -1.
    pub fn set_contact_alias() -> i32 {
        unsafe { super::raw::nathelper::set_contact_alias() }
    }

    /// `set-contact-alias` unless the Contact's host and port are the source already (2); the Contact is put
    /// in angle brackets when it has none. 1 added, 2 not needed (or no Contact), -1 error.
    pub fn add_contact_alias() -> i32 {
        unsafe { super::raw::nathelper::add_contact_alias() }
    }

    /// `add-contact-alias` with the address given: `ip`, `port` (1..65535) and `proto` ("udp", "tcp", "tls",
    /// "sctp", "ws", "wss"). 1, or -1 for a value that is not one of these.
    pub fn add_contact_alias_addr(ip: &str, port: &str, proto: &str) -> i32 {
        unsafe { super::raw::nathelper::add_contact_alias_addr(ip.as_ptr(), ip.len(), port.as_ptr(), port.len(), proto.as_ptr(), proto.len()) }
    }

    /// If the R-URI has an alias parameter: set `$du` to its address and remove it from the R-URI. 1 done, 2
    /// no alias parameter, -1 a malformed one.
    pub fn handle_ruri_alias() -> i32 {
        unsafe { super::raw::nathelper::handle_ruri_alias() }
    }

    /// Add the source address as `received` to every Contact: `flag-bits` 0 as a header parameter in quotes
    /// (`;received="sip:ip:port"`), 1 as a URI parameter (UDP only, else -1). 1, or -1.
    pub fn add_rcv_param(flag_bits: i32) -> i32 {
        unsafe { super::raw::nathelper::add_rcv_param(flag_bits) }
    }

    /// 1 if `ip` is a private IPv4 address, else -1.
    pub fn is_rfc1918(ip: &str) -> i32 {
        unsafe { super::raw::nathelper::is_rfc1918(ip.as_ptr(), ip.len()) }
    }

    /// Rewrite the SDP for a NATed UA, `mode` bits: 1 add `a=direction:active` to each media, 2 the c=
    /// addresses (and a=rtcp), 4 add `a=nortpproxy:yes`, 8 the o= address (and a=rtcp). The new address is
    /// the source address; each one replaced is kept as `a=oldmediaip:`. 1 changed, 2 nothing to change, -1
    /// no body or a malformed line.
    pub fn fix_nated_sdp(mode: i32) -> i32 {
        unsafe { super::raw::nathelper::fix_nated_sdp(mode) }
    }

    /// `fix-nated-sdp` with the new address `ip` (the source address when empty).
    pub fn fix_nated_sdp_ip(mode: i32, ip: &str) -> i32 {
        unsafe { super::raw::nathelper::fix_nated_sdp_ip(mode, ip.as_ptr(), ip.len()) }
    }
}

/// The media relay (Kamailio's `rtpengine` module): the SDP of the message is sent to an rtpengine of
/// `[rtpengine] instances` over its ng protocol and replaced by the one it answers, so media flows through
/// the relay. `options` is Kamailio's `flags` parameter (a WIT keyword), its flag strings: "replace-origin
/// replace-session-connection ICE=remove RTP/AVP direction=external trust-address". The call does not block:
/// 1 says the command went to an instance, and the message is held until rtpengine answered (if every
/// instance failed, it goes on unchanged); -1: no instance enabled, no SDP where one is needed, or bad flags
/// (docs/ksr-api.md).
pub mod rtpengine {
    /// Offer for an INVITE/UPDATE with SDP, answer for an ACK with SDP and for a 1xx/2xx with SDP (an offer
    /// when the INVITE had none), delete for CANCEL, BYE and a reply >= 300 to an INVITE. 1, or -1.
    pub fn rtpengine_manage(options: &str) -> i32 {
        unsafe { super::raw::rtpengine::rtpengine_manage(options.as_ptr(), options.len()) }
    }

    /// The offer of the message's SDP. 1, or -1.
    pub fn rtpengine_offer(options: &str) -> i32 {
        unsafe { super::raw::rtpengine::rtpengine_offer(options.as_ptr(), options.len()) }
    }

    /// The answer of the message's SDP. 1, or -1.
    pub fn rtpengine_answer(options: &str) -> i32 {
        unsafe { super::raw::rtpengine::rtpengine_answer(options.as_ptr(), options.len()) }
    }

    /// Ends the call (or the from-tag's/to-tag's branch of it) on the relay. 1, or -1.
    pub fn rtpengine_delete(options: &str) -> i32 {
        unsafe { super::raw::rtpengine::rtpengine_delete(options.as_ptr(), options.len()) }
    }

    /// Asks the relay about the call (its statistics are logged at debug level). 1, or -1.
    pub fn rtpengine_query(options: &str) -> i32 {
        unsafe { super::raw::rtpengine::rtpengine_query(options.as_ptr(), options.len()) }
    }
}

/// Text operations on the message (Kamailio's `textops` module). Patterns are POSIX extended expressions as
/// Kamailio compiles them (case-insensitive, `.` and `^`/`$` within a line; `subst` takes its own flags), run
/// in linear time: backreferences and lookaround are refused (-1), as are patterns over 256 bytes. Edits
/// apply at once (Kamailio's apply when the message is sent: see `textopsx.msg-apply-changes`) and are
/// bounded as `hdr`'s: Via and Content-Length belong to the server, Max-Forwards may only go down, and an
/// edit that would take the message past `max_header_fields` or `max_message_bytes` is refused whole.
pub mod textops {
    /// 1 if a header named `hname` exists (any case, compact form too), -1 if not.
    pub fn is_present_hf(hname: &str) -> i32 {
        unsafe { super::raw::textops::is_present_hf(hname.as_ptr(), hname.len()) }
    }

    /// 1 if a header name matches the pattern `ematch`, -1 if not.
    pub fn is_present_hf_re(ematch: &str) -> i32 {
        unsafe { super::raw::textops::is_present_hf_re(ematch.as_ptr(), ematch.len()) }
    }

    /// 1 if the pattern matches the message (start line, headers and body), -1 if not.
    pub fn search(sre: &str) -> i32 {
        unsafe { super::raw::textops::search(sre.as_ptr(), sre.len()) }
    }

    /// 1 if the pattern matches the body, -1 if not or there is no body.
    pub fn search_body(sre: &str) -> i32 {
        unsafe { super::raw::textops::search_body(sre.as_ptr(), sre.len()) }
    }

    /// Apply "/regex/replacement/flags" (flags i, s, g; \0-\9, \u and $pv in the replacement) to the header
    /// lines and the body, not the start line; 1 if something was replaced, -1 if nothing matched or refused.
    pub fn subst(subst: &str) -> i32 {
        unsafe { super::raw::textops::subst(subst.as_ptr(), subst.len()) }
    }

    /// `subst` on the Request-URI, which it sets; 1 if replaced, -1 if not.
    pub fn subst_uri(subst: &str) -> i32 {
        unsafe { super::raw::textops::subst_uri(subst.as_ptr(), subst.len()) }
    }

    /// `subst` on the body only (Content-Length follows); 1 if replaced, -1 if not.
    pub fn subst_body(subst: &str) -> i32 {
        unsafe { super::raw::textops::subst_body(subst.as_ptr(), subst.len()) }
    }

    /// Remove every header whose name matches the pattern; 1 if one was removed, -1 if none.
    pub fn remove_hf_re(ematch: &str) -> i32 {
        unsafe { super::raw::textops::remove_hf_re(ematch.as_ptr(), ematch.len()) }
    }

    /// 1 if the message has a body (Content-Length above 0), -1 if not.
    pub fn has_body() -> i32 {
        unsafe { super::raw::textops::has_body() }
    }

    /// `has-body`, and its Content-Type (application/sdp when absent) is `ctype` ("type/subtype").
    pub fn has_body_type(ctype: &str) -> i32 {
        unsafe { super::raw::textops::has_body_type(ctype.as_ptr(), ctype.len()) }
    }

    /// Replace the body with `nb` and Content-Type with `nc`; -1 when either is empty or the message would
    /// exceed its limits.
    pub fn set_body(nb: &str, nc: &str) -> i32 {
        unsafe { super::raw::textops::set_body(nb.as_ptr(), nb.len(), nc.as_ptr(), nc.len()) }
    }

    /// The body (and its Content-Type) of the reply the server generates for this request, sl or tm.
    pub fn set_reply_body(nb: &str, nc: &str) -> i32 {
        unsafe { super::raw::textops::set_reply_body(nb.as_ptr(), nb.len(), nc.as_ptr(), nc.len()) }
    }
}

/// More text operations (Kamailio's `textopsx` module).
pub mod textopsx {
    /// Kamailio applies the pending edits to the message buffer here. Edits apply at once in kemi-wasm, so
    /// this only answers as Kamailio: 1 in a request route or for a reply, -1 in another route.
    pub fn msg_apply_changes() -> i32 {
        unsafe { super::raw::textopsx::msg_apply_changes() }
    }

    /// Remove the body (Content-Length 0, Content-Type dropped); 1.
    pub fn remove_body() -> i32 {
        unsafe { super::raw::textopsx::remove_body() }
    }
}

/// Accounting (Kamailio's `acc` module). Transactions whose request carries the tenant's accounting flags
/// (its `[acc]` settings: db_flag, db_missed_flag, failed_transaction_flag ...) are recorded when they send
/// their reply, into the tenant's `acc` and `missed_calls` tables (`kemi-wasm acc`, the admin API), with the
/// `db_extra` columns evaluated on the request then. A tenant keeps `acc.max_rows_per_tenant` records at
/// most; more are refused and counted. Difference from Kamailio 5.6: a missed call is recorded once, with the
/// final reply (Kamailio: at the first failed branch, before the failure route runs).
pub mod acc {
    /// Record the current request in `table` (and log it): code and reason from `comment` ("200 OK"; without
    /// three leading digits the whole comment is the reason). 1; -1 for an empty comment or table, a comment
    /// holding a pseudo-variable (as Kamailio's KEMI), a table name that is not 1-64 letters, digits or _, or
    /// a record refused by the cap.
    pub fn acc_request(comment: &str, table: &str) -> i32 {
        unsafe { super::raw::acc::acc_request(comment.as_ptr(), comment.len(), table.as_ptr(), table.len()) }
    }
}

/// Dialog tracking (Kamailio's `dialog` module): calls the script asked to follow with `dlg-manage`, their
/// state (unconfirmed, early, confirmed, deleted), variables, flags and profiles. A dialog belongs to the
/// tenant and finishes on the module version that created it; a tenant holds `dialog.max_dialogs` at most.
/// Profiles must be declared in the config (`dialog.profiles_with_value`, `dialog.profiles_no_value`). "The
/// dialog" of a function is the message's: made by `dlg-manage` in this route, matched for an in-dialog
/// request, or chosen by `dlg-get`.
pub mod dialog {
    /// Track the call: an initial INVITE gets a new dialog, an in-dialog request updates its dialog. 1, or -1
    /// (not a request route, not an INVITE, the tenant holds its maximum of dialogs).
    pub fn dlg_manage() -> i32 {
        unsafe { super::raw::dialog::dlg_manage() }
    }

    /// 1 if the message belongs to a tracked dialog, else -1.
    pub fn is_known_dlg() -> i32 {
        unsafe { super::raw::dialog::is_known_dlg() }
    }

    /// Set the dialog's lifetime in seconds (restarts the timer of a confirmed dialog). 1, or -1 (no dialog).
    pub fn dlg_set_timeout(timeout: i32) -> i32 {
        unsafe { super::raw::dialog::dlg_set_timeout(timeout) }
    }

    /// Send BYE to "caller", "callee" or (any other value) both sides of the dialog, from this server with
    /// CSeq + 1 over the route set; the dialog then ends. 1, or -1.
    pub fn dlg_bye(side: &str) -> i32 {
        unsafe { super::raw::dialog::dlg_bye(side.as_ptr(), side.len()) }
    }

    /// Make the dialog of Call-ID and tags the one later functions act on. 1, or -1 (none such).
    pub fn dlg_get(callid: &str, ftag: &str, ttag: &str) -> i32 {
        unsafe { super::raw::dialog::dlg_get(callid.as_ptr(), callid.len(), ftag.as_ptr(), ftag.len(), ttag.as_ptr(), ttag.len()) }
    }

    /// Set a variable of the dialog of Call-ID and tags. 1, or -1.
    pub fn dlg_set_var(callid: &str, ftag: &str, ttag: &str, key: &str, value: &str) -> i32 {
        unsafe { super::raw::dialog::dlg_set_var(callid.as_ptr(), callid.len(), ftag.as_ptr(), ftag.len(), ttag.as_ptr(), ttag.len(), key.as_ptr(), key.len(), value.as_ptr(), value.len()) }
    }

    /// A variable of the dialog of Call-ID and tags, or none.
    pub fn dlg_get_var(callid: &str, ftag: &str, ttag: &str, key: &str) -> Option<String> {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::dialog::dlg_get_var(callid.as_ptr(), callid.len(), ftag.as_ptr(), ftag.len(), ttag.as_ptr(), ttag.len(), key.as_ptr(), key.len(), ret.as_mut_ptr());
            ret.take_option_string()
        }
    }

    /// Set a variable of the dialog (`$dlg_var(name)`). 1, or -1 (no dialog).
    pub fn var_sets(name: &str, value: &str) -> i32 {
        unsafe { super::raw::dialog::var_sets(name.as_ptr(), name.len(), value.as_ptr(), value.len()) }
    }

    /// A variable of the dialog, or none.
    pub fn var_get(name: &str) -> Option<String> {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::dialog::var_get(name.as_ptr(), name.len(), ret.as_mut_ptr());
            ret.take_option_string()
        }
    }

    /// A variable of the dialog, or "".
    pub fn var_gete(name: &str) -> String {
        let mut ret = crate::rt::RetArea::new();
        unsafe {
            super::raw::dialog::var_gete(name.as_ptr(), name.len(), ret.as_mut_ptr());
            ret.take_string()
        }
    }

    /// Remove a variable of the dialog. 1, or -1 (no dialog).
    pub fn var_rm(name: &str) -> i32 {
        unsafe { super::raw::dialog::var_rm(name.as_ptr(), name.len()) }
    }

    /// 1 if the variable is absent (or there is no dialog), -1 if it is set.
    pub fn var_is_null(name: &str) -> i32 {
        unsafe { super::raw::dialog::var_is_null(name.as_ptr(), name.len()) }
    }

    /// Set dialog flag 0..31 (kept for the dialog dlg-manage makes later in the route). 1, or -1.
    pub fn dlg_setflag(flag: i32) -> i32 {
        unsafe { super::raw::dialog::dlg_setflag(flag) }
    }

    /// Reset dialog flag 0..31. 1, or -1.
    pub fn dlg_resetflag(flag: i32) -> i32 {
        unsafe { super::raw::dialog::dlg_resetflag(flag) }
    }

    /// 1 if dialog flag 0..31 is set, else -1.
    pub fn dlg_isflagset(flag: i32) -> i32 {
        unsafe { super::raw::dialog::dlg_isflagset(flag) }
    }

    /// Add the dialog to a profile with a value (before dlg-manage in a request route: once it is made). 1,
    /// or -1 (undeclared profile, empty value for a profile with values, no dialog).
    pub fn set_dlg_profile(profile: &str, value: &str) -> i32 {
        unsafe { super::raw::dialog::set_dlg_profile(profile.as_ptr(), profile.len(), value.as_ptr(), value.len()) }
    }

    /// Add the dialog to a profile without value. 1, or -1.
    pub fn set_dlg_profile_static(profile: &str) -> i32 {
        unsafe { super::raw::dialog::set_dlg_profile_static(profile.as_ptr(), profile.len()) }
    }

    /// Remove the dialog from a profile with that value. 1, or -1 (not in it, no dialog).
    pub fn unset_dlg_profile(profile: &str, value: &str) -> i32 {
        unsafe { super::raw::dialog::unset_dlg_profile(profile.as_ptr(), profile.len(), value.as_ptr(), value.len()) }
    }

    /// Remove the dialog from a profile without value. 1, or -1.
    pub fn unset_dlg_profile_static(profile: &str) -> i32 {
        unsafe { super::raw::dialog::unset_dlg_profile_static(profile.as_ptr(), profile.len()) }
    }

    /// 1 if the dialog is in the profile with that value, else -1.
    pub fn is_in_profile(profile: &str, value: &str) -> i32 {
        unsafe { super::raw::dialog::is_in_profile(profile.as_ptr(), profile.len(), value.as_ptr(), value.len()) }
    }

    /// 1 if the dialog is in the profile (with any value), else -1.
    pub fn is_in_profile_static(profile: &str) -> i32 {
        unsafe { super::raw::dialog::is_in_profile_static(profile.as_ptr(), profile.len()) }
    }

    /// Store in `pv` (`$var(name)` or `$avp(name)`) the number of the tenant's dialogs in the profile with
    /// that value. 1, or -1 (undeclared profile, empty value for a profile with values, bad pv).
    pub fn get_profile_size(profile: &str, value: &str, pv: &str) -> i32 {
        unsafe { super::raw::dialog::get_profile_size(profile.as_ptr(), profile.len(), value.as_ptr(), value.len(), pv.as_ptr(), pv.len()) }
    }

    /// Store in `pv` the number of the tenant's dialogs in a profile without value. 1, or -1 (also for a
    /// profile with values, as Kamailio).
    pub fn get_profile_size_static(profile: &str, pv: &str) -> i32 {
        unsafe { super::raw::dialog::get_profile_size_static(profile.as_ptr(), profile.len(), pv.as_ptr(), pv.len()) }
    }
}

/// Load balancing and failover over destination sets (Kamailio's `dispatcher` module). Each tenant has its
/// own sets: from its `[tenants.dispatcher]` config and from the admin API (`kemi-wasm dispatcher`); a script
/// reaches only its tenant's sets. A destination has Kamailio's state flags (1 inactive, 2 trying, 4
/// disabled, 8 probing), priority (a set lists higher priorities first, equal ones last line first, as
/// Kamailio) and attributes (`duid`, `weight`, `rweight`, `maxload`, `socket`). Algorithms: 0 Call-ID hash, 1
/// From URI hash, 2 To URI hash, 3 R-URI hash (the hashes are Kamailio's: the same message picks the same
/// destination), 4 round robin, 6 random, 8 first by priority, 9 weight, 10 call load (least loaded by
/// `duid`, at most `maxload` calls), 11 relative weight; others use the first active destination. With the
/// `flags` parameter's bit 2 (failover, Kamailio's DS_FAILOVER_ON) the other active destinations of the set
/// are kept with the transaction for `ds-next-dst` in a failure route.
pub mod dispatcher {
    /// Select a destination of `set` with algorithm `alg` and set it as `$du` (the outbound proxy). 1, or -1
    /// (no such set, no active destination, `$du` already set with `force_dst` 0, alg 10 on a full set).
    pub fn ds_select_dst(set: i32, alg: i32) -> i32 {
        unsafe { super::raw::dispatcher::ds_select_dst(set, alg) }
    }

    /// `ds-select-dst` keeping at most `limit` destinations for failover (0: all).
    pub fn ds_select_dst_limit(set: i32, alg: i32, limit: i32) -> i32 {
        unsafe { super::raw::dispatcher::ds_select_dst_limit(set, alg, limit) }
    }

    /// As `ds-select-dst`, writing the destination's host:port into the R-URI (its user kept). 1, or -1.
    pub fn ds_select_domain(set: i32, alg: i32) -> i32 {
        unsafe { super::raw::dispatcher::ds_select_domain(set, alg) }
    }

    /// `ds-select-domain` keeping at most `limit` destinations for failover (0: all).
    pub fn ds_select_domain_limit(set: i32, alg: i32, limit: i32) -> i32 {
        unsafe { super::raw::dispatcher::ds_select_domain_limit(set, alg, limit) }
    }

    /// As `ds-select-dst` without touching `$du` or the R-URI: only the failover list is filled. 1, or -1.
    pub fn ds_select(set: i32, alg: i32) -> i32 {
        unsafe { super::raw::dispatcher::ds_select(set, alg) }
    }

    /// `ds-select` keeping at most `limit` destinations (0: all).
    pub fn ds_select_limit(set: i32, alg: i32, limit: i32) -> i32 {
        unsafe { super::raw::dispatcher::ds_select_limit(set, alg, limit) }
    }

    /// Drop the current destination of the failover list and set `$du` to the next one. 1, or -1 (none left,
    /// failover off).
    pub fn ds_next_dst() -> i32 {
        unsafe { super::raw::dispatcher::ds_next_dst() }
    }

    /// As `ds-next-dst`, writing the R-URI's host:port. 1, or -1.
    pub fn ds_next_domain() -> i32 {
        unsafe { super::raw::dispatcher::ds_next_domain() }
    }

    /// Set `$du` to the current destination of the failover list. 1, or -1.
    pub fn ds_set_dst() -> i32 {
        unsafe { super::raw::dispatcher::ds_set_dst() }
    }

    /// Write the current destination of the failover list into the R-URI's host:port. 1, or -1.
    pub fn ds_set_domain() -> i32 {
        unsafe { super::raw::dispatcher::ds_set_domain() }
    }

    /// Mark the current destination inactive (and probing with `ds_probing_mode` 1). 1, or -1.
    pub fn ds_mark_dst() -> i32 {
        unsafe { super::raw::dispatcher::ds_mark_dst() }
    }

    /// Mark the current destination with `state`: letters a (active), i (inactive), t (trying), d (disabled),
    /// p (probing). 1, or -1 (bad letters, failover off, no current destination).
    pub fn ds_mark_dst_state(state: &str) -> i32 {
        unsafe { super::raw::dispatcher::ds_mark_dst_state(state.as_ptr(), state.len()) }
    }

    /// 1 if the source address and port ($si, $sp) are those of a destination of any set (any transport),
    /// else -1.
    pub fn ds_is_from_lists() -> i32 {
        unsafe { super::raw::dispatcher::ds_is_from_lists() }
    }

    /// 1 if the source address and port are those of a destination of `set` (-1: any set), else -1.
    pub fn ds_is_from_list(set: i32) -> i32 {
        unsafe { super::raw::dispatcher::ds_is_from_list(set) }
    }

    /// As `ds-is-from-list` with Kamailio's match `mode` bits: 1 ignore the port, 2 ignore the transport, 4
    /// only active destinations.
    pub fn ds_is_from_list_mode(set: i32, mode: i32) -> i32 {
        unsafe { super::raw::dispatcher::ds_is_from_list_mode(set, mode) }
    }

    /// As `ds-is-from-list-mode` for the address, port and transport of `uri` instead of the source.
    pub fn ds_is_from_list_uri(set: i32, mode: i32, uri: &str) -> i32 {
        unsafe { super::raw::dispatcher::ds_is_from_list_uri(set, mode, uri.as_ptr(), uri.len()) }
    }

    /// 1 if the tenant has destination set `set`, else -1.
    pub fn ds_list_exists(set: i32) -> i32 {
        unsafe { super::raw::dispatcher::ds_list_exists(set) }
    }

    /// 1 if `set` has an active destination, else -1.
    pub fn ds_is_active(set: i32) -> i32 {
        unsafe { super::raw::dispatcher::ds_is_active(set) }
    }

    /// 1 if `uri` is an active destination of `set`, else -1.
    pub fn ds_is_active_uri(set: i32, uri: &str) -> i32 {
        unsafe { super::raw::dispatcher::ds_is_active_uri(set, uri.as_ptr(), uri.len()) }
    }

    /// Call load (alg 10): a BYE or CANCEL frees the call's slot, a 2xx to its INVITE confirms it. 0, as
    /// Kamailio's KEMI export returns.
    pub fn ds_load_update() -> i32 {
        unsafe { super::raw::dispatcher::ds_load_update() }
    }

    /// Call load (alg 10), for a failure route: free the slot of the message's call. 0 freed (or an INVITE
    /// whose current destination took no slot), -1 the call holds no slot.
    pub fn ds_load_unset() -> i32 {
        unsafe { super::raw::dispatcher::ds_load_unset() }
    }
}

/// Message capture (Kamailio's `siptrace` module) to the server's HEP collector (config `trace.hep`) and the
/// tenant's recent-trace store (admin API `GET /v1/tenants/:tenant/trace`). The collector is the operator's:
/// a script cannot name another destination (Kamailio's sip_trace_dst*, which would let a script send copies
/// of traffic to any address, are not offered).
pub mod siptrace {
    /// Capture the current message as received. 1; -1 when the server keeps no trace (no collector and no
    /// store) or there is no received message (a route run by a timer).
    pub fn sip_trace() -> i32 {
        unsafe { super::raw::siptrace::sip_trace() }
    }

    /// Capture by `mode`: "m" the current message; "t" the current message and every later message of its
    /// transaction (same Call-ID and CSeq number, so its ACK and CANCEL too), received and sent; "d" (dialog)
    /// traces the current message only, as Kamailio does without its dialog module. Another or empty mode is
    /// "m". Return codes as `sip-trace`.
    pub fn sip_trace_mode(mode: &str) -> i32 {
        unsafe { super::raw::siptrace::sip_trace_mode(mode.as_ptr(), mode.len()) }
    }
}

/// Exports the routes of the `script` world, given in this order: fn request_route(), fn reply_route(), fn named_route(name: &str).
///
/// ```ignore
/// ksr::export_routes!(request_route, reply_route, named_route);
/// ```
#[macro_export]
macro_rules! export_routes {
    ($request_route:path, $reply_route:path, $named_route:path $(,)?) => {
        #[export_name = "request-route"]
        pub extern "C" fn __ksr_export_request_route() {
            $request_route()
        }
        #[export_name = "reply-route"]
        pub extern "C" fn __ksr_export_reply_route() {
            $reply_route()
        }
        #[export_name = "named-route"]
        pub unsafe extern "C" fn __ksr_export_named_route(name_ptr: *mut u8, name_len: usize) {
            let name = $crate::rt::lift_string(name_ptr, name_len);
            $named_route(&name)
        }
    };
}
