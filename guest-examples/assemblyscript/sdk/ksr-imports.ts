// Generated from wit/ksr.wit by scripts/gen-ksr-bindings.ts (npm run gen). Do not edit.
import { liftOptionStringResult, liftStringResult, RET_AREA } from './abi';

// core
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'is-method')
declare function core__is_method(method_ptr: usize, method_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'is-method-in')
declare function core__is_method_in(methods_ptr: usize, methods_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'is-INVITE')
declare function core__is_INVITE(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'is-ACK')
declare function core__is_ACK(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'is-BYE')
declare function core__is_BYE(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'is-CANCEL')
declare function core__is_CANCEL(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'is-REGISTER')
declare function core__is_REGISTER(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'is-OPTIONS')
declare function core__is_OPTIONS(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'is-SUBSCRIBE')
declare function core__is_SUBSCRIBE(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'is-PUBLISH')
declare function core__is_PUBLISH(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'is-NOTIFY')
declare function core__is_NOTIFY(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'is-REFER')
declare function core__is_REFER(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'is-INFO')
declare function core__is_INFO(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'is-UPDATE')
declare function core__is_UPDATE(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'is-PRACK')
declare function core__is_PRACK(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'is-MESSAGE')
declare function core__is_MESSAGE(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'is-KDMQ')
declare function core__is_KDMQ(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'is-GET')
declare function core__is_GET(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'is-POST')
declare function core__is_POST(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'is-PUT')
declare function core__is_PUT(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'is-DELETE')
declare function core__is_DELETE(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'is-UDP')
declare function core__is_UDP(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'is-TCP')
declare function core__is_TCP(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'is-TLS')
declare function core__is_TLS(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'is-SCTP')
declare function core__is_SCTP(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'is-WS')
declare function core__is_WS(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'is-WSS')
declare function core__is_WSS(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'is-WSX')
declare function core__is_WSX(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'is-proto')
declare function core__is_proto(protos_ptr: usize, protos_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'is-ipv4')
declare function core__is_ipv4(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'is-ipv6')
declare function core__is_ipv6(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'is-src-port')
declare function core__is_src_port(port: i32): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'is-dst-port')
declare function core__is_dst_port(port: i32): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'to-UDP')
declare function core__to_UDP(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'to-TCP')
declare function core__to_TCP(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'to-TLS')
declare function core__to_TLS(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'to-SCTP')
declare function core__to_SCTP(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'to-WS')
declare function core__to_WS(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'to-WSS')
declare function core__to_WSS(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'to-WSX')
declare function core__to_WSX(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'to-ipv4')
declare function core__to_ipv4(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'to-ipv6')
declare function core__to_ipv6(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'is-myself')
declare function core__is_myself(uri_ptr: usize, uri_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'is-myself-ruri')
declare function core__is_myself_ruri(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'is-myself-furi')
declare function core__is_myself_furi(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'is-myself-turi')
declare function core__is_myself_turi(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'is-myself-srcip')
declare function core__is_myself_srcip(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'setflag')
declare function core__setflag(flag: i32): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'resetflag')
declare function core__resetflag(flag: i32): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'isflagset')
declare function core__isflagset(flag: i32): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'setbflag')
declare function core__setbflag(flag: i32): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'resetbflag')
declare function core__resetbflag(flag: i32): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'isbflagset')
declare function core__isbflagset(flag: i32): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'seturi')
declare function core__seturi(uri_ptr: usize, uri_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'setuser')
declare function core__setuser(user_ptr: usize, user_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'sethost')
declare function core__sethost(host_ptr: usize, host_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'setdsturi')
declare function core__setdsturi(uri_ptr: usize, uri_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'resetdsturi')
declare function core__resetdsturi(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'isdsturiset')
declare function core__isdsturiset(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'force-rport')
declare function core__force_rport(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'set-reply-no-connect')
declare function core__set_reply_no_connect(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'set-drop')
declare function core__set_drop(): void;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'log')
declare function core__log(level_ptr: usize, level_len: usize, msg_ptr: usize, msg_len: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'dbg')
declare function core__dbg(msg_ptr: usize, msg_len: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'info')
declare function core__info(msg_ptr: usize, msg_len: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'notice')
declare function core__notice(msg_ptr: usize, msg_len: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'warn')
declare function core__warn(msg_ptr: usize, msg_len: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'err')
declare function core__err(msg_ptr: usize, msg_len: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'crit')
declare function core__crit(msg_ptr: usize, msg_len: usize): void;

// x
// @ts-ignore: decorator
@external('kemi:ksr/x@0.1.0', 'exit')
declare function x__exit(): void;
// @ts-ignore: decorator
@external('kemi:ksr/x@0.1.0', 'drop')
declare function x__drop(): void;

// pv
// @ts-ignore: decorator
@external('kemi:ksr/pv@0.1.0', 'get')
declare function pv__get(name_ptr: usize, name_len: usize, ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/pv@0.1.0', 'gete')
declare function pv__gete(name_ptr: usize, name_len: usize, ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/pv@0.1.0', 'getvn')
declare function pv__getvn(name_ptr: usize, name_len: usize, vn: i32): i32;
// @ts-ignore: decorator
@external('kemi:ksr/pv@0.1.0', 'getvs')
declare function pv__getvs(name_ptr: usize, name_len: usize, vs_ptr: usize, vs_len: usize, ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/pv@0.1.0', 'getw')
declare function pv__getw(name_ptr: usize, name_len: usize, ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/pv@0.1.0', 'geti')
declare function pv__geti(name_ptr: usize, name_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/pv@0.1.0', 'sets')
declare function pv__sets(name_ptr: usize, name_len: usize, value_ptr: usize, value_len: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/pv@0.1.0', 'seti')
declare function pv__seti(name_ptr: usize, name_len: usize, value: i32): void;
// @ts-ignore: decorator
@external('kemi:ksr/pv@0.1.0', 'unset')
declare function pv__unset(name_ptr: usize, name_len: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/pv@0.1.0', 'is-null')
declare function pv__is_null(name_ptr: usize, name_len: usize): i32;

// hdr
// @ts-ignore: decorator
@external('kemi:ksr/hdr@0.1.0', 'append')
declare function hdr__append(hdrval_ptr: usize, hdrval_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/hdr@0.1.0', 'append-after')
declare function hdr__append_after(hdrval_ptr: usize, hdrval_len: usize, hname_ptr: usize, hname_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/hdr@0.1.0', 'insert')
declare function hdr__insert(hdrval_ptr: usize, hdrval_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/hdr@0.1.0', 'insert-before')
declare function hdr__insert_before(hdrval_ptr: usize, hdrval_len: usize, hname_ptr: usize, hname_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/hdr@0.1.0', 'remove')
declare function hdr__remove(hname_ptr: usize, hname_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/hdr@0.1.0', 'rmappend')
declare function hdr__rmappend(hname_ptr: usize, hname_len: usize, hdrval_ptr: usize, hdrval_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/hdr@0.1.0', 'rminsert')
declare function hdr__rminsert(hname_ptr: usize, hname_len: usize, hdrval_ptr: usize, hdrval_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/hdr@0.1.0', 'is-present')
declare function hdr__is_present(hname_ptr: usize, hname_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/hdr@0.1.0', 'get')
declare function hdr__get(hname_ptr: usize, hname_len: usize, ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/hdr@0.1.0', 'gete')
declare function hdr__gete(hname_ptr: usize, hname_len: usize, ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/hdr@0.1.0', 'getw')
declare function hdr__getw(hname_ptr: usize, hname_len: usize, ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/hdr@0.1.0', 'get-idx')
declare function hdr__get_idx(hname_ptr: usize, hname_len: usize, idx: i32, ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/hdr@0.1.0', 'gete-idx')
declare function hdr__gete_idx(hname_ptr: usize, hname_len: usize, idx: i32, ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/hdr@0.1.0', 'getw-idx')
declare function hdr__getw_idx(hname_ptr: usize, hname_len: usize, idx: i32, ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/hdr@0.1.0', 'append-to-reply')
declare function hdr__append_to_reply(hdrval_ptr: usize, hdrval_len: usize): i32;

// sl
// @ts-ignore: decorator
@external('kemi:ksr/sl@0.1.0', 'sl-send-reply')
declare function sl__sl_send_reply(code: i32, reason_ptr: usize, reason_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/sl@0.1.0', 'send-reply')
declare function sl__send_reply(code: i32, reason_ptr: usize, reason_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/sl@0.1.0', 'sl-reply-error')
declare function sl__sl_reply_error(): i32;

// maxfwd
// @ts-ignore: decorator
@external('kemi:ksr/maxfwd@0.1.0', 'process-maxfwd')
declare function maxfwd__process_maxfwd(limit: i32): i32;
// @ts-ignore: decorator
@external('kemi:ksr/maxfwd@0.1.0', 'is-maxfwd-lt')
declare function maxfwd__is_maxfwd_lt(limit: i32): i32;

// siputils
// @ts-ignore: decorator
@external('kemi:ksr/siputils@0.1.0', 'has-totag')
declare function siputils__has_totag(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/siputils@0.1.0', 'is-request')
declare function siputils__is_request(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/siputils@0.1.0', 'is-reply')
declare function siputils__is_reply(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/siputils@0.1.0', 'is-first-hop')
declare function siputils__is_first_hop(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/siputils@0.1.0', 'is-uri-user-e164')
declare function siputils__is_uri_user_e164(uri_ptr: usize, uri_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/siputils@0.1.0', 'is-e164')
declare function siputils__is_e164(number_ptr: usize, number_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/siputils@0.1.0', 'uri-param')
declare function siputils__uri_param(name_ptr: usize, name_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/siputils@0.1.0', 'uri-param-value')
declare function siputils__uri_param_value(name_ptr: usize, name_len: usize, value_ptr: usize, value_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/siputils@0.1.0', 'add-uri-param')
declare function siputils__add_uri_param(param_ptr: usize, param_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/siputils@0.1.0', 'cmp-uri')
declare function siputils__cmp_uri(uri1_ptr: usize, uri1_len: usize, uri2_ptr: usize, uri2_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/siputils@0.1.0', 'cmp-aor')
declare function siputils__cmp_aor(uri1_ptr: usize, uri1_len: usize, uri2_ptr: usize, uri2_len: usize): i32;

// sanity
// @ts-ignore: decorator
@external('kemi:ksr/sanity@0.1.0', 'sanity-check')
declare function sanity__sanity_check(msg_checks: i32, uri_checks: i32): i32;
// @ts-ignore: decorator
@external('kemi:ksr/sanity@0.1.0', 'sanity-check-defaults')
declare function sanity__sanity_check_defaults(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/sanity@0.1.0', 'sanity-reply')
declare function sanity__sanity_reply(): i32;

// xlog
// @ts-ignore: decorator
@external('kemi:ksr/xlog@0.1.0', 'xlog')
declare function xlog__xlog(level_ptr: usize, level_len: usize, format_ptr: usize, format_len: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/xlog@0.1.0', 'xdbg')
declare function xlog__xdbg(format_ptr: usize, format_len: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/xlog@0.1.0', 'xinfo')
declare function xlog__xinfo(format_ptr: usize, format_len: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/xlog@0.1.0', 'xnotice')
declare function xlog__xnotice(format_ptr: usize, format_len: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/xlog@0.1.0', 'xwarn')
declare function xlog__xwarn(format_ptr: usize, format_len: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/xlog@0.1.0', 'xerr')
declare function xlog__xerr(format_ptr: usize, format_len: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/xlog@0.1.0', 'xcrit')
declare function xlog__xcrit(format_ptr: usize, format_len: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/xlog@0.1.0', 'xalert')
declare function xlog__xalert(format_ptr: usize, format_len: usize): void;

// tm
// @ts-ignore: decorator
@external('kemi:ksr/tm@0.1.0', 't-relay')
declare function tm__t_relay(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/tm@0.1.0', 't-relay-to-proto-addr')
declare function tm__t_relay_to_proto_addr(proto_ptr: usize, proto_len: usize, host_ptr: usize, host_len: usize, port: i32): i32;
// @ts-ignore: decorator
@external('kemi:ksr/tm@0.1.0', 't-on-failure')
declare function tm__t_on_failure(name_ptr: usize, name_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/tm@0.1.0', 't-on-branch')
declare function tm__t_on_branch(name_ptr: usize, name_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/tm@0.1.0', 't-on-reply')
declare function tm__t_on_reply(name_ptr: usize, name_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/tm@0.1.0', 't-is-set')
declare function tm__t_is_set(target_ptr: usize, target_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/tm@0.1.0', 't-check-trans')
declare function tm__t_check_trans(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/tm@0.1.0', 't-newtran')
declare function tm__t_newtran(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/tm@0.1.0', 't-reply')
declare function tm__t_reply(code: i32, reason_ptr: usize, reason_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/tm@0.1.0', 't-send-reply')
declare function tm__t_send_reply(code: i32, reason_ptr: usize, reason_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/tm@0.1.0', 't-is-canceled')
declare function tm__t_is_canceled(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/tm@0.1.0', 't-branch-timeout')
declare function tm__t_branch_timeout(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/tm@0.1.0', 't-branch-replied')
declare function tm__t_branch_replied(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/tm@0.1.0', 't-check-status')
declare function tm__t_check_status(re_ptr: usize, re_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/tm@0.1.0', 't-set-fr')
declare function tm__t_set_fr(fr_inv: i32, fr: i32): i32;
// @ts-ignore: decorator
@external('kemi:ksr/tm@0.1.0', 't-reset-fr')
declare function tm__t_reset_fr(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/tm@0.1.0', 't-load-contacts')
declare function tm__t_load_contacts(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/tm@0.1.0', 't-next-contacts')
declare function tm__t_next_contacts(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/tm@0.1.0', 't-drop-replies')
declare function tm__t_drop_replies(mode_ptr: usize, mode_len: usize): i32;

// tmx
// @ts-ignore: decorator
@external('kemi:ksr/tmx@0.1.0', 't-precheck-trans')
declare function tmx__t_precheck_trans(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/tmx@0.1.0', 't-is-branch-route')
declare function tmx__t_is_branch_route(): i32;

// rr
// @ts-ignore: decorator
@external('kemi:ksr/rr@0.1.0', 'record-route')
declare function rr__record_route(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/rr@0.1.0', 'record-route-params')
declare function rr__record_route_params(params_ptr: usize, params_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/rr@0.1.0', 'record-route-preset')
declare function rr__record_route_preset(addr1_ptr: usize, addr1_len: usize, addr2_ptr: usize, addr2_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/rr@0.1.0', 'remove-record-route')
declare function rr__remove_record_route(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/rr@0.1.0', 'add-rr-param')
declare function rr__add_rr_param(param_ptr: usize, param_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/rr@0.1.0', 'loose-route')
declare function rr__loose_route(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/rr@0.1.0', 'check-route-param')
declare function rr__check_route_param(re_ptr: usize, re_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/rr@0.1.0', 'is-direction')
declare function rr__is_direction(dir_ptr: usize, dir_len: usize): i32;

// corex
// @ts-ignore: decorator
@external('kemi:ksr/corex@0.1.0', 'append-branch')
declare function corex__append_branch(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/corex@0.1.0', 'append-branch-uri')
declare function corex__append_branch_uri(uri_ptr: usize, uri_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/corex@0.1.0', 'append-branch-uri-q')
declare function corex__append_branch_uri_q(uri_ptr: usize, uri_len: usize, q_ptr: usize, q_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/corex@0.1.0', 'has-ruri-user')
declare function corex__has_ruri_user(): i32;

// kx
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'get-ruri')
declare function kx__get_ruri(ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'get-ruser')
declare function kx__get_ruser(ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'getw-ruser')
declare function kx__getw_ruser(ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'gete-ruser')
declare function kx__gete_ruser(ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'get-rhost')
declare function kx__get_rhost(ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'getw-rhost')
declare function kx__getw_rhost(ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'gete-rhost')
declare function kx__gete_rhost(ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'get-ouri')
declare function kx__get_ouri(ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'get-furi')
declare function kx__get_furi(ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'get-fuser')
declare function kx__get_fuser(ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'getw-fuser')
declare function kx__getw_fuser(ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'gete-fuser')
declare function kx__gete_fuser(ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'get-fhost')
declare function kx__get_fhost(ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'getw-fhost')
declare function kx__getw_fhost(ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'gete-fhost')
declare function kx__gete_fhost(ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'get-turi')
declare function kx__get_turi(ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'get-tuser')
declare function kx__get_tuser(ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'gete-tuser')
declare function kx__gete_tuser(ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'getw-tuser')
declare function kx__getw_tuser(ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'get-thost')
declare function kx__get_thost(ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'gete-thost')
declare function kx__gete_thost(ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'getw-thost')
declare function kx__getw_thost(ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'get-duri')
declare function kx__get_duri(ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'gete-duri')
declare function kx__gete_duri(ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'getw-duri')
declare function kx__getw_duri(ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'get-cturi')
declare function kx__get_cturi(ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'gete-cturi')
declare function kx__gete_cturi(ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'getw-cturi')
declare function kx__getw_cturi(ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'get-nhuri')
declare function kx__get_nhuri(ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'get-srcuri')
declare function kx__get_srcuri(ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'get-srcaddr-sock')
declare function kx__get_srcaddr_sock(ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'get-ua')
declare function kx__get_ua(ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'gete-ua')
declare function kx__gete_ua(ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'getw-ua')
declare function kx__getw_ua(ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'get-srcip')
declare function kx__get_srcip(ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'get-srcport')
declare function kx__get_srcport(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'get-rcvip')
declare function kx__get_rcvip(ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'get-rcvport')
declare function kx__get_rcvport(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'get-rcvadvip')
declare function kx__get_rcvadvip(ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'get-rcvadvport')
declare function kx__get_rcvadvport(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'get-rcvaddr-sock')
declare function kx__get_rcvaddr_sock(ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'get-proto')
declare function kx__get_proto(ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'get-protoid')
declare function kx__get_protoid(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'get-method')
declare function kx__get_method(ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'get-status')
declare function kx__get_status(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'gets-status')
declare function kx__gets_status(ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'get-body')
declare function kx__get_body(ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'getw-body')
declare function kx__getw_body(ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'gete-body')
declare function kx__gete_body(ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'get-bodylen')
declare function kx__get_bodylen(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'get-timestamp')
declare function kx__get_timestamp(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'get-callid')
declare function kx__get_callid(ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'get-msgbuf')
declare function kx__get_msgbuf(ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'get-msglen')
declare function kx__get_msglen(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'get-msgtype')
declare function kx__get_msgtype(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'get-def')
declare function kx__get_def(name_ptr: usize, name_len: usize, ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'get-defn')
declare function kx__get_defn(name_ptr: usize, name_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'ifdef')
declare function kx__ifdef(name_ptr: usize, name_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/kx@0.1.0', 'ifndef')
declare function kx__ifndef(name_ptr: usize, name_len: usize): i32;

// htable
// @ts-ignore: decorator
@external('kemi:ksr/htable@0.1.0', 'sht-get')
declare function htable__sht_get(table_ptr: usize, table_len: usize, key_ptr: usize, key_len: usize, ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/htable@0.1.0', 'sht-gete')
declare function htable__sht_gete(table_ptr: usize, table_len: usize, key_ptr: usize, key_len: usize, ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/htable@0.1.0', 'sht-sets')
declare function htable__sht_sets(table_ptr: usize, table_len: usize, key_ptr: usize, key_len: usize, value_ptr: usize, value_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/htable@0.1.0', 'sht-seti')
declare function htable__sht_seti(table_ptr: usize, table_len: usize, key_ptr: usize, key_len: usize, value: i32): i32;
// @ts-ignore: decorator
@external('kemi:ksr/htable@0.1.0', 'sht-inc')
declare function htable__sht_inc(table_ptr: usize, table_len: usize, key_ptr: usize, key_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/htable@0.1.0', 'sht-dec')
declare function htable__sht_dec(table_ptr: usize, table_len: usize, key_ptr: usize, key_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/htable@0.1.0', 'sht-rm')
declare function htable__sht_rm(table_ptr: usize, table_len: usize, key_ptr: usize, key_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/htable@0.1.0', 'sht-is-null')
declare function htable__sht_is_null(table_ptr: usize, table_len: usize, key_ptr: usize, key_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/htable@0.1.0', 'sht-reset')
declare function htable__sht_reset(table_ptr: usize, table_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/htable@0.1.0', 'sht-rm-name-re')
declare function htable__sht_rm_name_re(table_ptr: usize, table_len: usize, re_ptr: usize, re_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/htable@0.1.0', 'sht-rm-value-re')
declare function htable__sht_rm_value_re(table_ptr: usize, table_len: usize, re_ptr: usize, re_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/htable@0.1.0', 'sht-match-name')
declare function htable__sht_match_name(table_ptr: usize, table_len: usize, op_ptr: usize, op_len: usize, value_ptr: usize, value_len: usize): i32;

// registrar
// @ts-ignore: decorator
@external('kemi:ksr/registrar@0.1.0', 'save')
declare function registrar__save(table_ptr: usize, table_len: usize, mode: i32): i32;
// @ts-ignore: decorator
@external('kemi:ksr/registrar@0.1.0', 'lookup')
declare function registrar__lookup(table_ptr: usize, table_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/registrar@0.1.0', 'lookup-uri')
declare function registrar__lookup_uri(table_ptr: usize, table_len: usize, uri_ptr: usize, uri_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/registrar@0.1.0', 'registered')
declare function registrar__registered(table_ptr: usize, table_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/registrar@0.1.0', 'registered-uri')
declare function registrar__registered_uri(table_ptr: usize, table_len: usize, uri_ptr: usize, uri_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/registrar@0.1.0', 'unregister')
declare function registrar__unregister(table_ptr: usize, table_len: usize, aor_ptr: usize, aor_len: usize): i32;

// permissions
// @ts-ignore: decorator
@external('kemi:ksr/permissions@0.1.0', 'allow-source-address')
declare function permissions__allow_source_address(group: i32): i32;
// @ts-ignore: decorator
@external('kemi:ksr/permissions@0.1.0', 'allow-address')
declare function permissions__allow_address(group: i32, addr_ptr: usize, addr_len: usize, port: i32): i32;
// @ts-ignore: decorator
@external('kemi:ksr/permissions@0.1.0', 'allow-source-address-group')
declare function permissions__allow_source_address_group(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/permissions@0.1.0', 'allow-address-group')
declare function permissions__allow_address_group(addr_ptr: usize, addr_len: usize, port: i32): i32;

// pike
// @ts-ignore: decorator
@external('kemi:ksr/pike@0.1.0', 'pike-check-req')
declare function pike__pike_check_req(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/pike@0.1.0', 'pike-check-ip')
declare function pike__pike_check_ip(ip_ptr: usize, ip_len: usize): i32;

// auth
// @ts-ignore: decorator
@external('kemi:ksr/auth@0.1.0', 'consume-credentials')
declare function auth__consume_credentials(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/auth@0.1.0', 'has-credentials')
declare function auth__has_credentials(realm_ptr: usize, realm_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/auth@0.1.0', 'www-challenge')
declare function auth__www_challenge(realm_ptr: usize, realm_len: usize, flag_bits: i32): i32;
// @ts-ignore: decorator
@external('kemi:ksr/auth@0.1.0', 'proxy-challenge')
declare function auth__proxy_challenge(realm_ptr: usize, realm_len: usize, flag_bits: i32): i32;
// @ts-ignore: decorator
@external('kemi:ksr/auth@0.1.0', 'auth-challenge')
declare function auth__auth_challenge(realm_ptr: usize, realm_len: usize, flag_bits: i32): i32;
// @ts-ignore: decorator
@external('kemi:ksr/auth@0.1.0', 'pv-www-authenticate')
declare function auth__pv_www_authenticate(realm_ptr: usize, realm_len: usize, passwd_ptr: usize, passwd_len: usize, flag_bits: i32): i32;
// @ts-ignore: decorator
@external('kemi:ksr/auth@0.1.0', 'pv-proxy-authenticate')
declare function auth__pv_proxy_authenticate(realm_ptr: usize, realm_len: usize, passwd_ptr: usize, passwd_len: usize, flag_bits: i32): i32;
// @ts-ignore: decorator
@external('kemi:ksr/auth@0.1.0', 'pv-auth-check')
declare function auth__pv_auth_check(realm_ptr: usize, realm_len: usize, passwd_ptr: usize, passwd_len: usize, flag_bits: i32, checks: i32): i32;
// @ts-ignore: decorator
@external('kemi:ksr/auth@0.1.0', 'auth-algorithm')
declare function auth__auth_algorithm(algorithm_ptr: usize, algorithm_len: usize): i32;

// auth-db
// @ts-ignore: decorator
@external('kemi:ksr/auth-db@0.1.0', 'auth-check')
declare function auth_db__auth_check(realm_ptr: usize, realm_len: usize, table_ptr: usize, table_len: usize, flag_bits: i32): i32;
// @ts-ignore: decorator
@external('kemi:ksr/auth-db@0.1.0', 'is-subscriber')
declare function auth_db__is_subscriber(uri_ptr: usize, uri_len: usize, table_ptr: usize, table_len: usize, flag_bits: i32): i32;
// @ts-ignore: decorator
@external('kemi:ksr/auth-db@0.1.0', 'www-authenticate')
declare function auth_db__www_authenticate(realm_ptr: usize, realm_len: usize, table_ptr: usize, table_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/auth-db@0.1.0', 'proxy-authenticate')
declare function auth_db__proxy_authenticate(realm_ptr: usize, realm_len: usize, table_ptr: usize, table_len: usize): i32;

// nathelper
// @ts-ignore: decorator
@external('kemi:ksr/nathelper@0.1.0', 'nat-uac-test')
declare function nathelper__nat_uac_test(flag_bits: i32): i32;
// @ts-ignore: decorator
@external('kemi:ksr/nathelper@0.1.0', 'fix-nated-contact')
declare function nathelper__fix_nated_contact(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/nathelper@0.1.0', 'fix-nated-register')
declare function nathelper__fix_nated_register(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/nathelper@0.1.0', 'set-contact-alias')
declare function nathelper__set_contact_alias(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/nathelper@0.1.0', 'add-contact-alias')
declare function nathelper__add_contact_alias(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/nathelper@0.1.0', 'add-contact-alias-addr')
declare function nathelper__add_contact_alias_addr(ip_ptr: usize, ip_len: usize, port_ptr: usize, port_len: usize, proto_ptr: usize, proto_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/nathelper@0.1.0', 'handle-ruri-alias')
declare function nathelper__handle_ruri_alias(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/nathelper@0.1.0', 'add-rcv-param')
declare function nathelper__add_rcv_param(flag_bits: i32): i32;
// @ts-ignore: decorator
@external('kemi:ksr/nathelper@0.1.0', 'is-rfc1918')
declare function nathelper__is_rfc1918(ip_ptr: usize, ip_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/nathelper@0.1.0', 'fix-nated-sdp')
declare function nathelper__fix_nated_sdp(mode: i32): i32;
// @ts-ignore: decorator
@external('kemi:ksr/nathelper@0.1.0', 'fix-nated-sdp-ip')
declare function nathelper__fix_nated_sdp_ip(mode: i32, ip_ptr: usize, ip_len: usize): i32;

// rtpengine
// @ts-ignore: decorator
@external('kemi:ksr/rtpengine@0.1.0', 'rtpengine-manage')
declare function rtpengine__rtpengine_manage(options_ptr: usize, options_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/rtpengine@0.1.0', 'rtpengine-offer')
declare function rtpengine__rtpengine_offer(options_ptr: usize, options_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/rtpengine@0.1.0', 'rtpengine-answer')
declare function rtpengine__rtpengine_answer(options_ptr: usize, options_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/rtpengine@0.1.0', 'rtpengine-delete')
declare function rtpengine__rtpengine_delete(options_ptr: usize, options_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/rtpengine@0.1.0', 'rtpengine-query')
declare function rtpengine__rtpengine_query(options_ptr: usize, options_len: usize): i32;

// textops
// @ts-ignore: decorator
@external('kemi:ksr/textops@0.1.0', 'is-present-hf')
declare function textops__is_present_hf(hname_ptr: usize, hname_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/textops@0.1.0', 'is-present-hf-re')
declare function textops__is_present_hf_re(ematch_ptr: usize, ematch_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/textops@0.1.0', 'search')
declare function textops__search(sre_ptr: usize, sre_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/textops@0.1.0', 'search-body')
declare function textops__search_body(sre_ptr: usize, sre_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/textops@0.1.0', 'subst')
declare function textops__subst(subst_ptr: usize, subst_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/textops@0.1.0', 'subst-uri')
declare function textops__subst_uri(subst_ptr: usize, subst_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/textops@0.1.0', 'subst-body')
declare function textops__subst_body(subst_ptr: usize, subst_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/textops@0.1.0', 'remove-hf-re')
declare function textops__remove_hf_re(ematch_ptr: usize, ematch_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/textops@0.1.0', 'has-body')
declare function textops__has_body(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/textops@0.1.0', 'has-body-type')
declare function textops__has_body_type(ctype_ptr: usize, ctype_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/textops@0.1.0', 'set-body')
declare function textops__set_body(nb_ptr: usize, nb_len: usize, nc_ptr: usize, nc_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/textops@0.1.0', 'set-reply-body')
declare function textops__set_reply_body(nb_ptr: usize, nb_len: usize, nc_ptr: usize, nc_len: usize): i32;

// textopsx
// @ts-ignore: decorator
@external('kemi:ksr/textopsx@0.1.0', 'msg-apply-changes')
declare function textopsx__msg_apply_changes(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/textopsx@0.1.0', 'remove-body')
declare function textopsx__remove_body(): i32;

// acc
// @ts-ignore: decorator
@external('kemi:ksr/acc@0.1.0', 'acc-request')
declare function acc__acc_request(comment_ptr: usize, comment_len: usize, table_ptr: usize, table_len: usize): i32;

// dialog
// @ts-ignore: decorator
@external('kemi:ksr/dialog@0.1.0', 'dlg-manage')
declare function dialog__dlg_manage(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/dialog@0.1.0', 'is-known-dlg')
declare function dialog__is_known_dlg(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/dialog@0.1.0', 'dlg-set-timeout')
declare function dialog__dlg_set_timeout(timeout: i32): i32;
// @ts-ignore: decorator
@external('kemi:ksr/dialog@0.1.0', 'dlg-bye')
declare function dialog__dlg_bye(side_ptr: usize, side_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/dialog@0.1.0', 'dlg-get')
declare function dialog__dlg_get(callid_ptr: usize, callid_len: usize, ftag_ptr: usize, ftag_len: usize, ttag_ptr: usize, ttag_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/dialog@0.1.0', 'dlg-set-var')
declare function dialog__dlg_set_var(callid_ptr: usize, callid_len: usize, ftag_ptr: usize, ftag_len: usize, ttag_ptr: usize, ttag_len: usize, key_ptr: usize, key_len: usize, value_ptr: usize, value_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/dialog@0.1.0', 'dlg-get-var')
declare function dialog__dlg_get_var(callid_ptr: usize, callid_len: usize, ftag_ptr: usize, ftag_len: usize, ttag_ptr: usize, ttag_len: usize, key_ptr: usize, key_len: usize, ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/dialog@0.1.0', 'var-sets')
declare function dialog__var_sets(name_ptr: usize, name_len: usize, value_ptr: usize, value_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/dialog@0.1.0', 'var-get')
declare function dialog__var_get(name_ptr: usize, name_len: usize, ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/dialog@0.1.0', 'var-gete')
declare function dialog__var_gete(name_ptr: usize, name_len: usize, ret_area: usize): void;
// @ts-ignore: decorator
@external('kemi:ksr/dialog@0.1.0', 'var-rm')
declare function dialog__var_rm(name_ptr: usize, name_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/dialog@0.1.0', 'var-is-null')
declare function dialog__var_is_null(name_ptr: usize, name_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/dialog@0.1.0', 'dlg-setflag')
declare function dialog__dlg_setflag(flag: i32): i32;
// @ts-ignore: decorator
@external('kemi:ksr/dialog@0.1.0', 'dlg-resetflag')
declare function dialog__dlg_resetflag(flag: i32): i32;
// @ts-ignore: decorator
@external('kemi:ksr/dialog@0.1.0', 'dlg-isflagset')
declare function dialog__dlg_isflagset(flag: i32): i32;
// @ts-ignore: decorator
@external('kemi:ksr/dialog@0.1.0', 'set-dlg-profile')
declare function dialog__set_dlg_profile(profile_ptr: usize, profile_len: usize, value_ptr: usize, value_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/dialog@0.1.0', 'set-dlg-profile-static')
declare function dialog__set_dlg_profile_static(profile_ptr: usize, profile_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/dialog@0.1.0', 'unset-dlg-profile')
declare function dialog__unset_dlg_profile(profile_ptr: usize, profile_len: usize, value_ptr: usize, value_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/dialog@0.1.0', 'unset-dlg-profile-static')
declare function dialog__unset_dlg_profile_static(profile_ptr: usize, profile_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/dialog@0.1.0', 'is-in-profile')
declare function dialog__is_in_profile(profile_ptr: usize, profile_len: usize, value_ptr: usize, value_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/dialog@0.1.0', 'is-in-profile-static')
declare function dialog__is_in_profile_static(profile_ptr: usize, profile_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/dialog@0.1.0', 'get-profile-size')
declare function dialog__get_profile_size(profile_ptr: usize, profile_len: usize, value_ptr: usize, value_len: usize, pv_ptr: usize, pv_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/dialog@0.1.0', 'get-profile-size-static')
declare function dialog__get_profile_size_static(profile_ptr: usize, profile_len: usize, pv_ptr: usize, pv_len: usize): i32;

// dispatcher
// @ts-ignore: decorator
@external('kemi:ksr/dispatcher@0.1.0', 'ds-select-dst')
declare function dispatcher__ds_select_dst(set: i32, alg: i32): i32;
// @ts-ignore: decorator
@external('kemi:ksr/dispatcher@0.1.0', 'ds-select-dst-limit')
declare function dispatcher__ds_select_dst_limit(set: i32, alg: i32, limit: i32): i32;
// @ts-ignore: decorator
@external('kemi:ksr/dispatcher@0.1.0', 'ds-select-domain')
declare function dispatcher__ds_select_domain(set: i32, alg: i32): i32;
// @ts-ignore: decorator
@external('kemi:ksr/dispatcher@0.1.0', 'ds-select-domain-limit')
declare function dispatcher__ds_select_domain_limit(set: i32, alg: i32, limit: i32): i32;
// @ts-ignore: decorator
@external('kemi:ksr/dispatcher@0.1.0', 'ds-select')
declare function dispatcher__ds_select(set: i32, alg: i32): i32;
// @ts-ignore: decorator
@external('kemi:ksr/dispatcher@0.1.0', 'ds-select-limit')
declare function dispatcher__ds_select_limit(set: i32, alg: i32, limit: i32): i32;
// @ts-ignore: decorator
@external('kemi:ksr/dispatcher@0.1.0', 'ds-next-dst')
declare function dispatcher__ds_next_dst(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/dispatcher@0.1.0', 'ds-next-domain')
declare function dispatcher__ds_next_domain(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/dispatcher@0.1.0', 'ds-set-dst')
declare function dispatcher__ds_set_dst(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/dispatcher@0.1.0', 'ds-set-domain')
declare function dispatcher__ds_set_domain(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/dispatcher@0.1.0', 'ds-mark-dst')
declare function dispatcher__ds_mark_dst(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/dispatcher@0.1.0', 'ds-mark-dst-state')
declare function dispatcher__ds_mark_dst_state(state_ptr: usize, state_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/dispatcher@0.1.0', 'ds-is-from-lists')
declare function dispatcher__ds_is_from_lists(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/dispatcher@0.1.0', 'ds-is-from-list')
declare function dispatcher__ds_is_from_list(set: i32): i32;
// @ts-ignore: decorator
@external('kemi:ksr/dispatcher@0.1.0', 'ds-is-from-list-mode')
declare function dispatcher__ds_is_from_list_mode(set: i32, mode: i32): i32;
// @ts-ignore: decorator
@external('kemi:ksr/dispatcher@0.1.0', 'ds-is-from-list-uri')
declare function dispatcher__ds_is_from_list_uri(set: i32, mode: i32, uri_ptr: usize, uri_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/dispatcher@0.1.0', 'ds-list-exists')
declare function dispatcher__ds_list_exists(set: i32): i32;
// @ts-ignore: decorator
@external('kemi:ksr/dispatcher@0.1.0', 'ds-is-active')
declare function dispatcher__ds_is_active(set: i32): i32;
// @ts-ignore: decorator
@external('kemi:ksr/dispatcher@0.1.0', 'ds-is-active-uri')
declare function dispatcher__ds_is_active_uri(set: i32, uri_ptr: usize, uri_len: usize): i32;
// @ts-ignore: decorator
@external('kemi:ksr/dispatcher@0.1.0', 'ds-load-update')
declare function dispatcher__ds_load_update(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/dispatcher@0.1.0', 'ds-load-unset')
declare function dispatcher__ds_load_unset(): i32;

// siptrace
// @ts-ignore: decorator
@external('kemi:ksr/siptrace@0.1.0', 'sip-trace')
declare function siptrace__sip_trace(): i32;
// @ts-ignore: decorator
@external('kemi:ksr/siptrace@0.1.0', 'sip-trace-mode')
declare function siptrace__sip_trace_mode(mode_ptr: usize, mode_len: usize): i32;

/**
 * Core KEMI functions (Kamailio's `KSR.*`): method tests, local address checks, flags, URI setters, logging.
 */
export namespace KSR {
  /**
   * True if the message's method (CSeq method for replies) equals `method` (case-insensitive), or, for a list
   * of standard methods separated by `|` ("INVITE|BYE"), is one of them.
   */
  export function is_method(method: string): bool {
    const method_utf8 = String.UTF8.encode(method);
    return core__is_method(changetype<usize>(method_utf8), <usize>method_utf8.byteLength) != 0;
  }

  /**
   * True if the method is one of the letters (either case): I INVITE, A ACK, B BYE, C CANCEL, R REGISTER, M
   * MESSAGE, O OPTIONS, S SUBSCRIBE, P PUBLISH, N NOTIFY, U UPDATE, E PRACK, F REFER, K KDMQ, G GET, T POST,
   * V PUT, D DELETE (Kamailio's letters; INFO has none). Other methods never match.
   */
  export function is_method_in(methods: string): bool {
    const methods_utf8 = String.UTF8.encode(methods);
    return core__is_method_in(changetype<usize>(methods_utf8), <usize>methods_utf8.byteLength) != 0;
  }

  /** The method (CSeq method for replies) is INVITE. */
  export function is_INVITE(): bool {
    return core__is_INVITE() != 0;
  }

  /** The method is ACK. */
  export function is_ACK(): bool {
    return core__is_ACK() != 0;
  }

  /** The method is BYE. */
  export function is_BYE(): bool {
    return core__is_BYE() != 0;
  }

  /** The method is CANCEL. */
  export function is_CANCEL(): bool {
    return core__is_CANCEL() != 0;
  }

  /** The method is REGISTER. */
  export function is_REGISTER(): bool {
    return core__is_REGISTER() != 0;
  }

  /** The method is OPTIONS. */
  export function is_OPTIONS(): bool {
    return core__is_OPTIONS() != 0;
  }

  /** The method is SUBSCRIBE. */
  export function is_SUBSCRIBE(): bool {
    return core__is_SUBSCRIBE() != 0;
  }

  /** The method is PUBLISH. */
  export function is_PUBLISH(): bool {
    return core__is_PUBLISH() != 0;
  }

  /** The method is NOTIFY. */
  export function is_NOTIFY(): bool {
    return core__is_NOTIFY() != 0;
  }

  /** The method is REFER. */
  export function is_REFER(): bool {
    return core__is_REFER() != 0;
  }

  /** The method is INFO. */
  export function is_INFO(): bool {
    return core__is_INFO() != 0;
  }

  /** The method is UPDATE. */
  export function is_UPDATE(): bool {
    return core__is_UPDATE() != 0;
  }

  /** The method is PRACK. */
  export function is_PRACK(): bool {
    return core__is_PRACK() != 0;
  }

  /** The method is MESSAGE. */
  export function is_MESSAGE(): bool {
    return core__is_MESSAGE() != 0;
  }

  /** The method is KDMQ. */
  export function is_KDMQ(): bool {
    return core__is_KDMQ() != 0;
  }

  /** The method is GET. */
  export function is_GET(): bool {
    return core__is_GET() != 0;
  }

  /** The method is POST. */
  export function is_POST(): bool {
    return core__is_POST() != 0;
  }

  /** The method is PUT. */
  export function is_PUT(): bool {
    return core__is_PUT() != 0;
  }

  /** The method is DELETE. */
  export function is_DELETE(): bool {
    return core__is_DELETE() != 0;
  }

  /** The message arrived over UDP. */
  export function is_UDP(): bool {
    return core__is_UDP() != 0;
  }

  /** The message arrived over TCP. */
  export function is_TCP(): bool {
    return core__is_TCP() != 0;
  }

  /** The message arrived over TLS (a `tls:` listener). */
  export function is_TLS(): bool {
    return core__is_TLS() != 0;
  }

  /** The message arrived over SCTP (never). */
  export function is_SCTP(): bool {
    return core__is_SCTP() != 0;
  }

  /** The message arrived over WebSocket (a `ws:` listener). */
  export function is_WS(): bool {
    return core__is_WS() != 0;
  }

  /** The message arrived over secure WebSocket (a `wss:` listener). */
  export function is_WSS(): bool {
    return core__is_WSS() != 0;
  }

  /** The message arrived over WebSocket, secure or not. */
  export function is_WSX(): bool {
    return core__is_WSX() != 0;
  }

  /**
   * The message arrived over one of the protocols given by letter: u UDP, t TCP, e TLS, s SCTP, v WS, w WSS.
   */
  export function is_proto(protos: string): bool {
    const protos_utf8 = String.UTF8.encode(protos);
    return core__is_proto(changetype<usize>(protos_utf8), <usize>protos_utf8.byteLength) != 0;
  }

  /** The message arrived on an IPv4 address. */
  export function is_ipv4(): bool {
    return core__is_ipv4() != 0;
  }

  /** The message arrived on an IPv6 address. */
  export function is_ipv6(): bool {
    return core__is_ipv6() != 0;
  }

  /** The message came from source port `port`. */
  export function is_src_port(port: i32): bool {
    return core__is_src_port(port) != 0;
  }

  /** The message arrived on local port `port`. */
  export function is_dst_port(port: i32): bool {
    return core__is_dst_port(port) != 0;
  }

  /**
   * The next hop's URI (`$du`, else the R-URI; for a reply, the second Via) says transport=udp. Like
   * Kamailio, a URI without a transport parameter matches none of the `to-*` protocol tests.
   */
  export function to_UDP(): bool {
    return core__to_UDP() != 0;
  }

  /** The next hop's URI says transport=tcp (a reply: the second Via is TCP). */
  export function to_TCP(): bool {
    return core__to_TCP() != 0;
  }

  /** The next hop's URI says transport=tls. */
  export function to_TLS(): bool {
    return core__to_TLS() != 0;
  }

  /** The next hop's URI says transport=sctp. */
  export function to_SCTP(): bool {
    return core__to_SCTP() != 0;
  }

  /** The next hop's URI says transport=ws. */
  export function to_WS(): bool {
    return core__to_WS() != 0;
  }

  /** The next hop's URI says transport=wss. */
  export function to_WSS(): bool {
    return core__to_WSS() != 0;
  }

  /** The next hop's URI says transport=ws or wss. */
  export function to_WSX(): bool {
    return core__to_WSX() != 0;
  }

  /** The next hop's host is an IPv4 address (a reply: the second Via's received, else its host). */
  export function to_ipv4(): bool {
    return core__to_ipv4() != 0;
  }

  /** The next hop's host is an IPv6 address. */
  export function to_ipv6(): bool {
    return core__to_ipv6() != 0;
  }

  /** True if the host and port of `uri` are one of the server's listen addresses or configured domains. */
  export function is_myself(uri: string): bool {
    const uri_utf8 = String.UTF8.encode(uri);
    return core__is_myself(changetype<usize>(uri_utf8), <usize>uri_utf8.byteLength) != 0;
  }

  /** `is-myself` on the request URI. */
  export function is_myself_ruri(): bool {
    return core__is_myself_ruri() != 0;
  }

  /** `is-myself` on the From URI. */
  export function is_myself_furi(): bool {
    return core__is_myself_furi() != 0;
  }

  /** `is-myself` on the To URI. */
  export function is_myself_turi(): bool {
    return core__is_myself_turi() != 0;
  }

  /** True if the source IP is one of the server's listen addresses. */
  export function is_myself_srcip(): bool {
    return core__is_myself_srcip() != 0;
  }

  /** Set message flag `flag` (0..31); false if out of range. */
  export function setflag(flag: i32): bool {
    return core__setflag(flag) != 0;
  }

  /** Reset message flag `flag` (0..31). */
  export function resetflag(flag: i32): bool {
    return core__resetflag(flag) != 0;
  }

  /** True if message flag `flag` is set. */
  export function isflagset(flag: i32): bool {
    return core__isflagset(flag) != 0;
  }

  /** Set branch flag `flag` (0..31) of the current branch. */
  export function setbflag(flag: i32): bool {
    return core__setbflag(flag) != 0;
  }

  /** Reset branch flag `flag` of the current branch. */
  export function resetbflag(flag: i32): bool {
    return core__resetbflag(flag) != 0;
  }

  /** True if branch flag `flag` of the current branch is set. */
  export function isbflagset(flag: i32): bool {
    return core__isbflagset(flag) != 0;
  }

  /** Replace the request URI; false if `uri` does not parse. */
  export function seturi(uri: string): bool {
    const uri_utf8 = String.UTF8.encode(uri);
    return core__seturi(changetype<usize>(uri_utf8), <usize>uri_utf8.byteLength) != 0;
  }

  /** Replace the user part of the request URI. */
  export function setuser(user: string): bool {
    const user_utf8 = String.UTF8.encode(user);
    return core__setuser(changetype<usize>(user_utf8), <usize>user_utf8.byteLength) != 0;
  }

  /** Replace the host part of the request URI. */
  export function sethost(host: string): bool {
    const host_utf8 = String.UTF8.encode(host);
    return core__sethost(changetype<usize>(host_utf8), <usize>host_utf8.byteLength) != 0;
  }

  /** Set the destination URI ($du, outbound proxy); false if `uri` does not parse. */
  export function setdsturi(uri: string): bool {
    const uri_utf8 = String.UTF8.encode(uri);
    return core__setdsturi(changetype<usize>(uri_utf8), <usize>uri_utf8.byteLength) != 0;
  }

  /** Clear the destination URI. */
  export function resetdsturi(): bool {
    return core__resetdsturi() != 0;
  }

  /** True if a destination URI is set. */
  export function isdsturiset(): bool {
    return core__isdsturiset() != 0;
  }

  /** Add `rport` to the top Via of the request and send replies to the source port (RFC 3581). */
  export function force_rport(): bool {
    return core__force_rport() != 0;
  }

  /**
   * Replies to this request never open a new TCP connection: they go over an open connection to the request's
   * source, or are not sent (Kamailio's SND_F_FORCE_CON_REUSE). A transaction takes the setting when it is
   * made, so call it before `tm.t-newtran`/`tm.t-relay`. Always true.
   */
  export function set_reply_no_connect(): bool {
    return core__set_reply_no_connect() != 0;
  }

  /** Mark the message to be dropped when the route returns; unlike `x.drop` the route goes on. */
  export function set_drop(): void {
    core__set_drop();
  }

  /** Log `msg` at `level` ("dbg", "info", "notice", "warn", "err", "crit"; anything else logs as "err"). */
  export function log(level: string, msg: string): void {
    const level_utf8 = String.UTF8.encode(level);
    const msg_utf8 = String.UTF8.encode(msg);
    core__log(changetype<usize>(level_utf8), <usize>level_utf8.byteLength, changetype<usize>(msg_utf8), <usize>msg_utf8.byteLength);
  }

  /** Log at debug level. */
  export function dbg(msg: string): void {
    const msg_utf8 = String.UTF8.encode(msg);
    core__dbg(changetype<usize>(msg_utf8), <usize>msg_utf8.byteLength);
  }

  /** Log at info level. */
  export function info(msg: string): void {
    const msg_utf8 = String.UTF8.encode(msg);
    core__info(changetype<usize>(msg_utf8), <usize>msg_utf8.byteLength);
  }

  /** Log at notice level. */
  export function notice(msg: string): void {
    const msg_utf8 = String.UTF8.encode(msg);
    core__notice(changetype<usize>(msg_utf8), <usize>msg_utf8.byteLength);
  }

  /** Log at warning level. */
  export function warn(msg: string): void {
    const msg_utf8 = String.UTF8.encode(msg);
    core__warn(changetype<usize>(msg_utf8), <usize>msg_utf8.byteLength);
  }

  /** Log at error level. */
  export function err(msg: string): void {
    const msg_utf8 = String.UTF8.encode(msg);
    core__err(changetype<usize>(msg_utf8), <usize>msg_utf8.byteLength);
  }

  /** Log at critical level. */
  export function crit(msg: string): void {
    const msg_utf8 = String.UTF8.encode(msg);
    core__crit(changetype<usize>(msg_utf8), <usize>msg_utf8.byteLength);
  }

  /**
   * Control flow (Kamailio's `KSR.x`). After either call every further action of the route is ignored: the
   * guest should return from the route right away.
   */
  export namespace x {
    /** Stop the route; what it already did (a reply sent, a relay started) stands. */
    export function exit(): void {
      x__exit();
    }

    /** Stop the route and drop the message: a request is not forwarded, a reply is not passed upstream. */
    export function drop(): void {
      x__drop();
    }
  }

  /**
   * Pseudo-variables (Kamailio's `KSR.pv`): `$ru`, `$fU`, `$hdr(Name)`, `$var(x)` ... by their Kamailio
   * names. An unknown or malformed name is logged as an error naming it; reads then give none, writes do
   * nothing.
   */
  export namespace pv {
    /** The value, or none for `$null`. Integer variables are given in decimal. */
    export function get(name: string): string | null {
      const name_utf8 = String.UTF8.encode(name);
      pv__get(changetype<usize>(name_utf8), <usize>name_utf8.byteLength, RET_AREA);
      return liftOptionStringResult(RET_AREA);
    }

    /** The value, or "" for `$null`. */
    export function gete(name: string): string {
      const name_utf8 = String.UTF8.encode(name);
      pv__gete(changetype<usize>(name_utf8), <usize>name_utf8.byteLength, RET_AREA);
      return liftStringResult(RET_AREA);
    }

    /** The value as an integer, or `vn` for `$null` or a value that is not an integer. */
    export function getvn(name: string, vn: i32): i32 {
      const name_utf8 = String.UTF8.encode(name);
      return pv__getvn(changetype<usize>(name_utf8), <usize>name_utf8.byteLength, vn);
    }

    /** The value, or `vs` for `$null`. */
    export function getvs(name: string, vs: string): string {
      const name_utf8 = String.UTF8.encode(name);
      const vs_utf8 = String.UTF8.encode(vs);
      pv__getvs(changetype<usize>(name_utf8), <usize>name_utf8.byteLength, changetype<usize>(vs_utf8), <usize>vs_utf8.byteLength, RET_AREA);
      return liftStringResult(RET_AREA);
    }

    /** The value, or "<<null>>" for `$null`. */
    export function getw(name: string): string {
      const name_utf8 = String.UTF8.encode(name);
      pv__getw(changetype<usize>(name_utf8), <usize>name_utf8.byteLength, RET_AREA);
      return liftStringResult(RET_AREA);
    }

    /**
     * The value as an integer: 0 for `$null`; for a string, its sign and leading digits ("12ab" gives 12,
     * "ab" 0), held at the s32 bounds (Kamailio's str2sint).
     */
    export function geti(name: string): i32 {
      const name_utf8 = String.UTF8.encode(name);
      return pv__geti(changetype<usize>(name_utf8), <usize>name_utf8.byteLength);
    }

    /** Assign a string to a writable variable. */
    export function sets(name: string, value: string): void {
      const name_utf8 = String.UTF8.encode(name);
      const value_utf8 = String.UTF8.encode(value);
      pv__sets(changetype<usize>(name_utf8), <usize>name_utf8.byteLength, changetype<usize>(value_utf8), <usize>value_utf8.byteLength);
    }

    /** Assign an integer to a writable variable. */
    export function seti(name: string, value: i32): void {
      const name_utf8 = String.UTF8.encode(name);
      pv__seti(changetype<usize>(name_utf8), <usize>name_utf8.byteLength, value);
    }

    /** Set a variable to `$null` (for `$du`: clear the destination URI). */
    export function unset(name: string): void {
      const name_utf8 = String.UTF8.encode(name);
      pv__unset(changetype<usize>(name_utf8), <usize>name_utf8.byteLength);
    }

    /** True if the variable is `$null`. */
    export function is_null(name: string): bool {
      const name_utf8 = String.UTF8.encode(name);
      return pv__is_null(changetype<usize>(name_utf8), <usize>name_utf8.byteLength) != 0;
    }
  }

  /**
   * Header operations (Kamailio's `KSR.hdr`). `hdrval` is a whole header line, "Name: value", with or without
   * the trailing CRLF. Names match case-insensitively and in compact form. The lines of one `hdrval` are
   * added all or none: -1, and nothing changed, when one is malformed or when they would take the message
   * (for `append-to-reply`, the reply) past the server's `max_header_fields` or `max_message_bytes`, as
   * Kamailio refuses a message over BUF_SIZE.
   */
  export namespace hdr {
    /** Add the header after the last header; 1 on success, -1 on a malformed line. */
    export function append(hdrval: string): i32 {
      const hdrval_utf8 = String.UTF8.encode(hdrval);
      return hdr__append(changetype<usize>(hdrval_utf8), <usize>hdrval_utf8.byteLength);
    }

    /** Add the header after the first header named `hname`; -1 if there is none. */
    export function append_after(hdrval: string, hname: string): i32 {
      const hdrval_utf8 = String.UTF8.encode(hdrval);
      const hname_utf8 = String.UTF8.encode(hname);
      return hdr__append_after(changetype<usize>(hdrval_utf8), <usize>hdrval_utf8.byteLength, changetype<usize>(hname_utf8), <usize>hname_utf8.byteLength);
    }

    /** Add the header before the first header. */
    export function insert(hdrval: string): i32 {
      const hdrval_utf8 = String.UTF8.encode(hdrval);
      return hdr__insert(changetype<usize>(hdrval_utf8), <usize>hdrval_utf8.byteLength);
    }

    /** Add the header before the first header named `hname`; -1 if there is none. */
    export function insert_before(hdrval: string, hname: string): i32 {
      const hdrval_utf8 = String.UTF8.encode(hdrval);
      const hname_utf8 = String.UTF8.encode(hname);
      return hdr__insert_before(changetype<usize>(hdrval_utf8), <usize>hdrval_utf8.byteLength, changetype<usize>(hname_utf8), <usize>hname_utf8.byteLength);
    }

    /** Remove every header named `hname`; the number removed, or -1 if none. */
    export function remove(hname: string): i32 {
      const hname_utf8 = String.UTF8.encode(hname);
      return hdr__remove(changetype<usize>(hname_utf8), <usize>hname_utf8.byteLength);
    }

    /** Remove every header named `hname`, then append `hdrval`. */
    export function rmappend(hname: string, hdrval: string): i32 {
      const hname_utf8 = String.UTF8.encode(hname);
      const hdrval_utf8 = String.UTF8.encode(hdrval);
      return hdr__rmappend(changetype<usize>(hname_utf8), <usize>hname_utf8.byteLength, changetype<usize>(hdrval_utf8), <usize>hdrval_utf8.byteLength);
    }

    /** Remove every header named `hname`, then insert `hdrval`. */
    export function rminsert(hname: string, hdrval: string): i32 {
      const hname_utf8 = String.UTF8.encode(hname);
      const hdrval_utf8 = String.UTF8.encode(hdrval);
      return hdr__rminsert(changetype<usize>(hname_utf8), <usize>hname_utf8.byteLength, changetype<usize>(hdrval_utf8), <usize>hdrval_utf8.byteLength);
    }

    /** 1 if a header named `hname` exists, -1 if not. */
    export function is_present(hname: string): i32 {
      const hname_utf8 = String.UTF8.encode(hname);
      return hdr__is_present(changetype<usize>(hname_utf8), <usize>hname_utf8.byteLength);
    }

    /** The body of the first header named `hname`. */
    export function get(hname: string): string | null {
      const hname_utf8 = String.UTF8.encode(hname);
      hdr__get(changetype<usize>(hname_utf8), <usize>hname_utf8.byteLength, RET_AREA);
      return liftOptionStringResult(RET_AREA);
    }

    /** The body of the first header named `hname`, or "" when there is none. */
    export function gete(hname: string): string {
      const hname_utf8 = String.UTF8.encode(hname);
      hdr__gete(changetype<usize>(hname_utf8), <usize>hname_utf8.byteLength, RET_AREA);
      return liftStringResult(RET_AREA);
    }

    /** The body of the first header named `hname`, or "<<null>>" when there is none. */
    export function getw(hname: string): string {
      const hname_utf8 = String.UTF8.encode(hname);
      hdr__getw(changetype<usize>(hname_utf8), <usize>hname_utf8.byteLength, RET_AREA);
      return liftStringResult(RET_AREA);
    }

    /** The body of the header named `hname` at `idx` (0 first, -1 last). */
    export function get_idx(hname: string, idx: i32): string | null {
      const hname_utf8 = String.UTF8.encode(hname);
      hdr__get_idx(changetype<usize>(hname_utf8), <usize>hname_utf8.byteLength, idx, RET_AREA);
      return liftOptionStringResult(RET_AREA);
    }

    /** `get-idx`, or "" when there is no such header. */
    export function gete_idx(hname: string, idx: i32): string {
      const hname_utf8 = String.UTF8.encode(hname);
      hdr__gete_idx(changetype<usize>(hname_utf8), <usize>hname_utf8.byteLength, idx, RET_AREA);
      return liftStringResult(RET_AREA);
    }

    /** `get-idx`, or "<<null>>" when there is no such header. */
    export function getw_idx(hname: string, idx: i32): string {
      const hname_utf8 = String.UTF8.encode(hname);
      hdr__getw_idx(changetype<usize>(hname_utf8), <usize>hname_utf8.byteLength, idx, RET_AREA);
      return liftStringResult(RET_AREA);
    }

    /** Add a header to the reply the server will generate for this request (sl or tm). */
    export function append_to_reply(hdrval: string): i32 {
      const hdrval_utf8 = String.UTF8.encode(hdrval);
      return hdr__append_to_reply(changetype<usize>(hdrval_utf8), <usize>hdrval_utf8.byteLength);
    }
  }

  /** Stateless replies (Kamailio's `sl` module). */
  export namespace sl {
    /** Send a reply without creating a transaction; 1 on success, -1 on failure. */
    export function sl_send_reply(code: i32, reason: string): i32 {
      const reason_utf8 = String.UTF8.encode(reason);
      return sl__sl_send_reply(code, changetype<usize>(reason_utf8), <usize>reason_utf8.byteLength);
    }

    /** Reply statefully if a transaction exists for the request, else statelessly. */
    export function send_reply(code: i32, reason: string): i32 {
      const reason_utf8 = String.UTF8.encode(reason);
      return sl__send_reply(code, changetype<usize>(reason_utf8), <usize>reason_utf8.byteLength);
    }

    /**
     * Send the reply for the last internal error as Kamailio's err2reason_phrase words it: a failed relay's
     * code (-477 gives 477, -478 478, -479 479, -487 487, -12 500, -510 403 Destination Not Allowed, others
     * 500), with the reason "text (N/SL)"; 500 without one.
     */
    export function sl_reply_error(): i32 {
      return sl__sl_reply_error();
    }
  }

  /** Max-Forwards handling (Kamailio's `maxfwd` module). */
  export namespace maxfwd {
    /**
     * Add Max-Forwards with `limit` (0..255) if absent, else decrement it after capping it at the server's
     * `maxfwd.max_limit` (70: a received 70 becomes 69). 2 when added, 1 when decremented, -1 when it was
     * already 0 (the route should reply 483) or `limit` is out of range, -2 when malformed.
     */
    export function process_maxfwd(limit: i32): i32 {
      return maxfwd__process_maxfwd(limit);
    }

    /**
     * 1 if Max-Forwards is lower than `limit`, -1 if not (or `limit` is not 0..255), -2 if absent, -3 if
     * malformed.
     */
    export function is_maxfwd_lt(limit: i32): i32 {
      return maxfwd__is_maxfwd_lt(limit);
    }
  }

  /** SIP helpers (Kamailio's `siputils` module). 1 means true, -1 false. */
  export namespace siputils {
    /** To header has a tag: the request is within a dialog. */
    export function has_totag(): i32 {
      return siputils__has_totag();
    }

    /** The message is a request. */
    export function is_request(): i32 {
      return siputils__is_request();
    }

    /** The message is a reply. */
    export function is_reply(): i32 {
      return siputils__is_reply();
    }

    /** The request has a single Via: it comes straight from the UA. */
    export function is_first_hop(): i32 {
      return siputils__is_first_hop();
    }

    /** The user of `uri` is an E.164 number (+ and 2 to 15 digits). */
    export function is_uri_user_e164(uri: string): i32 {
      const uri_utf8 = String.UTF8.encode(uri);
      return siputils__is_uri_user_e164(changetype<usize>(uri_utf8), <usize>uri_utf8.byteLength);
    }

    /** `number` is an E.164 number. */
    export function is_e164(number: string): i32 {
      const number_utf8 = String.UTF8.encode(number);
      return siputils__is_e164(changetype<usize>(number_utf8), <usize>number_utf8.byteLength);
    }

    /** The request URI has parameter `name`. */
    export function uri_param(name: string): i32 {
      const name_utf8 = String.UTF8.encode(name);
      return siputils__uri_param(changetype<usize>(name_utf8), <usize>name_utf8.byteLength);
    }

    /** The request URI has parameter `name` equal to `value`. */
    export function uri_param_value(name: string, value: string): i32 {
      const name_utf8 = String.UTF8.encode(name);
      const value_utf8 = String.UTF8.encode(value);
      return siputils__uri_param_value(changetype<usize>(name_utf8), <usize>name_utf8.byteLength, changetype<usize>(value_utf8), <usize>value_utf8.byteLength);
    }

    /** Append `param` ("name" or "name=value") to the request URI's parameters. */
    export function add_uri_param(param: string): i32 {
      const param_utf8 = String.UTF8.encode(param);
      return siputils__add_uri_param(changetype<usize>(param_utf8), <usize>param_utf8.byteLength);
    }

    /** The two URIs are equal by RFC 3261 19.1.4. */
    export function cmp_uri(uri1: string, uri2: string): i32 {
      const uri1_utf8 = String.UTF8.encode(uri1);
      const uri2_utf8 = String.UTF8.encode(uri2);
      return siputils__cmp_uri(changetype<usize>(uri1_utf8), <usize>uri1_utf8.byteLength, changetype<usize>(uri2_utf8), <usize>uri2_utf8.byteLength);
    }

    /** The two URIs have the same user and host. */
    export function cmp_aor(uri1: string, uri2: string): i32 {
      const uri1_utf8 = String.UTF8.encode(uri1);
      const uri2_utf8 = String.UTF8.encode(uri2);
      return siputils__cmp_aor(changetype<usize>(uri1_utf8), <usize>uri1_utf8.byteLength, changetype<usize>(uri2_utf8), <usize>uri2_utf8.byteLength);
    }
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
  export namespace sanity {
    /** Run the given checks; 1 if the message passes. */
    export function sanity_check(msg_checks: i32, uri_checks: i32): i32 {
      return sanity__sanity_check(msg_checks, uri_checks);
    }

    /** Run Kamailio's default checks (msg 17895, uri 7). */
    export function sanity_check_defaults(): i32 {
      return sanity__sanity_check_defaults();
    }

    /**
     * With `sanity.noreply`: send the reply the failed check kept (500 Server Sanity Failure without one). 1
     * (also when there is nothing to do: no noreply, an ACK, a reply), -1 when it could not be sent.
     */
    export function sanity_reply(): i32 {
      return sanity__sanity_reply();
    }
  }

  /** Formatted logging (Kamailio's `xlog` module): `$ru`, `$ci`, `$var(x)` ... in the text are expanded. */
  export namespace xlog {
    /** Log at `level` ("dbg", "info", "notice", "warn", "err", "crit", "alert"). */
    export function xlog(level: string, format: string): void {
      const level_utf8 = String.UTF8.encode(level);
      const format_utf8 = String.UTF8.encode(format);
      xlog__xlog(changetype<usize>(level_utf8), <usize>level_utf8.byteLength, changetype<usize>(format_utf8), <usize>format_utf8.byteLength);
    }

    export function xdbg(format: string): void {
      const format_utf8 = String.UTF8.encode(format);
      xlog__xdbg(changetype<usize>(format_utf8), <usize>format_utf8.byteLength);
    }

    export function xinfo(format: string): void {
      const format_utf8 = String.UTF8.encode(format);
      xlog__xinfo(changetype<usize>(format_utf8), <usize>format_utf8.byteLength);
    }

    export function xnotice(format: string): void {
      const format_utf8 = String.UTF8.encode(format);
      xlog__xnotice(changetype<usize>(format_utf8), <usize>format_utf8.byteLength);
    }

    export function xwarn(format: string): void {
      const format_utf8 = String.UTF8.encode(format);
      xlog__xwarn(changetype<usize>(format_utf8), <usize>format_utf8.byteLength);
    }

    export function xerr(format: string): void {
      const format_utf8 = String.UTF8.encode(format);
      xlog__xerr(changetype<usize>(format_utf8), <usize>format_utf8.byteLength);
    }

    export function xcrit(format: string): void {
      const format_utf8 = String.UTF8.encode(format);
      xlog__xcrit(changetype<usize>(format_utf8), <usize>format_utf8.byteLength);
    }

    export function xalert(format: string): void {
      const format_utf8 = String.UTF8.encode(format);
      xlog__xalert(changetype<usize>(format_utf8), <usize>format_utf8.byteLength);
    }
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
  export namespace tm {
    /**
     * Relay statefully to the destination set: the request URI (or `$du`) plus the branches added with
     * `corex.append-branch*`, in parallel. The transaction is created if needed; branches are sent when the
     * route returns. An ACK is forwarded statelessly; a CANCEL of a known INVITE is answered 200 and its
     * pending branches are cancelled (RFC 3261 16.10). In a failure route the request URI's branch counts
     * only if the route changed `$ru` or `$du`. 1 on success, a negative code on failure.
     */
    export function t_relay(): i32 {
      return tm__t_relay();
    }

    /** `t-relay` with every branch sent to `host`:`port` over `proto` ("udp", "tcp"). */
    export function t_relay_to_proto_addr(proto: string, host: string, port: i32): i32 {
      const proto_utf8 = String.UTF8.encode(proto);
      const host_utf8 = String.UTF8.encode(host);
      return tm__t_relay_to_proto_addr(changetype<usize>(proto_utf8), <usize>proto_utf8.byteLength, changetype<usize>(host_utf8), <usize>host_utf8.byteLength, port);
    }

    /**
     * Run named route `name` when the transaction ends with a negative final response, before it is sent
     * upstream (a failure route can relay anew or reply). Armed once: set it again in the failure route.
     */
    export function t_on_failure(name: string): i32 {
      const name_utf8 = String.UTF8.encode(name);
      return tm__t_on_failure(changetype<usize>(name_utf8), <usize>name_utf8.byteLength);
    }

    /**
     * Run named route `name` for each branch before it is sent (change headers, `$ru`, `$du`; `x.drop`
     * discards the branch).
     */
    export function t_on_branch(name: string): i32 {
      const name_utf8 = String.UTF8.encode(name);
      return tm__t_on_branch(changetype<usize>(name_utf8), <usize>name_utf8.byteLength);
    }

    /** Run named route `name` for each reply the transaction receives (`x.drop` drops a provisional one). */
    export function t_on_reply(name: string): i32 {
      const name_utf8 = String.UTF8.encode(name);
      return tm__t_on_reply(changetype<usize>(name_utf8), <usize>name_utf8.byteLength);
    }

    /**
     * 1 if the route is set for the transaction: `target` is "failure_route", "branch_route" or
     * "onreply_route"; -1 if not.
     */
    export function t_is_set(target: string): i32 {
      const target_utf8 = String.UTF8.encode(target);
      return tm__t_is_set(changetype<usize>(target_utf8), <usize>target_utf8.byteLength);
    }

    /**
     * For a CANCEL: 1 if the INVITE it cancels has a transaction. For an ACK to a 2xx: 1 if its INVITE
     * transaction is still known. Otherwise -1 (retransmissions and ACKs to negative replies never reach the
     * route: the transaction layer absorbs them).
     */
    export function t_check_trans(): i32 {
      return tm__t_check_trans();
    }

    /**
     * Create the transaction of the request (retransmissions are absorbed from now on); 1, -2 when a
     * transaction cap is full (as for `t-relay`), or -1.
     */
    export function t_newtran(): i32 {
      return tm__t_newtran();
    }

    /** Reply statefully (the transaction must exist); 1, or -1. */
    export function t_reply(code: i32, reason: string): i32 {
      const reason_utf8 = String.UTF8.encode(reason);
      return tm__t_reply(code, changetype<usize>(reason_utf8), <usize>reason_utf8.byteLength);
    }

    /** Create the transaction if needed and reply statefully; 1, or -1. */
    export function t_send_reply(code: i32, reason: string): i32 {
      const reason_utf8 = String.UTF8.encode(reason);
      return tm__t_send_reply(code, changetype<usize>(reason_utf8), <usize>reason_utf8.byteLength);
    }

    /** 1 if the caller cancelled the transaction. */
    export function t_is_canceled(): i32 {
      return tm__t_is_canceled();
    }

    /** In a failure route: 1 if the failed branch timed out. */
    export function t_branch_timeout(): i32 {
      return tm__t_branch_timeout();
    }

    /** In a failure route: 1 if the failed branch had received a reply before its final one. */
    export function t_branch_replied(): i32 {
      return tm__t_branch_replied();
    }

    /**
     * 1 if the status matches the regular expression `re`: the current reply in reply routes, the winning
     * reply in a failure route, the last reply sent in the request route.
     */
    export function t_check_status(re: string): i32 {
      const re_utf8 = String.UTF8.encode(re);
      return tm__t_check_status(changetype<usize>(re_utf8), <usize>re_utf8.byteLength);
    }

    /**
     * Set the final response timeouts in ms: `fr-inv` after a provisional reply to an INVITE (timer C), `fr`
     * otherwise (timers B and F); 0 keeps the current value.
     */
    export function t_set_fr(fr_inv: i32, fr: i32): i32 {
      return tm__t_set_fr(fr_inv, fr);
    }

    /** Back to the configured timeouts. */
    export function t_reset_fr(): i32 {
      return tm__t_reset_fr();
    }

    /** Serial forking: order the destination set by falling q value and keep it for `t-next-contacts`. */
    export function t_load_contacts(): i32 {
      return tm__t_load_contacts();
    }

    /**
     * Serial forking: make the contacts with the highest remaining q the destination set (the first as
     * request URI). 1, or -2 when none is left.
     */
    export function t_next_contacts(): i32 {
      return tm__t_next_contacts();
    }

    /**
     * In a failure route, before relaying anew: which earlier replies to drop from the best-response choice,
     * "a" (or "") all (the default), "l" those of the last round of branches, "n" none.
     */
    export function t_drop_replies(mode: string): i32 {
      const mode_utf8 = String.UTF8.encode(mode);
      return tm__t_drop_replies(changetype<usize>(mode_utf8), <usize>mode_utf8.byteLength);
    }
  }

  /** Transaction extensions (Kamailio's `tmx` module). */
  export namespace tmx {
    /**
     * In the request route: 1 when another copy of the same transaction's request is still being processed
     * (its route called `t-precheck-trans` and has not returned, or returned and the request is still held,
     * e.g. by an rtpengine command), so this one is a retransmission that came before the transaction
     * existed; -1 otherwise, and always for ACK and CANCEL (not tracked) and outside the request route.
     */
    export function t_precheck_trans(): i32 {
      return tmx__t_precheck_trans();
    }

    /** 1 inside a branch route (`tm.t-on-branch`), -1 elsewhere. */
    export function t_is_branch_route(): i32 {
      return tmx__t_is_branch_route();
    }
  }

  /** Record-Route and loose routing (Kamailio's `rr` module, RFC 3261 16.4, 16.6, 16.12). */
  export namespace rr {
    /**
     * Record-route the request: each branch gets `<sip:ADDR:PORT;lr;ftag=...>` with the listener it leaves
     * from, or two such entries (with `r2=on`) when the transport or interface changes. 1, or -1.
     */
    export function record_route(): i32 {
      return rr__record_route();
    }

    /** `record-route` with URI parameters added (";name=value"). */
    export function record_route_params(params: string): i32 {
      const params_utf8 = String.UTF8.encode(params);
      return rr__record_route_params(changetype<usize>(params_utf8), <usize>params_utf8.byteLength);
    }

    /**
     * Record-route with the given addresses ("host[:port][;params]", no scheme); with `addr2` not empty two
     * entries (outbound `addr1`, then inbound `addr2`; add ";r2=on" to both).
     */
    export function record_route_preset(addr1: string, addr2: string): i32 {
      const addr1_utf8 = String.UTF8.encode(addr1);
      const addr2_utf8 = String.UTF8.encode(addr2);
      return rr__record_route_preset(changetype<usize>(addr1_utf8), <usize>addr1_utf8.byteLength, changetype<usize>(addr2_utf8), <usize>addr2_utf8.byteLength);
    }

    /** Undo `record-route*` for this request. */
    export function remove_record_route(): i32 {
      return rr__remove_record_route();
    }

    /**
     * Add URI parameters (";name=value") to this server's Record-Route entries, before or after
     * `record-route`. In a branch route (as `record-route` and `remove-record-route` there) it acts on that
     * branch only.
     */
    export function add_rr_param(param: string): i32 {
      const param_utf8 = String.UTF8.encode(param);
      return rr__add_rr_param(changetype<usize>(param_utf8), <usize>param_utf8.byteLength);
    }

    /**
     * Route the request by its Route headers: our own entries are removed, the next one becomes the next hop
     * (`$du` for a loose router). 1 routed (within a dialog), -1 no Route header (or only ours on an initial
     * request), -3 an initial request routed by a preloaded Route set.
     */
    export function loose_route(): i32 {
      return rr__loose_route();
    }

    /** After `loose-route`: 1 if the parameters of our own Route entry match the regular expression `re`. */
    export function check_route_param(re: string): i32 {
      const re_utf8 = String.UTF8.encode(re);
      return rr__check_route_param(changetype<usize>(re_utf8), <usize>re_utf8.byteLength);
    }

    /**
     * After `loose-route`: 1 if the in-dialog request goes `dir`: "downstream" (sent by the caller) or
     * "upstream" (sent by the callee), by the ftag parameter of our Route entry.
     */
    export function is_direction(dir: string): i32 {
      const dir_utf8 = String.UTF8.encode(dir);
      return rr__is_direction(changetype<usize>(dir_utf8), <usize>dir_utf8.byteLength);
    }
  }

  /** The destination set (Kamailio's `corex` module): more branches for `tm.t-relay`. */
  export namespace corex {
    /** Add the request URI (with `$du`, its q and the branch flags) as a new branch; 1, or -1. */
    export function append_branch(): i32 {
      return corex__append_branch();
    }

    /** Add a branch to `uri`. */
    export function append_branch_uri(uri: string): i32 {
      const uri_utf8 = String.UTF8.encode(uri);
      return corex__append_branch_uri(changetype<usize>(uri_utf8), <usize>uri_utf8.byteLength);
    }

    /** Add a branch to `uri` with q value `q` ("0.5"), for `tm.t-load-contacts`. */
    export function append_branch_uri_q(uri: string, q: string): i32 {
      const uri_utf8 = String.UTF8.encode(uri);
      const q_utf8 = String.UTF8.encode(q);
      return corex__append_branch_uri_q(changetype<usize>(uri_utf8), <usize>uri_utf8.byteLength, changetype<usize>(q_utf8), <usize>q_utf8.byteLength);
    }

    /** 1 if the request URI has a user part, -1 if not (or for a reply). */
    export function has_ruri_user(): i32 {
      return corex__has_ruri_user();
    }
  }

  /**
   * Message attributes and configuration values (Kamailio's `KSR.kx`, module kemix). The `get-*` form gives
   * none where Kamailio gives $null, `gete-*` gives "" and `getw-*` "<<null>>". Defines are those of the
   * server configuration (`defines`), Kamailio's `#!define NAME value`.
   */
  export namespace kx {
    /** The request URI as the route has it now ($ru); none for a reply. */
    export function get_ruri(): string | null {
      kx__get_ruri(RET_AREA);
      return liftOptionStringResult(RET_AREA);
    }

    /** The user of the request URI ($rU). */
    export function get_ruser(): string | null {
      kx__get_ruser(RET_AREA);
      return liftOptionStringResult(RET_AREA);
    }

    export function getw_ruser(): string {
      kx__getw_ruser(RET_AREA);
      return liftStringResult(RET_AREA);
    }

    export function gete_ruser(): string {
      kx__gete_ruser(RET_AREA);
      return liftStringResult(RET_AREA);
    }

    /** The host of the request URI ($rd). */
    export function get_rhost(): string | null {
      kx__get_rhost(RET_AREA);
      return liftOptionStringResult(RET_AREA);
    }

    export function getw_rhost(): string {
      kx__getw_rhost(RET_AREA);
      return liftStringResult(RET_AREA);
    }

    export function gete_rhost(): string {
      kx__gete_rhost(RET_AREA);
      return liftStringResult(RET_AREA);
    }

    /** The request URI as received ($ou). */
    export function get_ouri(): string | null {
      kx__get_ouri(RET_AREA);
      return liftOptionStringResult(RET_AREA);
    }

    /** The From URI ($fu). */
    export function get_furi(): string | null {
      kx__get_furi(RET_AREA);
      return liftOptionStringResult(RET_AREA);
    }

    /** The user of the From URI ($fU). */
    export function get_fuser(): string | null {
      kx__get_fuser(RET_AREA);
      return liftOptionStringResult(RET_AREA);
    }

    export function getw_fuser(): string {
      kx__getw_fuser(RET_AREA);
      return liftStringResult(RET_AREA);
    }

    export function gete_fuser(): string {
      kx__gete_fuser(RET_AREA);
      return liftStringResult(RET_AREA);
    }

    /** The host of the From URI ($fd). */
    export function get_fhost(): string | null {
      kx__get_fhost(RET_AREA);
      return liftOptionStringResult(RET_AREA);
    }

    export function getw_fhost(): string {
      kx__getw_fhost(RET_AREA);
      return liftStringResult(RET_AREA);
    }

    export function gete_fhost(): string {
      kx__gete_fhost(RET_AREA);
      return liftStringResult(RET_AREA);
    }

    /** The To URI ($tu). */
    export function get_turi(): string | null {
      kx__get_turi(RET_AREA);
      return liftOptionStringResult(RET_AREA);
    }

    /** The user of the To URI ($tU). */
    export function get_tuser(): string | null {
      kx__get_tuser(RET_AREA);
      return liftOptionStringResult(RET_AREA);
    }

    export function gete_tuser(): string {
      kx__gete_tuser(RET_AREA);
      return liftStringResult(RET_AREA);
    }

    export function getw_tuser(): string {
      kx__getw_tuser(RET_AREA);
      return liftStringResult(RET_AREA);
    }

    /** The host of the To URI ($td). */
    export function get_thost(): string | null {
      kx__get_thost(RET_AREA);
      return liftOptionStringResult(RET_AREA);
    }

    export function gete_thost(): string {
      kx__gete_thost(RET_AREA);
      return liftStringResult(RET_AREA);
    }

    export function getw_thost(): string {
      kx__getw_thost(RET_AREA);
      return liftStringResult(RET_AREA);
    }

    /** The destination URI ($du). */
    export function get_duri(): string | null {
      kx__get_duri(RET_AREA);
      return liftOptionStringResult(RET_AREA);
    }

    export function gete_duri(): string {
      kx__gete_duri(RET_AREA);
      return liftStringResult(RET_AREA);
    }

    export function getw_duri(): string {
      kx__getw_duri(RET_AREA);
      return liftStringResult(RET_AREA);
    }

    /** The URI of the first Contact (none for `Contact: *`). */
    export function get_cturi(): string | null {
      kx__get_cturi(RET_AREA);
      return liftOptionStringResult(RET_AREA);
    }

    export function gete_cturi(): string {
      kx__gete_cturi(RET_AREA);
      return liftStringResult(RET_AREA);
    }

    export function getw_cturi(): string {
      kx__getw_cturi(RET_AREA);
      return liftStringResult(RET_AREA);
    }

    /** The next hop: $du if set, else the request URI. */
    export function get_nhuri(): string | null {
      kx__get_nhuri(RET_AREA);
      return liftOptionStringResult(RET_AREA);
    }

    /** The source as a SIP URI: "sip:IP:PORT", with ";transport=tcp" when not UDP. */
    export function get_srcuri(): string {
      kx__get_srcuri(RET_AREA);
      return liftStringResult(RET_AREA);
    }

    /** The source as "proto:IP:PORT". */
    export function get_srcaddr_sock(): string {
      kx__get_srcaddr_sock(RET_AREA);
      return liftStringResult(RET_AREA);
    }

    /** The User-Agent header's body. */
    export function get_ua(): string | null {
      kx__get_ua(RET_AREA);
      return liftOptionStringResult(RET_AREA);
    }

    export function gete_ua(): string {
      kx__gete_ua(RET_AREA);
      return liftStringResult(RET_AREA);
    }

    export function getw_ua(): string {
      kx__getw_ua(RET_AREA);
      return liftStringResult(RET_AREA);
    }

    /** The source IP address ($si). */
    export function get_srcip(): string {
      kx__get_srcip(RET_AREA);
      return liftStringResult(RET_AREA);
    }

    /** The source port ($sp). */
    export function get_srcport(): i32 {
      return kx__get_srcport();
    }

    /** The local IP address the message arrived on ($Ri). */
    export function get_rcvip(): string | null {
      kx__get_rcvip(RET_AREA);
      return liftOptionStringResult(RET_AREA);
    }

    /** The local port the message arrived on ($Rp). */
    export function get_rcvport(): i32 {
      return kx__get_rcvport();
    }

    /** The advertised address of the receiving socket; the server advertises none, so `get-rcvip`. */
    export function get_rcvadvip(): string | null {
      kx__get_rcvadvip(RET_AREA);
      return liftOptionStringResult(RET_AREA);
    }

    /** The advertised port of the receiving socket; `get-rcvport`. */
    export function get_rcvadvport(): i32 {
      return kx__get_rcvadvport();
    }

    /** The receiving socket as "proto:IP:PORT". */
    export function get_rcvaddr_sock(): string {
      kx__get_rcvaddr_sock(RET_AREA);
      return liftStringResult(RET_AREA);
    }

    /** The transport the message arrived over, lower case ("udp", "tcp"). */
    export function get_proto(): string {
      kx__get_proto(RET_AREA);
      return liftStringResult(RET_AREA);
    }

    /** Kamailio's number of that transport: 1 UDP, 2 TCP, 3 TLS, 4 SCTP, 5 WS, 6 WSS. */
    export function get_protoid(): i32 {
      return kx__get_protoid();
    }

    /** The method of a request, the CSeq method of a reply. */
    export function get_method(): string | null {
      kx__get_method(RET_AREA);
      return liftOptionStringResult(RET_AREA);
    }

    /** The status of a reply; -1 for a request. */
    export function get_status(): i32 {
      return kx__get_status();
    }

    /** The status of a reply as text; none for a request. */
    export function gets_status(): string | null {
      kx__gets_status(RET_AREA);
      return liftOptionStringResult(RET_AREA);
    }

    /** The message body; none when empty. */
    export function get_body(): string | null {
      kx__get_body(RET_AREA);
      return liftOptionStringResult(RET_AREA);
    }

    export function getw_body(): string {
      kx__getw_body(RET_AREA);
      return liftStringResult(RET_AREA);
    }

    export function gete_body(): string {
      kx__gete_body(RET_AREA);
      return liftStringResult(RET_AREA);
    }

    /** The length of the body in bytes. */
    export function get_bodylen(): i32 {
      return kx__get_bodylen();
    }

    /** The current time in seconds since the epoch. */
    export function get_timestamp(): i32 {
      return kx__get_timestamp();
    }

    /** The Call-ID. */
    export function get_callid(): string {
      kx__get_callid(RET_AREA);
      return liftStringResult(RET_AREA);
    }

    /** The whole message as received (changes the route made are not in it). */
    export function get_msgbuf(): string {
      kx__get_msgbuf(RET_AREA);
      return liftStringResult(RET_AREA);
    }

    /** The length of the message as received. */
    export function get_msglen(): i32 {
      return kx__get_msglen();
    }

    /** 1 for a request, 2 for a reply. */
    export function get_msgtype(): i32 {
      return kx__get_msgtype();
    }

    /** The value of define `name`, or none. */
    export function get_def(name: string): string | null {
      const name_utf8 = String.UTF8.encode(name);
      kx__get_def(changetype<usize>(name_utf8), <usize>name_utf8.byteLength, RET_AREA);
      return liftOptionStringResult(RET_AREA);
    }

    /** The value of define `name` as an integer; 0 if absent or not an integer. */
    export function get_defn(name: string): i32 {
      const name_utf8 = String.UTF8.encode(name);
      return kx__get_defn(changetype<usize>(name_utf8), <usize>name_utf8.byteLength);
    }

    /** True if define `name` exists. */
    export function ifdef(name: string): bool {
      const name_utf8 = String.UTF8.encode(name);
      return kx__ifdef(changetype<usize>(name_utf8), <usize>name_utf8.byteLength) != 0;
    }

    /** True if define `name` does not exist. */
    export function ifndef(name: string): bool {
      const name_utf8 = String.UTF8.encode(name);
      return kx__ifndef(changetype<usize>(name_utf8), <usize>name_utf8.byteLength) != 0;
    }
  }

  /**
   * Hash tables (Kamailio's `htable` module, `KSR.htable`): named tables of string or integer items that
   * outlive a message and a module version. Tables are declared per tenant in the configuration (`htables`);
   * a script reaches only its own tenant's tables, and naming an undeclared one is an error (logged)
   * answering -1. Each table has caps on items, key and value bytes, and may expire items `autoexpire`
   * seconds after their last write. The items are also `$sht(table=>key)` through `pv`.
   */
  export namespace htable {
    /** The value of the item, or none when it is absent. Integer items are given in decimal. */
    export function sht_get(table: string, key: string): string | null {
      const table_utf8 = String.UTF8.encode(table);
      const key_utf8 = String.UTF8.encode(key);
      htable__sht_get(changetype<usize>(table_utf8), <usize>table_utf8.byteLength, changetype<usize>(key_utf8), <usize>key_utf8.byteLength, RET_AREA);
      return liftOptionStringResult(RET_AREA);
    }

    /** The value of the item, or "" when it is absent. */
    export function sht_gete(table: string, key: string): string {
      const table_utf8 = String.UTF8.encode(table);
      const key_utf8 = String.UTF8.encode(key);
      htable__sht_gete(changetype<usize>(table_utf8), <usize>table_utf8.byteLength, changetype<usize>(key_utf8), <usize>key_utf8.byteLength, RET_AREA);
      return liftStringResult(RET_AREA);
    }

    /** Set the item to a string. 1, or -1 (undeclared table, key or value over its cap, table full). */
    export function sht_sets(table: string, key: string, value: string): i32 {
      const table_utf8 = String.UTF8.encode(table);
      const key_utf8 = String.UTF8.encode(key);
      const value_utf8 = String.UTF8.encode(value);
      return htable__sht_sets(changetype<usize>(table_utf8), <usize>table_utf8.byteLength, changetype<usize>(key_utf8), <usize>key_utf8.byteLength, changetype<usize>(value_utf8), <usize>value_utf8.byteLength);
    }

    /** Set the item to an integer. 1, or -1. */
    export function sht_seti(table: string, key: string, value: i32): i32 {
      const table_utf8 = String.UTF8.encode(table);
      const key_utf8 = String.UTF8.encode(key);
      return htable__sht_seti(changetype<usize>(table_utf8), <usize>table_utf8.byteLength, changetype<usize>(key_utf8), <usize>key_utf8.byteLength, value);
    }

    /**
     * Add 1 to an integer item (a missing item starts at the table's `initval`, 0 by default); the new value,
     * or -255 when the table is undeclared, the item holds a string or the table is full.
     */
    export function sht_inc(table: string, key: string): i32 {
      const table_utf8 = String.UTF8.encode(table);
      const key_utf8 = String.UTF8.encode(key);
      return htable__sht_inc(changetype<usize>(table_utf8), <usize>table_utf8.byteLength, changetype<usize>(key_utf8), <usize>key_utf8.byteLength);
    }

    /** Subtract 1 from an integer item, as `sht-inc`. */
    export function sht_dec(table: string, key: string): i32 {
      const table_utf8 = String.UTF8.encode(table);
      const key_utf8 = String.UTF8.encode(key);
      return htable__sht_dec(changetype<usize>(table_utf8), <usize>table_utf8.byteLength, changetype<usize>(key_utf8), <usize>key_utf8.byteLength);
    }

    /** Remove the item. 1 (also when it was absent), or -1 for an undeclared table. */
    export function sht_rm(table: string, key: string): i32 {
      const table_utf8 = String.UTF8.encode(table);
      const key_utf8 = String.UTF8.encode(key);
      return htable__sht_rm(changetype<usize>(table_utf8), <usize>table_utf8.byteLength, changetype<usize>(key_utf8), <usize>key_utf8.byteLength);
    }

    /** 1 if the item is absent, -1 if it is present (or the table undeclared). */
    export function sht_is_null(table: string, key: string): i32 {
      const table_utf8 = String.UTF8.encode(table);
      const key_utf8 = String.UTF8.encode(key);
      return htable__sht_is_null(changetype<usize>(table_utf8), <usize>table_utf8.byteLength, changetype<usize>(key_utf8), <usize>key_utf8.byteLength);
    }

    /** Remove every item of the table. 1, or -1. */
    export function sht_reset(table: string): i32 {
      const table_utf8 = String.UTF8.encode(table);
      return htable__sht_reset(changetype<usize>(table_utf8), <usize>table_utf8.byteLength);
    }

    /**
     * Remove the items whose key matches the regular expression `re` (linear-time engine, no backreferences
     * or lookaround, 256 bytes at most). 1, or -1.
     */
    export function sht_rm_name_re(table: string, re: string): i32 {
      const table_utf8 = String.UTF8.encode(table);
      const re_utf8 = String.UTF8.encode(re);
      return htable__sht_rm_name_re(changetype<usize>(table_utf8), <usize>table_utf8.byteLength, changetype<usize>(re_utf8), <usize>re_utf8.byteLength);
    }

    /** Remove the string items whose value matches `re`. 1, or -1. */
    export function sht_rm_value_re(table: string, re: string): i32 {
      const table_utf8 = String.UTF8.encode(table);
      const re_utf8 = String.UTF8.encode(re);
      return htable__sht_rm_value_re(changetype<usize>(table_utf8), <usize>table_utf8.byteLength, changetype<usize>(re_utf8), <usize>re_utf8.byteLength);
    }

    /**
     * 1 if a key of the table matches `value` by `op`: "eq" equal, "sw" starts with, "re" regular expression;
     * else -1.
     */
    export function sht_match_name(table: string, op: string, value: string): i32 {
      const table_utf8 = String.UTF8.encode(table);
      const op_utf8 = String.UTF8.encode(op);
      const value_utf8 = String.UTF8.encode(value);
      return htable__sht_match_name(changetype<usize>(table_utf8), <usize>table_utf8.byteLength, changetype<usize>(op_utf8), <usize>op_utf8.byteLength, changetype<usize>(value_utf8), <usize>value_utf8.byteLength);
    }
  }

  /**
   * REGISTER processing and the location service (Kamailio's `registrar` and `usrloc` modules, RFC 3261
   * 10.3). Bindings live in the server's location store under the script's tenant: `table` ("location") names
   * a set of bindings within the tenant, never another tenant's. An AoR is "user@host" of a sip: or sips: URI
   * (host in lower case; scheme, port and parameters do not count).
   */
  export namespace registrar {
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
    export function save(table: string, mode: i32): i32 {
      const table_utf8 = String.UTF8.encode(table);
      return registrar__save(changetype<usize>(table_utf8), <usize>table_utf8.byteLength, mode);
    }

    /**
     * The R-URI's AoR: the best binding (highest q, then newest) becomes the R-URI, the others are appended
     * as branches for `tm.t-relay` (parallel) or `tm.t-load-contacts` (serial). Each goes to its Path (as
     * Route set, `$du` its first hop), else its received address (`$du`); `$du` is reset otherwise. With
     * `method_filtering` 1 bindings whose UA does not allow the method are skipped. 1 found, -1 none, -2 only
     * bindings that do not allow the method (Kamailio's scripts reply 405), -3 error.
     */
    export function lookup(table: string): i32 {
      const table_utf8 = String.UTF8.encode(table);
      return registrar__lookup(changetype<usize>(table_utf8), <usize>table_utf8.byteLength);
    }

    /** `lookup` for the AoR of `uri`; the R-URI is set as for `lookup`. */
    export function lookup_uri(table: string, uri: string): i32 {
      const table_utf8 = String.UTF8.encode(table);
      const uri_utf8 = String.UTF8.encode(uri);
      return registrar__lookup_uri(changetype<usize>(table_utf8), <usize>table_utf8.byteLength, changetype<usize>(uri_utf8), <usize>uri_utf8.byteLength);
    }

    /** 1 if the R-URI's AoR has bindings, else -1. */
    export function registered(table: string): i32 {
      const table_utf8 = String.UTF8.encode(table);
      return registrar__registered(changetype<usize>(table_utf8), <usize>table_utf8.byteLength);
    }

    /** 1 if the AoR of `uri` has bindings, else -1. */
    export function registered_uri(table: string, uri: string): i32 {
      const table_utf8 = String.UTF8.encode(table);
      const uri_utf8 = String.UTF8.encode(uri);
      return registrar__registered_uri(changetype<usize>(table_utf8), <usize>table_utf8.byteLength, changetype<usize>(uri_utf8), <usize>uri_utf8.byteLength);
    }

    /** Remove every binding of `aor` (a URI, or "user@host"). 1, or -1. */
    export function unregister(table: string, aor: string): i32 {
      const table_utf8 = String.UTF8.encode(table);
      const aor_utf8 = String.UTF8.encode(aor);
      return registrar__unregister(changetype<usize>(table_utf8), <usize>table_utf8.byteLength, changetype<usize>(aor_utf8), <usize>aor_utf8.byteLength);
    }
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
  export namespace permissions {
    /** 1 if the request's source address and port ($si, $sp) match a row of `group`, else -1. */
    export function allow_source_address(group: i32): i32 {
      return permissions__allow_source_address(group);
    }

    /**
     * 1 if `addr` (an IP address, or a host name compared as written) and `port` match a row of `group`, else
     * -1.
     */
    export function allow_address(group: i32, addr: string, port: i32): i32 {
      const addr_utf8 = String.UTF8.encode(addr);
      return permissions__allow_address(group, changetype<usize>(addr_utf8), <usize>addr_utf8.byteLength, port);
    }

    /**
     * The group of a row matching the source address and port (a single-address row before a range; the
     * lowest group among several), or -1.
     */
    export function allow_source_address_group(): i32 {
      return permissions__allow_source_address_group();
    }

    /** The group of a row matching `addr` and `port`, as `allow-source-address-group`, or -1. */
    export function allow_address_group(addr: string, port: i32): i32 {
      const addr_utf8 = String.UTF8.encode(addr);
      return permissions__allow_address_group(changetype<usize>(addr_utf8), <usize>addr_utf8.byteLength, port);
    }
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
  export namespace pike {
    /** Count the request's source address ($si) and answer as above. */
    export function pike_check_req(): i32 {
      return pike__pike_check_req();
    }

    /** Count `ip` (IPv4 or IPv6) and answer as above; -1 for a string that is no IP address. */
    export function pike_check_ip(ip: string): i32 {
      const ip_utf8 = String.UTF8.encode(ip);
      return pike__pike_check_ip(changetype<usize>(ip_utf8), <usize>ip_utf8.byteLength);
    }
  }

  /**
   * Digest authentication (Kamailio's `auth` module; RFC 2617, RFC 7616): challenges, credential checks
   * against a password the script gives, and the credentials' removal. Nonces seal their expiry with the
   * server's secret; with nonce-count (or one-time nonces) a replayed response is refused (-6). `flag-bits`
   * of the challenges: 1 qop=auth, 2 qop=auth-int, 4 no 500 reply on an internal error, 16 stale=true. The
   * challenge offers one header per algorithm of the configuration (`auth.algorithms`), in its order.
   */
  export namespace auth {
    /**
     * Remove the credentials a successful check used from the request (they are not forwarded). 1, or -1 when
     * no check succeeded (ACK, CANCEL, PRACK: -1).
     */
    export function consume_credentials(): i32 {
      return auth__consume_credentials();
    }

    /** 1 if the request has Authorization or Proxy-Authorization Digest credentials for `realm`, else -1. */
    export function has_credentials(realm: string): i32 {
      const realm_utf8 = String.UTF8.encode(realm);
      return auth__has_credentials(changetype<usize>(realm_utf8), <usize>realm_utf8.byteLength);
    }

    /**
     * Reply 401 with a WWW-Authenticate challenge for `realm`. 1 sent; -2 the challenge could not be made
     * (500 sent unless flag 4); -3 the reply could not be sent.
     */
    export function www_challenge(realm: string, flag_bits: i32): i32 {
      const realm_utf8 = String.UTF8.encode(realm);
      return auth__www_challenge(changetype<usize>(realm_utf8), <usize>realm_utf8.byteLength, flag_bits);
    }

    /** Reply 407 with a Proxy-Authenticate challenge; codes as `www-challenge`. */
    export function proxy_challenge(realm: string, flag_bits: i32): i32 {
      const realm_utf8 = String.UTF8.encode(realm);
      return auth__proxy_challenge(changetype<usize>(realm_utf8), <usize>realm_utf8.byteLength, flag_bits);
    }

    /** `www-challenge` for a REGISTER, `proxy-challenge` for every other request. */
    export function auth_challenge(realm: string, flag_bits: i32): i32 {
      const realm_utf8 = String.UTF8.encode(realm);
      return auth__auth_challenge(changetype<usize>(realm_utf8), <usize>realm_utf8.byteLength, flag_bits);
    }

    /**
     * Check the Authorization credentials for `realm` against `passwd` (flag 1: `passwd` is HA1; flag 32: a
     * failure does not spend the nonce-count). 1 ok; -1 error (also a nonce not ours); -2 wrong password; -4
     * stale nonce; -5 no credentials for the realm; -6 nonce reused.
     */
    export function pv_www_authenticate(realm: string, passwd: string, flag_bits: i32): i32 {
      const realm_utf8 = String.UTF8.encode(realm);
      const passwd_utf8 = String.UTF8.encode(passwd);
      return auth__pv_www_authenticate(changetype<usize>(realm_utf8), <usize>realm_utf8.byteLength, changetype<usize>(passwd_utf8), <usize>passwd_utf8.byteLength, flag_bits);
    }

    /** `pv-www-authenticate` on the Proxy-Authorization credentials. */
    export function pv_proxy_authenticate(realm: string, passwd: string, flag_bits: i32): i32 {
      const realm_utf8 = String.UTF8.encode(realm);
      const passwd_utf8 = String.UTF8.encode(passwd);
      return auth__pv_proxy_authenticate(changetype<usize>(realm_utf8), <usize>realm_utf8.byteLength, changetype<usize>(passwd_utf8), <usize>passwd_utf8.byteLength, flag_bits);
    }

    /**
     * `pv-www-authenticate` for a REGISTER, `pv-proxy-authenticate` otherwise; `checks` 1: the auth user must
     * be the To user (REGISTER) or the From user (others), else -8.
     */
    export function pv_auth_check(realm: string, passwd: string, flag_bits: i32, checks: i32): i32 {
      const realm_utf8 = String.UTF8.encode(realm);
      const passwd_utf8 = String.UTF8.encode(passwd);
      return auth__pv_auth_check(changetype<usize>(realm_utf8), <usize>realm_utf8.byteLength, changetype<usize>(passwd_utf8), <usize>passwd_utf8.byteLength, flag_bits, checks);
    }

    /**
     * The algorithm the challenges of this message offer ("MD5" or "SHA-256"), over the configuration
     * (Kamailio's sets it for the process). 1, or -1 for an algorithm the server does not verify.
     */
    export function auth_algorithm(algorithm: string): i32 {
      const algorithm_utf8 = String.UTF8.encode(algorithm);
      return auth__auth_algorithm(changetype<usize>(algorithm_utf8), <usize>algorithm_utf8.byteLength);
    }
  }

  /**
   * Subscribers and their passwords (Kamailio's `auth_db` module): the checks of `auth` against the tenant's
   * subscriber table, provisioned with `kemi-wasm subscriber` or the admin API. `table` ("subscriber") names
   * a table within the script's tenant, never another tenant's.
   */
  export namespace auth_db {
    /**
     * Check the credentials of the request (Authorization for REGISTER, else Proxy-Authorization) for `realm`
     * against `table`. `flag-bits` 1: the auth user must be the From user (REGISTER and PUBLISH: From and To;
     * PUBLISH also the R-URI), 2 with 1: INVITE, BYE, PRACK, UPDATE and MESSAGE are not checked. 1 ok; -1
     * error; -2 wrong password; -3 unknown user; -4 stale nonce; -5 no credentials; -6 nonce reused; -8 auth
     * user differs from From/To. ACK and CANCEL: 1. Sets $au and $ar.
     */
    export function auth_check(realm: string, table: string, flag_bits: i32): i32 {
      const realm_utf8 = String.UTF8.encode(realm);
      const table_utf8 = String.UTF8.encode(table);
      return auth_db__auth_check(changetype<usize>(realm_utf8), <usize>realm_utf8.byteLength, changetype<usize>(table_utf8), <usize>table_utf8.byteLength, flag_bits);
    }

    /** 1 if the user (and with flag 1 the domain) of `uri` is a subscriber of `table`, else -1. */
    export function is_subscriber(uri: string, table: string, flag_bits: i32): i32 {
      const uri_utf8 = String.UTF8.encode(uri);
      const table_utf8 = String.UTF8.encode(table);
      return auth_db__is_subscriber(changetype<usize>(uri_utf8), <usize>uri_utf8.byteLength, changetype<usize>(table_utf8), <usize>table_utf8.byteLength, flag_bits);
    }

    /** Check the Authorization credentials; codes as `auth-check`. */
    export function www_authenticate(realm: string, table: string): i32 {
      const realm_utf8 = String.UTF8.encode(realm);
      const table_utf8 = String.UTF8.encode(table);
      return auth_db__www_authenticate(changetype<usize>(realm_utf8), <usize>realm_utf8.byteLength, changetype<usize>(table_utf8), <usize>table_utf8.byteLength);
    }

    /** Check the Proxy-Authorization credentials; codes as `auth-check`. */
    export function proxy_authenticate(realm: string, table: string): i32 {
      const realm_utf8 = String.UTF8.encode(realm);
      const table_utf8 = String.UTF8.encode(table);
      return auth_db__proxy_authenticate(changetype<usize>(realm_utf8), <usize>realm_utf8.byteLength, changetype<usize>(table_utf8), <usize>table_utf8.byteLength);
    }
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
  export namespace nathelper {
    /**
     * 1 if one of the tests in `flag-bits` holds, else -1. Bits: 1 the Contact's host is a private address, 2
     * the source address differs from the top Via's host, 4 the top Via's host is private, 8 the SDP's c=
     * address is private, 16 the source port differs from the top Via's port (5060 when absent), 32 the
     * source address is private, 64 the request came over WebSocket.
     */
    export function nat_uac_test(flag_bits: i32): i32 {
      return nathelper__nat_uac_test(flag_bits);
    }

    /**
     * Replace host and port of the first Contact's URI with the source address and port (a maddr parameter is
     * removed). 1, or -1 (no Contact, or the Contact was changed before).
     */
    export function fix_nated_contact(): i32 {
      return nathelper__fix_nated_contact();
    }

    /**
     * Keep the source address as `$avp(RECEIVED)` (Kamailio's `received_avp` of its basic cfg): `save` stores
     * it as the binding's received address, where `lookup` then sends. 1, or -1.
     */
    export function fix_nated_register(): i32 {
      return nathelper__fix_nated_register();
    }

    /**
     * Add `;alias=ip~port~proto` (the source; proto 1 UDP, 2 TCP, 3 TLS, 5 WS, 6 WSS) to the first Contact's
     * URI. 1, or -1.
     */
    export function set_contact_alias(): i32 {
      return nathelper__set_contact_alias();
    }

    /**
     * `set-contact-alias` unless the Contact's host and port are the source already (2); the Contact is put
     * in angle brackets when it has none. 1 added, 2 not needed (or no Contact), -1 error.
     */
    export function add_contact_alias(): i32 {
      return nathelper__add_contact_alias();
    }

    /**
     * `add-contact-alias` with the address given: `ip`, `port` (1..65535) and `proto` ("udp", "tcp", "tls",
     * "sctp", "ws", "wss"). 1, or -1 for a value that is not one of these.
     */
    export function add_contact_alias_addr(ip: string, port: string, proto: string): i32 {
      const ip_utf8 = String.UTF8.encode(ip);
      const port_utf8 = String.UTF8.encode(port);
      const proto_utf8 = String.UTF8.encode(proto);
      return nathelper__add_contact_alias_addr(changetype<usize>(ip_utf8), <usize>ip_utf8.byteLength, changetype<usize>(port_utf8), <usize>port_utf8.byteLength, changetype<usize>(proto_utf8), <usize>proto_utf8.byteLength);
    }

    /**
     * If the R-URI has an alias parameter: set `$du` to its address and remove it from the R-URI. 1 done, 2
     * no alias parameter, -1 a malformed one.
     */
    export function handle_ruri_alias(): i32 {
      return nathelper__handle_ruri_alias();
    }

    /**
     * Add the source address as `received` to every Contact: `flag-bits` 0 as a header parameter in quotes
     * (`;received="sip:ip:port"`), 1 as a URI parameter (UDP only, else -1). 1, or -1.
     */
    export function add_rcv_param(flag_bits: i32): i32 {
      return nathelper__add_rcv_param(flag_bits);
    }

    /** 1 if `ip` is a private IPv4 address, else -1. */
    export function is_rfc1918(ip: string): i32 {
      const ip_utf8 = String.UTF8.encode(ip);
      return nathelper__is_rfc1918(changetype<usize>(ip_utf8), <usize>ip_utf8.byteLength);
    }

    /**
     * Rewrite the SDP for a NATed UA, `mode` bits: 1 add `a=direction:active` to each media, 2 the c=
     * addresses (and a=rtcp), 4 add `a=nortpproxy:yes`, 8 the o= address (and a=rtcp). The new address is the
     * source address; each one replaced is kept as `a=oldmediaip:`. 1 changed, 2 nothing to change, -1 no
     * body or a malformed line.
     */
    export function fix_nated_sdp(mode: i32): i32 {
      return nathelper__fix_nated_sdp(mode);
    }

    /** `fix-nated-sdp` with the new address `ip` (the source address when empty). */
    export function fix_nated_sdp_ip(mode: i32, ip: string): i32 {
      const ip_utf8 = String.UTF8.encode(ip);
      return nathelper__fix_nated_sdp_ip(mode, changetype<usize>(ip_utf8), <usize>ip_utf8.byteLength);
    }
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
  export namespace rtpengine {
    /**
     * Offer for an INVITE/UPDATE with SDP, answer for an ACK with SDP and for a 1xx/2xx with SDP (an offer
     * when the INVITE had none), delete for CANCEL, BYE and a reply >= 300 to an INVITE. 1, or -1.
     */
    export function rtpengine_manage(options: string): i32 {
      const options_utf8 = String.UTF8.encode(options);
      return rtpengine__rtpengine_manage(changetype<usize>(options_utf8), <usize>options_utf8.byteLength);
    }

    /** The offer of the message's SDP. 1, or -1. */
    export function rtpengine_offer(options: string): i32 {
      const options_utf8 = String.UTF8.encode(options);
      return rtpengine__rtpengine_offer(changetype<usize>(options_utf8), <usize>options_utf8.byteLength);
    }

    /** The answer of the message's SDP. 1, or -1. */
    export function rtpengine_answer(options: string): i32 {
      const options_utf8 = String.UTF8.encode(options);
      return rtpengine__rtpengine_answer(changetype<usize>(options_utf8), <usize>options_utf8.byteLength);
    }

    /** Ends the call (or the from-tag's/to-tag's branch of it) on the relay. 1, or -1. */
    export function rtpengine_delete(options: string): i32 {
      const options_utf8 = String.UTF8.encode(options);
      return rtpengine__rtpengine_delete(changetype<usize>(options_utf8), <usize>options_utf8.byteLength);
    }

    /** Asks the relay about the call (its statistics are logged at debug level). 1, or -1. */
    export function rtpengine_query(options: string): i32 {
      const options_utf8 = String.UTF8.encode(options);
      return rtpengine__rtpengine_query(changetype<usize>(options_utf8), <usize>options_utf8.byteLength);
    }
  }

  /**
   * Text operations on the message (Kamailio's `textops` module). Patterns are POSIX extended expressions as
   * Kamailio compiles them (case-insensitive, `.` and `^`/`$` within a line; `subst` takes its own flags),
   * run in linear time: backreferences and lookaround are refused (-1), as are patterns over 256 bytes. Edits
   * apply at once (Kamailio's apply when the message is sent: see `textopsx.msg-apply-changes`) and are
   * bounded as `hdr`'s: Via and Content-Length belong to the server, Max-Forwards may only go down, and an
   * edit that would take the message past `max_header_fields` or `max_message_bytes` is refused whole.
   */
  export namespace textops {
    /** 1 if a header named `hname` exists (any case, compact form too), -1 if not. */
    export function is_present_hf(hname: string): i32 {
      const hname_utf8 = String.UTF8.encode(hname);
      return textops__is_present_hf(changetype<usize>(hname_utf8), <usize>hname_utf8.byteLength);
    }

    /** 1 if a header name matches the pattern `ematch`, -1 if not. */
    export function is_present_hf_re(ematch: string): i32 {
      const ematch_utf8 = String.UTF8.encode(ematch);
      return textops__is_present_hf_re(changetype<usize>(ematch_utf8), <usize>ematch_utf8.byteLength);
    }

    /** 1 if the pattern matches the message (start line, headers and body), -1 if not. */
    export function search(sre: string): i32 {
      const sre_utf8 = String.UTF8.encode(sre);
      return textops__search(changetype<usize>(sre_utf8), <usize>sre_utf8.byteLength);
    }

    /** 1 if the pattern matches the body, -1 if not or there is no body. */
    export function search_body(sre: string): i32 {
      const sre_utf8 = String.UTF8.encode(sre);
      return textops__search_body(changetype<usize>(sre_utf8), <usize>sre_utf8.byteLength);
    }

    /**
     * Apply "/regex/replacement/flags" (flags i, s, g; \0-\9, \u and $pv in the replacement) to the header
     * lines and the body, not the start line; 1 if something was replaced, -1 if nothing matched or refused.
     */
    export function subst(subst: string): i32 {
      const subst_utf8 = String.UTF8.encode(subst);
      return textops__subst(changetype<usize>(subst_utf8), <usize>subst_utf8.byteLength);
    }

    /** `subst` on the Request-URI, which it sets; 1 if replaced, -1 if not. */
    export function subst_uri(subst: string): i32 {
      const subst_utf8 = String.UTF8.encode(subst);
      return textops__subst_uri(changetype<usize>(subst_utf8), <usize>subst_utf8.byteLength);
    }

    /** `subst` on the body only (Content-Length follows); 1 if replaced, -1 if not. */
    export function subst_body(subst: string): i32 {
      const subst_utf8 = String.UTF8.encode(subst);
      return textops__subst_body(changetype<usize>(subst_utf8), <usize>subst_utf8.byteLength);
    }

    /** Remove every header whose name matches the pattern; 1 if one was removed, -1 if none. */
    export function remove_hf_re(ematch: string): i32 {
      const ematch_utf8 = String.UTF8.encode(ematch);
      return textops__remove_hf_re(changetype<usize>(ematch_utf8), <usize>ematch_utf8.byteLength);
    }

    /** 1 if the message has a body (Content-Length above 0), -1 if not. */
    export function has_body(): i32 {
      return textops__has_body();
    }

    /** `has-body`, and its Content-Type (application/sdp when absent) is `ctype` ("type/subtype"). */
    export function has_body_type(ctype: string): i32 {
      const ctype_utf8 = String.UTF8.encode(ctype);
      return textops__has_body_type(changetype<usize>(ctype_utf8), <usize>ctype_utf8.byteLength);
    }

    /**
     * Replace the body with `nb` and Content-Type with `nc`; -1 when either is empty or the message would
     * exceed its limits.
     */
    export function set_body(nb: string, nc: string): i32 {
      const nb_utf8 = String.UTF8.encode(nb);
      const nc_utf8 = String.UTF8.encode(nc);
      return textops__set_body(changetype<usize>(nb_utf8), <usize>nb_utf8.byteLength, changetype<usize>(nc_utf8), <usize>nc_utf8.byteLength);
    }

    /** The body (and its Content-Type) of the reply the server generates for this request, sl or tm. */
    export function set_reply_body(nb: string, nc: string): i32 {
      const nb_utf8 = String.UTF8.encode(nb);
      const nc_utf8 = String.UTF8.encode(nc);
      return textops__set_reply_body(changetype<usize>(nb_utf8), <usize>nb_utf8.byteLength, changetype<usize>(nc_utf8), <usize>nc_utf8.byteLength);
    }
  }

  /** More text operations (Kamailio's `textopsx` module). */
  export namespace textopsx {
    /**
     * Kamailio applies the pending edits to the message buffer here. Edits apply at once in kemi-wasm, so
     * this only answers as Kamailio: 1 in a request route or for a reply, -1 in another route.
     */
    export function msg_apply_changes(): i32 {
      return textopsx__msg_apply_changes();
    }

    /** Remove the body (Content-Length 0, Content-Type dropped); 1. */
    export function remove_body(): i32 {
      return textopsx__remove_body();
    }
  }

  /**
   * Accounting (Kamailio's `acc` module). Transactions whose request carries the tenant's accounting flags
   * (its `[acc]` settings: db_flag, db_missed_flag, failed_transaction_flag ...) are recorded when they send
   * their reply, into the tenant's `acc` and `missed_calls` tables (`kemi-wasm acc`, the admin API), with the
   * `db_extra` columns evaluated on the request then. A tenant keeps `acc.max_rows_per_tenant` records at
   * most; more are refused and counted. Difference from Kamailio 5.6: a missed call is recorded once, with
   * the final reply (Kamailio: at the first failed branch, before the failure route runs).
   */
  export namespace acc {
    /**
     * Record the current request in `table` (and log it): code and reason from `comment` ("200 OK"; without
     * three leading digits the whole comment is the reason). 1; -1 for an empty comment or table, a comment
     * holding a pseudo-variable (as Kamailio's KEMI), a table name that is not 1-64 letters, digits or _, or
     * a record refused by the cap.
     */
    export function acc_request(comment: string, table: string): i32 {
      const comment_utf8 = String.UTF8.encode(comment);
      const table_utf8 = String.UTF8.encode(table);
      return acc__acc_request(changetype<usize>(comment_utf8), <usize>comment_utf8.byteLength, changetype<usize>(table_utf8), <usize>table_utf8.byteLength);
    }
  }

  /**
   * Dialog tracking (Kamailio's `dialog` module): calls the script asked to follow with `dlg-manage`, their
   * state (unconfirmed, early, confirmed, deleted), variables, flags and profiles. A dialog belongs to the
   * tenant and finishes on the module version that created it; a tenant holds `dialog.max_dialogs` at most.
   * Profiles must be declared in the config (`dialog.profiles_with_value`, `dialog.profiles_no_value`). "The
   * dialog" of a function is the message's: made by `dlg-manage` in this route, matched for an in-dialog
   * request, or chosen by `dlg-get`.
   */
  export namespace dialog {
    /**
     * Track the call: an initial INVITE gets a new dialog, an in-dialog request updates its dialog. 1, or -1
     * (not a request route, not an INVITE, the tenant holds its maximum of dialogs).
     */
    export function dlg_manage(): i32 {
      return dialog__dlg_manage();
    }

    /** 1 if the message belongs to a tracked dialog, else -1. */
    export function is_known_dlg(): i32 {
      return dialog__is_known_dlg();
    }

    /**
     * Set the dialog's lifetime in seconds (restarts the timer of a confirmed dialog). 1, or -1 (no dialog).
     */
    export function dlg_set_timeout(timeout: i32): i32 {
      return dialog__dlg_set_timeout(timeout);
    }

    /**
     * Send BYE to "caller", "callee" or (any other value) both sides of the dialog, from this server with
     * CSeq + 1 over the route set; the dialog then ends. 1, or -1.
     */
    export function dlg_bye(side: string): i32 {
      const side_utf8 = String.UTF8.encode(side);
      return dialog__dlg_bye(changetype<usize>(side_utf8), <usize>side_utf8.byteLength);
    }

    /** Make the dialog of Call-ID and tags the one later functions act on. 1, or -1 (none such). */
    export function dlg_get(callid: string, ftag: string, ttag: string): i32 {
      const callid_utf8 = String.UTF8.encode(callid);
      const ftag_utf8 = String.UTF8.encode(ftag);
      const ttag_utf8 = String.UTF8.encode(ttag);
      return dialog__dlg_get(changetype<usize>(callid_utf8), <usize>callid_utf8.byteLength, changetype<usize>(ftag_utf8), <usize>ftag_utf8.byteLength, changetype<usize>(ttag_utf8), <usize>ttag_utf8.byteLength);
    }

    /** Set a variable of the dialog of Call-ID and tags. 1, or -1. */
    export function dlg_set_var(callid: string, ftag: string, ttag: string, key: string, value: string): i32 {
      const callid_utf8 = String.UTF8.encode(callid);
      const ftag_utf8 = String.UTF8.encode(ftag);
      const ttag_utf8 = String.UTF8.encode(ttag);
      const key_utf8 = String.UTF8.encode(key);
      const value_utf8 = String.UTF8.encode(value);
      return dialog__dlg_set_var(changetype<usize>(callid_utf8), <usize>callid_utf8.byteLength, changetype<usize>(ftag_utf8), <usize>ftag_utf8.byteLength, changetype<usize>(ttag_utf8), <usize>ttag_utf8.byteLength, changetype<usize>(key_utf8), <usize>key_utf8.byteLength, changetype<usize>(value_utf8), <usize>value_utf8.byteLength);
    }

    /** A variable of the dialog of Call-ID and tags, or none. */
    export function dlg_get_var(callid: string, ftag: string, ttag: string, key: string): string | null {
      const callid_utf8 = String.UTF8.encode(callid);
      const ftag_utf8 = String.UTF8.encode(ftag);
      const ttag_utf8 = String.UTF8.encode(ttag);
      const key_utf8 = String.UTF8.encode(key);
      dialog__dlg_get_var(changetype<usize>(callid_utf8), <usize>callid_utf8.byteLength, changetype<usize>(ftag_utf8), <usize>ftag_utf8.byteLength, changetype<usize>(ttag_utf8), <usize>ttag_utf8.byteLength, changetype<usize>(key_utf8), <usize>key_utf8.byteLength, RET_AREA);
      return liftOptionStringResult(RET_AREA);
    }

    /** Set a variable of the dialog (`$dlg_var(name)`). 1, or -1 (no dialog). */
    export function var_sets(name: string, value: string): i32 {
      const name_utf8 = String.UTF8.encode(name);
      const value_utf8 = String.UTF8.encode(value);
      return dialog__var_sets(changetype<usize>(name_utf8), <usize>name_utf8.byteLength, changetype<usize>(value_utf8), <usize>value_utf8.byteLength);
    }

    /** A variable of the dialog, or none. */
    export function var_get(name: string): string | null {
      const name_utf8 = String.UTF8.encode(name);
      dialog__var_get(changetype<usize>(name_utf8), <usize>name_utf8.byteLength, RET_AREA);
      return liftOptionStringResult(RET_AREA);
    }

    /** A variable of the dialog, or "". */
    export function var_gete(name: string): string {
      const name_utf8 = String.UTF8.encode(name);
      dialog__var_gete(changetype<usize>(name_utf8), <usize>name_utf8.byteLength, RET_AREA);
      return liftStringResult(RET_AREA);
    }

    /** Remove a variable of the dialog. 1, or -1 (no dialog). */
    export function var_rm(name: string): i32 {
      const name_utf8 = String.UTF8.encode(name);
      return dialog__var_rm(changetype<usize>(name_utf8), <usize>name_utf8.byteLength);
    }

    /** 1 if the variable is absent (or there is no dialog), -1 if it is set. */
    export function var_is_null(name: string): i32 {
      const name_utf8 = String.UTF8.encode(name);
      return dialog__var_is_null(changetype<usize>(name_utf8), <usize>name_utf8.byteLength);
    }

    /** Set dialog flag 0..31 (kept for the dialog dlg-manage makes later in the route). 1, or -1. */
    export function dlg_setflag(flag: i32): i32 {
      return dialog__dlg_setflag(flag);
    }

    /** Reset dialog flag 0..31. 1, or -1. */
    export function dlg_resetflag(flag: i32): i32 {
      return dialog__dlg_resetflag(flag);
    }

    /** 1 if dialog flag 0..31 is set, else -1. */
    export function dlg_isflagset(flag: i32): i32 {
      return dialog__dlg_isflagset(flag);
    }

    /**
     * Add the dialog to a profile with a value (before dlg-manage in a request route: once it is made). 1, or
     * -1 (undeclared profile, empty value for a profile with values, no dialog).
     */
    export function set_dlg_profile(profile: string, value: string): i32 {
      const profile_utf8 = String.UTF8.encode(profile);
      const value_utf8 = String.UTF8.encode(value);
      return dialog__set_dlg_profile(changetype<usize>(profile_utf8), <usize>profile_utf8.byteLength, changetype<usize>(value_utf8), <usize>value_utf8.byteLength);
    }

    /** Add the dialog to a profile without value. 1, or -1. */
    export function set_dlg_profile_static(profile: string): i32 {
      const profile_utf8 = String.UTF8.encode(profile);
      return dialog__set_dlg_profile_static(changetype<usize>(profile_utf8), <usize>profile_utf8.byteLength);
    }

    /** Remove the dialog from a profile with that value. 1, or -1 (not in it, no dialog). */
    export function unset_dlg_profile(profile: string, value: string): i32 {
      const profile_utf8 = String.UTF8.encode(profile);
      const value_utf8 = String.UTF8.encode(value);
      return dialog__unset_dlg_profile(changetype<usize>(profile_utf8), <usize>profile_utf8.byteLength, changetype<usize>(value_utf8), <usize>value_utf8.byteLength);
    }

    /** Remove the dialog from a profile without value. 1, or -1. */
    export function unset_dlg_profile_static(profile: string): i32 {
      const profile_utf8 = String.UTF8.encode(profile);
      return dialog__unset_dlg_profile_static(changetype<usize>(profile_utf8), <usize>profile_utf8.byteLength);
    }

    /** 1 if the dialog is in the profile with that value, else -1. */
    export function is_in_profile(profile: string, value: string): i32 {
      const profile_utf8 = String.UTF8.encode(profile);
      const value_utf8 = String.UTF8.encode(value);
      return dialog__is_in_profile(changetype<usize>(profile_utf8), <usize>profile_utf8.byteLength, changetype<usize>(value_utf8), <usize>value_utf8.byteLength);
    }

    /** 1 if the dialog is in the profile (with any value), else -1. */
    export function is_in_profile_static(profile: string): i32 {
      const profile_utf8 = String.UTF8.encode(profile);
      return dialog__is_in_profile_static(changetype<usize>(profile_utf8), <usize>profile_utf8.byteLength);
    }

    /**
     * Store in `pv` (`$var(name)` or `$avp(name)`) the number of the tenant's dialogs in the profile with
     * that value. 1, or -1 (undeclared profile, empty value for a profile with values, bad pv).
     */
    export function get_profile_size(profile: string, value: string, pv: string): i32 {
      const profile_utf8 = String.UTF8.encode(profile);
      const value_utf8 = String.UTF8.encode(value);
      const pv_utf8 = String.UTF8.encode(pv);
      return dialog__get_profile_size(changetype<usize>(profile_utf8), <usize>profile_utf8.byteLength, changetype<usize>(value_utf8), <usize>value_utf8.byteLength, changetype<usize>(pv_utf8), <usize>pv_utf8.byteLength);
    }

    /**
     * Store in `pv` the number of the tenant's dialogs in a profile without value. 1, or -1 (also for a
     * profile with values, as Kamailio).
     */
    export function get_profile_size_static(profile: string, pv: string): i32 {
      const profile_utf8 = String.UTF8.encode(profile);
      const pv_utf8 = String.UTF8.encode(pv);
      return dialog__get_profile_size_static(changetype<usize>(profile_utf8), <usize>profile_utf8.byteLength, changetype<usize>(pv_utf8), <usize>pv_utf8.byteLength);
    }
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
  export namespace dispatcher {
    /**
     * Select a destination of `set` with algorithm `alg` and set it as `$du` (the outbound proxy). 1, or -1
     * (no such set, no active destination, `$du` already set with `force_dst` 0, alg 10 on a full set).
     */
    export function ds_select_dst(set: i32, alg: i32): i32 {
      return dispatcher__ds_select_dst(set, alg);
    }

    /** `ds-select-dst` keeping at most `limit` destinations for failover (0: all). */
    export function ds_select_dst_limit(set: i32, alg: i32, limit: i32): i32 {
      return dispatcher__ds_select_dst_limit(set, alg, limit);
    }

    /** As `ds-select-dst`, writing the destination's host:port into the R-URI (its user kept). 1, or -1. */
    export function ds_select_domain(set: i32, alg: i32): i32 {
      return dispatcher__ds_select_domain(set, alg);
    }

    /** `ds-select-domain` keeping at most `limit` destinations for failover (0: all). */
    export function ds_select_domain_limit(set: i32, alg: i32, limit: i32): i32 {
      return dispatcher__ds_select_domain_limit(set, alg, limit);
    }

    /** As `ds-select-dst` without touching `$du` or the R-URI: only the failover list is filled. 1, or -1. */
    export function ds_select(set: i32, alg: i32): i32 {
      return dispatcher__ds_select(set, alg);
    }

    /** `ds-select` keeping at most `limit` destinations (0: all). */
    export function ds_select_limit(set: i32, alg: i32, limit: i32): i32 {
      return dispatcher__ds_select_limit(set, alg, limit);
    }

    /**
     * Drop the current destination of the failover list and set `$du` to the next one. 1, or -1 (none left,
     * failover off).
     */
    export function ds_next_dst(): i32 {
      return dispatcher__ds_next_dst();
    }

    /** As `ds-next-dst`, writing the R-URI's host:port. 1, or -1. */
    export function ds_next_domain(): i32 {
      return dispatcher__ds_next_domain();
    }

    /** Set `$du` to the current destination of the failover list. 1, or -1. */
    export function ds_set_dst(): i32 {
      return dispatcher__ds_set_dst();
    }

    /** Write the current destination of the failover list into the R-URI's host:port. 1, or -1. */
    export function ds_set_domain(): i32 {
      return dispatcher__ds_set_domain();
    }

    /** Mark the current destination inactive (and probing with `ds_probing_mode` 1). 1, or -1. */
    export function ds_mark_dst(): i32 {
      return dispatcher__ds_mark_dst();
    }

    /**
     * Mark the current destination with `state`: letters a (active), i (inactive), t (trying), d (disabled),
     * p (probing). 1, or -1 (bad letters, failover off, no current destination).
     */
    export function ds_mark_dst_state(state: string): i32 {
      const state_utf8 = String.UTF8.encode(state);
      return dispatcher__ds_mark_dst_state(changetype<usize>(state_utf8), <usize>state_utf8.byteLength);
    }

    /**
     * 1 if the source address and port ($si, $sp) are those of a destination of any set (any transport), else
     * -1.
     */
    export function ds_is_from_lists(): i32 {
      return dispatcher__ds_is_from_lists();
    }

    /** 1 if the source address and port are those of a destination of `set` (-1: any set), else -1. */
    export function ds_is_from_list(set: i32): i32 {
      return dispatcher__ds_is_from_list(set);
    }

    /**
     * As `ds-is-from-list` with Kamailio's match `mode` bits: 1 ignore the port, 2 ignore the transport, 4
     * only active destinations.
     */
    export function ds_is_from_list_mode(set: i32, mode: i32): i32 {
      return dispatcher__ds_is_from_list_mode(set, mode);
    }

    /** As `ds-is-from-list-mode` for the address, port and transport of `uri` instead of the source. */
    export function ds_is_from_list_uri(set: i32, mode: i32, uri: string): i32 {
      const uri_utf8 = String.UTF8.encode(uri);
      return dispatcher__ds_is_from_list_uri(set, mode, changetype<usize>(uri_utf8), <usize>uri_utf8.byteLength);
    }

    /** 1 if the tenant has destination set `set`, else -1. */
    export function ds_list_exists(set: i32): i32 {
      return dispatcher__ds_list_exists(set);
    }

    /** 1 if `set` has an active destination, else -1. */
    export function ds_is_active(set: i32): i32 {
      return dispatcher__ds_is_active(set);
    }

    /** 1 if `uri` is an active destination of `set`, else -1. */
    export function ds_is_active_uri(set: i32, uri: string): i32 {
      const uri_utf8 = String.UTF8.encode(uri);
      return dispatcher__ds_is_active_uri(set, changetype<usize>(uri_utf8), <usize>uri_utf8.byteLength);
    }

    /**
     * Call load (alg 10): a BYE or CANCEL frees the call's slot, a 2xx to its INVITE confirms it. 0, as
     * Kamailio's KEMI export returns.
     */
    export function ds_load_update(): i32 {
      return dispatcher__ds_load_update();
    }

    /**
     * Call load (alg 10), for a failure route: free the slot of the message's call. 0 freed (or an INVITE
     * whose current destination took no slot), -1 the call holds no slot.
     */
    export function ds_load_unset(): i32 {
      return dispatcher__ds_load_unset();
    }
  }

  /**
   * Message capture (Kamailio's `siptrace` module) to the server's HEP collector (config `trace.hep`) and the
   * tenant's recent-trace store (admin API `GET /v1/tenants/:tenant/trace`). The collector is the operator's:
   * a script cannot name another destination (Kamailio's sip_trace_dst*, which would let a script send copies
   * of traffic to any address, are not offered).
   */
  export namespace siptrace {
    /**
     * Capture the current message as received. 1; -1 when the server keeps no trace (no collector and no
     * store) or there is no received message (a route run by a timer).
     */
    export function sip_trace(): i32 {
      return siptrace__sip_trace();
    }

    /**
     * Capture by `mode`: "m" the current message; "t" the current message and every later message of its
     * transaction (same Call-ID and CSeq number, so its ACK and CANCEL too), received and sent; "d" (dialog)
     * traces the current message only, as Kamailio does without its dialog module. Another or empty mode is
     * "m". Return codes as `sip-trace`.
     */
    export function sip_trace_mode(mode: string): i32 {
      const mode_utf8 = String.UTF8.encode(mode);
      return siptrace__sip_trace_mode(changetype<usize>(mode_utf8), <usize>mode_utf8.byteLength);
    }
  }
}
