-- The routing of guest-examples/assemblyscript/proxy in Kamailio's KEMI Lua, line by line: the baseline
-- of bench/proxy-calls.ts.

FLT_FAILOVER = 1

function ksr_request_route()
	if KSR.maxfwd.process_maxfwd(10) < 0 then
		KSR.sl.sl_send_reply(483, "Too Many Hops")
		KSR.x.exit()
	end
	if KSR.sanity.sanity_check(17895, 7) < 0 then
		KSR.xlog.xerr("malformed SIP request from $si:$sp\n")
		KSR.x.exit()
	end
	if KSR.is_OPTIONS() and KSR.is_myself_ruri() and KSR.corex.has_ruri_user() < 0 then
		KSR.sl.sl_send_reply(200, "Keepalive")
		KSR.x.exit()
	end
	if KSR.is_CANCEL() then
		if KSR.tm.t_check_trans() > 0 then ksr_relay() end
		KSR.x.exit()
	end
	-- Kamailio absorbs retransmissions here (kemi-wasm does it before the route)
	if not KSR.is_ACK() then
		if KSR.tm.t_check_trans() == 0 then KSR.x.exit() end
	end
	if KSR.siputils.has_totag() > 0 then
		ksr_within_dialog()
		KSR.x.exit()
	end
	KSR.hdr.remove("Route")
	if KSR.is_method_in("IS") then KSR.rr.record_route() end
	KSR.setdsturi(KSR.kx.get_def("PRIMARY"))
	if KSR.is_INVITE() then KSR.tm.t_on_failure("ksr_failover") end
	ksr_relay()
end

function ksr_within_dialog()
	if KSR.rr.loose_route() > 0 then
		ksr_relay()
	end
	if KSR.is_ACK() then
		if KSR.tm.t_check_trans() > 0 then ksr_relay() end
		KSR.x.exit()
	end
	KSR.sl.sl_send_reply(404, "Not here")
	KSR.x.exit()
end

function ksr_relay()
	if KSR.is_method_in("ISUB") then KSR.tm.t_on_reply("ksr_log_reply") end
	if KSR.tm.t_relay() < 0 then KSR.sl.sl_reply_error() end
	KSR.x.exit()
end

function ksr_reply_route()
	KSR.xlog.xdbg("response $rs $rr to $rm from $si:$sp\n")
end

function ksr_failover()
	if KSR.tm.t_is_canceled() > 0 or KSR.isflagset(FLT_FAILOVER) then return 1 end
	if KSR.tm.t_check_status("^5[0-9][0-9]$") < 0 and KSR.tm.t_branch_timeout() < 0 then return 1 end
	local secondary = KSR.kx.get_def("SECONDARY")
	if secondary == nil then return 1 end
	KSR.setflag(FLT_FAILOVER)
	KSR.xlog.xnotice("$rm $ci failed with $T_reply_code: failing over\n")
	KSR.setdsturi(secondary)
	KSR.tm.t_relay()
end

function ksr_log_reply()
	KSR.xlog.xinfo("reply $rs $rr to $rm from $si:$sp call-id $ci\n")
end
